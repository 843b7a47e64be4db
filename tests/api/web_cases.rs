//! The case pages over HTTP: the list (scope, open first, overdue marked), the new-case form
//! (every field, both languages, idempotent submission, refusals that keep input), the case
//! page and each of its forms (success, refusal, 412 conflict), and who may not see them.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::*;

/// A complete new-case form, as a browser posts it.
fn new_case_form(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("idempotency_key", key.to_owned()),
        ("opened_on", "2026-11-18".into()),
        ("referred_by", "village_head".into()),
        ("survivor.name", format!("Lò Thị {CANARY}")),
        ("survivor.birth_year", "1990".into()),
        ("survivor.sex", "female".into()),
        ("survivor.ethnicity", "03".into()),
        ("survivor.disability", "yes".into()),
        ("survivor.contact", "0912 000 111".into()),
        ("survivor.address", "bản Hua".into()),
        ("survivor.children_with_her", "2".into()),
        ("violence_types", "physical".into()),
        ("violence_types", "economic".into()),
        ("perpetrator", "spouse".into()),
        ("risk_level", "medium".into()),
        ("consent.services", "yes".into()),
        ("consent.referral", "no".into()),
        ("consent.reporting", "yes".into()),
        ("informant.name", "".into()),
        ("informant.contact", "".into()),
        ("narrative", format!("Chuyện xảy ra {CANARY}")),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// The link of the element with id `id`, entities decoded.
fn href_of(page: &Page, id: &str) -> String {
    let at = page.body.find(&format!("id=\"{id}\"")).unwrap();
    let start = page.body[..at].rfind('<').unwrap();
    let end = at + page.body[at..].find('>').unwrap();
    let tag = &page.body[start..end];
    let href = tag.split("href=\"").nth(1).unwrap();
    href.split('"').next().unwrap().replace("&amp;", "&")
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The ids of the cases `token` may list through the API.
async fn listed(app: &TestApp, token: &str) -> Vec<String> {
    get(app, token, "/cases").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_list_shows_each_user_her_scope_open_cases_first_and_marks_overdue_follow_ups() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let mut older = opening();
    older["opened_on"] = json!("2026-11-10");
    let open_a1 = open_case_with(&app, &t.volunteer_a1, &older).await;
    let closed_a1 = open_case(&app, &t.volunteer_a1).await;
    let closing = json!({"reason": "safe", "closed_on": "2026-11-20"});
    let reply = post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{closed_a1}/close"),
        &closing,
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    schedule(&app, &t.volunteer_a1, &open_a1, "2026-11-17").await;
    let open_a2 = open_case(&app, &t.volunteer_a2).await;
    let open_b1 = open_case(&app, &t.volunteer_b1).await;

    let volunteer = WebSession::signed_in(&app, world.volunteer_a1);
    let page = volunteer.get("/cases").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("<html lang=\"vi\""));
    assert!(page.contains(&format!("/cases/{open_a1}")));
    assert!(page.contains(&format!("/cases/{closed_a1}")));
    assert!(!page.contains(&open_a2) && !page.contains(&open_b1));
    let open_at = page.body.find(&format!("id=\"case-{open_a1}\"")).unwrap();
    let closed_at = page.body.find(&format!("id=\"case-{closed_a1}\"")).unwrap();
    assert!(
        open_at < closed_at,
        "the open case comes first though it is older"
    );
    assert!(page.contains("<span class=\"badge overdue\">Quá hạn 3 ngày</span>"));
    assert!(!page.contains(CANARY), "the list shows no personal data");

    let closed_only = volunteer.get("/cases?status=closed").await;
    assert!(closed_only.contains(&closed_a1) && !closed_only.contains(&open_a1));

    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get("/cases").await;
    assert_eq!(page.status, 200);
    for id in [&open_a1, &closed_a1, &open_a2] {
        assert!(page.contains(&format!("id=\"case-{id}\"")), "{id}");
    }
    assert!(!page.contains(&open_b1));
    assert!(!page.contains(CANARY));
}

#[tokio::test]
async fn the_list_puts_overdue_cases_first_and_finds_a_case_by_its_code() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let calm = open_case(&app, &t.volunteer_a1).await;
    let late = open_case(&app, &t.volunteer_a1).await;
    let later = open_case(&app, &t.volunteer_a1).await;
    schedule(&app, &t.volunteer_a1, &late, "2026-11-18").await;
    schedule(&app, &t.volunteer_a1, &later, "2026-11-15").await;
    let elsewhere = open_case(&app, &t.volunteer_b1).await;
    let code_of = |id: &str| tincay::web::case_code::case_code(id.parse().unwrap());

    let volunteer = WebSession::signed_in(&app, world.volunteer_a1);
    let page = volunteer.get("/cases").await;
    let at = |id: &str| page.body.find(&format!("id=\"case-{id}\"")).unwrap();
    assert!(
        at(&later) < at(&late) && at(&late) < at(&calm),
        "overdue first, longest first"
    );
    assert!(page.contains(&code_of(&late)), "each card shows its code");

    // As she would type it from her supervisor's message: lower case, no dash; or its start.
    for typed in [
        code_of(&late).to_lowercase().replace('-', ""),
        code_of(&late)[..4].to_owned(),
    ] {
        let found = volunteer.get(&format!("/cases?code={typed}")).await;
        assert_eq!(found.status, 200);
        assert!(found.contains(&format!("id=\"case-{late}\"")), "{typed}");
        for other in [&calm, &later] {
            if !code_of(other).starts_with(&code_of(&late)[..typed.len().min(4)]) {
                assert!(!found.contains(&format!("id=\"case-{other}\"")), "{typed}");
            }
        }
    }
    // Another address's case is not found by its code.
    let foreign = volunteer
        .get(&format!("/cases?code={}", code_of(&elsewhere)))
        .await;
    assert!(!foreign.contains(&elsewhere));
    // What is not a code is refused under the field, and the list is shown as it is.
    let refused = volunteer.get("/cases?code=L%C3%B2+Th%E1%BB%8B").await;
    assert_eq!(refused.status, 200);
    assert!(refused.contains("Mã vụ việc gồm 4 đến 8 ký tự"));
    assert!(refused.contains(&format!("id=\"case-{calm}\"")));
    assert!(!refused.contains(CANARY));
}

#[tokio::test]
async fn the_list_pages_with_the_apis_cursor_through_every_status() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let mut ids = Vec::new();
    for _ in 0..52 {
        ids.push(open_case(&app, &t.volunteer_a1).await);
    }
    let closing = json!({"reason": "safe", "closed_on": "2026-11-20"});
    post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{}/close", ids[0]),
        &closing,
    )
    .await;
    let volunteer = WebSession::signed_in(&app, world.volunteer_a1);
    let first = volunteer.get("/cases").await;
    assert_eq!(first.body.matches("class=\"case-card\"").count(), 50);
    let next = href_of(&first, "next-page");
    assert!(next.starts_with("/cases?phase=open&cursor="), "{next}");
    let second = volunteer.get(&next).await;
    assert_eq!(second.body.matches("class=\"case-card\"").count(), 2);
    assert!(
        second.contains(&format!("id=\"case-{}\"", ids[0])),
        "the closed one comes last"
    );
    assert!(!second.contains("id=\"next-page\""));
}

#[tokio::test]
async fn the_new_case_form_asks_every_field_with_labels_in_both_languages() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let mut session = WebSession::signed_in(&app, world.volunteer_a1);
    let page = session.get("/cases/new").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("<html lang=\"vi\""));
    for (name, _) in new_case_form("k") {
        if name != "idempotency_key" {
            assert!(page.contains(&format!("name=\"{name}\"")), "{name}");
        }
    }
    assert!(
        !page.contains("name=\"trusted_address\""),
        "a volunteer's cases open at her address"
    );
    for label in [
        "<label for=\"new-survivor-name\">",
        "<label for=\"new-survivor-birth-year\">",
        "<label for=\"new-narrative\">",
        "Họ tên hoặc tên gọi khác",
        "Năm sinh",
        "Dân tộc",
        "Người được hỗ trợ có đồng ý được chuyển gửi đến các dịch vụ khác",
        "Người được hỗ trợ có đồng ý nhận hỗ trợ tại địa chỉ tin cậy không?",
        "Người được hỗ trợ có đồng ý cho dùng thông tin không nêu tên",
        "Trưởng thôn",
        "Ê Đê",
        "Bạo lực kinh tế",
    ] {
        assert!(page.contains(label), "{label}");
    }
    assert!(page.contains("value=\"54\""), "all 54 ethnic groups");
    assert_eq!(page.input_value("opened_on").as_deref(), Some("2026-11-20"));
    assert!(
        page.input_value("idempotency_key")
            .is_some_and(|key| !key.is_empty())
    );
    assert!(page.contains("data-resilient"));

    session.lang = Some("en".into());
    let page = session.get("/cases/new").await;
    assert!(page.contains("<html lang=\"en\""));
    for label in [
        "Name or another name",
        "Year of birth",
        "Does she agree to be referred to other services",
        "Does she agree to receive support at the trusted address?",
        "Who referred her?",
        "Village head",
    ] {
        assert!(page.contains(label), "{label}");
    }
}

#[tokio::test]
async fn a_supervisor_picks_one_of_her_areas_open_addresses() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let session = WebSession::signed_in(&app, world.supervisor_a);
    let page = session.get("/cases/new").await;
    assert!(page.contains("name=\"trusted_address\""));
    assert!(page.contains(&world.address_a2.to_string()));
    assert!(!page.contains(&world.address_b1.to_string()));
    let mut form = new_case_form(&key());
    form.push(("trusted_address", world.address_a2.to_string()));
    let opened = session.post("/cases/new", &pairs(&form)).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let id = case_of(&opened.location());
    assert_eq!(
        view(&app, &t.volunteer_a2, &id).await["trusted_address"],
        json!(world.address_a2.to_string())
    );

    let mut form = new_case_form(&key());
    form.push(("trusted_address", world.address_b1.to_string()));
    let refused = session.post("/cases/new", &pairs(&form)).await;
    assert_eq!(refused.status, 422);
    assert!(refused.contains("Hãy chọn một địa chỉ tin cậy đang hoạt động trong địa bàn của bạn."));
    assert!(listed(&app, &t.volunteer_b1).await.is_empty());
}

#[tokio::test]
async fn opening_a_case_through_the_form_records_what_was_typed() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let opened = session
        .post("/cases/new", &pairs(&new_case_form(&key())))
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let id = case_of(&opened.location());
    let case = view(&app, &t.volunteer_a1, &id).await;
    assert_eq!(case["trusted_address"], json!(world.address_a1.to_string()));
    assert_eq!(case["opened_on"], "2026-11-18");
    assert_eq!(case["referred_by"], "village_head");
    assert_eq!(case["survivor"]["name"], format!("Lò Thị {CANARY}"));
    assert_eq!(case["survivor"]["birth_year"], 1990);
    assert_eq!(case["survivor"]["ethnicity"], "03");
    assert_eq!(case["survivor"]["disability"], true);
    assert_eq!(case["survivor"]["children_with_her"], 2);
    assert_eq!(case["violence_types"], json!(["physical", "economic"]));
    assert_eq!(case["risk_level"], "medium");
    assert_eq!(
        case["consent"],
        json!({"services": true, "referral": false, "reporting": true})
    );
    assert!(case.get("informant").is_none());
    assert_eq!(listed(&app, &t.volunteer_a1).await, vec![id.clone()]);

    let page = session.get(&opened.location()).await;
    assert_eq!(page.status, 200);
    assert!(page.contains(&format!("Lò Thị {CANARY}")));
    assert!(page.contains("Tiếp nhận vụ việc"));
    assert!(page.contains("18/11/2026"));
    assert!(
        page.contains("id=\"no-referral-consent\""),
        "no referral form without consent"
    );
    assert!(!page.contains("id=\"referral-form\""));
    assert!(!page.contains("id=\"supervisor-actions\""));
}

#[tokio::test]
async fn the_same_form_posted_twice_with_its_key_opens_one_case() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let form = new_case_form(&key());
    let first = session.post("/cases/new", &pairs(&form)).await;
    let again = session.post("/cases/new", &pairs(&form)).await;
    assert_eq!(first.status, 303);
    assert_eq!(again.status, 303);
    assert_eq!(first.location(), again.location());
    assert_eq!(listed(&app, &t.volunteer_a1).await.len(), 1);
}

#[tokio::test]
async fn a_refused_new_case_keeps_what_was_typed_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let form: Vec<(&'static str, String)> = new_case_form("kept-key")
        .into_iter()
        .filter(|(name, _)| *name != "violence_types")
        .map(|(name, value)| match name {
            "narrative" => (name, format!("<script>alert(1)</script> {CANARY}")),
            "opened_on" => (name, "2026-12-30".to_owned()),
            _ => (name, value),
        })
        .collect();
    let page = session.post("/cases/new", &pairs(&form)).await;
    assert_eq!(page.status, 422);
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("Hãy chọn ít nhất một lựa chọn."),
        "under violence types"
    );
    assert!(page.contains("Vui lòng sửa các mục được đánh dấu bên dưới."));
    assert_eq!(
        page.input_value("idempotency_key").as_deref(),
        Some("kept-key")
    );
    assert_eq!(
        page.input_value("survivor.name"),
        Some(format!("Lò Thị {CANARY}"))
    );
    assert!(page.contains("value=\"village_head\" selected"));
    assert!(listed(&app, &t.volunteer_a1).await.is_empty());

    let mut typo = new_case_form("other-key");
    typo.retain(|(name, _)| *name != "consent.referral");
    typo.push(("survivor.children_with_her", "hai".into()));
    typo.retain(|pair| *pair != ("survivor.children_with_her", "2".to_owned()));
    let page = session.post("/cases/new", &pairs(&typo)).await;
    assert_eq!(page.status, 422);
    assert!(page.contains("Hãy chọn Có hoặc Không."));
    assert!(page.contains("Hãy ghi một số nguyên, ví dụ 3."));
    assert_eq!(
        page.input_value("survivor.children_with_her").as_deref(),
        Some("hai")
    );
    assert!(listed(&app, &t.volunteer_a1).await.is_empty());
}

/// Posts form `path` on a case with the version shown on its page and a fresh key.
async fn command(
    session: &WebSession<'_>,
    case: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Page {
    let page = session.get(&format!("/cases/{case}")).await;
    assert_eq!(page.status, 200);
    let version = page.input_value("version").unwrap();
    let key = key();
    let mut all = vec![
        ("version", version.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    all.extend_from_slice(fields);
    session.post(&format!("/cases/{case}{path}"), &all).await
}

fn recorded(page: &Page, case: &str) {
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location();
    assert_eq!(case_of(&location), case, "{location}");
    assert!(location.contains("?saved="), "{location}");
}

/// The case id of a case page's path (`/cases/{id}?saved=…#saved`).
fn case_of(location: &str) -> String {
    let path = location.split(['?', '#']).next().unwrap_or_default();
    path.trim_start_matches("/cases/").to_owned()
}

fn last_event(case: &Value) -> Value {
    case["timeline"].as_array().unwrap().last().unwrap().clone()
}

#[tokio::test]
async fn every_form_on_the_case_page_records_its_command() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let page = session.get(&format!("/cases/{case}")).await;
    for form in [
        "support-form",
        "referral-form",
        "follow-up-form",
        "note-form",
        "risk-form",
        "close-form",
    ] {
        assert!(page.contains(&format!("id=\"{form}\"")), "{form}");
    }

    let support = [
        ("type", "shelter"),
        ("provided_on", "2026-11-19"),
        ("nights", "2"),
        ("by", "Chị Hoa"),
        ("notes", ""),
    ];
    recorded(&command(&session, &case, "/support", &support).await, &case);
    let event = last_event(&view(&app, &t.volunteer_a1, &case).await);
    assert_eq!(event["type"], "support_provided");
    assert_eq!(event["data"]["nights"], 2);

    let referral = [
        ("target", "legal_aid"),
        ("made_on", "2026-11-19"),
        ("organisation", "Trung tâm trợ giúp pháp lý"),
        ("contact_person", ""),
        ("notes", ""),
    ];
    recorded(
        &command(&session, &case, "/referrals", &referral).await,
        &case,
    );
    let state = view(&app, &t.volunteer_a1, &case).await;
    let rid = state["referrals"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        state["referrals"][0]["organisation"],
        "Trung tâm trợ giúp pháp lý"
    );

    let page = session.get(&format!("/cases/{case}")).await;
    assert!(page.contains(&format!("id=\"outcome-{rid}-form\"")));
    let outcome = [
        ("outcome", "accepted"),
        ("recorded_on", "2026-11-20"),
        ("notes", ""),
    ];
    let path = format!("/referrals/{rid}/outcome");
    recorded(&command(&session, &case, &path, &outcome).await, &case);
    assert_eq!(
        view(&app, &t.volunteer_a1, &case).await["referrals"][0]["outcome"],
        "accepted"
    );

    let follow_up = [("due_on", "2026-11-27"), ("method", "phone")];
    recorded(
        &command(&session, &case, "/follow-ups", &follow_up).await,
        &case,
    );
    let state = view(&app, &t.volunteer_a1, &case).await;
    let fid = state["follow_ups"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(state["follow_ups"][0]["method"], "phone");

    let done = [
        ("completed_on", "2026-11-20"),
        ("outcome", "safe"),
        ("notes", ""),
    ];
    let path = format!("/follow-ups/{fid}/complete");
    recorded(&command(&session, &case, &path, &done).await, &case);
    assert_eq!(
        view(&app, &t.volunteer_a1, &case).await["follow_ups"][0]["status"],
        "completed"
    );

    recorded(
        &command(&session, &case, "/notes", &[("text", "Đã gọi điện")]).await,
        &case,
    );
    assert_eq!(
        last_event(&view(&app, &t.volunteer_a1, &case).await)["data"]["text"],
        "Đã gọi điện"
    );

    recorded(
        &command(&session, &case, "/risk", &[("level", "low"), ("notes", "")]).await,
        &case,
    );
    assert_eq!(
        view(&app, &t.volunteer_a1, &case).await["risk_level"],
        "low"
    );

    let close = [
        ("reason", "safe"),
        ("closed_on", "2026-11-20"),
        ("notes", ""),
    ];
    recorded(&command(&session, &case, "/close", &close).await, &case);
    assert_eq!(
        view(&app, &t.volunteer_a1, &case).await["status"],
        "closure_requested"
    );

    let page = session.get(&format!("/cases/{case}")).await;
    assert!(page.contains("id=\"closure-request\""));
    assert!(page.contains("id=\"closure-pending\""));
    assert!(!page.contains("id=\"close-form\""));
    for words in [
        "Hỗ trợ",
        "Tạm lánh",
        "Trung tâm trợ giúp pháp lý",
        "Đã gọi điện",
        "27/11/2026",
        "Đề nghị kết thúc vụ việc",
    ] {
        assert!(page.contains(words), "{words}");
    }
}

#[tokio::test]
async fn a_closed_case_shows_no_forms_and_a_supervisor_sees_her_actions() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.supervisor_a);
    let page = session.get(&format!("/cases/{case}")).await;
    assert!(page.contains("id=\"supervisor-actions\""));
    assert!(page.contains(&format!("/cases/{case}/transfer")));
    assert!(page.contains(&format!("/cases/{case}/access-log")));
    assert!(!page.contains(&format!("/cases/{case}/review")));
    let close = [
        ("reason", "relocated"),
        ("closed_on", "2026-11-20"),
        ("notes", ""),
    ];
    recorded(&command(&session, &case, "/close", &close).await, &case);
    assert_eq!(view(&app, &t.supervisor_a, &case).await["status"], "closed");
    let page = session.get(&format!("/cases/{case}")).await;
    assert!(page.contains("id=\"case-closed\""));
    assert!(!page.contains("<form id=\"note-form\""));
    assert!(
        !page.contains("data-resilient"),
        "no command form on a closed case"
    );
    assert!(page.contains(&format!("/cases/{case}/reopen")));
}

#[tokio::test]
async fn a_refused_command_shows_the_case_again_with_the_form_open_and_input_kept() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let support = [
        ("type", "counselling"),
        ("provided_on", "2026-11-19"),
        ("nights", "3"),
        ("by", ""),
        ("notes", "giữ lại ghi chú này"),
    ];
    let page = command(&session, &case, "/support", &support).await;
    assert_eq!(page.status, 422);
    assert!(page.contains("<details id=\"support\" open>"));
    assert!(page.contains("Chỉ ghi số đêm khi hỗ trợ tạm lánh."));
    assert!(page.contains("giữ lại ghi chú này"));
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 1);

    let mut body = opening();
    body["consent"]["referral"] = json!(false);
    let unconsented = open_case_with(&app, &t.volunteer_a1, &body).await;
    let referral = [("target", "police"), ("made_on", "2026-11-19")];
    let page = command(&session, &unconsented, "/referrals", &referral).await;
    assert_eq!(page.status, 422);
    assert!(page.contains("Nạn nhân chưa đồng ý được chuyển gửi."));
    assert_eq!(
        view(&app, &t.volunteer_a1, &unconsented).await["version"],
        1
    );
}

#[tokio::test]
async fn a_conflict_shows_the_new_state_and_keeps_her_note_with_the_new_version() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let page = session.get(&format!("/cases/{case}")).await;
    assert_eq!(page.input_value("version").as_deref(), Some("1"));
    let meanwhile = post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}/notes"),
        &json!({"text": "Ghi chú của giám sát viên"}),
    )
    .await;
    assert_eq!(meanwhile.status, 201);

    let key = key();
    let mine = [
        ("version", "1"),
        ("idempotency_key", key.as_str()),
        ("text", "Ghi chú của tôi <b>đậm</b>"),
    ];
    let page = session.post(&format!("/cases/{case}/notes"), &mine).await;
    assert_eq!(page.status, 412);
    assert!(page.contains("id=\"conflict\"") && page.contains("class=\"conflict\""));
    assert!(page.contains("Người khác vừa cập nhật vụ việc này."));
    assert!(page.contains("Ghi chú của giám sát viên"), "the new state");
    assert!(page.contains("<details id=\"note\" open>"));
    assert!(page.contains("Ghi chú của tôi &lt;b&gt;đậm&lt;/b&gt;</textarea>"));
    assert!(page.contains("name=\"version\" value=\"2\""));
    assert!(!page.contains("name=\"version\" value=\"1\""));
    assert!(
        page.contains(&format!("value=\"{key}\"")),
        "the same request when sent again"
    );
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 2);

    let again = [
        ("version", "2"),
        ("idempotency_key", key.as_str()),
        ("text", "Ghi chú của tôi <b>đậm</b>"),
    ];
    recorded(
        &session.post(&format!("/cases/{case}/notes"), &again).await,
        &case,
    );
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 3);
}

#[tokio::test]
async fn a_script_in_a_note_comes_back_escaped() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let note = [("text", "<script>alert('x')</script>")];
    recorded(&command(&session, &case, "/notes", &note).await, &case);
    let page = session.get(&format!("/cases/{case}")).await;
    assert!(page.contains("&lt;script&gt;alert('x')&lt;/script&gt;"));
    assert!(!page.contains("<script>alert"));
}

#[tokio::test]
async fn another_addresss_volunteer_gets_not_found_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let outsider = WebSession::signed_in(&app, world.volunteer_a2);
    let page = outsider.get(&format!("/cases/{case}")).await;
    assert_eq!(page.status, 404);
    assert!(page.contains("Không tìm thấy trang hoặc vụ việc này."));
    assert!(!page.contains(CANARY));
    let key = key();
    let note = [
        ("version", "1"),
        ("idempotency_key", key.as_str()),
        ("text", "xen vào"),
    ];
    let page = outsider.post(&format!("/cases/{case}/notes"), &note).await;
    assert_eq!(page.status, 404);
    assert!(!page.contains(CANARY));
    let support = [
        ("version", "1"),
        ("type", "shelter"),
        ("provided_on", "2026-11-19"),
        ("nights", "x"),
    ];
    assert_eq!(
        outsider
            .post(&format!("/cases/{case}/support"), &support)
            .await
            .status,
        404
    );
    assert_eq!(outsider.get("/cases/not-a-case").await.status, 404);
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 1);
}

#[tokio::test]
async fn an_erased_case_is_gone() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let erased = delete(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}?reason=duplicate"),
    )
    .await;
    assert_eq!(erased.status, 204);
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let page = session.get(&format!("/cases/{case}")).await;
    assert_eq!(page.status, 410);
    assert!(page.contains("Vụ việc này đã bị xóa vĩnh viễn."));
}

#[tokio::test]
async fn reporting_officers_and_admins_may_not_use_the_case_pages() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    for user in [world.reporter_a, world.admin] {
        let session = WebSession::signed_in(&app, user);
        for path in [
            "/cases".to_owned(),
            "/cases/new".to_owned(),
            format!("/cases/{case}"),
        ] {
            let page = session.get(&path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(!page.contains(CANARY));
        }
        let note = [("version", "1"), ("text", "không được")];
        assert_eq!(
            session
                .post(&format!("/cases/{case}/notes"), &note)
                .await
                .status,
            403
        );
        let opened = session
            .post("/cases/new", &pairs(&new_case_form(&key())))
            .await;
        assert_eq!(opened.status, 403);
    }
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 1);
    assert_eq!(listed(&app, &t.supervisor_a).await.len(), 1);
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let note = [("version", "1"), ("text", "không có mã")];
    let page = session
        .post_raw(&format!("/cases/{case}/notes"), &note)
        .await;
    assert_eq!(page.status, 403);
    let page = session
        .post_raw("/cases/new", &pairs(&new_case_form(&key())))
        .await;
    assert_eq!(page.status, 403);
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 1);
    assert_eq!(listed(&app, &t.volunteer_a1).await.len(), 1);
}

#[tokio::test]
async fn reading_a_case_page_is_in_its_access_log() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    assert_eq!(session.get(&format!("/cases/{case}")).await.status, 200);
    let log = get(&app, &t.supervisor_a, &format!("/cases/{case}/access-log"))
        .await
        .json();
    let reads: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["action"] == "case_read")
        .collect();
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0]["user"], json!(world.volunteer_a1.to_string()));
}

#[tokio::test]
async fn a_note_typed_while_the_case_was_closed_is_not_lost() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let closing = json!({"reason": "safe", "closed_on": "2026-11-20"});
    let reply = post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}/close"),
        &closing,
    )
    .await;
    assert_eq!(reply.status, 201);
    let key = key();
    let mine = [
        ("version", "1"),
        ("idempotency_key", key.as_str()),
        ("text", "Một ghi chú dài"),
    ];
    let page = session.post(&format!("/cases/{case}/notes"), &mine).await;
    assert_eq!(page.status, 412);
    assert!(page.contains("id=\"case-closed\""), "the new state");
    assert!(page.contains("Một ghi chú dài</textarea>"));
    assert!(!page.contains("id=\"support-form\""));
    let again = [
        ("version", "2"),
        ("idempotency_key", key.as_str()),
        ("text", "Một ghi chú dài"),
    ];
    let page = session.post(&format!("/cases/{case}/notes"), &again).await;
    assert_eq!(page.status, 422);
    assert!(page.contains("Vụ việc đã kết thúc: chỉ có thể mở lại hoặc xóa."));
    assert!(page.contains("Một ghi chú dài</textarea>"));
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 2);
}
