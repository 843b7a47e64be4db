//! A case's short code, the name a volunteer and her supervisor both see and say to each
//! other ("vụ C57A-20A2"): the first eight hex digits of the case id (which are random in a
//! version 4 UUID), upper case, in two groups of four. It is derived, never stored, and says
//! nothing about the survivor; two cases may share one (about one chance in 4 billion per
//! pair), so a search by code lists every case that matches.
//!
//! A search is typed by hand: [`CodeSearch::parse`] takes 4 to 8 hex digits, with or without
//! the dash or spaces, in either case, and matches the codes that start with them.

use uuid::Uuid;

/// Digits in a code.
const DIGITS: usize = 8;
/// The fewest digits a search takes (fewer would match most of a list).
const FEWEST: usize = 4;

/// `C57A-20A2` for a case id starting `c57a20a2`.
pub fn case_code(id: Uuid) -> String {
    let hex = id.simple().to_string().to_ascii_uppercase();
    let (first, second) = (hex.get(..4).unwrap_or(""), hex.get(4..DIGITS).unwrap_or(""));
    format!("{first}-{second}")
}

/// A search by case code: the digits typed, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeSearch(String);

impl CodeSearch {
    /// The digits of `typed` (spaces and dashes dropped, upper case), if they are 4 to 8 hex
    /// digits; `None` otherwise.
    pub fn parse(typed: &str) -> Option<Self> {
        let digits: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let hex = digits.chars().all(|c| c.is_ascii_hexdigit());
        (hex && (FEWEST..=DIGITS).contains(&digits.len())).then_some(Self(digits))
    }

    /// Whether case `id`'s code starts with the digits searched for.
    pub fn matches(&self, id: Uuid) -> bool {
        case_code(id).replace('-', "").starts_with(&self.0)
    }

    /// The search as it is shown back: `C57A-20` for `c57a20`.
    pub fn shown(&self) -> String {
        match (self.0.get(..4), self.0.get(4..)) {
            (Some(first), Some(rest)) if !rest.is_empty() => format!("{first}-{rest}"),
            _ => self.0.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Uuid {
        Uuid::parse_str("c57a20a2-1111-4222-8333-444455556666").unwrap_or_default()
    }

    #[test]
    fn the_code_is_the_ids_first_eight_digits_in_two_groups() {
        assert_eq!(case_code(id()), "C57A-20A2");
    }

    #[test]
    fn a_search_takes_the_code_as_typed_on_a_phone() {
        for typed in ["C57A-20A2", "c57a20a2", " c57a 20a2 ", "c57a", "C57A-2"] {
            let search = CodeSearch::parse(typed);
            assert!(search.as_ref().is_some_and(|s| s.matches(id())), "{typed}");
        }
        assert_eq!(
            CodeSearch::parse("c57a2").map(|s| s.shown()),
            Some("C57A-2".into())
        );
        assert!(!CodeSearch::parse("C57B").is_some_and(|s| s.matches(id())));
    }

    #[test]
    fn a_search_refuses_what_is_not_a_code() {
        for typed in ["", "c57", "c57a20a2f", "Lò Thị", "g57a", "c57a%"] {
            assert_eq!(CodeSearch::parse(typed), None, "{typed}");
        }
    }
}
