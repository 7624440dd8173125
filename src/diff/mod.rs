//! Live vs merged comparison and unified diff rendering.
