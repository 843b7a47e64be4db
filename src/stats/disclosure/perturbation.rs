//! The perturbation table: the noise added to a count is a fixed function of the cell's key
//! and its true count, so the same set of units always gets the same published number, and
//! differencing two queries yields only noise.
//!
//! # Design
//!
//! A cell's bucket is its key's low byte (0..=255), uniform over random record keys. For each
//! class of true count `n` the table gives how many of the 256 buckets carry each noise; the
//! buckets are assigned in ascending order of noise (cumulative ranges), so every probability
//! is an exact multiple of 1/256:
//!
//! | true count `n` | −2 | −1 |  0  | +1 | +2 | mean | P(noise = 0) |
//! |----------------|----|----|-----|----|----|------|--------------|
//! | 0..k−1         |    |    |     |    |    | —    | — (suppressed, 0 too) |
//! | k              |  0 |  0 | 192 | 48 | 16 | +5/16 | 3/4 |
//! | k+1            |  0 | 80 |  96 | 80 |  0 | 0    | 3/8 |
//! | ≥ k+2          | 16 | 64 |  96 | 64 | 16 | 0    | 3/8 |
//!
//! Bucket ranges: for `n ≥ k+2`, 0–15 → −2, 16–79 → −1, 80–175 → 0, 176–239 → +1,
//! 240–255 → +2; for `n = k+1`, 0–79 → −1, 80–175 → 0, 176–255 → +1; for `n = k`,
//! 0–191 → 0, 192–239 → +1, 240–255 → +2.
//!
//! - `n ≥ k+2`: zero-mean, variance exactly 1, non-zero with probability 5/8.
//! - `n = k+1`: −2 would publish k−1, so the noise is ±1 only: still zero-mean and non-zero
//!   with probability 5/8 (variance 5/8).
//! - `n = k`: the noise may not be negative, so zero mean would mean no noise at all. We
//!   accept a bias of +5/16 (the published count is never below k, so a cell of exactly k
//!   publishes k, k+1 or k+2) rather than publish every k exactly: with some mass on +1 and
//!   +2, a published k, k+1 or k+2 can each come from a true k or k+1, so comparing two
//!   queries that differ by one person does not settle which is which.
//! - A published count is never below k when `n ≥ k`, and never above `n + 2`.

use std::collections::BTreeSet;

use super::keys::{CellKey, RecordKey};
use super::suppression::{K, Published, Suppression};

/// How many of the 256 buckets carry each noise −2, −1, 0, +1, +2.
pub type Distribution = [u16; 5];

/// The noise values, in bucket order.
const NOISES: [i8; 5] = [-2, -1, 0, 1, 2];

/// `n = k`: 0, +1 or +2; mean +5/16.
pub const AT_K: Distribution = [0, 0, 192, 48, 16];
/// `n = k+1`: −1, 0 or +1; mean 0.
pub const AT_K_PLUS_1: Distribution = [0, 80, 96, 80, 0];
/// `n ≥ k+2`: −2..=+2; mean 0, variance 1.
pub const FROM_K_PLUS_2: Distribution = [16, 64, 96, 64, 16];

/// The noise for a cell with this key and true count (0 for counts that are suppressed).
pub fn noise(k: K, key: CellKey, true_count: u64) -> i8 {
    match distribution(k, true_count) {
        Some(distribution) => noise_in_bucket(distribution, key.bucket()),
        None => 0,
    }
}

/// The distribution for a true count, or `None` when no noise applies (0..k−1).
pub fn distribution(k: K, true_count: u64) -> Option<&'static Distribution> {
    let k = k.count();
    if true_count < k {
        None
    } else if true_count == k {
        Some(&AT_K)
    } else if true_count == k + 1 {
        Some(&AT_K_PLUS_1)
    } else {
        Some(&FROM_K_PLUS_2)
    }
}

/// The noise of the bucket's cumulative range.
fn noise_in_bucket(distribution: &Distribution, bucket: u8) -> i8 {
    let mut upper: u16 = 0;
    for (noise, width) in NOISES.iter().zip(distribution) {
        upper += width;
        if u16::from(bucket) < upper {
            return *noise;
        }
    }
    // Unreachable: every distribution covers all 256 buckets (tested).
    0
}

/// A count in perturbed mode: 0..k−1 distinct cases are suppressed; otherwise the
/// true count plus the table's noise for the cell key. `count` is what the measure counts
/// (cases or events); suppression looks at `distinct_cases`.
pub fn perturbed_count(k: K, key: CellKey, count: u64, distinct_cases: u64) -> Published {
    if k.suppresses(distinct_cases) {
        return Published::Suppressed(Suppression::TooFewCases);
    }
    let noise = noise(k, key, count);
    Published::Count(count.saturating_add_signed(i64::from(noise)))
}

/// What perturbed mode needs to know about one cell, gathered one unit at a time: how many
/// units, from how many distinct cases, and the cell key.
#[derive(Clone, Debug)]
pub struct Tally<C> {
    /// Units counted (cases or events).
    count: u64,
    /// The cases those units belong to, for suppression.
    cases: BTreeSet<C>,
    /// The sum of the units' record keys.
    key: CellKey,
}

impl<C: Ord> Tally<C> {
    pub fn new() -> Self {
        Self {
            count: 0,
            cases: BTreeSet::new(),
            key: CellKey::EMPTY,
        }
    }

    /// Count one unit of `case` whose record key is `unit_key` (the case's own key when the
    /// unit is the case).
    pub fn add(&mut self, case: C, unit_key: RecordKey) {
        self.count += 1;
        self.cases.insert(case);
        self.key = self.key.add(unit_key);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn distinct_cases(&self) -> u64 {
        u64::try_from(self.cases.len()).unwrap_or(u64::MAX)
    }

    pub fn key(&self) -> CellKey {
        self.key
    }

    pub fn perturbed(&self, k: K) -> Published {
        perturbed_count(k, self.key, self.count, self.distinct_cases())
    }
}

impl<C: Ord> Default for Tally<C> {
    fn default() -> Self {
        Self::new()
    }
}
