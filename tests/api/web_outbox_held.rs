//! The offline outbox's "needs attention" list (issue 23): a sealed record the server cannot
//! apply is held on the server (202), encrypted under its own key, never dropped and never
//! last-write-wins. One conflict test per kind (closed, transferred, erased, referral outcome
//! already recorded, stale non-commuting form); the list as the volunteer and her supervisor
//! see it, and as nobody else does (404); apply, adjust, discard (confirmed, in the access
//! log, its text unreadable afterwards).

use serde_json::{Value, json};
use tincay::access_log::Logged;
use tincay::domain::held::HeldResolution;
use tincay::store::log::RecordedPii;
use tincay::store::stream::StreamId;
use uuid::Uuid;

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::*;
use crate::web_outbox::{aad, sealed, send, shape, version_of};

/// What she wrote offline: never in clear anywhere but the pages that show it to her.
const HELD_CANARY: &str = "HELD-CANARY-5e0b9d";

/// Seals a note on `case` written against `version` and sends it; answers the reply.
async fn send_note(
    session: &WebSession<'_>,
    user: tincay::domain::ids::UserId,
    case: &str,
    version: &str,
    key: &str,
) -> Page {
    let text = format!("Chị gọi lúc mất sóng {HELD_CANARY}");
    let record = sealed(
        session,
        &aad(user, "note", case, "", version, key),
        &[("text", text.as_str())],
    )
    .await;
    send(session, &record).await
}

/// The held id and reason of a 202.
fn held(page: &Page) -> (String, String) {
    assert_eq!(page.status, 202, "{}", page.body);
    let answer: Value = serde_json::from_str(&page.body).unwrap();
    (
        answer["held"].as_str().unwrap().to_owned(),
        answer["reason"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_note_on_a_case_closed_meanwhile_is_held_and_listed_for_her_and_her_supervisor() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let close = json!({"reason": "safe", "closed_on": "2026-11-19"});
    let closed = post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}/close"),
        &close,
    )
    .await;
    assert_eq!(closed.status, 201, "{}", closed.text);
    let before = shape(&app, &t.volunteer_a1, &case).await;

    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let reply = send_note(&session, world.volunteer_a1, &case, &version, "n-closed").await;
    let (id, reason) = held(&reply);
    assert_eq!(reason, "closed");
    assert!(!reply.body.contains(HELD_CANARY));
    assert_eq!(
        shape(&app, &t.volunteer_a1, &case).await,
        before,
        "nothing written to the case"
    );
    // Sent again (the answer was lost): held once, under the same id.
    let again = send_note(&session, world.volunteer_a1, &case, &version, "n-closed").await;
    assert_eq!(held(&again).0, id);

    for user in [
        world.volunteer_a1,
        world.supervisor_a,
        world.supervisor_commune_a2,
    ] {
        let page = WebSession::signed_in(&app, user).get("/outbox/held").await;
        if user == world.supervisor_commune_a2 {
            // Her area is another commune: not hers to see.
            assert!(!page.contains(&id), "{user:?}");
            continue;
        }
        assert_eq!(page.status, 200);
        assert_eq!(
            page.body.matches(&format!("id=\"held-{id}\"")).count(),
            1,
            "{}",
            page.body
        );
        assert!(page.contains(HELD_CANARY), "what she sent is shown");
        assert!(page.contains("data-reason=\"closed\""));
        assert!(
            page.contains(&format!("/cases/{case}")),
            "beside the case as it is now"
        );
    }
}

#[tokio::test]
async fn a_note_on_a_case_transferred_away_is_held_at_her_address_and_hidden_from_the_new_one() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let away = json!({"trusted_address": world.address_a2.to_string(), "reason": "gần nhà mẹ"});
    let moved = post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}/transfer"),
        &away,
    )
    .await;
    assert_eq!(moved.status, 201, "{}", moved.text);

    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let (id, reason) =
        held(&send_note(&session, world.volunteer_a1, &case, &version, "n-moved").await);
    assert_eq!(reason, "transferred");
    let page = session.get("/outbox/held").await;
    assert!(page.contains(&format!("held-{id}")));
    assert!(
        !page.contains("held-apply"),
        "the case is not hers any more: no apply"
    );

    // The volunteer of the address it went to is another address's volunteer for this record.
    let other = WebSession::signed_in(&app, world.volunteer_a2);
    assert!(!other.get("/outbox/held").await.contains(&id));
    for action in ["apply", "discard"] {
        let page = other
            .post(
                &format!("/outbox/held/{id}/{action}"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(page.status, 404, "{action}");
    }
    assert_eq!(
        other.get(&format!("/outbox/held/{id}/adjust")).await.status,
        404
    );
    assert!(
        session.get("/outbox/held").await.contains(&id),
        "still there for her"
    );
}

#[tokio::test]
async fn a_note_on_an_erased_case_is_held_can_only_be_discarded_and_the_discard_is_logged() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let erased = delete(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}?reason=survivor_request"),
    )
    .await;
    assert_eq!(erased.status, 204);

    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let (id, reason) =
        held(&send_note(&session, world.volunteer_a1, &case, &version, "n-erased").await);
    assert_eq!(reason, "erased");
    let page = session.get("/outbox/held").await;
    assert!(page.contains(&format!("held-{id}")));
    assert!(!page.contains("held-apply"));
    assert!(!page.contains("held-adjust"));
    let refused = session.post(&format!("/outbox/held/{id}/apply"), &[]).await;
    assert_eq!(refused.status, 410, "applying to an erased case is gone");

    // A discard needs its confirmation: without it nothing happens.
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let unconfirmed = supervisor
        .post(&format!("/outbox/held/{id}/discard"), &[])
        .await;
    assert_eq!(unconfirmed.status, 422);
    assert!(session.get("/outbox/held").await.contains(&id));

    let discarded = supervisor
        .post(&format!("/outbox/held/{id}/discard"), &[("confirm", "yes")])
        .await;
    assert_eq!(discarded.status, 303, "{}", discarded.body);
    assert!(!session.get("/outbox/held").await.contains(&id));

    let case_id = tincay::domain::ids::CaseId::from_uuid(case.parse().unwrap());
    let entries = tincay::access_log::for_case(&app.state.log, &case_id).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.action, Logged::Held(HeldResolution::Discarded));
    assert_eq!(last.user, Some(*world.supervisor_a.as_uuid()));
    assert_eq!(last.held, Some(id.parse::<Uuid>().unwrap()));
}

#[tokio::test]
async fn a_discarded_record_is_unreadable_in_the_log_and_its_text_in_no_file() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let old = version_of(&app, &t.volunteer_a1, &case).await;
    let note = json!({"text": "online meanwhile"});
    assert_eq!(
        post(
            &app,
            &t.volunteer_a1,
            &format!("/cases/{case}/notes"),
            &note
        )
        .await
        .status,
        201
    );
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let risk = sealed(
        &session,
        &aad(world.volunteer_a1, "risk", &case, "", &old, "r-1"),
        &[("level", "low"), ("notes", HELD_CANARY)],
    )
    .await;
    let (id, _) = held(&send(&session, &risk).await);
    let stream = StreamId::held(&id.parse().unwrap());
    let events = app.state.log.read_stream(&stream).unwrap();
    assert!(matches!(events[0].pii, RecordedPii::Present(_)));

    let page = session
        .post(&format!("/outbox/held/{id}/discard"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 303);
    let events = app.state.log.read_stream(&stream).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].event_type, "held_record_resolved");
    assert!(
        matches!(events[0].pii, RecordedPii::Erased),
        "its key is destroyed"
    );
    assert!(!session.get("/outbox/held").await.contains(HELD_CANARY));
    for (path, bytes) in files(&app.dir.path().join("data")) {
        assert!(
            !bytes
                .windows(HELD_CANARY.len())
                .any(|w| w == HELD_CANARY.as_bytes()),
            "{}",
            path.display()
        );
    }
}

#[tokio::test]
async fn an_outcome_recorded_meanwhile_holds_hers_and_apply_records_it_on_the_case_as_it_is() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let referral = refer(&app, &t.volunteer_a1, &case).await;
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let online = json!({"outcome": "accepted", "recorded_on": "2026-11-20"});
    let path = format!("/cases/{case}/referrals/{referral}/outcome");
    assert_eq!(
        post(&app, &t.supervisor_a, &path, &online).await.status,
        201
    );

    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let record = sealed(
        &session,
        &aad(
            world.volunteer_a1,
            "referral-outcome",
            &case,
            &referral,
            &version,
            "o-1",
        ),
        &[
            ("outcome", "completed"),
            ("recorded_on", "2026-11-20"),
            ("notes", ""),
        ],
    )
    .await;
    let before = shape(&app, &t.volunteer_a1, &case).await;
    let (id, reason) = held(&send(&session, &record).await);
    assert_eq!(reason, "outcome_recorded");
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await, before);

    // Her supervisor applies it as sent, on the case as it is now.
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let applied = supervisor
        .post(&format!("/outbox/held/{id}/apply"), &[])
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);
    assert!(applied.location().starts_with(&format!("/cases/{case}")));
    let now = view(&app, &t.volunteer_a1, &case).await;
    assert_eq!(now["referrals"][0]["outcome"], "completed");
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await.1, before.1 + 1);
    assert!(!session.get("/outbox/held").await.contains(&id));
    let events = app
        .state
        .log
        .read_stream(&StreamId::held(&id.parse().unwrap()))
        .unwrap();
    assert!(matches!(events[0].pii, RecordedPii::Erased));
}

#[tokio::test]
async fn a_stale_risk_change_is_held_and_adjusted_through_its_form_prefilled() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let old = version_of(&app, &t.volunteer_a1, &case).await;
    let note = json!({"text": "online meanwhile"});
    assert_eq!(
        post(
            &app,
            &t.volunteer_a1,
            &format!("/cases/{case}/notes"),
            &note
        )
        .await
        .status,
        201
    );
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let record = sealed(
        &session,
        &aad(world.volunteer_a1, "risk", &case, "", &old, "r-stale"),
        &[("level", "low"), ("notes", "đã yên")],
    )
    .await;
    let (id, reason) = held(&send(&session, &record).await);
    assert_eq!(reason, "stale");
    let before = shape(&app, &t.volunteer_a1, &case).await;

    let page = session.get(&format!("/outbox/held/{id}/adjust")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.input_value("held").as_deref(), Some(id.as_str()));
    assert!(page.contains("đã yên"), "prefilled with what she sent");
    assert_eq!(
        page.input_value("version"),
        Some(before.0.to_string()),
        "at the case's version now"
    );
    let form = page.form(format!("/cases/{case}/risk"));
    let saved = session
        .submit(
            &form,
            &[("level", "medium"), ("notes", "đã sửa"), ("held", &id)],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let now = view(&app, &t.volunteer_a1, &case).await;
    assert_eq!(
        now["risk_level"], "medium",
        "her correction, not what was sealed"
    );
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await.1, before.1 + 1);
    assert!(
        !session.get("/outbox/held").await.contains(&id),
        "resolved by the save"
    );
}

/// Every file under `dir`, recursively, with its bytes.
fn files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}
