//! Output formats: yaml, json, name and tables.
pub mod yaml;
