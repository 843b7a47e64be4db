//! The reporting pages over HTTP: the statistics explorer (a suppressed cell shown as "<5"
//! with the explanation, the SVG chart, the same numbers as the API), its CSV downloads
//! (in words with a header block, and codes only) in the access log, exact counts for supervisors only, scope (404) and roles (403), an
//! invalid query refused on the form, the printable programme report, English labels, and
//! no personal data anywhere.

use serde_json::json;
use tincay::domain::access::AccessEvent;
use tincay::domain::vocab::AccessAction;
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::*;

/// Eight cases at address a1 with reporting consent: six of physical and psychological
/// violence (the opening's), two of economic violence only, who are men (so "economic" and
/// "male" are small cells); every case has had counselling.
async fn seeded() -> (TestApp, World, Tokens) {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    for n in 0..8 {
        let mut body = opening();
        if n >= 6 {
            body["violence_types"] = json!(["economic"]);
            body["survivor"]["sex"] = json!("male");
        }
        let id = open_case_with(&app, &tokens.volunteer_a1, &body).await;
        let support = json!({"type": "counselling", "provided_on": "2026-11-19"});
        let reply = post(
            &app,
            &tokens.volunteer_a1,
            &format!("/cases/{id}/support"),
            &support,
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    (app, world, tokens)
}

/// The number in the row headed `label` of a table (`None` if absent).
fn row_number(body: &str, label: &str) -> Option<String> {
    let at = body.find(&format!("<th scope=\"row\">{label}</th>"))?;
    let rest = &body[at..];
    let cell = rest.split("<td class=\"number").nth(1)?;
    let text = cell.split_once('>')?.1;
    Some(text.split('<').next()?.to_owned())
}

/// The access log entries written after `before` in this month's stream: (action, user).
fn access_since(app: &TestApp, before: usize) -> Vec<(AccessAction, Option<uuid::Uuid>)> {
    let month = StreamId::access_month(2026, 11);
    let entries = app.state.log.read_stream(&month).unwrap();
    entries[before..]
        .iter()
        .flat_map(|record| match record.decode::<AccessEvent>().unwrap() {
            AccessEvent::Recorded { facts, .. } => vec![(facts.action, record.actor)],
            AccessEvent::BatchRecorded { facts, .. } => facts
                .entries
                .into_iter()
                .map(|entry| (entry.action, entry.user.map(|user| *user.as_uuid())))
                .collect(),
            AccessEvent::AccountRecorded { .. } | AccessEvent::HeldRecorded { .. } => vec![],
        })
        .collect()
}

fn access_count(app: &TestApp) -> usize {
    app.state
        .log
        .read_stream(&StreamId::access_month(2026, 11))
        .unwrap()
        .len()
}

fn assert_nothing_personal(page: &Page) {
    assert!(!page.contains(CANARY), "a personal field leaked");
    assert!(!page.contains("Nhà bà"), "a trusted address's name leaked");
}

#[tokio::test]
async fn the_explorer_opens_on_a_table_with_a_suppressed_cell_explained_and_a_chart() {
    let (app, world, tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let page = officer.get("/stats").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("<html lang=\"vi\""));
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.contains(
        "<form class=\"stacked explorer no-print\" id=\"stats-query\" method=\"get\" action=\"/stats\">"
    ));
    // The first opening: cases opened by violence type, this year, her own area.
    assert!(page.contains("<option value=\"cases_opened\" selected>"));
    assert!(page.contains("<option value=\"violence_type\" selected>"));
    assert!(page.contains("<option value=\"2026\" selected>"));
    assert!(page.contains("<table id=\"stats-table\">"));
    // Economic violence (two cases) is hidden; physical violence (six) is shown.
    assert_eq!(
        row_number(&page.body, "Bạo lực kinh tế").as_deref(),
        Some("&lt;5")
    );
    assert!(page.contains("<td class=\"number suppressed\">&lt;5</td>"));
    let physical: u64 = row_number(&page.body, "Bạo lực thể chất")
        .unwrap()
        .parse()
        .unwrap();
    assert!(physical >= 5);
    // The same number as the API's for the same query: one code path.
    let api = get(
        &app,
        &tokens.reporter_a,
        "/stats?measure=cases_opened&period=2026&by=violence_type",
    )
    .await
    .json();
    let cell = api["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["violence_type"] == "physical")
        .unwrap()
        .clone();
    assert_eq!(cell["count"], physical);
    // The explanation, in words.
    assert!(page.contains("id=\"suppression-note\""));
    assert!(page.contains("ít hơn 5 trường hợp"));
    assert!(page.contains("không nhất thiết cộng lại"));
    // The chart: inline SVG, an image with a name, the hidden cell as a labelled stub.
    assert!(page.contains("<svg id=\"stats-chart\" class=\"chart\" role=\"img\" aria-label=\""));
    assert!(page.contains("viewBox=\"0 0 360 "));
    assert!(page.contains("class=\"chart-bar suppressed\""));
    assert!(!page.contains("style="), "no inline style");
    assert!(page.contains("href=\"/stats.csv?measure=cases_opened&amp;dim1=violence_type"));
    // A perturbed table on a page is a statistics query like any other: charged to her
    // budget (the same table again is free) and recorded with its normalised form.
    let before = access_count(&app);
    officer.get("/stats").await;
    assert_eq!(
        access_since(&app, before),
        [(
            AccessAction::StatsQueried,
            Some(*world.reporter_a.as_uuid())
        )]
    );
    assert_nothing_personal(&page);
    app.stop().await;
}

#[tokio::test]
async fn the_codes_csv_download_is_an_attachment_recorded_in_the_access_log() {
    let (app, world, _tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let before = access_count(&app);
    let csv = officer
        .get("/stats-codes.csv?measure=cases_opened&dim1=violence_type&dim2=none&dim3=none&year=2026&part=Q4&area=62&units=current")
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let disposition = csv.header("content-disposition");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("2026-Q4"), "{disposition}");
    assert_eq!(csv.header("tincay-disclosure-control"), "perturbed; k=5");
    assert!(
        csv.body.starts_with("violence_type,count,suppressed\r\n"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("economic,,true\r\n"), "{}", csv.body);
    assert!(!csv.body.contains(CANARY));
    let reporter = *world.reporter_a.as_uuid();
    assert_eq!(
        access_since(&app, before),
        [(AccessAction::Export, Some(reporter))]
    );
    // The programme report's download too.
    let before = access_count(&app);
    let report = officer.get("/reports/programme.csv?year=2026").await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.header("content-type").starts_with("text/csv"));
    assert!(
        report
            .header("content-disposition")
            .starts_with("attachment;")
    );
    assert!(report.header("content-disposition").contains("2026"));
    assert!(
        report
            .body
            .starts_with("indicator,by,value,count,suppressed\r\n")
    );
    assert_eq!(
        access_since(&app, before),
        [(AccessAction::Export, Some(reporter))]
    );
    app.stop().await;
}

#[tokio::test]
async fn exact_counts_are_for_supervisors_only_and_recorded() {
    let (app, world, _tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let page = officer.get("/stats").await;
    assert!(!page.contains("name=\"exact\""), "no exact box for her");
    let before = access_count(&app);
    let refused = officer
        .get("/stats?measure=cases_opened&year=2026&exact=yes")
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.contains("<html lang=\"vi\""));
    assert!(refused.contains("Vai trò của bạn không được làm việc này."));
    let refused_csv = officer
        .get("/stats.csv?measure=cases_opened&year=2026&exact=true")
        .await;
    assert_eq!(refused_csv.status, 403);
    let refused_report = officer.get("/reports/programme?year=2026&exact=yes").await;
    assert_eq!(refused_report.status, 403);
    assert_eq!(access_count(&app), before, "a refusal records nothing");

    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get("/stats").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("name=\"exact\""));
    let exact = supervisor
        .get("/stats?measure=cases_opened&dim1=none&year=2026&exact=yes")
        .await;
    assert_eq!(exact.status, 200, "{}", exact.body);
    assert!(exact.contains("name=\"exact\" value=\"yes\" checked"));
    assert!(exact.contains("Đây là số liệu chính xác"));
    assert_eq!(row_number(&exact.body, "Tổng").as_deref(), Some("8"));
    let supervisor = Some(*world.supervisor_a.as_uuid());
    assert_eq!(
        access_since(&app, before),
        [
            (AccessAction::StatsQueried, supervisor),
            (AccessAction::ExactStatistics, supervisor)
        ]
    );
    assert_nothing_personal(&exact);
    app.stop().await;
}

#[tokio::test]
async fn an_area_outside_hers_is_not_found() {
    let (app, world, _tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let page = officer.get("/stats").await;
    // Her area and the units within it are offered; another province is not.
    for code in ["62", "610", "23284", "23287"] {
        assert!(
            page.contains(&format!("<option value=\"{code}\"")),
            "{code}"
        );
    }
    assert!(!page.contains("<option value=\"64\""));
    for query in [
        "/stats?measure=cases_opened&year=2026&area=64",
        "/stats?measure=cases_opened&year=2026&area=99",
        "/stats.csv?measure=cases_opened&year=2026&area=64",
        "/reports/programme?year=2026&area=64",
        "/reports/programme.csv?year=2026&area=23401",
    ] {
        let refused = officer.get(query).await;
        assert_eq!(refused.status, 404, "{query}");
        assert!(refused.contains("Không tìm thấy"), "{query}");
    }
    let commune = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&area=23284")
        .await;
    assert_eq!(commune.status, 200);
    assert!(commune.contains("<option value=\"23284\" selected>"));
    app.stop().await;
}

#[tokio::test]
async fn volunteers_and_admins_may_not_see_statistics() {
    let (app, world, _tokens) = seeded().await;
    for user in [world.volunteer_a1, world.admin] {
        let session = WebSession::signed_in(&app, user);
        for path in [
            "/stats",
            "/stats.csv?measure=cases_opened&year=2026",
            "/reports/programme",
            "/reports/programme.csv?year=2026",
        ] {
            let page = session.get(path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.contains("Vai trò của bạn không được làm việc này."));
            assert_nothing_personal(&page);
        }
    }
    let anonymous = WebSession::anonymous(&app).get("/stats").await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.location(), "/login?next=%2Fstats");
    app.stop().await;
}

#[tokio::test]
async fn an_invalid_query_comes_back_as_the_form_with_its_error() {
    let (app, world, _tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let before = access_count(&app);
    // Support type does not apply to cases opened.
    let page = officer
        .get("/stats?measure=cases_opened&dim1=support_type&year=2026&part=Q2")
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.contains("Vui lòng sửa các mục được đánh dấu bên dưới."));
    assert!(page.contains("Cách phân tổ không dùng được"));
    assert!(page.contains("<option value=\"support_type\" selected>"));
    assert!(page.contains("<option value=\"Q2\" selected>"));
    assert!(!page.contains("id=\"stats-table\""));
    assert!(
        !page.contains("does not apply"),
        "the API's English is not shown"
    );
    // A typed value comes back escaped.
    let page = officer
        .get("/stats?measure=cases_opened&year=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(page.status, 422);
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("Hãy chọn một năm"));
    // An unknown measure.
    let page = officer.get("/stats?measure=secrets&year=2026").await;
    assert_eq!(page.status, 422);
    assert!(page.contains("Hãy chọn một số liệu"));
    assert_eq!(access_count(&app), before);
    app.stop().await;
}

#[tokio::test]
async fn the_programme_report_is_a_printable_page() {
    let (app, world, tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let page = officer.get("/reports/programme").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("<html lang=\"vi\""));
    assert!(page.contains("<article class=\"report\" id=\"programme-report\">"));
    assert!(page.contains("<h1>Báo cáo chương trình</h1>"));
    assert!(
        page.contains("01/01/2026 – 31/12/2026"),
        "the period, day first"
    );
    assert!(page.contains("Khu vực 62"), "her area by name");
    // The form, the download and the print hint do not print; the frame hides the rest.
    assert!(page.contains(
        "<form class=\"stacked no-print\" id=\"report-query\" method=\"get\" action=\"/reports/programme\">"
    ));
    assert!(page.contains("<p class=\"hint no-print\" id=\"print-hint\">"));
    assert!(page.contains("Ctrl+P"));
    // People supported by sex: women shown, the two men hidden, with the explanation.
    assert!(page.contains("id=\"report-people_supported-sex-table\""));
    let section = page
        .body
        .split("id=\"report-people_supported-sex\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert_eq!(row_number(section, "Nam").as_deref(), Some("&lt;5"));
    let women: u64 = row_number(section, "Nữ").unwrap().parse().unwrap();
    assert!(women >= 5);
    assert!(page.contains("id=\"suppression-note\""));
    assert!(page.contains("Tư vấn"), "support types in words");
    // Trusted addresses are registry facts, published exactly: a1 has two, a2 one.
    assert_eq!(
        row_number(&page.body, "Đang duy trì trong năm").as_deref(),
        Some("3")
    );
    // The same report as the API's.
    let api = get(&app, &tokens.reporter_a, "/reports/programme?year=2026")
        .await
        .json();
    assert_eq!(api["trusted_addresses"]["maintained"], 3);
    assert_nothing_personal(&page);
    // The print rules: A4, tables not cut mid-row.
    let css = tincay::web::assets::CSS.body;
    let page_rule = css.split("@page {").nth(1).expect("an @page rule");
    assert!(
        page_rule.trim_start().starts_with("size: A4;"),
        "{page_rule}"
    );
    assert!(
        page_rule.contains("counter(page)"),
        "page numbers: {page_rule}"
    );
    assert!(css.contains(".report tr, #stats-results tr { break-inside: avoid;"));
    app.stop().await;
}

#[tokio::test]
async fn english_labels_the_measures_and_values_in_english() {
    let (app, world, _tokens) = seeded().await;
    let mut officer = WebSession::signed_in(&app, world.reporter_a);
    officer.lang = Some("en".into());
    let page = officer.get("/stats").await;
    assert_eq!(page.status, 200);
    assert!(page.contains("<html lang=\"en\""));
    assert!(page.contains("<option value=\"cases_opened\" selected>Cases opened</option>"));
    assert!(page.contains("<option value=\"people_supported\">People supported</option>"));
    assert!(page.contains("<th scope=\"col\">Violence type</th>"));
    assert!(row_number(&page.body, "Physical violence").is_some());
    assert_eq!(
        row_number(&page.body, "Economic violence").as_deref(),
        Some("&lt;5")
    );
    assert!(page.contains("need not add up"));
    assert!(!page.contains("Bạo lực thể chất"));
    let report = officer.get("/reports/programme").await;
    assert!(report.contains("<html lang=\"en\""));
    assert!(report.contains("<h1>Programme report</h1>"));
    assert!(report.contains("2026-01-01 – 2026-12-31"));
    app.stop().await;
}

/// The audit of statistics queries as a page: a supervisor sees the officers of her area
/// (the one with more than 20 tables on one commune flagged, with the commune), an admin
/// every officer, a supervisor of another province nobody; reporting officers and volunteers
/// get 403, as from the API. Both languages; linked from the supervisor's and the admin's
/// navigation.
#[tokio::test]
async fn the_usage_audit_page_flags_an_officer_for_supervisors_and_admins_only() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    let commune = world.commune_a1.as_str();
    for quarter in ["2026-Q2", "2026-Q3", "2026-Q4"] {
        for by in [
            "sex",
            "age_band",
            "risk_level",
            "disability",
            "ethnicity_group",
            "referred_by",
            "violence_type",
        ] {
            let query =
                format!("/stats?measure=cases_opened&period={quarter}&area={commune}&by={by}");
            assert_eq!(get(&app, &tokens.reporter_a, &query).await.status, 200);
        }
    }
    // The same table again: a query, not a table.
    let again = format!("/stats?measure=cases_opened&period=2026-Q4&area={commune}&by=sex");
    assert_eq!(get(&app, &tokens.reporter_a, &again).await.status, 200);

    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let page = supervisor.get("/stats/usage").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.contains("<h1>Giám sát truy vấn thống kê</h1>"));
    assert!(
        page.contains("<a href=\"/stats/usage\">"),
        "in her navigation"
    );
    assert!(page.contains("<table id=\"usage-table\">"));
    let row = page
        .body
        .split("<tr class=\"flagged\"")
        .nth(1)
        .expect("a flagged row")
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("<th scope=\"row\">bc.a</th>"), "{row}");
    assert!(
        row.contains("21 / 500"),
        "distinct tables of her budget: {row}"
    );
    assert!(
        row.contains("<td class=\"number\">22</td>"),
        "queries: {row}"
    );
    assert!(row.contains("Cần xem xét"), "{row}");
    assert!(
        row.contains(&format!("Khu vực {commune} ({commune}): 21 bảng")),
        "{row}"
    );
    assert!(page.contains("hơn 20 bảng"), "the flag explained");
    assert_nothing_personal(&page);

    let mut admin = WebSession::signed_in(&app, world.admin);
    admin.lang = Some("en".into());
    let page = admin.get("/stats/usage").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("<html lang=\"en\""));
    assert!(page.contains("<a href=\"/stats/usage\">Statistics queries</a>"));
    assert!(page.contains("<th scope=\"row\">bc.a</th>"));
    assert!(page.contains("Flagged"));
    assert!(page.contains(&format!("({commune}): 21 tables")));
    assert!(page.contains("more than 20 different tables about one commune"));

    let elsewhere = WebSession::signed_in(&app, world.supervisor_b)
        .get("/stats/usage")
        .await;
    assert_eq!(elsewhere.status, 200);
    assert!(elsewhere.contains("id=\"usage-empty\""));
    assert!(!elsewhere.contains("bc.a"));

    for user in [world.reporter_a, world.volunteer_a1] {
        let refused = WebSession::signed_in(&app, user).get("/stats/usage").await;
        assert_eq!(refused.status, 403);
        assert!(refused.contains("Vai trò của bạn không được làm việc này."));
        assert!(!refused.contains("bc.a"));
        assert!(!refused.contains("<a href=\"/stats/usage\">"));
    }
    let anonymous = WebSession::anonymous(&app).get("/stats/usage").await;
    assert_eq!(anonymous.status, 303);
    app.stop().await;
}

/// A spent budget on the explorer and the report: the form again with what happened and the
/// day new tables may be asked for, in both languages (429, never the generic "too many
/// attempts"); a table she has seen is still shown (free); nothing is recorded.
#[tokio::test]
async fn a_spent_budget_is_said_in_words_with_the_day_it_renews() {
    let app = spawn_app_with(tincay::http::state::HttpSettings {
        stats_budget: 1,
        ..tincay::http::state::HttpSettings::default()
    })
    .await;
    let world = seed_world(&app).await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let first = officer.get("/stats").await;
    assert_eq!(first.status, 200, "{}", first.body);
    let before = access_count(&app);
    let refused = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=Q4")
        .await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.contains("id=\"budget-exhausted\""));
    assert!(refused.contains("Bạn đã dùng hết số bảng thống kê"));
    assert!(refused.contains("từ ngày 20/12/2026"), "{}", refused.body);
    assert!(
        !refused.contains("Quá nhiều lần thử"),
        "not the generic words"
    );
    assert!(
        refused.contains("<option value=\"sex\" selected>"),
        "her query stays on the form"
    );
    assert!(!refused.contains("id=\"stats-table\""));
    let mut english = WebSession::signed_in(&app, world.reporter_a);
    english.lang = Some("en".into());
    let refused = english
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=Q4")
        .await;
    assert_eq!(refused.status, 429);
    assert!(refused.contains("You have used up the statistics tables"));
    assert!(refused.contains("from 2026-12-20"), "{}", refused.body);
    // A download of a new table, and the programme report: the same words.
    let csv = officer
        .get("/stats.csv?measure=cases_opened&dim1=risk_level&year=2026")
        .await;
    assert_eq!(csv.status, 429);
    assert!(csv.header("content-type").starts_with("text/html"));
    assert!(csv.contains("id=\"budget-exhausted\""));
    let report = officer.get("/reports/programme?year=2026&quarter=4").await;
    assert_eq!(report.status, 429);
    assert!(report.contains("id=\"budget-exhausted\""));
    assert!(report.contains("từ ngày 20/12/2026"));
    assert!(report.contains("<option value=\"4\" selected>"));
    assert_eq!(access_count(&app), before, "a refusal records nothing");
    // The table she already has is free.
    let again = officer.get("/stats").await;
    assert_eq!(again.status, 200);
    assert!(again.contains("id=\"stats-table\""));
    app.stop().await;
}

/// The programme report for a quarter: the quarter picker, its dates, the API's numbers for
/// the same quarter, and the download named for it. An empty quarter looks like a small one.
#[tokio::test]
async fn the_programme_report_is_given_by_quarter() {
    let (app, world, tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let page = officer.get("/reports/programme?year=2026&quarter=4").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("name=\"quarter\""));
    assert!(page.contains("<option value=\"4\" selected>Quý 4</option>"));
    assert!(
        page.contains("01/10/2026 – 31/12/2026"),
        "the quarter's days"
    );
    let section = |body: &str| {
        body.split("id=\"report-people_supported-sex\"")
            .nth(1)
            .unwrap()
            .split("</section>")
            .next()
            .unwrap()
            .to_owned()
    };
    let women: u64 = row_number(&section(&page.body), "Nữ")
        .unwrap()
        .parse()
        .unwrap();
    let api = get(
        &app,
        &tokens.reporter_a,
        "/reports/programme?year=2026&quarter=4",
    )
    .await
    .json();
    assert_eq!(api["quarter"], 4);
    let indicator = api["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|indicator| indicator["indicator"] == "people_supported" && indicator["by"] == "sex")
        .unwrap()
        .clone();
    let female = indicator["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["sex"] == "female")
        .unwrap()
        .clone();
    assert_eq!(female["count"], women);
    // The third quarter had nobody: every category listed, each hidden like a small one.
    let empty = officer.get("/reports/programme?year=2026&quarter=3").await;
    assert_eq!(empty.status, 200);
    assert!(empty.contains("01/07/2026 – 30/09/2026"));
    let third = section(&empty.body);
    for sex in ["Nữ", "Nam"] {
        assert_eq!(row_number(&third, sex).as_deref(), Some("&lt;5"), "{sex}");
    }
    let csv = officer
        .get("/reports/programme.csv?year=2026&quarter=4")
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-disposition").contains("2026-Q4"),
        "{}",
        csv.header("content-disposition")
    );
    // The explorer takes the same periods: a quarter of a commune, but not a month of it.
    let quarter = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=Q4&area=23284")
        .await;
    assert_eq!(quarter.status, 200, "{}", quarter.body);
    assert!(quarter.contains("<option value=\"Q4\" selected>"));
    let month = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=11&area=23284")
        .await;
    assert_eq!(month.status, 422);
    assert!(month.contains("Số liệu theo tháng chỉ có cho cấp huyện, tỉnh: với xã"));
    let province_month = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=11&area=62")
        .await;
    assert_eq!(province_month.status, 200);
    app.stop().await;
}

/// A grid over 10,000 cells on the explorer: the form again, the breakdown marked with
/// words that say why; nothing charged or recorded.
#[tokio::test]
async fn a_table_too_large_is_refused_on_the_form_in_words() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    for n in 0..20 {
        app.seed_area(
            &format!("{}", 24000 + n),
            tincay::domain::vocab::AreaLevel::Commune,
            Some("610"),
        )
        .await;
    }
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let before = access_count(&app);
    let page = officer
        .get("/stats?measure=cases_opened&dim1=commune&dim2=ethnicity&dim3=violence_type&year=2026")
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.contains("Bảng này sẽ có hơn 10.000 ô"));
    assert!(!page.contains("id=\"stats-table\""));
    assert_eq!(access_count(&app), before);
    app.stop().await;
}

/// The area picker with more units than it lists (a province of 205 communes): a search
/// whose small form carries the rest of the query back; the search asks for no table (no
/// access log entry, nothing charged) and lists only the matching units, grouped under their
/// province; her own area stays chosen.
#[tokio::test]
async fn the_area_picker_searches_a_large_area_without_asking_a_table() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    for n in 0..205 {
        app.seed_area(
            &format!("{}", 24000 + n),
            tincay::domain::vocab::AreaLevel::Commune,
            Some("62"),
        )
        .await;
    }
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let page = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=Q4")
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("<form id=\"area-search\" method=\"get\" action=\"/stats\">"));
    assert!(page.contains("<input type=\"hidden\" name=\"measure\" value=\"cases_opened\">"));
    assert!(page.contains("<input type=\"hidden\" name=\"part\" value=\"Q4\">"));
    assert!(page.contains("name=\"area_q\" form=\"area-search\""));
    assert!(
        !page.contains("<option value=\"24") && !page.contains("<option value=\"23284\""),
        "no commune listed before a search"
    );
    assert!(page.contains("<option value=\"62\" selected>"));
    let before = access_count(&app);
    let searched = officer
        .get("/stats?measure=cases_opened&dim1=sex&year=2026&part=Q4&units=current&area_q=Khu+v%E1%BB%B1c+2410")
        .await;
    assert_eq!(searched.status, 200, "{}", searched.body);
    assert_eq!(access_count(&app), before, "a search asks for no table");
    assert!(!searched.contains("id=\"stats-table\""));
    let listed: Vec<&str> = searched
        .body
        .split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|code| code.starts_with("24"))
        .collect();
    assert_eq!(listed.len(), 10, "{listed:?}");
    assert!(searched.contains("<optgroup label=\"62 · Khu vực 62\">"));
    assert!(
        searched.contains("<option value=\"sex\" selected>"),
        "the query kept"
    );
    assert!(searched.contains("<option value=\"Q4\" selected>"));
    // The report page searches the same way.
    let report = officer
        .get("/reports/programme?year=2026&quarter=2&area_q=24100")
        .await;
    assert_eq!(report.status, 200);
    assert_eq!(access_count(&app), before);
    assert!(report.contains("<option value=\"24100\">"));
    assert!(report.contains("<input type=\"hidden\" name=\"quarter\" value=\"2\">"));
    assert!(!report.contains("id=\"report-meta\""));
    app.stop().await;
}

/// RFC 4180 records: fields split at commas outside quotes, quotes doubled inside.
fn records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF line ends"),
            (false, '\n') => panic!("a bare LF ends a line"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last line ends in CRLF"
    );
    records
}

#[tokio::test]
async fn the_csv_download_is_in_words_with_a_header_block_and_the_apis_numbers() {
    let (app, world, _tokens) = seeded().await;
    let officer = WebSession::signed_in(&app, world.reporter_a);
    let before = access_count(&app);
    let csv = officer
        .get("/stats.csv?measure=cases_opened&dim1=violence_type&dim2=sex&dim3=none&year=2026&part=Q4&area=62&units=current")
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.header("content-disposition").starts_with("attachment;"));
    assert_eq!(csv.header("tincay-disclosure-control"), "perturbed; k=5");
    let reporter = *world.reporter_a.as_uuid();
    assert_eq!(
        access_since(&app, before),
        [(AccessAction::Export, Some(reporter))],
        "the download is recorded"
    );
    let text = csv
        .body
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark, so a spreadsheet reads UTF-8");
    let lines = records(text);

    // The header block, then a blank line.
    let province = app
        .state
        .projections
        .registry
        .area(&tincay::domain::ids::AreaCode::parse("62").unwrap())
        .unwrap()
        .name;
    assert_eq!(lines[0], ["Kỳ báo cáo", "Quý 4/2026"]);
    assert_eq!(lines[1], ["Chỉ tiêu", "Số vụ việc mới"]);
    assert_eq!(
        lines[2],
        ["Tiêu thức phân tổ", "Hình thức bạo lực; Giới tính"]
    );
    assert_eq!(lines[3], ["Địa bàn".to_owned(), province]);
    assert_eq!(lines[4][0], "Ghi chú");
    assert!(
        lines[4][1].contains("ít hơn 5") && lines[4][1].contains("<5"),
        "{:?}",
        lines[4]
    );
    assert_eq!(lines[5][0], "Ghi chú");
    assert!(lines[5][1].contains("làm nhiễu"), "{:?}", lines[5]);
    assert_eq!(lines[6], [""]);
    assert_eq!(
        lines[7],
        ["Hình thức bạo lực", "Giới tính", "Số vụ việc mới"]
    );

    // The table: the API's cells in its order, each value in words, each number the API's.
    let api = get(
        &app,
        &app.token_for(world.reporter_a),
        "/stats?measure=cases_opened&period=2026-Q4&area=62&by=violence_type,sex",
    )
    .await
    .json();
    let cells = api["cells"].as_array().unwrap();
    let number = |value: &serde_json::Value| {
        if value["suppressed"] == json!(true) {
            "<5".to_owned()
        } else {
            value["count"].as_u64().unwrap().to_string()
        }
    };
    let rows = &lines[8..];
    assert_eq!(rows.len(), cells.len() + 1, "every cell, then the total");
    for (row, cell) in rows.iter().zip(cells) {
        assert_eq!(row.len(), 3, "{row:?}");
        assert_eq!(row[2], number(cell), "{row:?} for {cell}");
        let codes = [
            cell["violence_type"].as_str().unwrap(),
            cell["sex"].as_str().unwrap(),
        ];
        assert!(
            !codes.contains(&row[0].as_str()) && !codes.contains(&row[1].as_str()),
            "{row:?}"
        );
    }
    let physical_women = rows
        .iter()
        .find(|row| row[0] == "Bạo lực thể chất" && row[1] == "Nữ")
        .expect("a row in words");
    assert_ne!(physical_women[2], "<5", "six cases: {physical_women:?}");
    let economic_men = rows
        .iter()
        .find(|row| row[0] == "Bạo lực kinh tế" && row[1] == "Nam")
        .expect("a row in words");
    assert_eq!(economic_men[2], "<5", "two cases: suppressed");
    assert_eq!(
        rows.last().unwrap(),
        &["Tổng".to_owned(), String::new(), number(&api["total"])]
    );
    // No field a spreadsheet would run as a formula, and nothing personal.
    for field in lines.iter().flatten() {
        assert!(!field.starts_with(['=', '+', '-', '@']), "{field}");
    }
    assert!(!csv.body.contains(CANARY));
    app.stop().await;
}
