//! The threshold k, sums in perturbed mode, and how a published number is serialized.

use serde_json::json;

use crate::stats::disclosure::suppression::{K, KTooSmall, Published, Suppression, round_to_five};

#[test]
fn k_defaults_to_5_and_is_never_below_3() {
    assert_eq!(K::default().get(), 5);
    assert_eq!(K::new(2), Err(KTooSmall { got: 2 }));
    assert_eq!(K::new(0), Err(KTooSmall { got: 0 }));
    assert_eq!(K::new(3).map(K::get), Ok(3));
    assert_eq!(K::new(11).map(K::get), Ok(11));
}

#[test]
fn k_suppresses_zero_to_k_minus_one_cases_and_nothing_else() {
    // An empty cell is published exactly like a small one.
    let k = K::DEFAULT;
    let suppressed: Vec<u64> = (0..10).filter(|n| k.suppresses(*n)).collect();
    assert_eq!(suppressed, [0, 1, 2, 3, 4]);
}

#[test]
fn sums_are_rounded_to_a_multiple_of_5() {
    let rounded: Vec<u64> = (0..=13).map(round_to_five).collect();
    assert_eq!(rounded, [0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 15]);
    assert_eq!(round_to_five(u64::MAX), u64::MAX);
}

#[test]
fn a_published_number_serializes_as_the_api_says_and_never_says_why_it_is_hidden() {
    let shown = serde_json::to_value(Published::Count(12)).unwrap();
    assert_eq!(shown, json!({"count": 12}));
    for why in [Suppression::TooFewCases, Suppression::Complementary] {
        let hidden = serde_json::to_value(Published::Suppressed(why)).unwrap();
        assert_eq!(hidden, json!({"count": null, "suppressed": true}));
    }
}

#[test]
fn a_cell_can_flatten_its_coordinates_beside_the_count() {
    #[derive(serde::Serialize)]
    struct Cell {
        violence_type: &'static str,
        #[serde(flatten)]
        published: Published,
    }
    let cell = Cell {
        violence_type: "physical",
        published: Published::Suppressed(Suppression::TooFewCases),
    };
    assert_eq!(
        serde_json::to_value(cell).unwrap(),
        json!({"violence_type": "physical", "count": null, "suppressed": true})
    );
}
