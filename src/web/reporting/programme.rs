//! `GET /reports/programme`: the programme report for a year and an area, a clean page that
//! prints on A4 (the form and the navigation do not print; no table is cut mid-row), and
//! `GET /reports/programme.csv`: the same report as a download.
//!
//! Both go through the API's own core ([`programme`]): its checks, scope, modes and access
//! log, exactly as `GET /api/v1/reports/programme`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use crate::domain::vocab::Role;
use crate::http::cases::extract::ClientAddr;
use crate::http::error::{ApiError, FieldError};
use crate::http::reports::{programme, programme_csv};
use crate::http::state::AppState;
use crate::projections::registry::Registry;
use crate::stats::disclosure::Published;
use crate::stats::measure::Measure;
use crate::stats::programme::{Indicator, ProgrammeReport};
use crate::web::error::WebError;
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, render};
use crate::web::reporting::explorer::attachment;
use crate::web::reporting::query::ReportQuery;
use crate::web::reporting::table::{number_cell, suppression_note};
use crate::web::reporting::{labels, pickers, reader};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field};

/// The report page.
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
    match programme(&state, &reader, query.to_api(), false, client).await {
        Ok(report) => Ok(page(&state, &user, &query, &[], Some(&report))),
        Err(ApiError::Validation(errors)) => {
            let mut response = page(&state, &user, &query, &errors, None);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(error) => Err(WebError::api(error, lang)),
    }
}

/// The report as CSV, recorded in the access log as a download.
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
    let report = programme(&state, &reader, query.to_api(), true, client)
        .await
        .map_err(|error| WebError::api(error, lang))?;
    let name = format!("tincay-programme-{}-{}.csv", report.area, report.year);
    Ok(attachment(programme_csv(&report), &name))
}

fn page(
    state: &AppState,
    user: &WebUser,
    query: &ReportQuery,
    errors: &[FieldError],
    report: Option<&ProgrammeReport>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "report.title");
    let body = html! {
        article #programme-report .report {
            h1 { (title) }
            p.report-subtitle { (tr(lang, "report.subtitle")) }
            (form(state, user, query, errors))
            @if let Some(report) = report { (contents(state, lang, query, report)) }
        }
    };
    render(&Frame::new(state, user, title), body)
}

fn form(state: &AppState, user: &WebUser, query: &ReportQuery, errors: &[FieldError]) -> Markup {
    let lang = user.lang;
    let years = pickers::years(state.clock.today().year(), query.year.as_deref());
    let areas = pickers::areas(lang, &state.projections.registry, user.user.area.as_ref());
    let year_error = errors
        .iter()
        .any(|error| error.field == "year")
        .then(|| tr(lang, "stats.error.period"));
    let area_error = errors
        .iter()
        .any(|error| error.field == "area")
        .then(|| tr(lang, "stats.error.area"));
    html! {
        form #report-query .stacked.no-print method="get" action="/reports/programme" {
            (widgets::error_summary(lang, !errors.is_empty()))
            div.pickers {
                (widgets::select(lang,
                    Field::new("report-year", "year", tr(lang, "report.year")).error(year_error),
                    &pickers::borrowed(&years), query.year.as_deref(), None))
                (widgets::select(lang,
                    Field::new("report-area", "area", tr(lang, "report.area")).error(area_error),
                    &pickers::borrowed(&areas), query.area.as_deref(), None))
            }
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

fn contents(state: &AppState, lang: Lang, query: &ReportQuery, report: &ProgrammeReport) -> Markup {
    let registry = &state.projections.registry;
    let k = report.k;
    let first = time::Date::from_calendar_date(report.year, time::Month::January, 1).ok();
    let last = time::Date::from_calendar_date(report.year, time::Month::December, 31).ok();
    let period = match (first, last) {
        (Some(first), Some(last)) => format!("{} – {}", date(lang, first), date(lang, last)),
        _ => report.year.to_string(),
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
fn percent_text(lang: Lang, percent: f64) -> String {
    let text = format!("{percent:.1}");
    match lang {
        Lang::Vi => format!("{} %", text.replace('.', ",")),
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
        assert_eq!(percent_text(Lang::Vi, 85.5), "85,5 %");
        assert_eq!(percent_text(Lang::En, 100.0), "100.0%");
    }
}
