//! The perturbation table and perturbed mode: the table as documented, its exact
//! distribution over all 256 buckets, its behaviour over 100,000 random cell keys, and the
//! promise that the same set of cases gets the same number whatever the query's shape.

use std::collections::BTreeMap;

use crate::stats::disclosure::keys::{CellKey, RecordKey};
use crate::stats::disclosure::perturbation::{
    AT_K, AT_K_PLUS_1, FROM_K_PLUS_2, Tally, distribution, noise, perturbed_count,
};
use crate::stats::disclosure::suppression::{K, Published, Suppression};

/// A small deterministic generator (SplitMix64), so the tests need no randomness source.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The noise of each bucket, as runs `(first bucket, last bucket, noise)`.
fn runs(k: K, n: u64) -> Vec<(u16, u16, i8)> {
    let mut runs: Vec<(u16, u16, i8)> = Vec::new();
    for bucket in 0..=255_u8 {
        let value = noise(k, CellKey::from_u32(u32::from(bucket)), n);
        match runs.last_mut() {
            Some((_, last, run)) if *run == value => *last = u16::from(bucket),
            _ => runs.push((u16::from(bucket), u16::from(bucket), value)),
        }
    }
    runs
}

#[test]
fn the_table_is_the_one_the_module_documents() {
    let k = K::DEFAULT;
    assert_eq!(runs(k, 0), [(0, 255, 0)]);
    assert_eq!(runs(k, 5), [(0, 191, 0), (192, 239, 1), (240, 255, 2)]);
    assert_eq!(runs(k, 6), [(0, 79, -1), (80, 175, 0), (176, 255, 1)]);
    let wide = [
        (0, 15, -2),
        (16, 79, -1),
        (80, 175, 0),
        (176, 239, 1),
        (240, 255, 2),
    ];
    for n in [7, 8, 20, 1000] {
        assert_eq!(runs(k, n), wide, "n = {n}");
    }
    assert_eq!(AT_K, [0, 0, 192, 48, 16]);
    assert_eq!(AT_K_PLUS_1, [0, 80, 96, 80, 0]);
    assert_eq!(FROM_K_PLUS_2, [16, 64, 96, 64, 16]);
}

#[test]
fn every_distribution_covers_the_256_buckets_exactly() {
    for distribution in [AT_K, AT_K_PLUS_1, FROM_K_PLUS_2] {
        assert_eq!(distribution.iter().sum::<u16>(), 256);
    }
    assert_eq!(distribution(K::DEFAULT, 4), None);
}

#[test]
fn the_noise_distribution_over_all_256_buckets_meets_the_contract() {
    for k in 3..=9 {
        let k = K::new(k).unwrap();
        for n in k.count()..=k.count() + 30 {
            let mut sum = 0_i64;
            let mut squares = 0_i64;
            let mut zeros = 0_u32;
            for bucket in 0..=255_u32 {
                let key = CellKey::from_u32(bucket << 8 | bucket);
                let value = noise(k, key, n);
                assert!((-2..=2).contains(&value));
                let published = perturbed_count(k, key, n, n).count().unwrap();
                assert!(published >= k.count(), "k = {k:?}, n = {n}: {published}");
                assert_eq!(published, n.saturating_add_signed(i64::from(value)));
                sum += i64::from(value);
                squares += i64::from(value) * i64::from(value);
                zeros += u32::from(value == 0);
            }
            let from_k = n - k.count();
            match from_k {
                // Bias +5/16; only 0, +1, +2.
                0 => assert_eq!((sum, zeros), (80, 192)),
                // Zero mean, P(0) = 3/8, variance 5/8.
                1 => assert_eq!((sum, zeros, squares), (0, 96, 160)),
                // Zero mean, P(0) = 3/8, variance 1.
                _ => assert_eq!((sum, zeros, squares), (0, 96, 256)),
            }
            if from_k >= 2 {
                assert!(zeros <= 128, "non-zero with probability ≥ 0.5");
            }
        }
    }
}

#[test]
fn over_100_000_random_cell_keys_the_noise_is_bounded_centred_and_often_non_zero() {
    let k = K::DEFAULT;
    let mut random = SplitMix(0x7157_ca11);
    let mut by_class: BTreeMap<u64, (i64, u64, u64)> = BTreeMap::new();
    for _ in 0..100_000 {
        let n = 5 + random.next() % 20;
        // A cell key as the sum of n random record keys.
        let key = CellKey::of((0..n).map(|_| RecordKey::new(random.next() as u32)));
        let published = perturbed_count(k, key, n, n).count().unwrap();
        assert!(published >= 5 && published.abs_diff(n) <= 2);
        let class = by_class.entry(n.min(7)).or_default();
        class.0 += published as i64 - n as i64;
        class.1 += u64::from(published == n);
        class.2 += 1;
    }
    for (class, (sum, zeros, cells)) in by_class {
        let mean = sum as f64 / cells as f64;
        let zero_share = zeros as f64 / cells as f64;
        let (expected_mean, expected_zeros) = if class == 5 {
            (0.3125, 0.75)
        } else {
            (0.0, 0.375)
        };
        assert!(
            (mean - expected_mean).abs() < 0.05,
            "class {class}: mean {mean}"
        );
        assert!(
            (zero_share - expected_zeros).abs() < 0.03,
            "class {class}: {zero_share}"
        );
    }
}

#[test]
fn zero_to_k_minus_one_cases_are_suppressed_alike() {
    let k = K::DEFAULT;
    let key = CellKey::from_u32(0xffff_ffff);
    for n in 0..5 {
        let suppressed = Published::Suppressed(Suppression::TooFewCases);
        assert_eq!(perturbed_count(k, key, n, n), suppressed);
    }
}

#[test]
fn six_support_events_for_one_woman_are_still_one_woman() {
    let mut tally = Tally::new();
    for version in 0..6 {
        tally.add("case-1", RecordKey::new(version * 77));
    }
    assert_eq!((tally.count(), tally.distinct_cases()), (6, 1));
    assert_eq!(
        tally.perturbed(K::DEFAULT),
        Published::Suppressed(Suppression::TooFewCases)
    );
}

/// A fictional case with two single-valued attributes.
struct Case {
    id: u32,
    key: RecordKey,
    sex: &'static str,
    disability: bool,
}

#[test]
fn the_same_cases_get_the_same_number_whatever_the_query_shape() {
    let mut random = SplitMix(42);
    let cases: Vec<Case> = (0..40)
        .map(|id| Case {
            id,
            key: RecordKey::new(random.next() as u32),
            sex: if id % 4 == 0 { "male" } else { "female" },
            // Every woman in this data set has disability = no.
            disability: id % 4 == 0 && id % 8 == 0,
        })
        .collect();
    let k = K::DEFAULT;
    let mut by_sex: BTreeMap<&str, Tally<u32>> = BTreeMap::new();
    let mut by_sex_and_disability: BTreeMap<(&str, bool), Tally<u32>> = BTreeMap::new();
    // The two queries see the cases in different orders.
    for case in &cases {
        by_sex.entry(case.sex).or_default().add(case.id, case.key);
    }
    for case in cases.iter().rev() {
        let cell = by_sex_and_disability.entry((case.sex, case.disability));
        cell.or_default().add(case.id, case.key);
    }
    let one_dimension = &by_sex["female"];
    let two_dimensions = &by_sex_and_disability[&("female", false)];
    assert_eq!(one_dimension.key(), two_dimensions.key());
    assert_eq!(one_dimension.perturbed(k), two_dimensions.perturbed(k));
    assert_eq!(one_dimension.count(), 30);
}
