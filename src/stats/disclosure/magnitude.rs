//! Magnitudes (shelter nights) in perturbed mode: the cell-key method for sums, after the
//! Australian Bureau of Statistics' TableBuilder. A sum is never merely rounded: two
//! overlapping tables whose sums are rounded the same way differ by exactly the nights of
//! the cases between them, up to the rounding, and the pairs of a few such tables pin one
//! woman's nights (API.md, "Statistics").
//!
//! # Design
//!
//! For a cell with true sum `S`, whose largest single contribution (one case's nights in the
//! cell) is `M`, the published value is
//!
//! ```text
//! published = round5(max(S + round(M × e), 1)), at least 5
//! e = (b − 127.5) / 255            b = the cell key's second byte (0..=255)
//! ```
//!
//! - `e` lies in ±0.5 and is uniform over 256 steps when any unit's record key is uniform,
//!   so the noise is zero-mean. It is a fixed function of the cell key, like the count noise:
//!   the same events give the same published sum in every query. It reads the key's second
//!   byte, not the low byte the count noise reads, so a cell's count noise and its sum noise
//!   are independent.
//! - The noise scales with `M`, the one case a difference would isolate: removing a case
//!   whose nights are `m ≤ M` from a cell moves the sum by `m` and re-draws a noise of spread
//!   `M` (standard deviation `M / √12 ≈ 0.29 M` on each side of the difference). A single
//!   difference of two overlapping tables therefore says about as much about `m` as a
//!   uniform draw over ±`M`/2 on each side, before the rounding to 5 hides the rest.
//! - Bounds: `|published − S| ≤ M/2 + 2.5` before the floor of 5; a cell to which fewer
//!   than k cases contribute is suppressed ([`super::suppression`]), and an empty one too.

use super::keys::CellKey;
use super::suppression::{K, Published, Suppression, round_to_five};

/// The smallest sum published for a cell that is not suppressed.
const FLOOR: u64 = 5;

/// The noise multiplier of a cell key: `(b − 127.5) / 255` for its second byte `b`.
pub fn multiplier(key: CellKey) -> f64 {
    let [_, second, _, _] = key.get().to_le_bytes();
    (f64::from(second) - 127.5) / 255.0
}

/// The noise added to a sum whose largest contribution is `largest`, before rounding.
pub fn noise(key: CellKey, largest: u64) -> i64 {
    // Nights fit comfortably in an f64 mantissa (at most 65,535 per event).
    let scaled = (largest as f64) * multiplier(key);
    scaled.round() as i64
}

/// A sum (shelter nights) in perturbed mode: suppressed when 0..k−1 distinct cases
/// contribute, otherwise the sum plus the key's noise scaled to the largest contribution,
/// rounded to a multiple of 5, and at least 5.
pub fn perturbed_sum(k: K, key: CellKey, sum: u64, largest: u64, distinct_cases: u64) -> Published {
    if k.suppresses(distinct_cases) {
        return Published::Suppressed(Suppression::TooFewCases);
    }
    let noisy = sum.saturating_add_signed(noise(key, largest)).max(1);
    Published::Count(round_to_five(noisy).max(FLOOR))
}
