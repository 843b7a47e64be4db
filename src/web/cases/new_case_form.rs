//! The new-case form: every field of the API's `POST /cases` body, the vocabularies as
//! plain-language choices, and the survivor's three consents asked as three separate
//! questions, first (before her name, ethnicity or contact are asked: what she agrees to
//! decides what is written down). A supervisor also picks the trusted address (the open ones
//! of her area). Cancel asks before throwing away what was typed (app.js, `data-confirm`).

use maud::{Markup, html};

use crate::domain::vocab::{Ethnicity, Perpetrator, ReferredBy, RiskLevel, Sex, ViolenceType};
use crate::web::cases::inputs::{Extras, Inputs, options};
use crate::web::cases::kept::Kept;
use crate::web::i18n::{Lang, tr};
use crate::web::page::csrf_field;
use crate::web::session::WebUser;
use crate::web::widgets::{error_summary, idempotency_field};

/// What the form needs besides the user.
#[derive(Debug)]
pub struct OpeningForm<'a> {
    /// Today, `YYYY-MM-DD`: the default opening day.
    pub today: &'a str,
    /// The trusted addresses a supervisor may open a case at: (id, name). `None` for a
    /// volunteer (her cases open at her own address).
    pub addresses: Option<Vec<(String, String)>>,
    /// Her input and the refusal she is shown the form again after.
    pub kept: Option<&'a Kept>,
}

/// The whole form.
pub fn opening_form(user: &WebUser, form: &OpeningForm<'_>) -> Markup {
    let lang = user.lang;
    let kept = form.kept;
    let inputs = Inputs {
        lang,
        kept,
        prefix: "new",
    };
    html! {
        @if let Some(kept) = kept {
            (error_summary(lang, kept.refused_inputs()))
            @if let Some(message) = kept.message() {
                p.error-message #refusal role="alert" { (tr(lang, message)) }
            }
        }
        form #new-case-form .stacked method="post" action="/cases/new" data-resilient {
            (csrf_field(user))
            (idempotency_field(kept.and_then(|kept| kept.idempotency_key())))
            (general(&inputs, form))
            (consent(&inputs))
            (survivor(&inputs))
            (violence(&inputs))
            (informant(&inputs))
            div.actions {
                button #open-case type="submit" { (tr(lang, "new.submit")) }
                a.button.secondary #cancel-new-case href="/cases"
                    data-confirm=(tr(lang, "new.cancel_confirm")) { (tr(lang, "form.cancel")) }
            }
        }
    }
}

fn general(inputs: &Inputs<'_>, form: &OpeningForm<'_>) -> Markup {
    let lang = inputs.lang;
    html! {
        h2 { (tr(lang, "new.section.case")) }
        @if let Some(addresses) = &form.addresses {
            @let choices: Vec<(&str, &str)> = addresses
                .iter()
                .map(|(id, name)| (id.as_str(), name.as_str()))
                .collect();
            (inputs.select("trusted_address", tr(lang, "new.trusted_address"),
                Extras::required(), &choices, None))
        }
        (inputs.input("date", "opened_on", tr(lang, "new.opened_on"), Extras::required(), form.today))
        (inputs.select("referred_by", tr(lang, "new.referred_by"), Extras::required(),
            &options::<ReferredBy>(lang), None))
    }
}

fn survivor(inputs: &Inputs<'_>) -> Markup {
    let lang = inputs.lang;
    let ethnicities: Vec<(&str, &str)> = Ethnicity::all()
        .map(|group| (group.code(), group.label(lang)))
        .collect();
    html! {
        h2 { (tr(lang, "new.section.survivor")) }
        (inputs.input("text", "survivor.name", tr(lang, "new.survivor.name"),
            Extras::hint(tr(lang, "new.survivor.name_hint")).and_required(), ""))
        (inputs.input("number", "survivor.birth_year", tr(lang, "new.survivor.birth_year"),
            Extras::hint(tr(lang, "new.survivor.birth_year_hint")).and_required(), ""))
        (inputs.choices("survivor.sex", tr(lang, "new.survivor.sex"), Extras::required(), false,
            &options::<Sex>(lang), &[]))
        (inputs.select("survivor.ethnicity", tr(lang, "new.survivor.ethnicity"),
            Extras::required(), &ethnicities, None))
        (inputs.yes_no("survivor.disability", tr(lang, "new.survivor.disability"), Extras::required()))
        (inputs.input("text", "survivor.contact", tr(lang, "new.survivor.contact"),
            Extras::hint(tr(lang, "new.survivor.contact_hint")), ""))
        (inputs.input("text", "survivor.address", tr(lang, "new.survivor.address"),
            Extras::default(), ""))
        (inputs.input("number", "survivor.children_with_her", tr(lang, "new.survivor.children"),
            Extras::hint(tr(lang, "new.survivor.children_hint")), ""))
    }
}

fn violence(inputs: &Inputs<'_>) -> Markup {
    let lang = inputs.lang;
    html! {
        h2 { (tr(lang, "new.section.violence")) }
        (inputs.choices("violence_types", tr(lang, "new.violence_types"),
            Extras::hint(tr(lang, "new.violence_types_hint")).and_required(), true,
            &options::<ViolenceType>(lang), &[]))
        (inputs.select("perpetrator", tr(lang, "new.perpetrator"), Extras::required(),
            &options::<Perpetrator>(lang), None))
        (inputs.choices("risk_level", tr(lang, "new.risk_level"),
            Extras::hint(tr(lang, "new.risk_level_hint")).and_required(), false,
            &options::<RiskLevel>(lang), &[]))
    }
}

fn consent(inputs: &Inputs<'_>) -> Markup {
    let lang = inputs.lang;
    html! {
        h2 { (tr(lang, "new.section.consent")) }
        p.hint { (tr(lang, "new.consent_hint")) }
        (inputs.yes_no("consent.services", tr(lang, "consent.services"), Extras::required()))
        (inputs.yes_no("consent.referral", tr(lang, "consent.referral"), Extras::required()))
        (inputs.yes_no("consent.reporting", tr(lang, "consent.reporting"), Extras::required()))
    }
}

fn informant(inputs: &Inputs<'_>) -> Markup {
    let lang = inputs.lang;
    html! {
        h2 { (tr(lang, "new.section.informant")) }
        p.hint { (tr(lang, "new.informant_hint")) }
        (inputs.input("text", "informant.name", tr(lang, "new.informant.name"), Extras::default(), ""))
        (inputs.input("text", "informant.contact", tr(lang, "new.informant.contact"),
            Extras::default(), ""))
        h2 { (tr(lang, "new.section.narrative")) }
        (inputs.textarea("narrative", tr(lang, "new.narrative"),
            Extras::hint(tr(lang, "new.narrative_hint"))))
    }
}

/// The page's title and heading.
pub fn title(lang: Lang) -> &'static str {
    tr(lang, "new.title")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::actor::CurrentUser;
    use crate::domain::ids::{AreaCode, UserId};
    use crate::domain::vocab::Role;
    use crate::web::cases::opening::OPENING_FIELDS;

    fn supervisor(lang: Lang) -> WebUser {
        WebUser {
            user: CurrentUser {
                id: UserId::from_uuid(uuid::Uuid::from_u128(1)),
                role: Role::Supervisor,
                area: AreaCode::parse("62").ok(),
                trusted_address: None,
            },
            username: "gs".into(),
            lang,
            csrf: "token".into(),
            tls: false,
            here: "/cases/new".into(),
        }
    }

    #[test]
    fn the_form_has_an_input_for_every_field_of_the_apis_body() {
        for lang in [Lang::Vi, Lang::En] {
            let form = OpeningForm {
                today: "2026-11-20",
                addresses: Some(vec![("a-1".into(), "Nhà chị Mai".into())]),
                kept: None,
            };
            let html = opening_form(&supervisor(lang), &form).into_string();
            for name in OPENING_FIELDS {
                assert!(html.contains(&format!(r#"name="{name}""#)), "{name}");
            }
            assert_eq!(
                html.matches(r#"name="consent."#).count(),
                6,
                "three yes/no questions"
            );
            assert!(html.contains("Nhà chị Mai"));
        }
    }
}
