//! The "merge communes" form of `/admin/areas` and `POST /admin/areas/merge/confirm`: two
//! or more communes of one parent merge, from an effective date, into a new commune or into
//! one of them, through the API's merge (`POST /areas/merge`), which records it as the
//! domain defines (the others retired the day before, naming their successor). The form
//! goes first to the preview ([`super::merge_preview`]), whose confirmation sends it here.
//! A merge sent again completes rather than fails, so the confirmation may be retried.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::app::registry::merge::{MergeCommunes, merge};
use crate::domain::ids::AreaCode;
use crate::domain::vocab::AreaLevel;
use crate::edge::state::AppState;
use crate::projections::registry::Area;
use crate::web::admin::areas::{PATH, Refused, show};
use crate::web::admin::refusal::{refusal_of, summary};
use crate::web::admin::{Done, Notice, admin_only, area_label, borrowed, redirect};
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::tr;
use crate::web::page::csrf_field;
use crate::web::refusal::{Refusal, field_error};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field, IDEMPOTENCY_FIELD, idempotency_field, preconditions};

/// What the merge form had, put back after a refusal.
#[derive(Debug, Default)]
pub struct MergeInput {
    communes: Vec<String>,
    /// One of the communes that continues; empty for a new commune.
    keep: String,
    /// The new commune's code and name.
    into: String,
    pub(super) name: String,
    pub(super) effective_on: String,
    /// The part of the tree the page showed.
    pub(super) under: String,
    /// The form's idempotency key, so a corrected or resent form is still one request.
    key: String,
}

impl MergeInput {
    pub(super) fn from(fields: &FormFields) -> Self {
        let text = |name| fields.text(name).unwrap_or_default().to_owned();
        Self {
            communes: fields
                .all("communes")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            keep: text("keep"),
            into: text("into"),
            name: fields.get("name").unwrap_or_default().to_owned(),
            effective_on: text("effective_on"),
            under: text("under"),
            key: text(IDEMPOTENCY_FIELD),
        }
    }

    /// Every field again, hidden: the preview's confirmation sends exactly what was
    /// previewed, under the same idempotency key.
    pub(super) fn hidden_fields(&self) -> Markup {
        html! {
            @for commune in &self.communes { input type="hidden" name="communes" value=(commune); }
            input type="hidden" name="keep" value=(self.keep);
            input type="hidden" name="into" value=(self.into);
            input type="hidden" name="name" value=(self.name);
            input type="hidden" name="effective_on" value=(self.effective_on);
            input type="hidden" name="under" value=(self.under);
            (idempotency_field(Some(self.key.as_str()).filter(|key| !key.is_empty())))
        }
    }

    /// The API's request: into the commune kept, else into the new one.
    pub(super) fn request(&self) -> MergeCommunes {
        let new = self.keep.is_empty();
        MergeCommunes {
            communes: self.communes.clone(),
            into: if new { &self.into } else { &self.keep }.clone(),
            name: Some(self.name.clone()).filter(|name| new && !name.trim().is_empty()),
            effective_on: self.effective_on.clone(),
        }
    }
}

/// `POST /admin/areas/merge/confirm`: the merge, run.
pub async fn confirm(
    State(state): State<AppState>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let input = MergeInput::from(&form.fields);
    let preconditions =
        preconditions(&form.fields).map_err(|error| WebError::app(error, form.user.lang))?;
    let sent = merge(&state.app(), &admin, &preconditions, &input.request()).await;
    match sent {
        Ok(_) => Ok(redirect(PATH, Notice::CommunesMerged)),
        Err(error) => {
            let under = AreaCode::parse(&input.under).ok();
            let refused = Refused::Merge(input, refusal_of(error, form.user.lang)?);
            Ok(show(
                &state,
                &form.user,
                &Done::default(),
                under.as_ref(),
                &refused,
            ))
        }
    }
}

/// The merge form; its communes are the current ones of the rows shown.
pub fn merge_form(
    user: &WebUser,
    rows: &[(usize, Area)],
    under: Option<&AreaCode>,
    refused: Option<(&MergeInput, &Refusal)>,
) -> Markup {
    let lang = user.lang;
    let input = refused.map(|(input, _)| input);
    let refusal = refused.map(|(_, refusal)| refusal);
    let error = |name| field_error(refusal, lang, name);
    let keeping = input.is_some_and(|input| !input.keep.is_empty());
    let communes: Vec<(String, String)> = rows
        .iter()
        .map(|(_, area)| area)
        .filter(|area| area.level == AreaLevel::Commune && area.valid_to.is_none())
        .map(|area| {
            let parent = area.parent.as_ref().map_or("", AreaCode::as_str);
            (
                area.code.as_str().to_owned(),
                format!("{} ({parent})", area_label(area)),
            )
        })
        .collect();
    let ticked: Vec<&str> = input.map_or_else(Vec::new, |input| {
        input.communes.iter().map(String::as_str).collect()
    });
    let kept = |pick: fn(&MergeInput) -> &str| input.map_or("", pick);
    let under = under.map_or_else(|| kept(|i| &i.under).to_owned(), |c| c.as_str().to_owned());
    // A key the API says was used for another request is dropped: the next send is new.
    let key = input
        .filter(|_| error("Idempotency-Key").is_none())
        .map(|input| input.key.as_str());
    html! {
        p.hint { (tr(lang, "admin.merge.explain")) }
        form.stacked #merge-communes method="post" action={ (PATH) "/merge" } data-resilient {
            (csrf_field(user))
            (idempotency_field(key))
            input type="hidden" name="under" value=(under);
            @if let Some(refusal) = refusal { (summary(lang, refusal)) }
            (widgets::choices(lang, Field::new("merge-communes-list", "communes", tr(lang, "admin.merge.communes"))
                .hint(tr(lang, "admin.merge.communes_hint")).error(error("communes")).required(),
                true, &borrowed(&communes), &ticked))
            (widgets::select(lang, Field::new("merge-keep", "keep", tr(lang, "admin.merge.keep"))
                .hint(tr(lang, "admin.merge.keep_hint"))
                .error(if keeping { error("into") } else { None }),
                &borrowed(&communes), Some(kept(|i| &i.keep)), Some(tr(lang, "admin.merge.new_commune"))))
            (widgets::input(lang, Field::new("merge-into", "into", tr(lang, "admin.merge.new_code"))
                .error(if keeping { None } else { error("into") }), "text", kept(|i| &i.into)))
            (widgets::input(lang, Field::new("merge-name", "name", tr(lang, "admin.merge.new_name"))
                .error(error("name")), "text", kept(|i| &i.name)))
            (widgets::input(lang, Field::new("merge-effective", "effective_on", tr(lang, "admin.merge.effective_on"))
                .hint(tr(lang, "admin.merge.effective_hint")).error(error("effective_on")).required(),
                "date", kept(|i| &i.effective_on)))
            div.actions { button type="submit" { (tr(lang, "admin.merge.button")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_merges_into_the_commune_kept_else_into_the_new_one() {
        let mut input = MergeInput {
            communes: vec!["23284".into(), "23287".into()],
            into: "23290".into(),
            name: "Xã Mới".into(),
            effective_on: "2026-07-01".into(),
            ..MergeInput::default()
        };
        let new = input.request();
        assert_eq!(new.into, "23290");
        assert_eq!(new.name.as_deref(), Some("Xã Mới"));
        input.keep = "23284".into();
        let kept = input.request();
        assert_eq!(kept.into, "23284");
        assert_eq!(kept.name, None);
    }
}
