//! Strategic merge patch: create two-way and three-way patches, apply patches.
