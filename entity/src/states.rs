//! The states rows move through, and the words a spot-check is recorded with: defined in
//! the `states` crate (which src/domain names too), string-backed active enums here
//! through its `sea-orm` feature.

pub use states::*;
