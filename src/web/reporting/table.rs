//! A protected statistics table as HTML and as chart bars: one row per published cell with
//! its values translated, the total last, every suppressed number shown as "<k"; and the
//! paragraph that says in words why numbers are hidden and why tables need not add up.

use maud::{Markup, html};

use crate::projections::registry::Registry;
use crate::stats::disclosure::Published;
use crate::stats::query::{Cell, StatsTable};
use crate::web::i18n::{Lang, tr};
use crate::web::reporting::chart::Bar;
use crate::web::reporting::labels;

/// A published number as the page writes it: the count, or `<k` when suppressed.
pub fn published(value: Published, k: u32) -> String {
    match value {
        Published::Count(count) => count.to_string(),
        Published::Suppressed(_) => format!("<{k}"),
    }
}

/// A number's table cell (marked when suppressed, so it can be styled and found).
pub fn number_cell(value: Published, k: u32) -> Markup {
    html! {
        @if value.is_suppressed() {
            td.number.suppressed { (published(value, k)) }
        } @else {
            td.number { (published(value, k)) }
        }
    }
}

/// The cells' values in words, one list per cell.
fn row_labels(lang: Lang, registry: &Registry, cell: &Cell) -> Vec<String> {
    cell.values
        .iter()
        .map(|(dimension, value)| labels::value(lang, registry, *dimension, value))
        .collect()
}

/// The explorer's table, with `id`.
pub fn stats_table(
    lang: Lang,
    registry: &Registry,
    table: &StatsTable,
    id: &str,
    caption: &str,
) -> Markup {
    let k = table.k;
    let columns = table.by.len().max(1);
    html! {
        div.table-wrap {
            table id=(id) {
                caption { (caption) }
                thead {
                    tr {
                        @for dimension in &table.by {
                            th scope="col" { (labels::dimension(lang, *dimension)) }
                        }
                        @if table.by.is_empty() { th scope="col" { (tr(lang, "stats.what")) } }
                        th.number scope="col" {
                            (labels::measure_by_code(table.measure)
                                .map_or(table.measure, |measure| labels::measure(lang, measure)))
                        }
                    }
                }
                tbody {
                    @for cell in &table.table.cells {
                        tr {
                            @for (n, label) in row_labels(lang, registry, cell).iter().enumerate() {
                                @if n == 0 { th scope="row" { (label) } } @else { td { (label) } }
                            }
                            (number_cell(cell.value, k))
                        }
                    }
                }
                tfoot {
                    tr.total {
                        th scope="row" colspan=[(columns > 1).then_some(columns)] { (tr(lang, "stats.total")) }
                        (number_cell(table.table.total, k))
                    }
                }
            }
        }
    }
}

/// The bars of a table's chart: one per cell, grouped by the first dimension when there are
/// several; the total alone when there is none.
pub fn bars(lang: Lang, registry: &Registry, table: &StatsTable) -> Vec<Bar> {
    if table.by.is_empty() {
        return vec![Bar {
            group: None,
            label: tr(lang, "stats.total").to_owned(),
            value: table.table.total.count(),
        }];
    }
    table
        .table
        .cells
        .iter()
        .map(|cell| {
            let mut words = row_labels(lang, registry, cell).into_iter();
            let first = words.next().unwrap_or_default();
            let rest: Vec<String> = words.collect();
            if rest.is_empty() {
                Bar {
                    group: None,
                    label: first,
                    value: cell.value.count(),
                }
            } else {
                Bar {
                    group: Some(first),
                    label: rest.join(" · "),
                    value: cell.value.count(),
                }
            }
        })
        .collect()
}

/// Why some numbers read "<k" and why a table need not add up, in words: one string per
/// paragraph.
pub fn note_paragraphs(lang: Lang, k: u32, perturbed: bool, sums: bool) -> Vec<String> {
    let mut paragraphs = vec![tr(lang, "stats.note.suppressed").replace("{k}", &k.to_string())];
    if perturbed {
        paragraphs.push(tr(lang, "stats.note.perturbed").to_owned());
        if sums {
            paragraphs.push(tr(lang, "stats.note.rounded").to_owned());
        }
    } else {
        paragraphs.push(tr(lang, "stats.note.exact").to_owned());
    }
    paragraphs
}

/// [`note_paragraphs`] as the page's notice.
pub fn suppression_note(lang: Lang, k: u32, perturbed: bool, sums: bool) -> Markup {
    html! {
        div #suppression-note .notice {
            @for paragraph in note_paragraphs(lang, k, perturbed, sums) { p { (paragraph) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::dimension::{DimValue, Dimension};
    use crate::stats::disclosure::Suppression;
    use crate::stats::query::Table;

    fn table(by: Vec<Dimension>, cells: Vec<Cell>, total: Published) -> StatsTable {
        StatsTable {
            measure: "cases_opened",
            period: "2026".into(),
            area: "62".into(),
            by,
            k: 5,
            perturbed: true,
            units: "current",
            table: Table { cells, total },
        }
    }

    fn cell(values: &[(Dimension, &str)], value: Published) -> Cell {
        Cell {
            values: values
                .iter()
                .map(|(dim, code)| (*dim, DimValue::Text((*code).to_owned())))
                .collect(),
            value,
        }
    }

    fn suppressed() -> Published {
        Published::Suppressed(Suppression::TooFewCases)
    }

    #[test]
    fn rows_are_translated_and_small_numbers_hidden() {
        let registry = Registry::default();
        let data = table(
            vec![Dimension::ViolenceType],
            vec![
                cell(
                    &[(Dimension::ViolenceType, "physical")],
                    Published::Count(12),
                ),
                cell(&[(Dimension::ViolenceType, "economic")], suppressed()),
            ],
            Published::Count(13),
        );
        let html = stats_table(Lang::Vi, &registry, &data, "stats-table", "Bảng").into_string();
        assert!(html.contains(r#"<table id="stats-table">"#), "{html}");
        assert!(
            html.contains("<th scope=\"row\">Bạo lực thể chất</th><td class=\"number\">12</td>")
        );
        assert!(html.contains(
            "<th scope=\"row\">Bạo lực kinh tế</th><td class=\"number suppressed\">&lt;5</td>"
        ));
        assert!(
            html.contains("Số vụ việc mới"),
            "the measure heads the numbers: {html}"
        );
        assert!(html.contains("Tổng"));
        assert!(html.contains("<td class=\"number\">13</td>"));
        assert!(!html.contains("physical"), "codes are not shown: {html}");
        let english = stats_table(Lang::En, &registry, &data, "t", "T").into_string();
        assert!(english.contains("Physical violence"));
        assert!(english.contains("Violence type"));
    }

    #[test]
    fn a_table_without_dimensions_is_its_total() {
        let registry = Registry::default();
        let data = table(Vec::new(), Vec::new(), suppressed());
        let html = stats_table(Lang::En, &registry, &data, "t", "T").into_string();
        assert!(
            html.contains("<td class=\"number suppressed\">&lt;5</td>"),
            "{html}"
        );
        let bars = bars(Lang::En, &registry, &data);
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].value, None);
    }

    #[test]
    fn several_dimensions_group_the_bars() {
        let registry = Registry::default();
        let data = table(
            vec![Dimension::ViolenceType, Dimension::Sex],
            vec![cell(
                &[
                    (Dimension::ViolenceType, "physical"),
                    (Dimension::Sex, "female"),
                ],
                Published::Count(7),
            )],
            Published::Count(7),
        );
        let bars = bars(Lang::En, &registry, &data);
        assert_eq!(bars[0].group.as_deref(), Some("Physical violence"));
        assert_eq!(bars[0].label, "Female");
        assert_eq!(bars[0].value, Some(7));
        let html = stats_table(Lang::En, &registry, &data, "t", "T").into_string();
        assert!(html.contains("<td>Female</td>"));
        assert!(html.contains(r#"colspan="2""#));
    }

    #[test]
    fn the_note_explains_hiding_and_noise_in_words() {
        let note = suppression_note(Lang::En, 5, true, false).into_string();
        assert!(note.contains(r#"id="suppression-note""#));
        assert!(note.contains("fewer than 5"), "{note}");
        assert!(note.contains("need not add up"), "{note}");
        let exact = suppression_note(Lang::Vi, 3, false, false).into_string();
        assert!(exact.contains("ít hơn 3"), "{exact}");
        assert!(exact.contains("chính xác"), "{exact}");
    }
}
