//! Disclosure control for published statistics: what keeps a table of counts from revealing a
//! person (API.md, "Statistics"). Pure: no I/O, no clock, no randomness — record keys and the
//! deployment secret arrive as data. The aggregation that gathers counts from the log's facts
//! and the `GET /stats` handler call into this.
//!
//! # Layout
//!
//! - [`keys`]: record keys (a case's, stored in its `case_opened` facts; an event's, derived
//!   with HMAC-SHA-256 under the deployment secret) and cell keys (their sum mod 2^32).
//! - [`perturbation`]: the noise table of the cell-key method, and [`perturbation::Tally`],
//!   which gathers a cell's count, distinct cases and key one unit at a time.
//! - [`suppression`]: the threshold [`suppression::K`] (default 5, never below 3), the
//!   published form of a number, and primary suppression (0..k−1 cases).
//! - [`magnitude`]: sums (shelter nights) in perturbed mode — noise fixed by the cell key and
//!   scaled to the cell's largest contribution, then rounded to 5.
//! - [`audit`]: exact mode — true counts, primary suppression and the interval audit.
//!
//! # Two modes
//!
//! **Perturbed** (default; the only mode for reporting officers). A count is published as
//! `true count + noise(cell key, true count)`, with noise in −2..=+2 from the table in
//! [`perturbation`]: zero-mean with P(0) = 3/8 from k+1 up, never below k, and 0..k−1
//! *distinct cases* are suppressed whatever the measure counts (an empty cell looks exactly
//! like a small one). The same set of units always has the same key and so the same
//! published number, whatever query gathered it. Sums (shelter nights) get the noise of
//! [`magnitude`], scaled to the cell's largest contribution, and are rounded to 5.
//!
//! **Exact** (supervisors only). True values, with primary suppression and then the interval
//! audit: every suppressed cell's consistent values, reasoning with whole non-negative
//! counts, hold 0 and at least two others (see [`audit`]).
//!
//! # Worked examples (k = 5)
//!
//! Cases opened by risk level: 9 low, 5 medium, 3 high, 17 in all. Each cell key is the sum
//! of its cases' record keys (listed in `tests/examples.rs`); its low byte is the bucket.
//!
//! | risk level | true count | cell key      | bucket | noise | perturbed  | exact      |
//! |------------|-----------:|---------------|-------:|------:|-----------:|-----------:|
//! | low        | 9          | `0xd3bc_b724` | 36     | −1    | 8          | 9          |
//! | medium     | 5          | `0x0db7_f2c3` | 195    | +1    | 6          | suppressed |
//! | high       | 3          | `0x7d9e_7313` | 19     | —     | suppressed | suppressed |
//! | total      | 17         | `0x5f13_1cfa` | 250    | +2    | 19         | 17         |
//!
//! Perturbed: low is a count ≥ k+2 in bucket 36 (range 16–79, −1); medium is exactly k, in
//! bucket 195 (192–239, +1); high has 3 cases and is suppressed (as it would be with 0); the
//! total is a cell of its own (bucket 250, +2), so the published table need not add up
//! (8 + 6 ≠ 19). Exact: high is suppressed; alone it would be 17 − 9 − 5, so the smallest
//! other cell, medium, is suppressed too, and each may be anything from 0 to 8.
//!
//! Cases by violence type in exact mode, where a case may have several. With overlap:
//! physical cases 1–8, psychological 5–12 (four have both), economic 13–15. Without:
//! physical 1–8, psychological 9–14, economic 15–17.
//!
//! | violence type  | overlap: cases | published  | no overlap: cases | published  |
//! |----------------|---------------:|-----------:|------------------:|-----------:|
//! | physical       | 8              | 8          | 8                 | 8          |
//! | psychological  | 8              | 8          | 6                 | suppressed |
//! | economic       | 3              | suppressed | 3                 | suppressed |
//! | total (cases)  | 15             | 15         | 17                | 17         |
//!
//! The reader does not know which cases have several forms. With the overlap, 15 cases with
//! 8 + 8 + economic cells need only economic ≥ 0 (15 ≤ 16 + economic), so economic may be
//! anything from 0 to 15: safe alone. Without overlap the published 8 and 6 and the total 17
//! force economic ≥ 3, so the smallest other cell, psychological, is hidden too; then
//! either may be anything from 0 to 17.

pub mod audit;
pub mod keys;
pub mod magnitude;
pub mod perturbation;
pub mod suppression;

#[cfg(test)]
mod tests;

pub use audit::{Grid, Quantity, Release, protect};
pub use keys::{CellKey, RecordKey, SecretTooShort, StatisticsSecret};
pub use magnitude::perturbed_sum;
pub use perturbation::{Tally, perturbed_count};
pub use suppression::{K, KTooSmall, Published, Suppression};
