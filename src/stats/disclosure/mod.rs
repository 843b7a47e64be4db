//! Disclosure control (placeholder doc, rewritten below).

pub mod complementary;
pub mod keys;
mod linear;
pub mod perturbation;
mod structure;
pub mod suppression;

#[cfg(test)]
mod tests;
