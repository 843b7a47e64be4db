//! `/admin/areas`: the areas as a tree (each unit under its parent, with its validity and
//! successor), the form that defines one (the application core's `define_area`), and the merge
//! form of [`merge`](super::merge). `?under=CODE` narrows the tree and the merge choices
//! to one unit's part of it; with more units than a picker lists (a whole country), the
//! page shows the provinces only until one is chosen.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::app::input::Body;
use crate::app::registry::areas::{NewArea, define_area};
use crate::domain::ids::AreaCode;
use crate::domain::vocab::{AreaLevel, Vocabulary};
use crate::edge::state::AppState;
use crate::projections::registry::Area;
use crate::web::admin::merge::{MergeInput, merge_form};
use crate::web::admin::refusal::{refusal_of, summary};
use crate::web::admin::{Done, Notice, admin_only, area_label, borrowed, notice, redirect};
use crate::web::area_picker::MAX_OPTIONS;
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, csrf_field, render};
use crate::web::refusal::{Refusal, field_error};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field, IDEMPOTENCY_FIELD, idempotency_field, preconditions};

pub const PATH: &str = "/admin/areas";

/// The page's query: a notice, and the unit whose part of the tree to show.
#[derive(Debug, Default, Deserialize)]
pub struct AreasQuery {
    #[serde(default)]
    pub done: Option<String>,
    #[serde(default)]
    pub under: Option<String>,
}

/// What the "define an area" form had, put back after a refusal.
#[derive(Debug, Default)]
pub struct AreaInput {
    code: String,
    name: String,
    level: String,
    parent: String,
    valid_from: String,
    /// The form's idempotency key, so a corrected or resent form is still one request.
    key: String,
}

impl AreaInput {
    fn from(fields: &FormFields) -> Self {
        let text = |name| fields.text(name).unwrap_or_default().to_owned();
        Self {
            code: text("code"),
            name: fields.get("name").unwrap_or_default().to_owned(),
            level: text("level"),
            parent: text("parent"),
            valid_from: text("valid_from"),
            key: text(IDEMPOTENCY_FIELD),
        }
    }
}

/// Which form of the page was refused.
#[derive(Debug)]
pub enum Refused {
    None,
    Define(AreaInput, Refusal),
    Merge(MergeInput, Refusal),
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    query: Result<Query<AreasQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let under = query
        .under
        .as_deref()
        .and_then(|raw| AreaCode::parse(raw).ok());
    let done = Done { done: query.done };
    Ok(show(&state, &user, &done, under.as_ref(), &Refused::None))
}

pub async fn define(
    State(state): State<AppState>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let input = AreaInput::from(&form.fields);
    let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.is_empty());
    let body = NewArea {
        code: input.code.clone(),
        name: input.name.clone(),
        level: input.level.clone(),
        parent: optional(&input.parent),
        valid_from: optional(&input.valid_from),
    };
    let lang = form.user.lang;
    let given = preconditions(&form.fields).map_err(|error| WebError::app(error, lang))?;
    let body = Body::of(&body).map_err(|error| WebError::app(error, lang))?;
    let sent = define_area(&state.app(), &admin, &given, &body).await;
    match sent {
        Ok(_) => Ok(redirect(PATH, Notice::AreaDefined)),
        Err(error) => {
            let refused = Refused::Define(input, refusal_of(error, lang)?);
            Ok(show(&state, &form.user, &Done::default(), None, &refused))
        }
    }
}

/// The page, with the status of a refusal if there was one.
pub fn show(
    state: &AppState,
    user: &WebUser,
    done: &Done,
    under: Option<&AreaCode>,
    refused: &Refused,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "admin.areas.title");
    let areas = state.projections.registry.areas();
    let all = tree(&areas, None);
    // A whole country is thousands of rows: shown a province at a time.
    let rows = match under {
        Some(_) => tree(&areas, under),
        None if all.len() > MAX_OPTIONS => all
            .iter()
            .filter(|(depth, _)| *depth == 0)
            .cloned()
            .collect(),
        None => all.clone(),
    };
    let body = html! {
        h1 { (title) }
        (notice(lang, done))
        h2 { (tr(lang, "admin.areas.list")) }
        (filter(lang, &all, under))
        (table(lang, &rows))
        h2 { (tr(lang, "admin.areas.define")) }
        (define_form(user, &all, refused))
        h2 { (tr(lang, "admin.merge.title")) }
        (merge_form(user, &rows, under, match refused {
            Refused::Merge(input, refusal) => Some((input, refusal)),
            _ => None,
        }))
    };
    let mut response = render(&Frame::new(state, user, title), body);
    if let Refused::Define(_, refusal) | Refused::Merge(_, refusal) = refused {
        *response.status_mut() = refusal.status;
    }
    response
}

/// Areas in tree order, each after its parent and siblings by code, with its depth; only
/// `under` and what lies below it when given.
pub fn tree(areas: &[Area], under: Option<&AreaCode>) -> Vec<(usize, Area)> {
    let known: HashMap<&AreaCode, &Area> = areas.iter().map(|area| (&area.code, area)).collect();
    let mut children: HashMap<&AreaCode, Vec<&Area>> = HashMap::new();
    let mut roots = Vec::new();
    for area in areas {
        match area
            .parent
            .as_ref()
            .filter(|parent| known.contains_key(parent))
        {
            Some(parent) => children.entry(parent).or_default().push(area),
            None => roots.push(area),
        }
    }
    if let Some(code) = under {
        roots = known.get(code).copied().into_iter().collect();
    }
    let mut rows = Vec::new();
    let mut pending: Vec<(usize, &Area)> = roots.into_iter().rev().map(|area| (0, area)).collect();
    while let Some((depth, area)) = pending.pop() {
        if rows.len() > areas.len() {
            break;
        }
        rows.push((depth, area.clone()));
        if let Some(below) = children.get(&area.code) {
            pending.extend(below.iter().rev().map(|child| (depth + 1, *child)));
        }
    }
    rows
}

/// The unit whose part of the tree to show (a plain GET form: works without a script).
fn filter(lang: Lang, all: &[(usize, Area)], under: Option<&AreaCode>) -> Markup {
    let units: Vec<(String, String)> = all
        .iter()
        .map(|(_, area)| area)
        .filter(|area| area.level != AreaLevel::Commune)
        .map(|area| (area.code.as_str().to_owned(), area_label(area)))
        .collect();
    html! {
        form.filter #area-filter method="get" action=(PATH) {
            (widgets::select(lang, Field::new("under", "under", tr(lang, "admin.areas.under")),
                &borrowed(&units), under.map(AreaCode::as_str), Some(tr(lang, "admin.areas.everything"))))
            div.actions { button.secondary type="submit" { (tr(lang, "admin.areas.show")) } }
        }
    }
}

fn table(lang: Lang, rows: &[(usize, Area)]) -> Markup {
    let day = |d| date(lang, d);
    html! {
        div.table-wrap {
            table #areas {
                thead { tr {
                    th scope="col" { (tr(lang, "admin.areas.code")) }
                    th scope="col" { (tr(lang, "admin.areas.name")) }
                    th scope="col" { (tr(lang, "admin.areas.level")) }
                    th scope="col" { (tr(lang, "admin.areas.parent")) }
                    th scope="col" { (tr(lang, "admin.areas.valid_from")) }
                    th scope="col" { (tr(lang, "admin.areas.valid_to")) }
                    th scope="col" { (tr(lang, "admin.areas.successor")) }
                } }
                tbody {
                    @for (depth, area) in rows {
                        tr id={ "area-" (area.code.as_str()) } class=[area.valid_to.map(|_| "retired")] {
                            td {
                                @if area.level == AreaLevel::Commune {
                                    (area.code.as_str())
                                } @else {
                                    a href={ (PATH) "?under=" (area.code.as_str()) } { (area.code.as_str()) }
                                }
                            }
                            td class={ "depth-" ((*depth).min(3)) } { (area.name) }
                            td { (area.level.label(lang)) }
                            td { (area.parent.as_ref().map_or("", AreaCode::as_str)) }
                            td { (day(area.valid_from)) }
                            td { (area.valid_to.map(day).unwrap_or_default()) }
                            td { (area.successor.as_ref().map_or("", AreaCode::as_str)) }
                        }
                    }
                }
            }
        }
    }
}

/// The "define an area" form.
fn define_form(user: &WebUser, all: &[(usize, Area)], refused: &Refused) -> Markup {
    let lang = user.lang;
    let (input, refusal) = match refused {
        Refused::Define(input, refusal) => (Some(input), Some(refusal)),
        _ => (None, None),
    };
    let kept = |pick: fn(&AreaInput) -> &str| input.map_or("", pick);
    let error = |name| field_error(refusal, lang, name);
    // A key the API says was used for another request is dropped: the next send is new.
    let key = input
        .filter(|_| error("Idempotency-Key").is_none())
        .map(|input| input.key.as_str());
    let levels: Vec<(&str, &str)> = AreaLevel::all()
        .map(|l| (l.code(), l.label(lang)))
        .collect();
    let parents: Vec<(String, String)> = all
        .iter()
        .map(|(_, area)| area)
        .filter(|area| area.valid_to.is_none() && area.level != AreaLevel::Commune)
        .map(|area| (area.code.as_str().to_owned(), area_label(area)))
        .collect();
    html! {
        form.stacked #define-area method="post" action=(PATH) data-resilient {
            (csrf_field(user))
            (idempotency_field(key))
            @if let Some(refusal) = refusal { (summary(lang, refusal)) }
            (widgets::input(lang, Field::new("area-code", "code", tr(lang, "admin.areas.code"))
                .hint(tr(lang, "admin.areas.code_hint")).error(error("code")).required(),
                "text", kept(|i| &i.code)))
            (widgets::input(lang, Field::new("area-name", "name", tr(lang, "admin.areas.name"))
                .error(error("name")).required(), "text", kept(|i| &i.name)))
            (widgets::select(lang, Field::new("area-level", "level", tr(lang, "admin.areas.level"))
                .error(error("level")).required(),
                &levels, Some(kept(|i| &i.level)), Some(tr(lang, "admin.choose"))))
            (widgets::select(lang, Field::new("area-parent", "parent", tr(lang, "admin.areas.parent"))
                .hint(tr(lang, "admin.areas.parent_hint")).error(error("parent")),
                &borrowed(&parents), Some(kept(|i| &i.parent)), Some(tr(lang, "common.none"))))
            (widgets::input(lang, Field::new("area-valid-from", "valid_from", tr(lang, "admin.areas.valid_from"))
                .hint(tr(lang, "admin.areas.valid_from_hint")).error(error("valid_from")),
                "date", kept(|i| &i.valid_from)))
            div.actions { button type="submit" { (tr(lang, "admin.areas.define_button")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn area(code: &str, parent: Option<&str>) -> Area {
        Area {
            code: AreaCode::parse(code).unwrap(),
            name: format!("Khu vực {code}"),
            level: match code.len() {
                2 => AreaLevel::Province,
                3 => AreaLevel::District,
                _ => AreaLevel::Commune,
            },
            parent: parent.map(|p| AreaCode::parse(p).unwrap()),
            valid_from: date!(2025 - 07 - 01),
            valid_to: None,
            successor: None,
        }
    }

    fn codes(rows: &[(usize, Area)]) -> Vec<(usize, &str)> {
        rows.iter().map(|(d, a)| (*d, a.code.as_str())).collect()
    }

    #[test]
    fn each_unit_follows_its_parent() {
        let areas = [
            area("62", None),
            area("64", None),
            area("610", Some("62")),
            area("23284", Some("610")),
            area("23287", Some("610")),
            area("24001", Some("64")),
            area("25000", Some("99")),
        ];
        let rows = tree(&areas, None);
        assert_eq!(
            codes(&rows),
            [
                (0, "62"),
                (1, "610"),
                (2, "23284"),
                (2, "23287"),
                (0, "64"),
                (1, "24001"),
                (0, "25000"),
            ]
        );
        let below = tree(&areas, Some(&AreaCode::parse("610").unwrap()));
        assert_eq!(codes(&below), [(0, "610"), (1, "23284"), (1, "23287")]);
        assert!(tree(&areas, Some(&AreaCode::parse("99").unwrap())).is_empty());
    }
}
