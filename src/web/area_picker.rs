//! The area picker: one administrative unit chosen among what may be the whole country's
//! 3,355. A page gives it the units one may choose; it groups them by province (an
//! `<optgroup>` each), and when there are more than [`MAX_OPTIONS`], it lists only those
//! matching a search instead (a name or code, sent with a small GET form of its own, so it
//! works without a script), never thousands of options. A province's ~170 units fit in one
//! grouped list, which keeps a page within its weight budget with a real province loaded.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::domain::ids::AreaCode;
use crate::domain::vocab::AreaLevel;
use crate::projections::registry::Area;
use crate::web::i18n::{Lang, Message, msg, tr};
use crate::web::widgets::{self, Field};

/// The most options a picker lists.
pub const MAX_OPTIONS: usize = 200;

/// Longest chain of parents followed to find a unit's province.
const MAX_DEPTH: usize = 8;

/// The picker's words.
pub const MESSAGES: &[Message] = &[
    msg("picker.search", "Tìm đơn vị", "Find a unit"),
    msg(
        "picker.search_hint",
        "Gõ một phần tên hoặc mã (ví dụ: Đăk Hà, 23500), rồi bấm Tìm.",
        "Type part of a name or code (e.g. Đăk Hà, 23500), then press Find.",
    ),
    msg("picker.find", "Tìm", "Find"),
    msg(
        "picker.narrowed",
        "Chỉ hiện các đơn vị khớp với tìm kiếm (tối đa 200).",
        "Only the units that match the search are listed (at most 200).",
    ),
    msg("picker.other", "Khác", "Other"),
];

/// One picker on a page.
#[derive(Debug)]
pub struct AreaPicker<'a> {
    pub field: Field<'a>,
    /// The units one may choose, in any order.
    pub choices: Vec<Area>,
    /// Every unit, to name each group's province.
    pub all: &'a [Area],
    pub selected: Option<&'a str>,
    /// What was searched for (the page's `?{name}_q=`).
    pub search: Option<&'a str>,
    /// The empty first choice's text.
    pub blank: Option<&'a str>,
    /// The page the search form sends to.
    pub action: &'a str,
}

impl AreaPicker<'_> {
    /// The query parameter a picker's search uses.
    pub fn search_param(name: &str) -> String {
        format!("{name}_q")
    }

    /// The id of the picker's search form.
    fn form_id(&self) -> String {
        format!("{}-search", self.field.id)
    }

    /// Whether the choices are too many to list: the picker then needs its search form,
    /// which [`Self::search_form`] renders (outside the page's own form: forms do not nest).
    pub fn searches(&self) -> bool {
        self.choices.len() > MAX_OPTIONS
    }

    /// The search form, empty: its fields sit in the picker and join it by their `form`
    /// attribute. Nothing when the picker lists every choice.
    pub fn search_form(&self) -> Markup {
        self.search_form_keeping(&[])
    }

    /// [`Self::search_form`] carrying `keep` as hidden fields: a page whose own form is a
    /// GET (the statistics explorer) gets back what was chosen on it with the search.
    pub fn search_form_keeping(&self, keep: &[(&str, &str)]) -> Markup {
        html! {
            @if self.searches() {
                form id=(self.form_id()) method="get" action=(self.action) {
                    @for (name, value) in keep {
                        input type="hidden" name=(name) value=(value);
                    }
                }
            }
        }
    }

    /// The picker: the grouped list, and the search above it when there are too many.
    pub fn render(&self, lang: Lang) -> Markup {
        let listed = self.listed();
        let groups = groups(&listed, self.all);
        let names: BTreeMap<&AreaCode, &str> = self
            .all
            .iter()
            .filter(|area| area.level == AreaLevel::Province)
            .map(|area| (&area.code, area.name.as_str()))
            .collect();
        let param = Self::search_param(self.field.name);
        let search_id = format!("{}-q", self.field.id);
        html! {
            @if self.searches() {
                div.field.area-search {
                    label for=(search_id) { (tr(lang, "picker.search")) }
                    span.hint id={ (search_id) "-hint" } { (tr(lang, "picker.search_hint")) }
                    div.inline {
                        input id=(search_id) type="search" name=(param) form=(self.form_id())
                            value=(self.search.unwrap_or_default())
                            autocomplete=(widgets::NOT_REMEMBERED)
                            aria-describedby={ (search_id) "-hint" };
                        button.secondary type="submit" form=(self.form_id()) { (tr(lang, "picker.find")) }
                    }
                }
            }
            (grouped_select(lang, self.field, &names, &groups, self.selected, self.blank,
                self.searches().then(|| tr(lang, "picker.narrowed"))))
        }
    }

    /// What the list shows: every choice, or, when they are too many, those matching the
    /// search (and the one selected), at most [`MAX_OPTIONS`].
    fn listed(&self) -> Vec<&Area> {
        if !self.searches() {
            return self.choices.iter().collect();
        }
        let needle = self
            .search
            .map(|text| text.trim().to_lowercase())
            .unwrap_or_default();
        let mut listed: Vec<&Area> = self
            .choices
            .iter()
            .filter(|area| {
                Some(area.code.as_str()) == self.selected
                    || (!needle.is_empty()
                        && (area.code.as_str().starts_with(&needle)
                            || area.name.to_lowercase().contains(&needle)))
            })
            .collect();
        listed.sort_by(|a, b| a.code.cmp(&b.code));
        listed.truncate(MAX_OPTIONS);
        listed
    }
}

/// The units by province, provinces in code order (a province is the first of its own
/// group), units in code order within each.
fn groups<'a>(listed: &[&'a Area], all: &'a [Area]) -> BTreeMap<Option<AreaCode>, Vec<&'a Area>> {
    let by_code: BTreeMap<&AreaCode, &Area> = all.iter().map(|area| (&area.code, area)).collect();
    let mut groups: BTreeMap<Option<AreaCode>, Vec<&Area>> = BTreeMap::new();
    for area in listed {
        let province = province_of(area, &by_code);
        groups.entry(province).or_default().push(area);
    }
    for units in groups.values_mut() {
        units.sort_by(|a, b| {
            (a.level != AreaLevel::Province, &a.code)
                .cmp(&(b.level != AreaLevel::Province, &b.code))
        });
    }
    groups
}

fn province_of(area: &Area, by_code: &BTreeMap<&AreaCode, &Area>) -> Option<AreaCode> {
    let mut current = area;
    for _ in 0..MAX_DEPTH {
        if current.level == AreaLevel::Province {
            return Some(current.code.clone());
        }
        current = by_code.get(current.parent.as_ref()?)?;
    }
    None
}

/// A `<select>` of `groups`, one `<optgroup>` per province.
fn grouped_select(
    lang: Lang,
    field: Field<'_>,
    names: &BTreeMap<&AreaCode, &str>,
    groups: &BTreeMap<Option<AreaCode>, Vec<&Area>>,
    selected: Option<&str>,
    blank: Option<&str>,
    note: Option<&str>,
) -> Markup {
    let field = match note {
        Some(note) => field.hint(note),
        None => field,
    };
    let label_of = |province: &Option<AreaCode>| match province {
        Some(code) => match names.get(code) {
            Some(name) => format!("{code} · {name}"),
            None => code.to_string(),
        },
        None => tr(lang, "picker.other").to_owned(),
    };
    widgets::select_with(
        lang,
        field,
        blank,
        html! {
            @for (province, units) in groups {
                optgroup label=(label_of(province)) {
                    @for area in units {
                        option value=(area.code.as_str()) selected[selected == Some(area.code.as_str())] {
                            (area.code.as_str()) " · " (area.name)
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn area(code: &str, parent: Option<&str>) -> Area {
        Area {
            code: AreaCode::parse(code).unwrap(),
            name: format!("Xã Số {code}"),
            level: if code.len() == 2 {
                AreaLevel::Province
            } else {
                AreaLevel::Commune
            },
            parent: parent.map(|p| AreaCode::parse(p).unwrap()),
            valid_from: date!(2025 - 07 - 01),
            valid_to: None,
            successor: None,
        }
    }

    fn picker<'a>(all: &'a [Area], search: Option<&'a str>) -> AreaPicker<'a> {
        AreaPicker {
            field: Field::new("pick", "area", "Area"),
            choices: all.to_vec(),
            all,
            selected: Some("01"),
            search,
            blank: Some("—"),
            action: "/admin/users",
        }
    }

    #[test]
    fn a_province_is_one_grouped_list() {
        let mut all = vec![area("01", None)];
        all.extend((0..170).map(|n| area(&format!("{:05}", 100 + n), Some("01"))));
        let html = picker(&all, None).render(Lang::En).into_string();
        assert_eq!(
            html.matches("<option").count(),
            172,
            "every unit and the blank"
        );
        assert!(html.contains(r#"<optgroup label="01 · Xã Số 01">"#));
        assert!(!html.contains("type=\"search\""));
        assert!(picker(&all, None).search_form().into_string().is_empty());
    }

    #[test]
    fn the_whole_country_is_searched_never_listed() {
        let mut all = Vec::new();
        for province in 10..44 {
            all.push(area(&province.to_string(), None));
            all.extend(
                (0..100).map(|n| area(&format!("{province}{n:03}"), Some(&province.to_string()))),
            );
        }
        let unsearched = picker(&all, None).render(Lang::En).into_string();
        assert!(
            unsearched.matches("<option").count() <= 2,
            "only the blank (and the kept choice)"
        );
        assert!(unsearched.contains(r#"name="area_q" form="pick-search""#));
        let searched = picker(&all, Some("Số 2300")).render(Lang::En).into_string();
        assert_eq!(searched.matches("<option").count(), 1 + 10, "{searched}");
        let broad = picker(&all, Some("xã")).render(Lang::En).into_string();
        assert_eq!(broad.matches("<option").count(), 1 + MAX_OPTIONS);
        assert!(
            picker(&all, None)
                .search_form()
                .into_string()
                .contains(r#"<form id="pick-search" method="get""#)
        );
        let keeping = picker(&all, None)
            .search_form_keeping(&[("measure", "cases_opened"), ("part", "Q3")])
            .into_string();
        assert!(
            keeping.contains(r#"<input type="hidden" name="measure" value="cases_opened">"#),
            "{keeping}"
        );
        assert!(keeping.contains(r#"name="part" value="Q3""#));
    }
}
