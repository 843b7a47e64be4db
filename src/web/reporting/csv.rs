//! A statistics table as a CSV for people: UTF-8 with a byte-order mark (so a spreadsheet
//! reads the Vietnamese right), a header block saying what the table is (the period, the
//! measure, "Chỉ tiêu", the dimensions, "Tiêu thức phân tổ", the area, and the note on
//! protection), a blank line, then the table with every value in words and every
//! suppressed number as "<k", the total last.
//!
//! Fields are quoted as RFC 4180 says (a comma, a quote or a line break; quotes doubled),
//! lines end in CRLF, and a field a spreadsheet would read as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return: an area's name comes from an import) is
//! prefixed with an apostrophe. The numbers are the API's, nothing added up.
//!
//! The codes-only CSV (the API's own, [`crate::stats::csv`]) stays for machines.

use crate::projections::registry::Registry;
use crate::stats::query::StatsTable;
use crate::web::i18n::{Lang, tr};
use crate::web::reporting::labels;
use crate::web::reporting::table::published;

/// The byte-order mark that tells a spreadsheet the file is UTF-8.
pub const BOM: char = '\u{feff}';

/// What the header block says of the table, in words.
#[derive(Debug)]
pub struct Heading<'a> {
    pub period: &'a str,
    pub area: &'a str,
    /// The note on protection, one paragraph per entry.
    pub notes: Vec<String>,
}

/// The table as a labelled CSV.
pub fn labelled(lang: Lang, registry: &Registry, table: &StatsTable, heading: &Heading) -> String {
    let measure = labels::measure_by_code(table.measure)
        .map_or(table.measure, |measure| labels::measure(lang, measure));
    let dimensions: Vec<&str> = table
        .by
        .iter()
        .map(|dimension| labels::dimension(lang, *dimension))
        .collect();
    let mut out = String::new();
    out.push(BOM);
    line(&mut out, &[tr(lang, "stats.csv.period"), heading.period]);
    line(&mut out, &[tr(lang, "stats.measure"), measure]);
    let by = if dimensions.is_empty() {
        tr(lang, "stats.dim_none").to_owned()
    } else {
        dimensions.join("; ")
    };
    line(&mut out, &[tr(lang, "stats.csv.dimensions"), &by]);
    line(&mut out, &[tr(lang, "stats.area"), heading.area]);
    for note in &heading.notes {
        line(&mut out, &[tr(lang, "stats.csv.note"), note]);
    }
    out.push_str("\r\n");

    let mut header: Vec<&str> = dimensions.clone();
    if header.is_empty() {
        header.push(tr(lang, "stats.what"));
    }
    header.push(measure);
    line(&mut out, &header);
    let k = table.k;
    for cell in &table.table.cells {
        let mut fields: Vec<String> = cell
            .values
            .iter()
            .map(|(dimension, value)| labels::value(lang, registry, *dimension, value))
            .collect();
        fields.push(published(cell.value, k));
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        line(&mut out, &fields);
    }
    let mut total: Vec<String> = vec![tr(lang, "stats.total").to_owned()];
    total.extend((1..table.by.len()).map(|_| String::new()));
    total.push(published(table.table.total, k));
    let total: Vec<&str> = total.iter().map(String::as_str).collect();
    line(&mut out, &total);
    out
}

/// One record, its fields escaped, ended by CRLF.
fn line(out: &mut String, fields: &[&str]) {
    for (n, field) in fields.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&field_text(field));
    }
    out.push_str("\r\n");
}

/// A field as RFC 4180 writes it, defused if a spreadsheet would run it as a formula.
pub fn field_text(field: &str) -> String {
    let defused = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::dimension::{DimValue, Dimension};
    use crate::stats::disclosure::{Published, Suppression};
    use crate::stats::query::{Cell, Table};

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field_text("Nữ"), "Nữ");
        assert_eq!(field_text("a, b"), "\"a, b\"");
        assert_eq!(field_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field_text("two\nlines"), "\"two\nlines\"");
        assert_eq!(
            field_text("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        for risky in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                field_text(risky).trim_start_matches('"').starts_with('\''),
                "{risky}"
            );
        }
        assert_eq!(field_text("<5"), "<5");
        assert_eq!(field_text("0-11"), "0-11");
    }

    #[test]
    fn the_table_has_a_header_block_and_words_not_codes() {
        let registry = Registry::default();
        let table = StatsTable {
            measure: "cases_opened",
            period: "2026".into(),
            area: "62".into(),
            by: vec![Dimension::ViolenceType, Dimension::Sex],
            k: 5,
            perturbed: true,
            units: "current",
            table: Table {
                cells: vec![
                    Cell {
                        values: vec![
                            (Dimension::ViolenceType, DimValue::Text("physical".into())),
                            (Dimension::Sex, DimValue::Text("female".into())),
                        ],
                        value: Published::Count(12),
                    },
                    Cell {
                        values: vec![
                            (Dimension::ViolenceType, DimValue::Text("physical".into())),
                            (Dimension::Sex, DimValue::Text("male".into())),
                        ],
                        value: Published::Suppressed(Suppression::TooFewCases),
                    },
                ],
                total: Published::Count(14),
            },
        };
        let heading = Heading {
            period: "Năm 2026",
            area: "=Tỉnh, A",
            notes: vec!["Ghi chú một".into()],
        };
        let csv = labelled(Lang::Vi, &registry, &table, &heading);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches(BOM).split("\r\n").collect();
        assert_eq!(lines[0], "Kỳ báo cáo,Năm 2026");
        assert_eq!(lines[1], "Chỉ tiêu,Số vụ việc mới");
        assert_eq!(lines[2], "Tiêu thức phân tổ,Hình thức bạo lực; Giới tính");
        assert_eq!(lines[3], "Địa bàn,\"'=Tỉnh, A\"");
        assert_eq!(lines[4], "Ghi chú,Ghi chú một");
        assert_eq!(lines[5], "");
        assert_eq!(lines[6], "Hình thức bạo lực,Giới tính,Số vụ việc mới");
        assert_eq!(lines[7], "Bạo lực thể chất,Nữ,12");
        assert_eq!(lines[8], "Bạo lực thể chất,Nam,<5");
        assert_eq!(lines[9], "Tổng,,14");
        assert!(
            !csv.contains("physical") && !csv.contains("female"),
            "{csv}"
        );
    }
}
