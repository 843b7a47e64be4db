//! The worked examples of the module documentation (and the README), checked.

use std::collections::BTreeSet;

use crate::stats::disclosure::audit::{Grid, Quantity, protect};
use crate::stats::disclosure::keys::{CellKey, RecordKey};
use crate::stats::disclosure::perturbation::{noise, perturbed_count};
use crate::stats::disclosure::suppression::{K, Published, Suppression};

/// The record keys of 17 fictional cases: 0–8 are low risk, 9–13 medium, 14–16 high.
const RECORD_KEYS: [u32; 17] = [
    0x9feb_6af7,
    0xc4ec_a351,
    0x8867_04c8,
    0x87b8_ec50,
    0xe5b9_b7b3,
    0xe02f_4115,
    0x473e_e1ef,
    0x2b49_c0a2,
    0x2653_1c6b,
    0x0d98_f3ea,
    0xadf3_cf3d,
    0x4f51_b5cb,
    0x9983_c3fc,
    0x6955_b5d5,
    0x50b0_c7d0,
    0x6b05_0bb4,
    0xc1e8_9f8f,
];

const LOW: std::ops::Range<usize> = 0..9;
const MEDIUM: std::ops::Range<usize> = 9..14;
const HIGH: std::ops::Range<usize> = 14..17;
const ALL: std::ops::Range<usize> = 0..17;

const HIDDEN: Published = Published::Suppressed(Suppression::TooFewCases);
const HIDDEN_TOO: Published = Published::Suppressed(Suppression::Complementary);

fn cell_key(cases: std::ops::Range<usize>) -> CellKey {
    CellKey::of(RECORD_KEYS[cases].iter().copied().map(RecordKey::new))
}

fn cases(ids: std::ops::RangeInclusive<u32>) -> BTreeSet<u32> {
    ids.collect()
}

#[test]
fn perturbed_cases_opened_by_risk_level() {
    let k = K::DEFAULT;
    // (cell, true count, cell key, bucket, noise, published); checked independently in Python.
    let expected = [
        (LOW, 9, 0xd3bc_b724, 36, -1, Published::Count(8)),
        (MEDIUM, 5, 0x0db7_f2c3, 195, 1, Published::Count(6)),
        (HIGH, 3, 0x7d9e_7313, 19, 0, HIDDEN),
        (ALL, 17, 0x5f13_1cfa, 250, 2, Published::Count(19)),
    ];
    for (cases, count, key, bucket, expected_noise, published) in expected {
        let key_of_cell = cell_key(cases);
        assert_eq!(key_of_cell.get(), key);
        assert_eq!(key_of_cell.bucket(), bucket);
        assert_eq!(noise(k, key_of_cell, count), expected_noise);
        assert_eq!(perturbed_count(k, key_of_cell, count, count), published);
    }
}

/// An exact grid of cases from each cell's case set and the set of all cases.
fn grid(cells: &[BTreeSet<u32>], total: &BTreeSet<u32>, multi: bool) -> Grid {
    let quantity = |set: &BTreeSet<u32>| Quantity {
        value: set.len() as u64,
        cases: set.len() as u64,
    };
    Grid {
        cells: cells.iter().map(quantity).collect(),
        groups: (0..cells.len())
            .map(|c| if multi { 0 } else { c })
            .collect(),
        total: quantity(total),
    }
}

#[test]
fn exact_cases_opened_by_risk_level() {
    // High risk has 3 cases; alone it would be 17 − 9 − 5, so the smallest other cell,
    // medium, is hidden too.
    let table = grid(
        &[cases(0..=8), cases(9..=13), cases(14..=16)],
        &cases(0..=16),
        false,
    );
    let release = protect(K::DEFAULT, &table);
    assert_eq!(release.cells, [Published::Count(9), HIDDEN_TOO, HIDDEN]);
    assert_eq!(release.total, Published::Count(17));
}

#[test]
fn exact_cases_by_violence_type_when_cases_have_several() {
    // Physical: cases 1–8; psychological: 5–12 (four cases have both); economic: 13–15.
    // Total: 15 cases. 15 ≤ 8 + 8 + economic holds for economic = 0, so it may be anything
    // from 0 to 15: safe alone.
    let table = grid(
        &[cases(1..=8), cases(5..=12), cases(13..=15)],
        &cases(1..=15),
        true,
    );
    let release = protect(K::DEFAULT, &table);
    assert_eq!(
        release.cells,
        [Published::Count(8), Published::Count(8), HIDDEN]
    );
    assert_eq!(release.total, Published::Count(15));
}

#[test]
fn exact_cases_by_violence_type_when_each_case_has_one() {
    // The same question when no case has two types: 17 ≤ 8 + 6 + economic forces economic
    // ≥ 3, so the smallest other cell (psychological, 6) is hidden as well.
    let table = grid(
        &[cases(1..=8), cases(9..=14), cases(15..=17)],
        &cases(1..=17),
        true,
    );
    let release = protect(K::DEFAULT, &table);
    assert_eq!(release.cells, [Published::Count(8), HIDDEN_TOO, HIDDEN]);
    assert_eq!(release.total, Published::Count(17));
}
