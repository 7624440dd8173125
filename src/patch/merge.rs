//! RFC 7386 JSON merge patch: apply, and three-way creation as kubectl does for custom resources.
