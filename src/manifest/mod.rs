//! Reading manifests: `-f` sources, multi-document YAML/JSON, `List` expansion, origins.
