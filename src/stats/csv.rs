//! Statistics as CSV (`Accept: text/csv`): the same numbers as the JSON, one row per cell
//! and a last row for the total (`total` in the first column); a suppressed number is an
//! empty `count` with `suppressed` set. Every field is a code, a number or a date-like
//! label, so nothing needs quoting, and nothing can start a spreadsheet formula.

use crate::stats::disclosure::Published;
use crate::stats::programme::ProgrammeReport;
use crate::stats::query::{Cell, StatsTable};

/// `GET /stats` as CSV.
pub fn stats(table: &StatsTable) -> String {
    let mut out = String::new();
    let mut header: Vec<&str> = table.by.iter().map(|dim| dim.code()).collect();
    header.extend(["count", "suppressed"]);
    line(&mut out, header.iter().map(|h| (*h).to_owned()));
    for cell in &table.table.cells {
        let mut fields: Vec<String> = cell.values.iter().map(|(_, value)| value.csv()).collect();
        fields.extend(number(cell.value));
        line(&mut out, fields.into_iter());
    }
    let mut total: Vec<String> = table.by.iter().map(|_| String::new()).collect();
    if let Some(first) = total.first_mut() {
        "total".clone_into(first);
    }
    total.extend(number(table.table.total));
    line(&mut out, total.into_iter());
    out
}

/// `GET /reports/programme` as CSV: `indicator,by,value,count,suppressed`.
pub fn programme(report: &ProgrammeReport) -> String {
    let mut out = String::new();
    line(
        &mut out,
        ["indicator", "by", "value", "count", "suppressed"]
            .into_iter()
            .map(str::to_owned),
    );
    let plain = |out: &mut String, name: &str, count: Published| {
        let mut fields = vec![name.to_owned(), String::new(), String::new()];
        fields.extend(number(count));
        line(out, fields.into_iter());
    };
    let addresses = report.trusted_addresses;
    plain(
        &mut out,
        "trusted_addresses_maintained",
        Published::Count(addresses.maintained),
    );
    plain(
        &mut out,
        "trusted_addresses_established",
        Published::Count(addresses.established),
    );
    for indicator in &report.indicators {
        let by = indicator.by.map(|dim| dim.code()).unwrap_or_default();
        for Cell { values, value } in &indicator.cells {
            let label = values.first().map(|(_, v)| v.csv()).unwrap_or_default();
            let mut fields = vec![indicator.indicator.to_owned(), by.to_owned(), label];
            fields.extend(number(*value));
            line(&mut out, fields.into_iter());
        }
        let mut fields = vec![
            indicator.indicator.to_owned(),
            by.to_owned(),
            "total".to_owned(),
        ];
        fields.extend(number(indicator.total));
        line(&mut out, fields.into_iter());
    }
    let on_time = report.follow_ups_on_time;
    plain(&mut out, "follow_ups_due", on_time.due);
    plain(&mut out, "follow_ups_on_time", on_time.on_time);
    let percent = on_time
        .percent
        .map(|p| format!("{p:.1}"))
        .unwrap_or_default();
    let suppressed = if on_time.percent.is_none() {
        "true"
    } else {
        ""
    };
    line(
        &mut out,
        [
            "follow_ups_on_time_percent".to_owned(),
            String::new(),
            String::new(),
            percent,
            suppressed.to_owned(),
        ]
        .into_iter(),
    );
    plain(
        &mut out,
        "cases_without_reporting_consent",
        report.cases_without_reporting_consent,
    );
    out
}

fn number(value: Published) -> [String; 2] {
    match value {
        Published::Count(count) => [count.to_string(), String::new()],
        Published::Suppressed(_) => [String::new(), "true".to_owned()],
    }
}

fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    let fields: Vec<String> = fields.collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}
