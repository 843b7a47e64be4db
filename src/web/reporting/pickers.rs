//! The choices of the reporting pages' forms, as `(code, label)` pairs for
//! [`widgets::select`](crate::web::widgets::select): the API's measures and dimensions,
//! years and parts of a year, units, and the areas she may ask about (her own area and the
//! current units within it, from the registry projection, in the shared [`AreaPicker`]:
//! grouped by province, searched rather than listed when there are too many).

use crate::domain::ids::AreaCode;
use crate::projections::registry::{Area, Registry};
use crate::stats::dimension::Dimension;
use crate::stats::measure::Measure;
use crate::web::area_picker::AreaPicker;
use crate::web::i18n::{Lang, tr};
use crate::web::reporting::labels;
use crate::web::reporting::query::{NO_DIMENSION, WHOLE_YEAR};
use crate::web::widgets::Field;

/// How many years back the year picker reaches.
const YEARS_BACK: i32 = 9;

/// The options of a picker.
pub type Options = Vec<(String, String)>;

/// Borrowed for [`widgets::select`](crate::web::widgets::select).
pub fn borrowed(options: &Options) -> Vec<(&str, &str)> {
    options
        .iter()
        .map(|(code, label)| (code.as_str(), label.as_str()))
        .collect()
}

/// The measures `GET /stats` accepts.
pub fn measures(lang: Lang) -> Options {
    Measure::PUBLIC
        .iter()
        .map(|measure| {
            (
                measure.code().to_owned(),
                labels::measure(lang, *measure).to_owned(),
            )
        })
        .collect()
}

/// "None", then every dimension.
pub fn dimensions(lang: Lang) -> Options {
    std::iter::once((
        NO_DIMENSION.to_owned(),
        tr(lang, "stats.dim_none").to_owned(),
    ))
    .chain(Dimension::ALL.iter().map(|dimension| {
        (
            dimension.code().to_owned(),
            labels::dimension(lang, *dimension).to_owned(),
        )
    }))
    .collect()
}

/// This year and the years before it, and `chosen` if it is another.
pub fn years(this_year: i32, chosen: Option<&str>) -> Options {
    let mut years: Options = (0..=YEARS_BACK)
        .map(|back| {
            let year = (this_year - back).to_string();
            (year.clone(), year)
        })
        .collect();
    if let Some(chosen) = chosen.filter(|chosen| years.iter().all(|(code, _)| code != chosen)) {
        years.insert(0, (chosen.to_owned(), chosen.to_owned()));
    }
    years
}

/// The whole year, its quarters and its months.
pub fn parts(lang: Lang) -> Options {
    let quarters = [
        ("Q1", tr(lang, "stats.q1")),
        ("Q2", tr(lang, "stats.q2")),
        ("Q3", tr(lang, "stats.q3")),
        ("Q4", tr(lang, "stats.q4")),
    ];
    let months = [
        ("01", tr(lang, "stats.m01")),
        ("02", tr(lang, "stats.m02")),
        ("03", tr(lang, "stats.m03")),
        ("04", tr(lang, "stats.m04")),
        ("05", tr(lang, "stats.m05")),
        ("06", tr(lang, "stats.m06")),
        ("07", tr(lang, "stats.m07")),
        ("08", tr(lang, "stats.m08")),
        ("09", tr(lang, "stats.m09")),
        ("10", tr(lang, "stats.m10")),
        ("11", tr(lang, "stats.m11")),
        ("12", tr(lang, "stats.m12")),
    ];
    std::iter::once((WHOLE_YEAR, tr(lang, "stats.part_year")))
        .chain(quarters)
        .chain(months)
        .map(|(code, label)| (code.to_owned(), label.to_owned()))
        .collect()
}

/// The programme report's periods: the whole year (an empty value) or one of its quarters.
pub fn quarters(lang: Lang) -> Options {
    [
        ("", "stats.part_year"),
        ("1", "stats.q1"),
        ("2", "stats.q2"),
        ("3", "stats.q3"),
        ("4", "stats.q4"),
    ]
    .into_iter()
    .map(|(code, key)| (code.to_owned(), tr(lang, key).to_owned()))
    .collect()
}

/// Today's units or the units of the time.
pub fn units(lang: Lang) -> Options {
    vec![
        (
            "current".to_owned(),
            tr(lang, "stats.units_current").to_owned(),
        ),
        (
            "historical".to_owned(),
            tr(lang, "stats.units_historical").to_owned(),
        ),
    ]
}

/// Her area and the current (not retired) units within it: what her area picker offers.
pub fn area_choices(registry: &Registry, own: Option<&AreaCode>) -> Vec<Area> {
    let Some(own) = own else {
        return Vec::new();
    };
    registry
        .areas()
        .into_iter()
        .filter(|area| {
            &area.code == own
                || (area.valid_to.is_none() && registry.area_contains(own, &area.code))
        })
        .collect()
}

/// The area picker of a reporting page ([`AreaPicker`]: grouped by province, searched when
/// a province holds too many units to list): her area and the units within it, `selected`
/// (or her own area) chosen, no blank choice.
pub fn area_picker<'a>(
    field: Field<'a>,
    choices: Vec<Area>,
    all: &'a [Area],
    selected: Option<&'a str>,
    search: Option<&'a str>,
    action: &'a str,
) -> AreaPicker<'a> {
    AreaPicker {
        field,
        choices,
        all,
        selected,
        search: search.filter(|text| !text.trim().is_empty()),
        blank: None,
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_reach_back_and_keep_a_chosen_one() {
        let years = years(2026, Some("2001"));
        assert_eq!(years[0].0, "2001");
        assert_eq!(years[1].0, "2026");
        assert_eq!(years.len(), 11);
        assert_eq!(super::years(2026, Some("2025")).len(), 10);
    }

    #[test]
    fn parts_are_the_year_its_quarters_and_months() {
        let parts = parts(Lang::En);
        assert_eq!(parts.len(), 17);
        assert_eq!(parts[0], ("year".to_owned(), "Whole year".to_owned()));
        assert_eq!(parts[1].1, "1st quarter");
        assert_eq!(parts[16], ("12".to_owned(), "December".to_owned()));
    }

    #[test]
    fn the_report_is_for_the_year_or_one_of_its_quarters() {
        let quarters = quarters(Lang::Vi);
        assert_eq!(quarters.len(), 5);
        assert_eq!(quarters[0], (String::new(), "Cả năm".to_owned()));
        assert_eq!(quarters[3], ("3".to_owned(), "Quý 3".to_owned()));
    }

    #[test]
    fn dimensions_start_with_none_and_measures_are_the_apis() {
        let dims = dimensions(Lang::Vi);
        assert_eq!(dims[0].0, NO_DIMENSION);
        assert_eq!(dims.len(), Dimension::ALL.len() + 1);
        assert_eq!(measures(Lang::En).len(), Measure::PUBLIC.len());
        assert_eq!(measures(Lang::En)[0].1, "Cases opened");
    }
}
