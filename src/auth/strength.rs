//! How hard a new password is to guess, by the zxcvbn estimator (Dropbox's, ported to Rust):
//! dictionaries of common passwords, names and words, keyboard patterns, repeats, sequences,
//! dates and l33t substitutions, and the account's own username. A password it expects to
//! fall within [`MIN_GUESSES_LOG10`] (10^8) guesses is refused as `weak_password`, whatever
//! its length: `aaaaaaaaaa` or `password123` are long enough and guessed at once.
//! SECURITY-SENSITIVE: the password is never kept, logged or echoed, nor is the estimator's
//! feedback (which may quote parts of it).
//!
//! The estimator reads at most the first 100 characters, so its work is bounded whatever
//! is sent.

use zxcvbn::{Score, zxcvbn};

/// The weakest accepted score: "safely unguessable", more than 10^8 guesses.
const MIN_SCORE: Score = Score::Three;
/// The same threshold in guesses, for the documentation.
pub const MIN_GUESSES_LOG10: u8 = 8;

/// The message of a refused password (English; the web app and clients translate the code).
pub const TOO_EASY: &str = "is too easy to guess: use a longer phrase of several unrelated words";

/// Whether `password` is hard enough to guess for the account named `username`.
pub fn strong_enough(password: &str, username: &str) -> bool {
    let inputs: Vec<&str> = username
        .split(['.', '_', '-', '@', ' '])
        .filter(|part| part.chars().count() >= 3)
        .chain(std::iter::once(username))
        .filter(|part| !part.is_empty())
        .collect();
    zxcvbn(password, &inputs).score() >= MIN_SCORE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_but_guessable_passwords_are_weak() {
        for weak in [
            "aaaaaaaaaa",
            "password123",
            "1234567890",
            "qwertyuiop",
            "abcdefghij",
            "P@ssw0rd2026",
            "iloveyou12",
        ] {
            assert!(!strong_enough(weak, "tnv.lan"), "{weak}");
        }
    }

    #[test]
    fn the_username_in_the_password_does_not_count() {
        assert!(!strong_enough("hoaban.2026", "tnv.hoaban"));
    }

    #[test]
    fn phrases_are_strong() {
        for strong in [
            "mật khẩu đủ dài 2026",
            "một mật khẩu mới thật dài",
            "correct horse battery staple",
            "tngk-84vz-qw2m-x7rp",
        ] {
            assert!(strong_enough(strong, "tnv.lan"), "{strong}");
        }
    }
}
