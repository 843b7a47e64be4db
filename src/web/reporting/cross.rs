//! A two-dimension statistics table as a cross-table: one row per value of the first
//! dimension, one column per value of the second, each cell the published number (or the
//! contract's suppressed marker, "<k").
//!
//! Only what the statistics API publishes is shown. It gives the cells and one grand
//! total, so that is all there is: no row or column totals, which would have to be added
//! up from perturbed cells (wrong) or, worse, would let a suppressed cell be worked out as
//! a total minus the others. The page says so in words under the table.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::projections::registry::Registry;
use crate::stats::dimension::{DimValue, Dimension};
use crate::stats::disclosure::Published;
use crate::stats::query::StatsTable;
use crate::web::i18n::{Lang, tr};
use crate::web::reporting::labels;
use crate::web::reporting::table::{number_cell, published};

/// The grid of a two-dimension table: its rows' and columns' values in the API's order
/// (first appearance), and each published cell by (row, column).
#[derive(Debug)]
pub struct Grid<'a> {
    pub row_dimension: Dimension,
    pub column_dimension: Dimension,
    pub rows: Vec<&'a DimValue>,
    pub columns: Vec<&'a DimValue>,
    pub cells: BTreeMap<(usize, usize), Published>,
}

/// The grid of `table` when it has exactly two dimensions; `None` otherwise.
pub fn grid(table: &StatsTable) -> Option<Grid<'_>> {
    let [row_dimension, column_dimension] = table.by.as_slice() else {
        return None;
    };
    let mut rows: Vec<&DimValue> = Vec::new();
    let mut columns: Vec<&DimValue> = Vec::new();
    let mut cells = BTreeMap::new();
    for cell in &table.table.cells {
        let [(_, row), (_, column)] = cell.values.as_slice() else {
            return None;
        };
        let r = position(&mut rows, row);
        let c = position(&mut columns, column);
        cells.insert((r, c), cell.value);
    }
    Some(Grid {
        row_dimension: *row_dimension,
        column_dimension: *column_dimension,
        rows,
        columns,
        cells,
    })
}

/// Where `value` is in `values`, adding it at the end the first time.
fn position<'a>(values: &mut Vec<&'a DimValue>, value: &'a DimValue) -> usize {
    if let Some(found) = values.iter().position(|known| *known == value) {
        found
    } else {
        values.push(value);
        values.len() - 1
    }
}

/// The cross-table of a two-dimension table, with `id`, and the grand total beneath it;
/// `None` for any other table.
pub fn cross_table(
    lang: Lang,
    registry: &Registry,
    table: &StatsTable,
    id: &str,
    caption: &str,
) -> Option<Markup> {
    let grid = grid(table)?;
    let k = table.k;
    let row_name = labels::dimension(lang, grid.row_dimension);
    let column_name = labels::dimension(lang, grid.column_dimension);
    let label =
        |dimension: Dimension, value: &DimValue| labels::value(lang, registry, dimension, value);
    Some(html! {
        div.table-wrap {
            table.cross id=(id) {
                caption { (caption) }
                thead {
                    tr {
                        th.corner scope="col" {
                            span.row-name { (row_name) }
                            " \\ "
                            span.column-name { (column_name) }
                        }
                        @for column in &grid.columns {
                            th.number scope="col" { (label(grid.column_dimension, column)) }
                        }
                    }
                }
                tbody {
                    @for (r, row) in grid.rows.iter().enumerate() {
                        tr {
                            th scope="row" { (label(grid.row_dimension, row)) }
                            @for c in 0..grid.columns.len() {
                                @if let Some(value) = grid.cells.get(&(r, c)) {
                                    (number_cell(*value, k))
                                } @else {
                                    td.number.missing {}
                                }
                            }
                        }
                    }
                }
            }
        }
        p #stats-cross-total .cross-total {
            strong { (tr(lang, "stats.cross.total")) ": " }
            @if table.table.total.is_suppressed() {
                span.number.suppressed { (published(table.table.total, k)) }
            } @else {
                span.number { (published(table.table.total, k)) }
            }
        }
        p.hint #stats-cross-note { (tr(lang, "stats.cross.no_margins")) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::disclosure::Suppression;
    use crate::stats::query::{Cell, Table};

    fn cell(kind: &str, sex: &str, value: Published) -> Cell {
        Cell {
            values: vec![
                (Dimension::ViolenceType, DimValue::Text(kind.to_owned())),
                (Dimension::Sex, DimValue::Text(sex.to_owned())),
            ],
            value,
        }
    }

    fn suppressed() -> Published {
        Published::Suppressed(Suppression::TooFewCases)
    }

    fn two_by_two() -> StatsTable {
        StatsTable {
            measure: "cases_opened",
            period: "2026".into(),
            area: "62".into(),
            by: vec![Dimension::ViolenceType, Dimension::Sex],
            k: 5,
            perturbed: true,
            units: "current",
            table: Table {
                cells: vec![
                    cell("physical", "female", Published::Count(41)),
                    cell("physical", "male", suppressed()),
                    cell("economic", "female", Published::Count(9)),
                    cell("economic", "male", suppressed()),
                ],
                total: Published::Count(52),
            },
        }
    }

    #[test]
    fn rows_are_the_first_dimension_and_columns_the_second() {
        let registry = Registry::default();
        let html = cross_table(Lang::Vi, &registry, &two_by_two(), "stats-cross", "Bảng")
            .unwrap()
            .into_string();
        assert!(
            html.contains(r#"<table class="cross" id="stats-cross">"#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<th class="number" scope="col">Nữ</th><th class="number" scope="col">Nam</th>"#
            ),
            "{html}"
        );
        assert!(html.contains(
            r#"<th scope="row">Bạo lực thể chất</th><td class="number">41</td><td class="number suppressed">&lt;5</td>"#
        ), "{html}");
        assert!(html.contains(
            r#"<th scope="row">Bạo lực kinh tế</th><td class="number">9</td><td class="number suppressed">&lt;5</td>"#
        ), "{html}");
        assert!(html.contains("52"), "the API's total is shown: {html}");
    }

    #[test]
    fn no_row_or_column_total_is_made_up() {
        // 52 − 41 − 9 = 2 would be the suppressed cells' sum: no number but the API's may
        // appear, and no margin at all.
        let registry = Registry::default();
        let html = cross_table(Lang::En, &registry, &two_by_two(), "t", "T")
            .unwrap()
            .into_string();
        let numbers: Vec<&str> = html
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect();
        assert_eq!(numbers, ["41", "5", "9", "5", "52"], "{html}");
        assert!(!html.contains("tfoot"), "{html}");
    }

    #[test]
    fn other_tables_are_not_crossed() {
        let registry = Registry::default();
        let mut one = two_by_two();
        one.by.truncate(1);
        for cell in &mut one.table.cells {
            cell.values.truncate(1);
        }
        assert!(cross_table(Lang::Vi, &registry, &one, "t", "T").is_none());
    }
}
