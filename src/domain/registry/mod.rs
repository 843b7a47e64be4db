//! The registries. TODO
