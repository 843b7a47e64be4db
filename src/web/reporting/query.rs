//! The explorer's query string, as its GET form sends it (a measure, three dimension
//! pickers, a year and a part of it, an area, units, and the supervisor's "exact" box),
//! turned into the API's own query ([`StatsQuery`]) so the API's core checks and answers
//! it. The page's first opening, with no query, gets a sensible default: cases opened by
//! violence type, this year, her own area.

use serde::Deserialize;

use crate::app::stats::programme::ProgrammeQuery;
use crate::app::stats::table::StatsQuery;

/// The value of a dimension picker that picks none.
pub const NO_DIMENSION: &str = "none";
/// The value of the part-of-year picker for the whole year.
pub const WHOLE_YEAR: &str = "year";

/// The explorer's query string (every value text, as the API's).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct ExplorerQuery {
    pub measure: Option<String>,
    pub dim1: Option<String>,
    pub dim2: Option<String>,
    pub dim3: Option<String>,
    /// `2026`.
    pub year: Option<String>,
    /// [`WHOLE_YEAR`], `Q1`..`Q4`, or a month `01`..`12`.
    pub part: Option<String>,
    pub area: Option<String>,
    pub units: Option<String>,
    /// The checkbox sends `yes`.
    pub exact: Option<String>,
    /// The area picker's search (its own small form): the page then only lists the
    /// matching units and asks for no table.
    pub area_q: Option<String>,
}

impl ExplorerQuery {
    /// The query the page opens with.
    pub fn first(year: i32) -> Self {
        Self {
            measure: Some("cases_opened".to_owned()),
            dim1: Some("violence_type".to_owned()),
            year: Some(year.to_string()),
            part: Some(WHOLE_YEAR.to_owned()),
            units: Some("current".to_owned()),
            ..Self::default()
        }
    }

    /// This query, or the first one when the page was opened without one; a missing year
    /// or part is this year, whole.
    pub fn or_first(self, year: i32) -> Self {
        if self.measure.is_none() {
            return Self::first(year);
        }
        Self {
            year: self.year.or_else(|| Some(year.to_string())),
            part: self.part.or_else(|| Some(WHOLE_YEAR.to_owned())),
            ..self
        }
    }

    /// The picked dimensions, in order (pickers left at "none" skipped).
    pub fn dimensions(&self) -> Vec<&str> {
        [&self.dim1, &self.dim2, &self.dim3]
            .into_iter()
            .filter_map(|dim| dim.as_deref())
            .filter(|dim| !dim.is_empty() && *dim != NO_DIMENSION)
            .collect()
    }

    /// The API's `period`: `2026`, `2026-Q1` or `2026-03`.
    pub fn period(&self) -> String {
        let year = self.year.as_deref().unwrap_or_default();
        match self.part.as_deref() {
            None | Some("") | Some(WHOLE_YEAR) => year.to_owned(),
            Some(part) if part.starts_with('Q') => format!("{year}-{part}"),
            Some(month) => format!("{year}-{month}"),
        }
    }

    /// Whether this is the area picker's search rather than a query.
    pub fn searching(&self) -> bool {
        self.area_q.is_some()
    }

    /// The query's fields but the area, as the area search form carries them back.
    pub fn pairs_without_area(&self) -> Vec<(&'static str, String)> {
        without_area(self.pairs())
    }

    /// The query's fields that have a value, in the form's order.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("measure", &self.measure),
            ("dim1", &self.dim1),
            ("dim2", &self.dim2),
            ("dim3", &self.dim3),
            ("year", &self.year),
            ("part", &self.part),
            ("area", &self.area),
            ("units", &self.units),
            ("exact", &self.exact),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|value| (name, value)))
        .collect()
    }

    /// Whether the supervisor asked for exact counts.
    pub fn wants_exact(&self) -> bool {
        self.exact.is_some()
    }

    /// The API's query for the same table.
    pub fn to_api(&self) -> StatsQuery {
        let dims = self.dimensions();
        StatsQuery {
            measure: self.measure.clone(),
            period: Some(self.period()),
            area: self.area.clone().filter(|area| !area.is_empty()),
            by: (!dims.is_empty()).then(|| dims.join(",")),
            exact: exact(self.exact.as_deref()),
            units: self.units.clone().filter(|units| !units.is_empty()),
        }
    }

    /// The query string of this query (for the CSV link and the language switch).
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.pairs() {
            out.append_pair(name, &value);
        }
        out.finish()
    }
}

/// The programme report's query string.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct ReportQuery {
    pub year: Option<String>,
    /// `1`..`4`, or empty for the whole year.
    pub quarter: Option<String>,
    pub area: Option<String>,
    pub exact: Option<String>,
    /// The area picker's search, as on the explorer.
    pub area_q: Option<String>,
}

impl ReportQuery {
    /// This query, with this year when none was given.
    pub fn or_this_year(self, year: i32) -> Self {
        Self {
            year: self.year.or_else(|| Some(year.to_string())),
            ..self
        }
    }

    /// The API's query for the same report.
    pub fn to_api(&self) -> ProgrammeQuery {
        ProgrammeQuery {
            year: self.year.clone(),
            quarter: self.quarter().map(str::to_owned),
            area: self.area.clone().filter(|area| !area.is_empty()),
            exact: exact(self.exact.as_deref()),
        }
    }

    /// The quarter asked for (`1`..`4` if valid; anything else goes to the API as it came),
    /// or `None` for the whole year.
    pub fn quarter(&self) -> Option<&str> {
        self.quarter
            .as_deref()
            .filter(|quarter| !quarter.is_empty())
    }

    /// Whether this is the area picker's search rather than a report.
    pub fn searching(&self) -> bool {
        self.area_q.is_some()
    }

    /// The query's fields but the area, as the area search form carries them back.
    pub fn pairs_without_area(&self) -> Vec<(&'static str, String)> {
        without_area(self.pairs())
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("year", &self.year),
            ("quarter", &self.quarter),
            ("area", &self.area),
            ("exact", &self.exact),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|value| (name, value)))
        .collect()
    }

    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.pairs() {
            out.append_pair(name, &value);
        }
        out.finish()
    }
}

/// The checkbox's `yes` is the API's `true`; anything else goes to the API as it came, to be
/// refused there (a reporting officer's `exact` is 403 whatever its value).
fn exact(raw: Option<&str>) -> Option<String> {
    raw.map(|value| match value {
        "yes" | "on" => "true".to_owned(),
        other => other.to_owned(),
    })
}

/// A query's fields but the area, as the area search form carries them back.
fn without_area(pairs: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    pairs
        .into_iter()
        .filter(|(name, _)| *name != "area")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_query_is_cases_opened_by_violence_type_this_year() {
        let api = ExplorerQuery::default().or_first(2026).to_api();
        assert_eq!(api.measure.as_deref(), Some("cases_opened"));
        assert_eq!(api.by.as_deref(), Some("violence_type"));
        assert_eq!(api.period.as_deref(), Some("2026"));
        assert_eq!(api.area, None, "her own area");
        assert_eq!(api.exact, None);
    }

    #[test]
    fn pickers_become_the_apis_query() {
        let query = ExplorerQuery {
            measure: Some("support_provided".into()),
            dim1: Some("support_type".into()),
            dim2: Some(NO_DIMENSION.into()),
            dim3: Some("sex".into()),
            year: Some("2026".into()),
            part: Some("Q3".into()),
            area: Some("610".into()),
            units: Some("historical".into()),
            exact: Some("yes".into()),
            area_q: None,
        };
        let api = query.to_api();
        assert_eq!(api.by.as_deref(), Some("support_type,sex"));
        assert_eq!(api.period.as_deref(), Some("2026-Q3"));
        assert_eq!(api.area.as_deref(), Some("610"));
        assert_eq!(api.units.as_deref(), Some("historical"));
        assert_eq!(api.exact.as_deref(), Some("true"));
        let month = ExplorerQuery {
            part: Some("03".into()),
            ..query.clone()
        };
        assert_eq!(month.period(), "2026-03");
        let text = query.to_query_string();
        assert!(text.contains("measure=support_provided&dim1=support_type"));
        assert!(text.contains("exact=yes"));
    }

    #[test]
    fn no_dimension_and_no_area_send_nothing() {
        let query = ExplorerQuery {
            measure: Some("cases_opened".into()),
            dim1: Some(NO_DIMENSION.into()),
            area: Some(String::new()),
            ..ExplorerQuery::default()
        }
        .or_first(2025);
        let api = query.to_api();
        assert_eq!(api.by, None);
        assert_eq!(api.area, None);
        assert_eq!(api.period.as_deref(), Some("2025"));
    }

    #[test]
    fn the_report_defaults_to_this_year() {
        let api = ReportQuery::default().or_this_year(2026).to_api();
        assert_eq!(api.year.as_deref(), Some("2026"));
        assert_eq!(api.area, None);
    }
}
