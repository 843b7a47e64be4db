//! The supervisor's pages over HTTP: the dashboard (overdue follow-ups in order, closure
//! requests, no personal data), review, transfer, reopen, erase (only with its
//! confirmation), a case's access log; other roles get 403, another area's supervisor 404,
//! a form without its CSRF token 403, and nothing is written by a refused form.

use serde_json::json;
use tincay::domain::access::AccessEvent;
use tincay::domain::ids::CaseId;
use tincay::domain::vocab::{AccessAction, Role};
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::*;

/// The case's version in the case index (what a refused form must leave alone).
fn version(app: &TestApp, case: &str) -> u64 {
    let id = CaseId::from_uuid(case.parse().unwrap());
    app.state.projections.cases.get(&id).unwrap().version
}

/// How many case listings this month's access log holds.
fn listings(app: &TestApp) -> usize {
    let records = app
        .state
        .log
        .read_stream(&StreamId::access_month(2026, 11))
        .unwrap();
    records
        .iter()
        .map(|record| match record.decode::<AccessEvent>().unwrap() {
            AccessEvent::Recorded { facts, .. } => {
                usize::from(facts.action == AccessAction::CaseListed)
            }
            AccessEvent::BatchRecorded { facts, .. } => facts
                .entries
                .iter()
                .filter(|entry| entry.action == AccessAction::CaseListed)
                .count(),
            AccessEvent::AccountRecorded { .. } | AccessEvent::HeldRecorded { .. } => 0,
        })
        .sum()
}

async fn case_with_risk(app: &TestApp, token: &str, risk: &str) -> String {
    let mut body = opening();
    body["risk_level"] = json!(risk);
    open_case_with(app, token, &body).await
}

/// A case at address A1 whose volunteer asked to close it (notes with the canary).
async fn closure_requested(app: &TestApp, t: &Tokens) -> String {
    let id = open_case(app, &t.volunteer_a1).await;
    let close = json!({"reason": "safe", "closed_on": "2026-11-19", "notes": CANARY});
    let reply = post(app, &t.volunteer_a1, &format!("/cases/{id}/close"), &close).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    id
}

#[tokio::test]
async fn the_dashboard_puts_the_most_overdue_follow_up_first_and_shows_no_personal_data() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let low = case_with_risk(&app, &t.volunteer_a1, "low").await;
    let high = case_with_risk(&app, &t.volunteer_a2, "high").await;
    let low_too = case_with_risk(&app, &t.volunteer_a1, "low").await;
    schedule(&app, &t.volunteer_a1, &low, "2026-11-10").await;
    schedule(&app, &t.volunteer_a1, &low_too, "2026-11-15").await;
    schedule(&app, &t.volunteer_a2, &high, "2026-11-15").await;
    schedule(&app, &t.volunteer_a2, &high, "2026-12-01").await;
    let other_area = open_case(&app, &t.volunteer_b1).await;
    schedule(&app, &t.volunteer_b1, &other_area, "2026-11-01").await;

    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get("/dashboard").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("<html lang=\"vi\""));
    assert!(page.contains("Tổng quan địa bàn"));
    for table in ["open-by-address", "overdue-follow-ups"] {
        assert!(page.contains(&format!("id=\"{table}\"")), "{table}");
    }
    let overdue = &page.body[page.body.find("id=\"overdue-follow-ups\"").unwrap()..];
    let first = overdue.find(&format!("/cases/{low}")).unwrap();
    let second = overdue.find(&format!("/cases/{high}")).unwrap();
    let third = overdue.find(&format!("/cases/{low_too}")).unwrap();
    assert!(first < second, "10 days overdue comes before 5 days");
    assert!(second < third, "then the highest risk first");
    assert!(overdue.contains("10 ngày") && overdue.contains("5 ngày"));
    assert!(overdue.contains("10/11/2026"), "due dates day first");
    assert!(!overdue.contains("01/12/2026"), "not overdue yet");
    assert!(
        !page.contains(&other_area),
        "another area's case is not shown"
    );
    assert!(!page.contains(CANARY));
    assert!(page.contains("id=\"closure-requests-empty\""));
}

#[tokio::test]
async fn the_dashboard_counts_open_cases_per_address_and_records_the_listing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    open_case(&app, &t.volunteer_a1).await;
    closure_requested(&app, &t).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get("/dashboard").await;
    assert_eq!(page.status, 200);
    let table = &page.body[page.body.find("id=\"open-by-address\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let name = format!("Nhà bà {}", &world.address_a1.to_string()[..8]);
    let row = &table[table.find(&name).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">2</td>") && row.contains(">1</td>"), "{row}");
    assert!(
        !table.contains(&world.address_b1.to_string()[..8]),
        "only her area's addresses"
    );
    assert!(!page.contains(CANARY));
    assert_eq!(
        listings(&app),
        1,
        "the dashboard's listing is in the access log"
    );
}

#[tokio::test]
async fn a_closure_request_is_reviewed_and_approving_it_closes_the_case() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = closure_requested(&app, &t).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);

    let dashboard = supervisor.get("/dashboard").await;
    assert!(dashboard.contains("id=\"closure-requests\""));
    assert!(dashboard.contains(&format!("href=\"/cases/{id}/review\"")));
    assert!(!dashboard.contains(CANARY));

    let page = supervisor.get(&format!("/cases/{id}/review")).await;
    assert_eq!(page.status, 200);
    assert!(page.contains("id=\"closure-request\""));
    assert!(page.contains("data-reason=\"safe\""));
    // What a decision needs is on the page (issue 24): the request's notes among it, read
    // through the case's logged read path.
    assert!(page.contains("id=\"review-case\""));
    assert!(page.contains("id=\"request-notes\""));
    let form = page.form(format!("/cases/{id}/review"));
    let done = supervisor
        .submit(&form, &[("decision", "approved"), ("comment", "ổn rồi")])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), format!("/cases/{id}?saved=reviewed#saved"));
    assert_eq!(view(&app, &t.supervisor_a, &id).await["status"], "closed");
    let dashboard = supervisor.get("/dashboard").await;
    assert!(!dashboard.contains(&format!("/cases/{id}/review")));
}

#[tokio::test]
async fn a_refused_review_keeps_the_input_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = closure_requested(&app, &t).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get(&format!("/cases/{id}/review")).await;
    let form = page.form(format!("/cases/{id}/review"));
    let before = self::version(&app, &id);

    let refused = supervisor
        .submit(&form, &[("comment", "<script>alert(1)</script>")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.contains("Hãy chọn một quyết định."));
    assert!(refused.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!refused.contains("<script>alert(1)"));
    assert_eq!(refused.input_value("idempotency_key").unwrap(), form.key);
    assert_eq!(self::version(&app, &id), before);

    // Someone else moved the case on: a 412 with the new state and her words kept.
    let note = json!({"text": "thêm ghi chú"});
    post(&app, &t.volunteer_a1, &format!("/cases/{id}/notes"), &note).await;
    let stale = supervisor
        .submit(&form, &[("decision", "approved"), ("comment", "đồng ý")])
        .await;
    assert_eq!(stale.status, 412);
    assert!(stale.contains("class=\"conflict\""));
    assert!(stale.contains("Người khác vừa cập nhật vụ việc này."));
    assert!(stale.contains("đồng ý"));
    assert_eq!(
        stale.input_value("version").unwrap(),
        (before + 1).to_string()
    );
    assert_eq!(
        view(&app, &t.supervisor_a, &id).await["status"],
        "closure_requested"
    );
}

#[tokio::test]
async fn transfer_moves_the_case_to_another_address_in_her_area() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get(&format!("/cases/{id}/transfer")).await;
    assert_eq!(page.status, 200);
    let options = &page.body[page.body.find("<select").unwrap()..];
    let options = &options[..options.find("</select>").unwrap()];
    assert!(options.contains(&world.address_a2.to_string()));
    assert!(options.contains(&world.address_a1_second.to_string()));
    assert!(
        !options.contains(&world.address_a1.to_string()),
        "not its own"
    );
    assert!(
        !options.contains(&world.address_b1.to_string()),
        "not another area's"
    );

    // Another area's address is refused by the API, in words, and nothing is written.
    let form = page.form(format!("/cases/{id}/transfer"));
    let before = self::version(&app, &id);
    let refused = supervisor
        .submit(
            &form,
            &[
                ("trusted_address", &world.address_b1.to_string()),
                ("reason", "gần nhà mẹ"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.contains("Hãy chọn một địa chỉ tin cậy đang hoạt động"));
    assert!(refused.contains("gần nhà mẹ"));
    assert_eq!(self::version(&app, &id), before);

    let done = supervisor
        .submit(
            &form,
            &[
                ("trusted_address", &world.address_a2.to_string()),
                ("reason", "gần nhà mẹ"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        done.location(),
        format!("/cases/{id}?saved=transferred#saved")
    );
    let case = view(&app, &t.supervisor_a, &id).await;
    assert_eq!(case["trusted_address"], world.address_a2.to_string());
}

#[tokio::test]
async fn reopen_opens_a_closed_case_and_refuses_an_open_one_in_words() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);

    let page = supervisor.get(&format!("/cases/{id}/reopen")).await;
    assert_eq!(page.status, 200);
    assert!(page.contains("id=\"not-closed\""));
    let form = page.form(format!("/cases/{id}/reopen"));
    let refused = supervisor
        .submit(&form, &[("reason", "bạo lực quay lại")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.contains("Chỉ mở lại được vụ việc đã kết thúc."));
    assert!(refused.contains("bạo lực quay lại"));

    let close = json!({"reason": "safe", "closed_on": "2026-11-19"});
    let reply = post(&app, &t.supervisor_a, &format!("/cases/{id}/close"), &close).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let page = supervisor.get(&format!("/cases/{id}/reopen")).await;
    let form = page.form(format!("/cases/{id}/reopen"));
    let blank = supervisor.submit(&form, &[("reason", " ")]).await;
    assert_eq!(blank.status, 422);
    assert!(blank.contains("Hãy ghi lý do mở lại vụ việc."));
    let done = supervisor
        .submit(&form, &[("reason", "bạo lực quay lại")])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(view(&app, &t.supervisor_a, &id).await["status"], "open");
}

#[tokio::test]
async fn erasing_needs_the_confirmation_and_then_the_case_is_gone() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get(&format!("/cases/{id}/erase")).await;
    assert_eq!(page.status, 200);
    assert!(page.contains("Việc này không thể hoàn tác"));
    assert!(page.contains("sẽ bị hủy vĩnh viễn"));
    assert!(page.contains("Số liệu thống kê"));
    assert!(page.contains("nhật ký truy cập"));
    assert!(page.contains("value=\"survivor_request\""));
    assert!(!page.contains(CANARY));
    let form = page.form(format!("/cases/{id}/erase"));
    let before = self::version(&app, &id);

    let unconfirmed = supervisor.submit(&form, &[("reason", "duplicate")]).await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.contains("Hãy đánh dấu ô xác nhận"));
    assert!(unconfirmed.contains("value=\"duplicate\" selected"));
    assert_eq!(self::version(&app, &id), before);
    assert_eq!(
        get(&app, &t.supervisor_a, &format!("/cases/{id}"))
            .await
            .status,
        200
    );

    let no_reason = supervisor.submit(&form, &[("confirm", "yes")]).await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.contains("Hãy chọn lý do xóa."));
    assert_eq!(self::version(&app, &id), before);

    let done = supervisor
        .submit(&form, &[("reason", "duplicate"), ("confirm", "yes")])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), format!("/cases/{id}/erased"));
    assert_eq!(
        get(&app, &t.supervisor_a, &format!("/cases/{id}"))
            .await
            .status,
        410
    );
    let landing = supervisor.get(&done.location()).await;
    assert_eq!(landing.status, 200);
    assert!(landing.contains("Vụ việc đã được xóa"));
    assert_eq!(
        supervisor.get(&format!("/cases/{id}/erase")).await.status,
        410
    );
    let resent = supervisor
        .submit(&form, &[("reason", "duplicate"), ("confirm", "yes")])
        .await;
    assert_eq!(resent.status, 303, "a resent form lands alike");
    assert_eq!(resent.location(), format!("/cases/{id}/erased"));
}

#[tokio::test]
async fn the_access_log_page_lists_who_read_the_case_and_when() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    view(&app, &t.volunteer_a1, &id).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get(&format!("/cases/{id}/access-log")).await;
    assert_eq!(page.status, 200);
    let table = &page.body[page.body.find("id=\"access-log\"").unwrap()..];
    let read = &table[table.find("data-action=\"case_read\"").unwrap()..];
    let read = &read[..read.find("</tr>").unwrap()];
    assert!(
        read.contains("tnv.a1") && read.contains("Xem hồ sơ"),
        "{read}"
    );
    assert!(
        read.contains("20/11/2026 10:00"),
        "Vietnam time, day first: {read}"
    );
    let own = &table[table.find("data-action=\"access_log_read\"").unwrap()..];
    assert!(
        own[..own.find("</tr>").unwrap()].contains("gs.a"),
        "this read too"
    );
    assert!(!page.contains(CANARY));

    let mut english = WebSession::signed_in(&app, world.supervisor_a);
    english.lang = Some("en".into());
    let page = english.get(&format!("/cases/{id}/access-log")).await;
    assert!(page.contains("<html lang=\"en\""));
    assert!(page.contains("Case read") && page.contains("2026-11-20 10:00"));
}

#[tokio::test]
async fn the_access_log_page_names_a_reader_by_her_full_name_beside_her_username() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    let binding = (None, Some(world.address_a1));
    let named = app
        .seed_named_user(
            "tnv.mai",
            Some("Lò Thị Mai"),
            PASSWORD,
            Role::Volunteer,
            binding,
        )
        .await;
    view(&app, &app.token_for(named), &id).await;
    view(&app, &t.volunteer_a1, &id).await;
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);

    let page = supervisor.get(&format!("/cases/{id}/access-log")).await;

    assert_eq!(page.status, 200);
    let table = &page.body[page.body.find("id=\"access-log\"").unwrap()..];
    let reads: Vec<&str> = table
        .split("data-action=\"case_read\"")
        .skip(1)
        .map(|row| &row[..row.find("</tr>").unwrap()])
        .collect();
    assert!(
        reads.iter().any(|row| row.contains("Lò Thị Mai (tnv.mai)")),
        "{reads:?}"
    );
    assert!(
        reads
            .iter()
            .any(|row| row.contains("tnv.a1") && !row.contains('(')),
        "an account without a full name is named by its username: {reads:?}"
    );
}

#[tokio::test]
async fn the_access_log_page_shows_repeated_reads_as_one_line_with_a_count() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    for _ in 0..18 {
        view(&app, &t.volunteer_a1, &id).await;
        app.clock.advance(time::Duration::seconds(20));
    }
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);

    let page = supervisor.get(&format!("/cases/{id}/access-log")).await;

    assert_eq!(page.status, 200);
    let table = &page.body[page.body.find("id=\"access-log\"").unwrap()..];
    assert_eq!(table.matches("data-action=\"case_read\"").count(), 1);
    let read = &table[table.find("data-action=\"case_read\"").unwrap()..];
    let read = &read[..read.find("</tr>").unwrap()];
    assert!(read.contains("data-count=\"18\""), "{read}");
    assert!(read.contains("18 lần, đến 20/11/2026 10:05"), "{read}");
}

#[tokio::test]
async fn other_roles_get_403_on_every_supervisor_page() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = closure_requested(&app, &t).await;
    let before = version(&app, &id);
    for user in [world.volunteer_a1, world.reporter_a, world.admin] {
        let session = WebSession::signed_in(&app, user);
        for path in [
            "/dashboard".to_owned(),
            format!("/cases/{id}/review"),
            format!("/cases/{id}/transfer"),
            format!("/cases/{id}/reopen"),
            format!("/cases/{id}/erase"),
            format!("/cases/{id}/access-log"),
        ] {
            let page = session.get(&path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(!page.contains(CANARY));
        }
        let posted = session
            .post(&format!("/cases/{id}/review"), &[("decision", "approved")])
            .await;
        assert_eq!(posted.status, 403);
        let erased = session
            .post(
                &format!("/cases/{id}/erase"),
                &[("reason", "duplicate"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(erased.status, 403);
    }
    assert_eq!(version(&app, &id), before, "nothing written");
}

#[tokio::test]
async fn another_areas_supervisor_gets_404_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = closure_requested(&app, &t).await;
    let before = version(&app, &id);
    let stranger = WebSession::signed_in(&app, world.supervisor_b);
    for page in [
        "review",
        "transfer",
        "reopen",
        "erase",
        "access-log",
        "erased",
    ] {
        let page = stranger.get(&format!("/cases/{id}/{page}")).await;
        assert_eq!(page.status, 404);
        assert!(!page.contains(CANARY));
    }
    let attempts: [(&str, Vec<(&str, String)>); 4] = [
        ("review", vec![("decision", "approved".into())]),
        (
            "transfer",
            vec![("trusted_address", world.address_b1.to_string())],
        ),
        ("reopen", vec![("reason", "thử".into())]),
        (
            "erase",
            vec![("reason", "duplicate".into()), ("confirm", "yes".into())],
        ),
    ];
    for (path, fields) in attempts {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = stranger.post(&format!("/cases/{id}/{path}"), &fields).await;
        assert_eq!(page.status, 404, "{path}");
    }
    assert_eq!(version(&app, &id), before, "nothing written");
    assert_eq!(stranger.get("/cases/not-a-uuid/review").await.status, 404);
    let dashboard = stranger.get("/dashboard").await;
    assert_eq!(dashboard.status, 200);
    assert!(!dashboard.contains(&id));
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = closure_requested(&app, &t).await;
    let before = version(&app, &id);
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let review = supervisor
        .post_raw(&format!("/cases/{id}/review"), &[("decision", "approved")])
        .await;
    assert_eq!(review.status, 403);
    let erase = supervisor
        .post_raw(
            &format!("/cases/{id}/erase"),
            &[
                ("_csrf", "forged"),
                ("reason", "duplicate"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(erase.status, 403);
    assert_eq!(version(&app, &id), before);
    assert_eq!(
        view(&app, &t.supervisor_a, &id).await["status"],
        "closure_requested"
    );
}
