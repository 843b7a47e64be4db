//! The shared state, for the library's users that know it here (tests, benches): it lives
//! below both adapters, in [`crate::edge::state`].

pub use crate::edge::state::*;
