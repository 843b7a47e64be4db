//! Property: over random tables of one, two and three dimensions — small counts, many zeros
//! and small cells, a multi-valued dimension, several units per case, weights (sums), and
//! sometimes published one-way margins — exact mode never publishes a number from which a
//! suppressed one can be derived, publishes every other number exactly, and suppresses every
//! number with 1..k−1 cases.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::oracle;
use crate::stats::disclosure::complementary::protect;
use crate::stats::disclosure::suppression::{K, Published, Suppression};
use crate::stats::disclosure::table::{ExactTable, Unit};

/// A table's shape: the number of values of each dimension, whether the first is
/// multi-valued, and whether the one-way margins are published.
#[derive(Clone, Debug)]
struct Shape {
    sizes: Vec<usize>,
    multi_valued: bool,
    margins: bool,
}

/// One unit before it is placed: its case, weight, and for each dimension a bit set of
/// values (only the lowest set bit is used for a single-valued dimension).
type RawUnit = (u8, u64, Vec<u8>);

fn shape() -> impl Strategy<Value = Shape> {
    let sizes = prop_oneof![
        proptest::collection::vec(1_usize..=6, 1),
        proptest::collection::vec(1_usize..=4, 2),
        proptest::collection::vec(1_usize..=3, 3),
    ];
    (sizes, any::<bool>(), proptest::bool::weighted(0.3)).prop_map(
        |(sizes, multi_valued, margins)| Shape {
            sizes,
            multi_valued,
            margins,
        },
    )
}

fn raw_units(dimensions: usize) -> impl Strategy<Value = Vec<RawUnit>> {
    let unit = (
        0_u8..14,
        prop_oneof![4 => Just(1_u64), 1 => 0_u64..4],
        proptest::collection::vec(1_u8..64, dimensions),
    );
    proptest::collection::vec(unit, 0..40)
}

fn table() -> impl Strategy<Value = ExactTable<u8>> {
    shape().prop_flat_map(|shape| {
        let dimensions = shape.sizes.len();
        (Just(shape), raw_units(dimensions)).prop_map(|(shape, raw)| build(&shape, &raw))
    })
}

/// Place units in cells (mixed radix over the dimensions' values). A case's first unit fixes
/// its multi-valued values, as violence types are the case's, not the event's.
fn build(shape: &Shape, raw: &[RawUnit]) -> ExactTable<u8> {
    let mut case_values: std::collections::BTreeMap<u8, Vec<usize>> = Default::default();
    let units = raw
        .iter()
        .map(|(case, weight, bits)| {
            let mut per_dimension: Vec<Vec<usize>> = Vec::new();
            for (d, (size, bits)) in shape.sizes.iter().zip(bits).enumerate() {
                let all: Vec<usize> = (0..*size).filter(|v| bits >> v & 1 == 1).collect();
                let values = if all.is_empty() {
                    vec![usize::from(*bits) % size]
                } else {
                    all
                };
                if d == 0 && shape.multi_valued {
                    per_dimension.push(case_values.entry(*case).or_insert(values).clone());
                } else {
                    per_dimension.push(vec![values[0]]);
                }
            }
            Unit {
                case: *case,
                weight: *weight,
                cells: cells_of(&shape.sizes, &per_dimension),
            }
        })
        .collect();
    let margins = if shape.margins && shape.sizes.len() > 1 {
        one_way_margins(&shape.sizes)
    } else {
        Vec::new()
    };
    let cell_count = shape.sizes.iter().product();
    ExactTable::new(cell_count, margins, units).unwrap()
}

/// Every combination of the given values, as cell indices.
fn cells_of(sizes: &[usize], values: &[Vec<usize>]) -> Vec<usize> {
    let mut cells = vec![0_usize];
    for (size, options) in sizes.iter().zip(values) {
        cells = cells
            .iter()
            .flat_map(|cell| options.iter().map(move |v| cell * size + v))
            .collect();
    }
    cells
}

/// For each dimension and value, the cells with that value.
fn one_way_margins(sizes: &[usize]) -> Vec<Vec<usize>> {
    let cell_count: usize = sizes.iter().product();
    let coordinate = |cell: usize, d: usize| {
        let inner: usize = sizes[d + 1..].iter().product();
        cell / inner % sizes[d]
    };
    let mut margins = Vec::new();
    for (d, size) in sizes.iter().enumerate() {
        for value in 0..*size {
            margins.push(
                (0..cell_count)
                    .filter(|c| coordinate(*c, d) == value)
                    .collect(),
            );
        }
    }
    margins
}

/// Each number's true value and distinct cases, in oracle order.
fn truth(table: &ExactTable<u8>) -> Vec<(u64, usize)> {
    let numbers = table.cell_count() + table.margins().len() + 1;
    (0..numbers)
        .map(|q| {
            let inside = |unit: &Unit<u8>| {
                if q < table.cell_count() {
                    unit.cells.contains(&q)
                } else if q < numbers - 1 {
                    let margin = &table.margins()[q - table.cell_count()];
                    margin.iter().any(|c| unit.cells.contains(c))
                } else {
                    true
                }
            };
            let units: Vec<&Unit<u8>> = table.units().iter().filter(|u| inside(u)).collect();
            let value = units.iter().map(|u| u.weight).sum();
            let cases: BTreeSet<u8> = units.iter().map(|u| u.case).collect();
            (value, cases.len())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_suppressed_number_can_be_derived_from_the_published_ones(
        table in table(),
        k in 3_u32..=5,
    ) {
        let k = K::new(k).unwrap();
        let release = protect(k, &table);
        let published = oracle::in_order(&release);
        prop_assert_eq!(release.cells.len(), table.cell_count());
        prop_assert_eq!(release.margins.len(), table.margins().len());

        for (number, ((value, cases), shown)) in truth(&table).iter().zip(&published).enumerate() {
            let cases = *cases as u64;
            match shown {
                Published::Count(count) => {
                    prop_assert_eq!(count, value, "number {} published wrongly", number);
                    prop_assert!(!k.suppresses(cases), "number {} has {} cases", number, cases);
                }
                Published::Suppressed(Suppression::TooFewCases) => {
                    prop_assert!(k.suppresses(cases));
                }
                Published::Suppressed(Suppression::Complementary) => {
                    prop_assert!(cases > 0, "number {} is empty but hidden", number);
                }
            }
        }

        let derivable = oracle::derivable(&oracle::rows(&table), &published);
        prop_assert!(derivable.is_empty(), "derivable: {:?} in {:?}", derivable, published);
    }
}
