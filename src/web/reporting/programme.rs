//! `GET /reports/programme`: the programme report for a year or a quarter and an area (the
//! area from the shared area picker, as on the explorer), a clean page that
//! prints on A4 (the form and the navigation do not print; no table is cut mid-row), and
//! `GET /reports/programme.csv`: the same report as a download.
//!
//! Printed, it is an official report ([`print_heading`], [`signatures`]; issue 24): the
//! national heading (Quốc hiệu, tiêu ngữ) beside the reporting unit, the place and day of
//! printing, and at the end the preparer's and the head of unit's signature blocks; every
//! printed page carries its number (the stylesheet's `@page`). None of it shows on screen.
//!
//! Both go through the application core's use case ([`programme`]): its checks, scope,
//! modes and access log, exactly as `GET /api/v1/reports/programme`; a spent budget is the form with the day
//! it renews ([`Outcome`]).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use crate::app::error::{AppError, FieldError};
use crate::app::stats::csv::Csv;
use crate::app::stats::programme::programme;
use crate::domain::vocab::Role;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::projections::registry::Registry;
use crate::stats::disclosure::Published;
use crate::stats::measure::Measure;
use crate::stats::programme::{Indicator, ProgrammeReport};
use crate::web::error::WebError;
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, render};
use crate::web::reporting::explorer::attachment;
use crate::web::reporting::outcome::Outcome;
use crate::web::reporting::query::ReportQuery;
use crate::web::reporting::table::{number_cell, suppression_note};
use crate::web::reporting::{labels, pickers, reader};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field};

/// The report page's path.
pub const PATH: &str = "/reports/programme";

/// The report page. With `area_q` (the area picker's search) it shows the form alone and
/// asks for no report.
pub async fn report(
    State(state): State<AppState>,
    user: WebUser,
    ClientAddr(client): ClientAddr,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let reader = reader(&user)?;
    let lang = user.lang;
    let Query(query) = query.map_err(|_| WebError::status(StatusCode::BAD_REQUEST, lang))?;
    let query = query.or_this_year(state.clock.today().year());
    let outcome = if query.searching() {
        Outcome::Searching
    } else {
        let answer = programme(&state.app(), &reader, query.to_api(), false, client).await;
        Outcome::of(answer, lang)?
    };
    Ok(page(&state, &user, &query, &outcome))
}

/// The report as CSV, recorded in the access log as a download. A spent budget is the
/// report's page with its notice.
pub async fn report_csv(
    State(state): State<AppState>,
    user: WebUser,
    ClientAddr(client): ClientAddr,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let reader = reader(&user)?;
    let lang = user.lang;
    let Query(query) = query.map_err(|_| WebError::status(StatusCode::BAD_REQUEST, lang))?;
    let query = query.or_this_year(state.clock.today().year());
    let answer = programme(&state.app(), &reader, query.to_api(), true, client).await;
    let report = match answer {
        Ok(report) => report,
        Err(AppError::BudgetExhausted { renews_on }) => {
            return Ok(page(&state, &user, &query, &Outcome::Exhausted(renews_on)));
        }
        Err(error) => return Err(WebError::app(error, lang)),
    };
    let period = match report.quarter {
        Some(quarter) => format!("{}-Q{quarter}", report.year),
        None => report.year.to_string(),
    };
    let name = format!("tincay-programme-{}-{period}.csv", report.area);
    Ok(attachment(Csv::programme(&report), &name))
}

fn page(
    state: &AppState,
    user: &WebUser,
    query: &ReportQuery,
    outcome: &Outcome<ProgrammeReport>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "report.title");
    let body = html! {
        article #programme-report .report {
            h1 { (title) }
            p.report-subtitle { (tr(lang, "report.subtitle")) }
            @if let Some(notice) = outcome.notice(lang) { (notice) }
            (form(state, user, query, outcome.errors()))
            @if let Some(report) = outcome.answered() {
                (print_heading(state, lang, report))
                (contents(state, lang, query, report))
                (signatures(state, lang, user))
            }
        }
    };
    let mut response = render(&Frame::new(state, user, title), body);
    *response.status_mut() = outcome.status();
    response
}

/// The heading of the printed report: the reporting unit on the left, the national heading
/// and the day it is printed on the right (as official reports are laid out).
fn print_heading(state: &AppState, lang: Lang, report: &ProgrammeReport) -> Markup {
    let registry = &state.projections.registry;
    let today = state.clock.today();
    html! {
        header #national-heading .print-only {
            div.unit {
                p { (tr(lang, "report.print.unit")) }
                p.unit-name { strong { (labels::area_name(registry, &report.area)) } }
            }
            div.nation {
                p { strong { (tr(lang, "report.print.nation")) } }
                p.motto { strong { (tr(lang, "report.print.motto")) } }
                p #print-date { em {
                    (tr(lang, "report.print.date_before")) " " (date(lang, today))
                } }
            }
        }
    }
}

/// The signature blocks at the end of the printed report: the preparer (the signed-in
/// officer, by her full name if she has one, else by username) and the head of the
/// reporting unit.
fn signatures(state: &AppState, lang: Lang, user: &WebUser) -> Markup {
    let signer = state
        .projections
        .registry
        .user(&user.user.id)
        .and_then(|account| account.full_name)
        .unwrap_or_else(|| user.username.clone());
    html! {
        section #signatures .print-only {
            div.signature {
                p { strong { (tr(lang, "report.print.preparer")) } }
                p.sign-hint { em { (tr(lang, "report.print.sign")) } }
                p.signer { (signer) }
            }
            div.signature {
                p { strong { (tr(lang, "report.print.head")) } }
                p.sign-hint { em { (tr(lang, "report.print.sign_seal")) } }
            }
        }
    }
}

fn form(state: &AppState, user: &WebUser, query: &ReportQuery, errors: &[FieldError]) -> Markup {
    let lang = user.lang;
    let years = pickers::years(state.clock.today().year(), query.year.as_deref());
    let quarters = pickers::quarters(lang);
    let error = |field: &str, key| {
        errors
            .iter()
            .any(|error| error.field == field)
            .then(|| tr(lang, key))
    };
    let registry = &state.projections.registry;
    let own = user.user.area.as_ref();
    let all = registry.areas();
    let areas = pickers::area_picker(
        Field::new("report-area", "area", tr(lang, "report.area"))
            .error(error("area", "stats.error.area")),
        pickers::area_choices(registry, own),
        &all,
        query
            .area
            .as_deref()
            .filter(|area| !area.is_empty())
            .or(own.map(|own| own.as_str())),
        query.area_q.as_deref(),
        PATH,
    );
    let kept = query.pairs_without_area();
    let kept: Vec<(&str, &str)> = kept
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    html! {
        (areas.search_form_keeping(&kept))
        form #report-query .stacked.no-print method="get" action=(PATH) {
            (widgets::error_summary(lang, !errors.is_empty()))
            div.pickers {
                (widgets::select(lang,
                    Field::new("report-year", "year", tr(lang, "report.year"))
                        .error(error("year", "stats.error.period")),
                    &pickers::borrowed(&years), query.year.as_deref(), None))
                (widgets::select(lang,
                    Field::new("report-quarter", "quarter", tr(lang, "report.quarter"))
                        .error(error("quarter", "report.error.quarter")),
                    &pickers::borrowed(&quarters), Some(query.quarter().unwrap_or_default()), None))
            }
            (areas.render(lang))
            @if user.user.role == Role::Supervisor {
                (widgets::checkbox(
                    Field::new("report-exact", "exact", tr(lang, "stats.exact"))
                        .hint(tr(lang, "stats.exact_hint")),
                    query.exact.is_some()))
            }
            div.actions { button #report-show type="submit" { (tr(lang, "report.show")) } }
        }
    }
}

/// The first and last day of the report's period: its year, or its quarter.
fn period_days(report: &ProgrammeReport) -> Option<(time::Date, time::Date)> {
    let (first, last) = match report.quarter {
        Some(quarter) => (
            quarter.checked_mul(3)?.checked_sub(2)?,
            quarter.checked_mul(3)?,
        ),
        None => (1, 12),
    };
    let first = time::Month::try_from(first).ok()?;
    let last = time::Month::try_from(last).ok()?;
    let start = time::Date::from_calendar_date(report.year, first, 1).ok()?;
    let end = time::Date::from_calendar_date(report.year, last, last.length(report.year)).ok()?;
    Some((start, end))
}

fn contents(state: &AppState, lang: Lang, query: &ReportQuery, report: &ProgrammeReport) -> Markup {
    let registry = &state.projections.registry;
    let k = report.k;
    let period = match period_days(report) {
        Some((first, last)) => format!("{} – {}", date(lang, first), date(lang, last)),
        None => report.year.to_string(),
    };
    let mode = if report.perturbed {
        tr(lang, "report.mode_perturbed")
    } else {
        tr(lang, "report.mode_exact")
    };
    let csv = format!("/reports/programme.csv?{}", query.to_query_string());
    let addresses = report.trusted_addresses;
    let on_time = report.follow_ups_on_time;
    html! {
        dl #report-meta .report-meta {
            dt { (tr(lang, "report.area")) }
            dd { (labels::area_name(registry, &report.area)) " (" (report.area) ")" }
            dt { (tr(lang, "report.period")) }
            dd { (period) }
            dt { (tr(lang, "report.mode")) }
            dd { (mode) }
        }
        div.actions.no-print {
            a #report-csv .button.secondary href=(csv) { (tr(lang, "report.download")) }
        }
        p #print-hint .hint.no-print { (tr(lang, "report.print_hint")) }
        (suppression_note(lang, k, report.perturbed, report.perturbed))
        section.indicator #report-addresses {
            h2 { (tr(lang, "report.addresses")) }
            (simple_table(lang, "report-addresses-table", &[
                (tr(lang, "report.maintained"), Published::Count(addresses.maintained)),
                (tr(lang, "report.established"), Published::Count(addresses.established)),
            ], k))
        }
        @for indicator in &report.indicators {
            (indicator_section(lang, registry, indicator, k))
        }
        section.indicator #report-follow-ups {
            h2 { (tr(lang, "report.follow_ups")) }
            div.table-wrap {
                table #report-follow-ups-table {
                    thead { tr {
                        th scope="col" { (tr(lang, "report.indicator")) }
                        th.number scope="col" { (tr(lang, "report.number")) }
                    } }
                    tbody {
                        tr {
                            th scope="row" { (labels::measure(lang, Measure::FollowUpsDue)) }
                            (number_cell(on_time.due, k))
                        }
                        tr {
                            th scope="row" { (tr(lang, "report.follow_ups_on_time")) }
                            (number_cell(on_time.on_time, k))
                        }
                        tr {
                            th scope="row" { (tr(lang, "report.follow_ups_percent")) }
                            @match on_time.percent {
                                Some(percent) => td.number { (percent_text(lang, percent)) },
                                None => td.number.suppressed { (tr(lang, "report.percent_hidden")) },
                            }
                        }
                    }
                }
            }
        }
        section.indicator #report-consent {
            h2 { (tr(lang, "report.consent")) }
            (simple_table(lang, "report-consent-table", &[(
                labels::measure(lang, Measure::CasesWithoutReportingConsent),
                report.cases_without_reporting_consent,
            )], k))
        }
    }
}

/// `85.5` as `85,5 %` (Vietnamese) or `85.5%`.
pub(crate) fn percent_text(lang: Lang, percent: f64) -> String {
    let text = format!("{percent:.1}");
    match lang {
        Lang::Vi => format!("{}%", text.replace('.', ",")),
        Lang::En => format!("{text}%"),
    }
}

/// A table of named numbers.
fn simple_table(lang: Lang, id: &str, rows: &[(&str, Published)], k: u32) -> Markup {
    html! {
        div.table-wrap {
            table id=(id) {
                thead { tr {
                    th scope="col" { (tr(lang, "report.indicator")) }
                    th.number scope="col" { (tr(lang, "report.number")) }
                } }
                tbody {
                    @for (name, value) in rows {
                        tr { th scope="row" { (name) } (number_cell(*value, k)) }
                    }
                }
            }
        }
    }
}

/// One indicator: its heading, a row per published value and its total.
fn indicator_section(lang: Lang, registry: &Registry, indicator: &Indicator, k: u32) -> Markup {
    let measure = labels::measure_by_code(indicator.indicator)
        .map_or(indicator.indicator, |measure| {
            labels::measure(lang, measure)
        });
    let by = indicator
        .by
        .map(|dimension| labels::dimension(lang, dimension));
    let id = match indicator.by {
        Some(dimension) => format!("report-{}-{}", indicator.indicator, dimension.code()),
        None => format!("report-{}", indicator.indicator),
    };
    html! {
        section.indicator id=(id) {
            h2 {
                (measure)
                @if let Some(by) = by { " — " (by) }
            }
            div.table-wrap {
                table id={ (id) "-table" } {
                    thead { tr {
                        th scope="col" { (by.unwrap_or(tr(lang, "report.indicator"))) }
                        th.number scope="col" { (measure) }
                    } }
                    tbody {
                        @for cell in &indicator.cells {
                            tr {
                                th scope="row" {
                                    @for (dimension, value) in &cell.values {
                                        (labels::value(lang, registry, *dimension, value))
                                    }
                                }
                                (number_cell(cell.value, k))
                            }
                        }
                    }
                    tfoot {
                        tr.total {
                            th scope="row" { (tr(lang, "stats.total")) }
                            (number_cell(indicator.total, k))
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::dimension::{DimValue, Dimension};
    use crate::stats::disclosure::Suppression;
    use crate::stats::query::Cell;
    use crate::web::reporting::table::published;

    #[test]
    fn an_indicator_is_a_titled_table_with_small_numbers_hidden() {
        let indicator = Indicator {
            indicator: "people_supported",
            by: Some(Dimension::Sex),
            cells: vec![
                Cell {
                    values: vec![(Dimension::Sex, DimValue::Text("female".into()))],
                    value: Published::Count(11),
                },
                Cell {
                    values: vec![(Dimension::Sex, DimValue::Text("male".into()))],
                    value: Published::Suppressed(Suppression::TooFewCases),
                },
            ],
            total: Published::Count(12),
        };
        let html = indicator_section(Lang::En, &Registry::default(), &indicator, 5).into_string();
        assert!(
            html.contains(r#"id="report-people_supported-sex""#),
            "{html}"
        );
        assert!(html.contains("<h2>People supported — Sex</h2>"), "{html}");
        assert!(
            html.contains("<th scope=\"row\">Male</th><td class=\"number suppressed\">&lt;5</td>")
        );
        assert!(html.contains("<td class=\"number\">12</td>"));
        assert_eq!(published(indicator.total, 5), "12");
    }

    #[test]
    fn shares_are_written_as_people_write_them() {
        assert_eq!(percent_text(Lang::Vi, 85.5), "85,5%");
        assert_eq!(percent_text(Lang::En, 100.0), "100.0%");
    }
}
