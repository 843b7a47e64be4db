//! Tests of the disclosure-control core: keys, the perturbation table, magnitudes,
//! suppression, exact mode's interval audit (with a property test against a brute-force
//! oracle), and the worked examples the module documentation shows.

mod audit;
mod examples;
mod keys;
mod magnitude;
mod oracle;
mod perturbation;
mod suppression;
