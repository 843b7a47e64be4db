//! The best averaging attack we could build within one officer's budget, measured (issue
//! 20): telling a commune-quarter with one case from one with none, on a balanced set.
//!
//! The attacker may not cut time finer than the quarter for a commune, so her only way to
//! isolate the commune is by area: for each shape `X` (one or two of the case dimensions),
//! the district's table by `X` against the table by `commune × X`, summing every other
//! commune's published cells and subtracting: `e_X = Σ_x D(x) − Σ_{c ≠ target} Σ_x C(c, x)`.
//! Each shape partitions the cases differently, so each difference carries independent
//! noise; she averages the `e_X` of all 28 shapes (56 tables, well within a budget of 500;
//! more shapes would need a third dimension, where the cells are mostly suppressed), reading
//! a suppressed cell as 2 (the middle of 0..4), and says "one case" above a threshold — the
//! best threshold for this very set, which flatters her.
//!
//! Run: `cargo test --lib stats::tests::attack -- --ignored --nocapture`.

use crate::stats::disclosure::{CellKey, K, Published, RecordKey, perturbed_count};

/// Value counts of the dimensions she may cut by: sex, age band, disability, ethnicity
/// group, referred by, risk level, GBVIMS type.
const DIMENSIONS: [u32; 7] = [3, 6, 2, 2, 9, 3, 6];

struct Case {
    commune: usize,
    key: u32,
    values: [u32; 7],
}

/// xorshift64*: reproducible, and independent of the keys' real source.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The published count of the cell holding exactly `cases`, as the server publishes it.
fn published(cases: &[&Case]) -> f64 {
    let key = CellKey::of(cases.iter().map(|case| RecordKey::new(case.key)));
    let count = cases.len() as u64;
    match perturbed_count(K::DEFAULT, key, count, count) {
        Published::Count(n) => n as f64,
        Published::Suppressed(_) => 2.0,
    }
}

/// The sum of a table's published cells, for the cases `keep` selects, by shape `dims`.
fn table_sum(cases: &[Case], dims: &[usize], keep: impl Fn(&Case) -> bool) -> f64 {
    let mut cells: std::collections::BTreeMap<Vec<u32>, Vec<&Case>> = Default::default();
    for case in cases.iter().filter(|case| keep(case)) {
        let coordinates = dims.iter().map(|d| case.values[*d]).collect();
        cells.entry(coordinates).or_default().push(case);
    }
    // Empty cells are suppressed too: the whole grid.
    let grid: u32 = dims.iter().map(|d| DIMENSIONS[*d]).product();
    let empty = grid as usize - cells.len();
    cells.values().map(|cell| published(cell)).sum::<f64>() + 2.0 * empty as f64
}

/// The attacker's estimate of the target commune's count.
fn estimate(cases: &[Case], communes: usize) -> f64 {
    let mut shapes: Vec<Vec<usize>> = (0..DIMENSIONS.len()).map(|d| vec![d]).collect();
    for a in 0..DIMENSIONS.len() {
        for b in a + 1..DIMENSIONS.len() {
            shapes.push(vec![a, b]);
        }
    }
    let mut total = 0.0;
    for shape in &shapes {
        let district = table_sum(cases, shape, |_| true);
        let others: f64 = (1..communes)
            .map(|c| table_sum(cases, shape, |case| case.commune == c))
            .sum();
        total += district - others;
    }
    total / shapes.len() as f64
}

fn world(stream: &mut Stream, target_cases: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |commune: usize, stream: &mut Stream| {
        let mut values = [0; 7];
        for (value, size) in values.iter_mut().zip(DIMENSIONS) {
            *value = stream.below(u64::from(size)) as u32;
        }
        cases.push(Case {
            commune,
            key: stream.next() as u32,
            values,
        });
    };
    for _ in 0..target_cases {
        add(0, stream);
    }
    // Four other communes of the district, 20 to 60 cases each in the quarter.
    for commune in 1..5 {
        for _ in 0..20 + stream.below(41) {
            add(commune, stream);
        }
    }
    cases
}

/// The success rate of the best threshold over `trials` worlds of each kind.
fn success_rate(trials: usize, seed: u64) -> f64 {
    let mut stream = Stream(seed);
    let mut scored: Vec<(f64, bool)> = Vec::new();
    for _ in 0..trials {
        for one in [false, true] {
            let cases = world(&mut stream, usize::from(one));
            scored.push((estimate(&cases, 5), one));
        }
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Threshold between positions: below says none, above says one.
    let ones_total = scored.iter().filter(|(_, one)| *one).count();
    let mut best = 0;
    let mut zeros_below = 0;
    let mut ones_below = 0;
    for (_, one) in &scored {
        if *one {
            ones_below += 1;
        } else {
            zeros_below += 1;
        }
        best = best.max(zeros_below + (ones_total - ones_below));
    }
    best as f64 / scored.len() as f64
}

#[test]
#[ignore = "a measurement, not a test"]
fn the_best_averaging_attack_within_one_budget() {
    let rate = success_rate(300, 0x5eed_2026);
    println!(
        "averaging attack: {:.1}% correct on 600 balanced commune-quarters",
        rate * 100.0
    );
}

#[test]
fn the_averaging_attack_is_little_better_than_a_coin() {
    // A smaller balanced set, so the suite stays fast; the bar is the 60% plus the
    // sampling error of 200 worlds and of picking the best threshold on them.
    let rate = success_rate(100, 0x0a11_0ca7);
    assert!(
        rate <= 0.66,
        "the averaging attack is right {:.1}% of the time",
        rate * 100.0
    );
}
