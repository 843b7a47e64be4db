//! `GET /stats`: the statistics explorer (a GET form; the protected table, its chart and
//! the note on protection below it), and `GET /stats.csv`: the same table as a download.
//!
//! Both go through the API's own core ([`stats_table`]): its checks, its scope (an area
//! outside hers is 404), its modes (exact counts for supervisors only: 403 otherwise) and
//! its access log (an exact query, and every download, is recorded before it is answered).
//! A query the API refuses as invalid comes back as the form with the error under its
//! field.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};

use crate::domain::vocab::Role;
use crate::http::cases::extract::ClientAddr;
use crate::http::error::{ApiError, FieldError};
use crate::http::state::AppState;
use crate::http::stats::{stats_csv, stats_table};
use crate::stats::measure::Measure;
use crate::stats::query::StatsTable;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, tr};
use crate::web::page::{Frame, render};
use crate::web::reporting::query::ExplorerQuery;
use crate::web::reporting::{chart, labels, pickers, reader, table};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field};

/// The explorer.
pub async fn explorer(
    State(state): State<AppState>,
    user: WebUser,
    ClientAddr(client): ClientAddr,
    query: Result<Query<ExplorerQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let reader = reader(&user)?;
    let lang = user.lang;
    let Query(query) = query.map_err(|_| WebError::status(StatusCode::BAD_REQUEST, lang))?;
    let query = query.or_first(state.clock.today().year());
    match stats_table(&state, &reader, query.to_api(), false, client).await {
        Ok(table) => Ok(page(&state, &user, &query, &[], Some(&table))),
        Err(ApiError::Validation(errors)) => {
            let mut response = page(&state, &user, &query, &errors, None);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(error) => Err(WebError::api(error, lang)),
    }
}

/// The table as CSV, recorded in the access log as a download.
pub async fn explorer_csv(
    State(state): State<AppState>,
    user: WebUser,
    ClientAddr(client): ClientAddr,
    query: Result<Query<ExplorerQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let reader = reader(&user)?;
    let lang = user.lang;
    let Query(query) = query.map_err(|_| WebError::status(StatusCode::BAD_REQUEST, lang))?;
    let query = query.or_first(state.clock.today().year());
    let table = stats_table(&state, &reader, query.to_api(), true, client)
        .await
        .map_err(|error| WebError::api(error, lang))?;
    let name = format!(
        "tincay-{}-{}-{}.csv",
        table.measure,
        table.area,
        query.period()
    );
    Ok(attachment(stats_csv(&table), &name))
}

/// A download: `Content-Disposition: attachment` with `name` (codes and digits only).
pub fn attachment(mut response: Response, name: &str) -> Response {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The words of an error the API gave about one of its fields.
fn error_for(
    lang: Lang,
    errors: &[FieldError],
    fields: &[&str],
    key: &'static str,
) -> Option<&'static str> {
    errors
        .iter()
        .any(|error| fields.contains(&error.field.as_str()))
        .then(|| tr(lang, key))
}

/// The whole page: the form, then the table and its chart when there is one.
fn page(
    state: &AppState,
    user: &WebUser,
    query: &ExplorerQuery,
    errors: &[FieldError],
    table: Option<&StatsTable>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "stats.title");
    let body = html! {
        h1 { (title) }
        p.muted.no-print { (tr(lang, "stats.intro")) }
        (form(state, user, query, errors))
        @if let Some(table) = table { (results(state, lang, query, table)) }
    };
    render(&Frame::new(state, user, title), body)
}

fn form(state: &AppState, user: &WebUser, query: &ExplorerQuery, errors: &[FieldError]) -> Markup {
    let lang = user.lang;
    let this_year = state.clock.today().year();
    let measures = pickers::measures(lang);
    let dimensions = pickers::dimensions(lang);
    let years = pickers::years(this_year, query.year.as_deref());
    let parts = pickers::parts(lang);
    let units = pickers::units(lang);
    let areas = pickers::areas(lang, &state.projections.registry, user.user.area.as_ref());
    let by_error = error_for(lang, errors, &["by"], "stats.error.by");
    let dimension_pickers = [
        ("dim1", "stats.dim1", query.dim1.as_deref(), by_error),
        ("dim2", "stats.dim2", query.dim2.as_deref(), None),
        ("dim3", "stats.dim3", query.dim3.as_deref(), None),
    ];
    html! {
        form #stats-query .stacked.explorer.no-print method="get" action="/stats" {
            (widgets::error_summary(lang, !errors.is_empty()))
            (widgets::select(lang,
                Field::new("measure", "measure", tr(lang, "stats.measure"))
                    .error(error_for(lang, errors, &["measure"], "stats.error.measure")),
                &pickers::borrowed(&measures), query.measure.as_deref(), None))
            fieldset #dimensions {
                legend { (tr(lang, "stats.dimensions")) }
                p.hint { (tr(lang, "stats.dimensions_hint")) }
                div.pickers {
                    @for (name, key, chosen, error) in dimension_pickers {
                        (widgets::select(lang,
                            Field::new(name, name, tr(lang, key)).error(error),
                            &pickers::borrowed(&dimensions), chosen.or(Some("none")), None))
                    }
                }
            }
            div.pickers {
                (widgets::select(lang,
                    Field::new("year", "year", tr(lang, "stats.year"))
                        .error(error_for(lang, errors, &["period"], "stats.error.period")),
                    &pickers::borrowed(&years), query.year.as_deref(), None))
                (widgets::select(lang, Field::new("part", "part", tr(lang, "stats.part")),
                    &pickers::borrowed(&parts), query.part.as_deref(), None))
                (widgets::select(lang,
                    Field::new("area", "area", tr(lang, "stats.area"))
                        .error(error_for(lang, errors, &["area"], "stats.error.area")),
                    &pickers::borrowed(&areas), query.area.as_deref(), None))
                (widgets::select(lang,
                    Field::new("units", "units", tr(lang, "stats.units"))
                        .hint(tr(lang, "stats.units_hint"))
                        .error(error_for(lang, errors, &["units"], "stats.error.units")),
                    &pickers::borrowed(&units), query.units.as_deref(), None))
            }
            @if user.user.role == Role::Supervisor {
                (widgets::checkbox(
                    Field::new("exact", "exact", tr(lang, "stats.exact"))
                        .hint(tr(lang, "stats.exact_hint"))
                        .error(error_for(lang, errors, &["exact"], "stats.error.exact")),
                    query.wants_exact()))
            }
            div.actions { button #stats-show type="submit" { (tr(lang, "stats.show")) } }
        }
    }
}

/// The title of a table: its measure, period and area.
fn caption(state: &AppState, lang: Lang, table: &StatsTable) -> String {
    let measure = labels::measure_by_code(table.measure)
        .map_or(table.measure, |measure| labels::measure(lang, measure));
    let period = if table.period.contains("-Q") {
        labels::quarter(lang, &table.period)
    } else {
        labels::month(lang, &table.period)
    };
    let area = labels::area_name(&state.projections.registry, &table.area);
    format!("{measure} · {period} · {area}")
}

fn chart_title(lang: Lang, table: &StatsTable) -> String {
    let measure = labels::measure_by_code(table.measure)
        .map_or(table.measure, |measure| labels::measure(lang, measure));
    let by: Vec<&str> = table
        .by
        .iter()
        .map(|dimension| labels::dimension(lang, *dimension))
        .collect();
    if by.is_empty() {
        format!("{}: {measure}", tr(lang, "stats.chart"))
    } else {
        format!("{}: {measure} — {}", tr(lang, "stats.chart"), by.join(", "))
    }
}

fn results(state: &AppState, lang: Lang, query: &ExplorerQuery, table: &StatsTable) -> Markup {
    let registry = &state.projections.registry;
    let caption = caption(state, lang, table);
    let layout = chart::layout(&table::bars(lang, registry, table), table.k);
    let sums = table.measure == Measure::ShelterNights.code();
    let csv = format!("/stats.csv?{}", query.to_query_string());
    html! {
        section #stats-results aria-labelledby="stats-caption" {
            h2 #stats-caption { (caption) }
            (table::suppression_note(lang, table.k, table.perturbed, sums))
            @if table.table.cells.is_empty() && !table.by.is_empty() {
                p #stats-empty { (tr(lang, "stats.empty")) }
            }
            figure.chart-figure {
                (chart::render("stats-chart", &chart_title(lang, table), &layout))
                @if layout.truncated { figcaption.muted { (tr(lang, "stats.chart_truncated")) } }
            }
            (table::stats_table(lang, registry, table, "stats-table", &caption))
            p.actions.no-print {
                a #stats-csv .button.secondary href=(csv) { (tr(lang, "stats.download")) }
            }
            p.hint.no-print { (tr(lang, "stats.download_hint")) }
        }
    }
}
