//! Durability beyond sled's flush. PLACEHOLDER: the sled engine helper fills this in.
