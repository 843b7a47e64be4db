//! A statistics table or programme report as CSV, made once for both adapters: the body
//! ([`crate::stats::csv`] for the API's codes-only CSV, or the reporting page's labelled
//! one) and the protection it was published under, which travels beside it in the
//! `Tincay-Disclosure-Control` header ([`DISCLOSURE_HEADER`]). `http` answers it to an API
//! client; `web` as a download.

use crate::stats::programme::ProgrammeReport;
use crate::stats::query::StatsTable;

/// The response header that states the protection of a CSV table.
pub const DISCLOSURE_HEADER: &str = "tincay-disclosure-control";

/// A CSV document and its protection.
#[derive(Debug)]
pub struct Csv {
    pub body: String,
    /// `perturbed; k=5` or `exact; k=5`: the value of [`DISCLOSURE_HEADER`].
    pub disclosure: String,
}

impl Csv {
    /// `body`, published perturbed or exact with threshold `k`.
    pub fn new(body: String, perturbed: bool, k: u32) -> Self {
        let mode = if perturbed { "perturbed" } else { "exact" };
        Self {
            body,
            disclosure: format!("{mode}; k={k}"),
        }
    }

    /// A table as the API's codes-only CSV.
    pub fn stats(table: &StatsTable) -> Self {
        Self::new(crate::stats::csv::stats(table), table.perturbed, table.k)
    }

    /// A programme report as the API's codes-only CSV.
    pub fn programme(report: &ProgrammeReport) -> Self {
        Self::new(
            crate::stats::csv::programme(report),
            report.perturbed,
            report.k,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protection_is_stated_as_the_header_says_it() {
        assert_eq!(
            Csv::new(String::new(), true, 5).disclosure,
            "perturbed; k=5"
        );
        assert_eq!(Csv::new(String::new(), false, 11).disclosure, "exact; k=11");
    }
}
