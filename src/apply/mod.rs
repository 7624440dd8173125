//! kubectl's client-side apply policy: the last-applied annotation (`last_applied`), and the
//! request bodies apply, create and replace send.

pub mod last_applied;
