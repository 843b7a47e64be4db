//! Tests of the statistics projection and queries: the aggregation against a reference
//! computed naïvely from the same cases, the follow-up rules, keys derived late, snapshots,
//! and areas in current and historical units.

mod aggregation;
mod attack;
mod projection;
mod world;
