//! Output formats: yaml, json, name and tables.
