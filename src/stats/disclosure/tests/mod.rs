//! Tests of the disclosure-control core: keys, the perturbation table, suppression, exact
//! mode's complementary suppression (with a property test against an independent linear
//! algebra oracle), and the worked examples the module documentation shows.

mod complementary;
mod examples;
mod keys;
mod linear;
mod oracle;
mod perturbation;
mod props;
mod suppression;
