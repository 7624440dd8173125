//! kubectl's client-side apply policy: last-applied annotation, patcher, retries, prune.
