//! `GET /stats/usage`: the statistics audit as a page, for supervisors and admins (the
//! API's [`StatsAuditor`]; reporting officers and volunteers get the 403 page): each
//! officer's statistics queries in the rolling 30 days, within the viewer's area (an admin
//! sees every officer), from the API's own report ([`report`]): distinct tables against the
//! budget, queries with repeats, and the officers with more than 20 distinct tables on one
//! commune flagged, flagged officers first.
//!
//! The page shows accounts and counts of tables, never a query's answer or a case.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::app::actor::StatsAuditor;
use crate::app::stats::usage::{OfficerUsage, UsageReport, report};
use crate::domain::vocab::Role;
use crate::edge::state::AppState;
use crate::projections::registry::Registry;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, tr};
use crate::web::page::{Frame, render};
use crate::web::reporting::labels;
use crate::web::session::WebUser;

/// The page's path.
pub const PATH: &str = "/stats/usage";

/// The audit page.
pub async fn page(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    let auditor: StatsAuditor = user.as_role()?;
    let lang = user.lang;
    let mut usage = report(&state.app(), &auditor);
    usage.officers.sort_by_key(|officer| !officer.flagged);
    let title = tr(lang, "usage.title");
    let body = html! {
        h1 { (title) }
        (intro(lang, &usage))
        (officers(lang, &state.projections.registry, &usage))
    };
    Ok(render(&Frame::new(&state, &user, title), body))
}

/// What the numbers mean: the window, the budget, the flag.
fn intro(lang: Lang, usage: &UsageReport) -> Markup {
    let fill = |key| {
        tr(lang, key)
            .replace("{days}", &usage.window_days.to_string())
            .replace("{budget}", &usage.budget.to_string())
            .replace("{flag}", &usage.flag_threshold.to_string())
    };
    html! {
        p #usage-intro { (fill("usage.intro")) }
        p.hint { (fill("usage.flag_hint")) }
    }
}

/// The table of officers, or a sentence when nobody asked.
fn officers(lang: Lang, registry: &Registry, usage: &UsageReport) -> Markup {
    html! {
        @if usage.officers.is_empty() {
            p #usage-empty { (tr(lang, "usage.empty")) }
        } @else {
            div.table-wrap {
                table #usage-table {
                    caption { (tr(lang, "usage.caption")) }
                    thead { tr {
                        th scope="col" { (tr(lang, "usage.officer")) }
                        th scope="col" { (tr(lang, "usage.role")) }
                        th.number scope="col" { (tr(lang, "usage.tables")) }
                        th.number scope="col" { (tr(lang, "usage.queries")) }
                        th scope="col" { (tr(lang, "usage.flag")) }
                    } }
                    tbody {
                        @for officer in &usage.officers {
                            (row(lang, registry, usage.budget, officer))
                        }
                    }
                }
            }
        }
    }
}

/// One officer: her tables (out of the budget, for a reporting officer), her queries, and
/// each flagged commune with its number of tables.
fn row(lang: Lang, registry: &Registry, budget: u32, officer: &OfficerUsage) -> Markup {
    let role = Role::parse(&officer.role).map_or(officer.role.as_str(), |role| role.label(lang));
    let limited = officer.role == Role::Reporting.code();
    html! {
        tr.flagged[officer.flagged] data-user=(officer.user) {
            th scope="row" { (officer.username) }
            td { (role) }
            td.number {
                (officer.tables)
                @if limited { " / " (budget) }
            }
            td.number { (officer.queries) }
            td {
                @if officer.flagged {
                    span.badge.overdue { (tr(lang, "usage.flagged")) }
                    ul.flagged-communes {
                        @for commune in &officer.communes {
                            li {
                                (labels::area_name(registry, &commune.commune))
                                " (" (commune.commune) "): "
                                (tr(lang, "usage.tables_on").replace("{n}", &commune.tables.to_string()))
                            }
                        }
                    }
                } @else {
                    span.muted { (tr(lang, "usage.not_flagged")) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::stats::usage::CommuneUsage;

    fn officer(name: &str, role: Role, flagged: bool) -> OfficerUsage {
        OfficerUsage {
            user: uuid::Uuid::nil(),
            username: name.to_owned(),
            role: role.code().to_owned(),
            tables: 21,
            queries: 30,
            flagged,
            communes: if flagged {
                vec![CommuneUsage {
                    commune: "23284".to_owned(),
                    tables: 21,
                }]
            } else {
                Vec::new()
            },
        }
    }

    fn usage(officers: Vec<OfficerUsage>) -> UsageReport {
        UsageReport {
            window_days: 30,
            budget: 500,
            flag_threshold: 20,
            officers,
        }
    }

    #[test]
    fn a_flagged_officer_is_marked_with_her_commune_and_tables() {
        let registry = Registry::default();
        let report = usage(vec![
            officer("bc.a", Role::Reporting, true),
            officer("gs.a", Role::Supervisor, false),
        ]);
        let html = officers(Lang::En, &registry, &report).into_string();
        assert!(html.contains(r#"<tr class="flagged""#), "{html}");
        assert!(html.contains("23284 (23284): 21 tables"), "{html}");
        assert!(
            html.contains("21 / 500"),
            "a reporting officer's budget: {html}"
        );
        assert!(
            html.contains("<td class=\"number\">21</td>"),
            "a supervisor has no budget: {html}"
        );
        assert!(html.contains("Reporting officer") || html.contains("Reporting"));
        let intro = intro(Lang::Vi, &report).into_string();
        assert!(intro.contains("500") && intro.contains("20") && intro.contains("30"));
    }

    #[test]
    fn nobody_asking_is_said_in_words() {
        let html = officers(Lang::Vi, &Registry::default(), &usage(Vec::new())).into_string();
        assert!(html.contains(r#"id="usage-empty""#), "{html}");
        assert!(!html.contains("<table"));
    }
}
