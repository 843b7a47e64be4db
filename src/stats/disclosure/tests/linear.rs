//! The exact rational elimination complementary suppression relies on.

use crate::stats::disclosure::linear::{Overflow, Ratio, express};

fn vector(values: &[i128]) -> Vec<Ratio> {
    values.iter().copied().map(Ratio::integer).collect()
}

#[test]
fn a_target_in_the_span_is_expressed_with_the_vectors_it_needs() {
    // (1, 2, 1) = (1, 1, 0) + (0, 1, 1); the third vector is not needed.
    let vectors = [vector(&[1, 1, 0]), vector(&[0, 1, 1]), vector(&[1, 0, 0])];
    let coefficients = express(&vectors, &vector(&[1, 2, 1])).unwrap().unwrap();
    assert_eq!(coefficients, vector(&[1, 1, 0]));
}

#[test]
fn a_target_outside_the_span_has_no_expression() {
    let vectors = [vector(&[1, 1, 0]), vector(&[0, 1, 1])];
    assert_eq!(express(&vectors, &vector(&[1, 1, 1])), Ok(None));
    assert_eq!(express(&[], &vector(&[0, 1])), Ok(None));
    assert_eq!(express(&[], &vector(&[0, 0])), Ok(Some(vec![])));
}

#[test]
fn fractions_are_exact() {
    // (1, 0) = ½·(1, 1) + ½·(1, −1).
    let vectors = [vector(&[1, 1]), vector(&[1, -1])];
    let coefficients = express(&vectors, &vector(&[1, 0])).unwrap().unwrap();
    let half = Ratio::integer(1).divided_by(Ratio::integer(2)).unwrap();
    assert_eq!(coefficients, [half, half]);
}

#[test]
fn an_overflow_is_reported_not_wrapped() {
    let huge = Ratio::integer(i128::MAX);
    assert_eq!(huge.times(Ratio::integer(2)), Err(Overflow));
    assert_eq!(Ratio::integer(1).divided_by(Ratio::ZERO), Err(Overflow));
    let vectors = [vector(&[i128::MAX, 3]), vector(&[2, i128::MAX])];
    assert_eq!(express(&vectors, &vector(&[1, 1])), Err(Overflow));
}
