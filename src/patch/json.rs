//! RFC 6902 JSON patch application.
