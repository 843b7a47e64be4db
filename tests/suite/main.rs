//! tincay's integration tests: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod support;

mod access_batch;
mod backup;
mod backup_tamper;
mod canary;
mod catalogue;
mod decode_before_append;
mod durability;
mod engines;
mod fuzz_seeds;
mod group_commit;
mod keyring_race;
mod log;
mod old_logs;
mod pg_failover;
mod pg_server;
mod pg_store;
mod projections;
mod properties;
mod read_ahead;
mod retention;
mod rotation;
mod sled_blocks;
mod sled_store;
mod tamper;
mod wal;
