//! The forms on a case's page that record work on it, one per API command, each in its own
//! `<details>` (closed until used, re-opened when a submission of it was refused) with the
//! hidden fields of a command: CSRF, idempotency key (kept when shown again, so a retry is
//! the same request) and the case version it was made from (sent as `If-Match`).
//!
//! Forms the case's state makes pointless are not shown: none on a closed case; instead of
//! the referral form, a line saying she did not consent to referral; no closure form while
//! one waits for review.

use maud::{Markup, html};
use uuid::Uuid;

use crate::app::cases::bodies::SupportBody;
use crate::app::cases::view::CaseView;
use crate::domain::case::CaseStatus;
use crate::domain::vocab::{
    CloseReason, FollowUpMethod, FollowUpOutcome, ReferralOutcome, ReferralTarget, RiskLevel, Role,
};
use crate::web::cases::body_form;
use crate::web::cases::inputs::{Extras, Inputs, options};
use crate::web::cases::kept::Kept;
use crate::web::i18n::tr;
use crate::web::outbox::held_pages::HELD_FIELD;
use crate::web::page::csrf_field;
use crate::web::session::WebUser;
use crate::web::widgets::{error_summary, idempotency_field, version_field};

/// The forms of a case's page; referral outcomes and follow-up completions name theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseForm {
    Support,
    Referral,
    Outcome(Uuid),
    FollowUp,
    Complete(Uuid),
    Note,
    Risk,
    Close,
}

impl CaseForm {
    /// Where the form posts.
    pub fn action(self, case: Uuid) -> String {
        match self {
            Self::Support => format!("/cases/{case}/support"),
            Self::Referral => format!("/cases/{case}/referrals"),
            Self::Outcome(referral) => format!("/cases/{case}/referrals/{referral}/outcome"),
            Self::FollowUp => format!("/cases/{case}/follow-ups"),
            Self::Complete(follow_up) => format!("/cases/{case}/follow-ups/{follow_up}/complete"),
            Self::Note => format!("/cases/{case}/notes"),
            Self::Risk => format!("/cases/{case}/risk"),
            Self::Close => format!("/cases/{case}/close"),
        }
    }

    /// The id of the form's `<details>`, and the start of its inputs' ids.
    pub fn prefix(self) -> String {
        match self {
            Self::Support => "support".into(),
            Self::Referral => "referral".into(),
            Self::Outcome(referral) => format!("outcome-{referral}"),
            Self::FollowUp => "follow-up".into(),
            Self::Complete(follow_up) => format!("complete-{follow_up}"),
            Self::Note => "note".into(),
            Self::Risk => "risk".into(),
            Self::Close => "close".into(),
        }
    }

    /// The id of the `<form>` itself.
    pub fn form_id(self) -> String {
        format!("{}-form", self.prefix())
    }
}

/// What every form of one case's page shares.
#[derive(Debug)]
pub struct FormContext<'a> {
    pub user: &'a WebUser,
    pub view: &'a CaseView,
    /// Today, `YYYY-MM-DD`: the default day of what happened.
    pub today: &'a str,
    /// The form shown again after a refusal.
    pub reopened: Option<(CaseForm, &'a Kept)>,
    /// The prefix of the form just saved (`?saved=`): "saved" is shown where it is.
    pub saved: Option<&'a str>,
}

impl FormContext<'_> {
    /// Whether work may still be recorded (the case is not closed).
    pub fn active(&self) -> bool {
        self.view.status != CaseStatus::Closed
    }

    /// Whether to show `form`: when the case's state allows it, or when it is the form
    /// shown again after a refusal.
    pub fn shows(&self, form: CaseForm, allowed: bool) -> bool {
        allowed || self.kept(form).is_some()
    }

    fn kept(&self, form: CaseForm) -> Option<&Kept> {
        self.reopened
            .filter(|(reopened, _)| *reopened == form)
            .map(|(_, kept)| kept)
    }

    /// A form in its `<details>`; `fields` draws the inputs.
    fn form(
        &self,
        form: CaseForm,
        summary: &str,
        submit: &str,
        fields: impl FnOnce(&Inputs<'_>) -> Markup,
    ) -> Markup {
        let kept = self.kept(form);
        let prefix = form.prefix();
        let inputs = Inputs {
            lang: self.user.lang,
            kept,
            prefix: &prefix,
        };
        html! {
            @if self.saved == Some(prefix.as_str()) { (saved_notice(self.user.lang, "work.saved")) }
            details id=(prefix) open[kept.is_some()] {
                summary { (summary) }
                form id=(form.form_id()) .stacked method="post" action=(form.action(self.view.id))
                    data-resilient {
                    (csrf_field(self.user))
                    (idempotency_field(kept.and_then(Kept::idempotency_key)))
                    (version_field(self.view.version))
                    @if let Some(held) = kept.and_then(|kept| kept.fields.text(HELD_FIELD)) {
                        input type="hidden" name=(HELD_FIELD) value=(held);
                    }
                    (error_summary(self.user.lang, kept.is_some_and(Kept::refused_inputs)))
                    (fields(&inputs))
                    div { button id={ (prefix) "-submit" } type="submit" { (submit) } }
                }
            }
        }
    }
}

/// "Saved", where the page comes back to after a form was sent (`#saved`; the script
/// scrolls to it and gives it the focus, so a screen reader says it).
pub fn saved_notice(lang: crate::web::i18n::Lang, words: &'static str) -> Markup {
    html! { p.notice.saved #saved role="status" tabindex="-1" { (tr(lang, words)) } }
}

/// The section of forms under the case: support, referral, follow-up, note, risk, closure.
/// A form the case's state now makes pointless is still shown when it is the one refused
/// (someone closed the case while she typed): what she typed is never lost.
pub fn record_work(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    let view = ctx.view;
    let active = ctx.active();
    let open = view.status == CaseStatus::Open;
    html! {
        section #record-work {
            h2 { (tr(lang, "work.title")) }
            @if !active {
                p.notice #case-closed { (tr(lang, "work.closed")) }
            }
            @if ctx.shows(CaseForm::Support, active) { (support(ctx)) }
            @if active && !view.consent.referral {
                p.notice #no-referral-consent { (tr(lang, "work.no_referral_consent")) }
            }
            @if ctx.shows(CaseForm::Referral, active && view.consent.referral) { (referral(ctx)) }
            @if ctx.shows(CaseForm::FollowUp, active) { (follow_up(ctx)) }
            @if ctx.shows(CaseForm::Note, active) { (note(ctx)) }
            @if ctx.shows(CaseForm::Risk, active) { (risk(ctx)) }
            @if view.status == CaseStatus::ClosureRequested {
                p.notice #closure-pending { (tr(lang, "work.closure_pending")) }
            }
            @if ctx.shows(CaseForm::Close, open) { (close(ctx)) }
        }
    }
}

fn support(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::Support,
        tr(lang, "work.support"),
        tr(lang, "work.support_submit"),
        |inputs| body_form::inputs(inputs, &SupportBody::accepts(), ctx.today),
    )
}

fn referral(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::Referral,
        tr(lang, "work.referral"),
        tr(lang, "work.referral_submit"),
        |inputs| {
            html! {
                (inputs.select("target", tr(lang, "work.referral_target"), Extras::required(),
                    &options::<ReferralTarget>(lang), None))
                (inputs.input("date", "made_on", tr(lang, "work.made_on"), Extras::required(),
                    ctx.today))
                (inputs.input("text", "organisation", tr(lang, "work.organisation"),
                    Extras::default(), ""))
                (inputs.input("text", "contact_person", tr(lang, "work.contact_person"),
                    Extras::default(), ""))
                (inputs.textarea("notes", tr(lang, "work.notes"), Extras::default()))
            }
        },
    )
}

/// The form to record what became of referral `referral`.
pub fn outcome(ctx: &FormContext<'_>, referral: Uuid) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::Outcome(referral),
        tr(lang, "work.outcome"),
        tr(lang, "work.outcome_submit"),
        |inputs| {
            html! {
                // Under "Ghi kết quả chuyển gửi", in a card that already says "Kết quả chuyển
                // gửi": the field is just "Kết quả".
                (inputs.select("outcome", tr(lang, "work.outcome_value"), Extras::required(),
                    &options::<ReferralOutcome>(lang), None))
                (inputs.input("date", "recorded_on", tr(lang, "work.recorded_on"),
                    Extras::required(), ctx.today))
                (inputs.textarea("notes", tr(lang, "work.notes"), Extras::default()))
            }
        },
    )
}

fn follow_up(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::FollowUp,
        tr(lang, "work.follow_up"),
        tr(lang, "work.follow_up_submit"),
        |inputs| {
            html! {
                (inputs.input("date", "due_on", tr(lang, "work.due_on"), Extras::required(), ""))
                (inputs.choices("method", tr(lang, "work.method"), Extras::required(), false,
                    &options::<FollowUpMethod>(lang), &[]))
            }
        },
    )
}

/// The form to record follow-up `follow_up` as done.
pub fn complete(ctx: &FormContext<'_>, follow_up: Uuid) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::Complete(follow_up),
        tr(lang, "work.complete"),
        tr(lang, "work.complete_submit"),
        |inputs| {
            html! {
                (inputs.input("date", "completed_on", tr(lang, "work.completed_on"),
                    Extras::required(), ctx.today))
                (inputs.select("outcome", tr(lang, "work.follow_up_outcome"), Extras::required(),
                    &options::<FollowUpOutcome>(lang), None))
                (inputs.textarea("notes", tr(lang, "work.notes"), Extras::default()))
            }
        },
    )
}

fn note(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::Note,
        tr(lang, "work.note"),
        tr(lang, "work.note_submit"),
        |inputs| html! { (inputs.textarea("text", tr(lang, "work.note_text"), Extras::required())) },
    )
}

fn risk(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    ctx.form(
        CaseForm::Risk,
        tr(lang, "work.risk"),
        tr(lang, "work.risk_submit"),
        |inputs| {
            html! {
                (inputs.choices("level", tr(lang, "work.risk_level"), Extras::required(), false,
                    &options::<RiskLevel>(lang), &[]))
                (inputs.textarea("notes", tr(lang, "work.notes"), Extras::default()))
            }
        },
    )
}

fn close(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    let (summary, submit, hint) = match ctx.user.user.role {
        Role::Supervisor => (
            tr(lang, "work.close"),
            tr(lang, "work.close_submit"),
            tr(lang, "work.close_hint"),
        ),
        _ => (
            tr(lang, "work.request_close"),
            tr(lang, "work.request_close_submit"),
            tr(lang, "work.request_close_hint"),
        ),
    };
    ctx.form(CaseForm::Close, summary, submit, |inputs| {
        html! {
            p.hint { (hint) }
            (inputs.select("reason", tr(lang, "work.close_reason"), Extras::required(),
                &options::<CloseReason>(lang), None))
            (inputs.input("date", "closed_on", tr(lang, "work.closed_on"), Extras::required(),
                ctx.today))
            (inputs.textarea("notes", tr(lang, "work.notes"), Extras::default()))
        }
    })
}
