//! Tests of the statistics projection and queries against a reference computed naïvely.
