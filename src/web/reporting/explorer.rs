//! `GET /stats`: the statistics explorer (a GET form; the protected table, its chart and
//! the note on protection below it), and `GET /stats.csv`: the same table as a download,
//! in words with a header block ([`csv`]); `GET /stats-codes.csv` is the API's codes-only
//! CSV of it.
//!
//! Both go through the application core's use case ([`stats_table`]): its checks, its scope (an area
//! outside hers is 404), its modes (exact counts for supervisors only: 403 otherwise) and
//! its access log (an exact query, and every download, is recorded before it is answered).
//! A query the API refuses as invalid comes back as the form with the error under its
//! field; a spent budget as the form with the day it renews ([`Outcome`]).
//!
//! The area is chosen with the shared [`AreaPicker`](crate::web::area_picker::AreaPicker)
//! (her area and its units grouped by province; with more than it lists, a search whose
//! small form carries the rest of the query back, and which asks no table).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::app::error::{AppError, FieldError};
use crate::app::stats::csv::{Csv, DISCLOSURE_HEADER};
use crate::app::stats::table::stats_table;
use crate::domain::bounds::FieldCode;
use crate::domain::vocab::Role;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::stats::measure::Measure;
use crate::stats::query::StatsTable;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, tr};
use crate::web::page::{Frame, render};
use crate::web::reporting::outcome::Outcome;
use crate::web::reporting::query::ExplorerQuery;
use crate::web::reporting::{chart, cross, csv, labels, pickers, reader, table};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field};

/// The explorer's path.
pub const PATH: &str = "/stats";
/// The labelled CSV's path, and the codes-only CSV's.
pub const CSV_PATH: &str = "/stats.csv";
pub const CODES_CSV_PATH: &str = "/stats-codes.csv";

/// The explorer. With `area_q` (the area picker's search) it shows the form alone, with
/// the matching units, and asks nothing of the statistics.
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
    let outcome = if query.searching() {
        Outcome::Searching
    } else {
        let answer = stats_table(&state.app(), &reader, query.to_api(), false, client).await;
        Outcome::of(answer, lang)?
    };
    Ok(page(&state, &user, &query, &outcome))
}

/// The table as a CSV for people ([`csv::labelled`]: words, a header block, the note on
/// protection), recorded in the access log as a download. A spent budget is the explorer's
/// page with its notice.
pub async fn explorer_csv(
    state: State<AppState>,
    user: WebUser,
    client: ClientAddr,
    query: Result<Query<ExplorerQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    download(state, user, client, query, false).await
}

/// A download: labelled, or codes only.
async fn download(
    State(state): State<AppState>,
    user: WebUser,
    ClientAddr(client): ClientAddr,
    query: Result<Query<ExplorerQuery>, QueryRejection>,
    codes: bool,
) -> Result<Response, WebError> {
    let reader = reader(&user)?;
    let lang = user.lang;
    let Query(query) = query.map_err(|_| WebError::status(StatusCode::BAD_REQUEST, lang))?;
    let query = query.or_first(state.clock.today().year());
    let answer = stats_table(&state.app(), &reader, query.to_api(), true, client).await;
    let table = match answer {
        Ok(table) => table,
        Err(AppError::BudgetExhausted { renews_on }) => {
            return Ok(page(&state, &user, &query, &Outcome::Exhausted(renews_on)));
        }
        Err(error) => return Err(WebError::app(error, lang)),
    };
    let name = format!(
        "tincay-{}-{}-{}.csv",
        table.measure,
        table.area,
        query.period()
    );
    if codes {
        return Ok(attachment(Csv::stats(&table), &name));
    }
    let period = period_label(lang, &table);
    let area = labels::area_name(&state.projections.registry, &table.area);
    let sums = table.measure == Measure::ShelterNights.code();
    let heading = csv::Heading {
        period: &period,
        area: &area,
        notes: table::note_paragraphs(lang, table.k, table.perturbed, sums),
    };
    let body = csv::labelled(lang, &state.projections.registry, &table, &heading);
    Ok(attachment(Csv::new(body, table.perturbed, table.k), &name))
}

/// The table as the codes-only CSV of the API (`GET /stats` with `Accept: text/csv`), for
/// machines, recorded as a download like [`explorer_csv`].
pub async fn explorer_codes_csv(
    state: State<AppState>,
    user: WebUser,
    client: ClientAddr,
    query: Result<Query<ExplorerQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    download(state, user, client, query, true).await
}

/// `csv` as a download named `name` (only the safe characters of it kept), its protection
/// in the `Tincay-Disclosure-Control` header as the API states it.
pub fn attachment(csv: Csv, name: &str) -> Response {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let mut response = (StatusCode::OK, csv.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&csv.disclosure) {
        headers.insert(DISCLOSURE_HEADER, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
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

/// The words of a refused field: `rule` when the API refused it for a rule on how tables
/// may be cut (its code says so: a month below district level, historical units for less
/// than a year, a grid over the limit), else `key`.
fn error_or_rule(
    lang: Lang,
    errors: &[FieldError],
    field: &str,
    key: &'static str,
    rule: (FieldCode, &'static str),
) -> Option<&'static str> {
    let refused: Vec<&FieldError> = errors.iter().filter(|error| error.field == field).collect();
    if refused.is_empty() {
        None
    } else if refused.iter().all(|error| error.code == rule.0) {
        Some(tr(lang, rule.1))
    } else {
        Some(tr(lang, key))
    }
}

/// The whole page: the budget notice if it is spent, the form, then the table and its
/// chart when there is one (a two-dimension table as a cross-table above the chart, and
/// as the list below it, folded).
fn page(
    state: &AppState,
    user: &WebUser,
    query: &ExplorerQuery,
    outcome: &Outcome<StatsTable>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "stats.title");
    let body = html! {
        h1 { (title) }
        p.muted.no-print { (tr(lang, "stats.intro")) }
        @if let Some(notice) = outcome.notice(lang) { (notice) }
        (form(state, user, query, outcome.errors()))
        @if let Some(table) = outcome.answered() { (results(state, lang, query, table)) }
    };
    let mut response = render(&Frame::new(state, user, title), body);
    *response.status_mut() = outcome.status();
    response
}

fn form(state: &AppState, user: &WebUser, query: &ExplorerQuery, errors: &[FieldError]) -> Markup {
    let lang = user.lang;
    let this_year = state.clock.today().year();
    let measures = pickers::measures(lang);
    let dimensions = pickers::dimensions(lang);
    let years = pickers::years(this_year, query.year.as_deref());
    let parts = pickers::parts(lang);
    let units = pickers::units(lang);
    let registry = &state.projections.registry;
    let own = user.user.area.as_ref();
    let all = registry.areas();
    let own_code = own.map(|own| own.as_str());
    let areas = pickers::area_picker(
        Field::new("area", "area", tr(lang, "stats.area")).error(error_for(
            lang,
            errors,
            &["area"],
            "stats.error.area",
        )),
        pickers::area_choices(registry, own),
        &all,
        query
            .area
            .as_deref()
            .filter(|area| !area.is_empty())
            .or(own_code),
        query.area_q.as_deref(),
        PATH,
    );
    let kept = query.pairs_without_area();
    let kept: Vec<(&str, &str)> = kept
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let by_error = error_or_rule(
        lang,
        errors,
        "by",
        "stats.error.by",
        (FieldCode::OutOfRange, "stats.error.too_large"),
    );
    let period_error = error_or_rule(
        lang,
        errors,
        "period",
        "stats.error.period",
        (FieldCode::Inconsistent, "stats.error.month_level"),
    );
    let units_error = error_or_rule(
        lang,
        errors,
        "units",
        "stats.error.units",
        (FieldCode::Inconsistent, "stats.error.historical_year"),
    );
    let dimension_pickers = [
        ("dim1", "stats.dim1", query.dim1.as_deref(), by_error),
        ("dim2", "stats.dim2", query.dim2.as_deref(), None),
        ("dim3", "stats.dim3", query.dim3.as_deref(), None),
    ];
    html! {
        (areas.search_form_keeping(&kept))
        form #stats-query .stacked.explorer.no-print method="get" action=(PATH) {
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
                        .error(period_error),
                    &pickers::borrowed(&years), query.year.as_deref(), None))
                (widgets::select(lang, Field::new("part", "part", tr(lang, "stats.part"))
                        .hint(tr(lang, "stats.part_hint")),
                    &pickers::borrowed(&parts), query.part.as_deref(), None))
                (widgets::select(lang,
                    Field::new("units", "units", tr(lang, "stats.units"))
                        .hint(tr(lang, "stats.units_hint"))
                        .error(units_error),
                    &pickers::borrowed(&units), query.units.as_deref(), None))
            }
            (areas.render(lang))
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
    let period = period_label(lang, table);
    let area = labels::area_name(&state.projections.registry, &table.area);
    format!("{measure} · {period} · {area}")
}

/// A table's period in words.
fn period_label(lang: Lang, table: &StatsTable) -> String {
    if table.period.contains("-Q") {
        labels::quarter(lang, &table.period)
    } else if table.period.contains('-') {
        labels::month(lang, &table.period)
    } else {
        labels::year(lang, &table.period)
    }
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
    let csv = format!("{CSV_PATH}?{}", query.to_query_string());
    let codes = format!("{CODES_CSV_PATH}?{}", query.to_query_string());
    html! {
        section #stats-results aria-labelledby="stats-caption" {
            h2 #stats-caption { (caption) }
            (table::suppression_note(lang, table.k, table.perturbed, sums))
            @if table.table.cells.is_empty() && !table.by.is_empty() {
                p #stats-empty { (tr(lang, "stats.empty")) }
            }
            @let cross = cross::cross_table(lang, registry, table, "stats-cross", &caption);
            @if let Some(cross) = &cross { (cross) }
            figure.chart-figure {
                (chart::render("stats-chart", &chart_title(lang, table), &layout))
                @if layout.truncated { figcaption.muted { (tr(lang, "stats.chart_truncated")) } }
            }
            @if cross.is_some() {
                details #stats-list {
                    summary { (tr(lang, "stats.cross.as_list")) }
                    (table::stats_table(lang, registry, table, "stats-table", &caption))
                }
            } @else {
                (table::stats_table(lang, registry, table, "stats-table", &caption))
            }
            p.actions.no-print {
                a #stats-csv .button.secondary href=(csv) { (tr(lang, "stats.download")) }
                " "
                a #stats-codes-csv href=(codes) { (tr(lang, "stats.download_codes")) }
            }
            p.hint.no-print { (tr(lang, "stats.download_hint")) }
        }
    }
}
