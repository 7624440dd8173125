//! Patch metadata (strategies and merge keys) behind one lookup trait, from OpenAPI v2,
//! OpenAPI v3 or the built-in table.
