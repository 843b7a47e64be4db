//! The administrator's pages over HTTP: users (create, deactivate, reset a password),
//! areas (define one, merge communes), trusted addresses; each form's success (the registry
//! really changed) and refusal (input kept, never a password; nothing written), other
//! roles' 403 pages, CSRF, escaping, and no case content anywhere.

use time::macros::date;
use tincay::domain::ids::AreaCode;

use crate::cases_kit::{CANARY, open_case};
use crate::support::*;
use crate::web_kit::*;

const PAGES: [&str; 3] = ["/admin/users", "/admin/areas", "/admin/addresses"];
const NEW_PASSWORD: &str = "một mật khẩu mới thật dài";

fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

#[tokio::test]
async fn each_admin_page_renders_for_an_admin_in_vietnamese_and_english() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let mut admin = WebSession::signed_in(&app, world.admin);

    for (path, heading, marker) in [
        ("/admin/users", "<h1>Người dùng</h1>", "id=\"new-user\""),
        ("/admin/areas", "<h1>Địa bàn</h1>", "id=\"merge-communes\""),
        (
            "/admin/addresses",
            "<h1>Địa chỉ tin cậy</h1>",
            "id=\"new-address\"",
        ),
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.contains("<html lang=\"vi\""), "{path}");
        assert!(page.contains(heading), "{path}");
        assert!(page.contains(marker), "{path}");
    }
    admin.lang = Some("en".into());
    let english = admin.get("/admin/users").await;
    assert!(english.contains("<html lang=\"en\""));
    assert!(english.contains("<h1>Users</h1>"));
    assert!(english.contains("At least 10 characters"));
}

#[tokio::test]
async fn the_users_are_listed_by_username_with_their_role_and_binding() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let page = admin.get("/admin/users").await;

    let table = &page.body[page.body.find("id=\"users\"").unwrap()..];
    let positions: Vec<usize> = ["admin", "bc.a", "gs.a", "gs.a2", "gs.b", "tnv.a1"]
        .iter()
        .map(|name| table.find(&format!(">{name}</a></td>")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(table.contains("Tình nguyện viên"));
    assert!(table.contains("62 · Khu vực 62"));
    assert!(table.contains("Đang hoạt động"));
    let link = format!("href=\"/admin/users/{}\"", world.volunteer_a1);
    assert!(table.contains(&link));
}

#[tokio::test]
async fn an_account_page_offers_its_commands_except_on_her_own_account() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let volunteer = admin
        .get(&format!("/admin/users/{}", world.volunteer_a1))
        .await;
    assert_eq!(volunteer.status, 200);
    assert!(volunteer.contains("<h1>Tài khoản: tnv.a1</h1>"));
    assert!(volunteer.contains("id=\"deactivate\""));
    assert!(volunteer.contains("id=\"reset-password\""));
    assert!(volunteer.contains("Ít nhất 10 ký tự, khó đoán"));

    let own = admin.get(&format!("/admin/users/{}", world.admin)).await;
    assert_eq!(own.status, 200);
    assert!(!own.contains("id=\"deactivate\""));
    assert!(own.contains("Đây là tài khoản của bạn"));

    for id in ["0a000000-0000-4000-8000-000000000001", "not-an-id"] {
        assert_eq!(admin.get(&format!("/admin/users/{id}")).await.status, 404);
    }
}

#[tokio::test]
async fn an_admin_creates_a_user_who_then_signs_in() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let address = world.address_a2.to_string();

    let created = admin
        .post(
            "/admin/users",
            &[
                ("username", "tnv.moi"),
                ("role", "volunteer"),
                ("area", ""),
                ("trusted_address", &address),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;

    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location(), "/admin/users?done=user_created");
    let page = admin.get(&created.location()).await;
    assert!(page.contains("Đã tạo người dùng."));
    assert!(page.contains(">tnv.moi</a></td>"));
    let user = app
        .state
        .projections
        .registry
        .user_by_username("tnv.moi")
        .unwrap();
    assert_eq!(user.trusted_address, Some(world.address_a2));
    assert!(user.pending, "a volunteer waits for a supervisor");
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let approved = supervisor
        .post(&format!("/accounts/{}/approve", user.id), &[])
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let newcomer = WebSession::sign_in(&app, "tnv.moi", NEW_PASSWORD).await;
    let home = newcomer.get("/").await;
    assert_eq!(home.location(), "/cases");
}

#[tokio::test]
async fn a_full_name_shows_in_the_users_table_the_account_page_and_to_the_approving_supervisor() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let address = world.address_a2.to_string();
    let form = admin.get("/admin/users").await;
    let input = &form.body[form.body.find("id=\"new-full-name\"").unwrap()..];
    let input = &input[..input.find('>').unwrap()];
    assert!(input.contains("autocomplete=\"off\""), "{input}");

    let created = admin
        .post(
            "/admin/users",
            &[
                ("username", "tnv.moi"),
                ("full_name", " Lò Thị Mai "),
                ("role", "volunteer"),
                ("area", ""),
                ("trusted_address", &address),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;

    assert_eq!(created.status, 303, "{}", created.body);
    let user = app
        .state
        .projections
        .registry
        .user_by_username("tnv.moi")
        .unwrap();
    assert_eq!(user.full_name.as_deref(), Some("Lò Thị Mai"));
    let page = admin.get("/admin/users").await;
    let row = &page.body[page.body.find(&format!("id=\"user-{}\"", user.id)).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">Lò Thị Mai</td>"), "{row}");
    assert!(
        row.contains(">Chờ duyệt<") && !row.contains("Đang hoạt động"),
        "a pending account is not shown as active: {row}"
    );
    assert!(page.contains("<th scope=\"col\">Họ và tên</th>"));
    let account = admin.get(&format!("/admin/users/{}", user.id)).await;
    assert!(account.contains("<dd>Lò Thị Mai</dd>"), "{}", account.body);
    let dashboard = WebSession::signed_in(&app, world.supervisor_a)
        .get("/dashboard")
        .await;
    let pending = &dashboard.body[dashboard.body.find("id=\"pending-accounts\"").unwrap()..];
    assert!(pending.contains(">Lò Thị Mai</td>"), "{pending}");
}

#[tokio::test]
async fn a_refused_full_name_is_put_back_with_its_words_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let mut admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();
    let name = "Lò Thị\u{7}Mai";
    let form = [
        ("username", "qt.moi"),
        ("full_name", name),
        ("role", "admin"),
        ("password", NEW_PASSWORD),
    ];

    let vietnamese = admin.post("/admin/users", &form).await;
    admin.lang = Some("en".into());
    let english = admin.post("/admin/users", &form).await;

    assert_eq!(vietnamese.status, 422, "{}", vietnamese.body);
    assert!(vietnamese.contains("Họ và tên không được chứa ký tự điều khiển"));
    assert_eq!(english.status, 422);
    assert!(english.contains("A full name must not contain control characters"));
    assert_eq!(
        vietnamese.input_value("full_name").as_deref(),
        Some(name),
        "what she typed is put back to be corrected"
    );
    assert!(!vietnamese.contains(NEW_PASSWORD));
    assert_eq!(app.head(), before, "nothing was written");
}

#[tokio::test]
async fn a_refused_user_keeps_the_username_but_never_the_password_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();

    let short = admin
        .post(
            "/admin/users",
            &[
                ("username", "gs.moi"),
                ("role", "supervisor"),
                ("area", "610"),
                ("password", "ngắn-9kt"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert_eq!(short.input_value("username").as_deref(), Some("gs.moi"));
    assert!(short.contains("<option value=\"610\" selected"));
    assert!(short.contains("Quá ngắn: xem yêu cầu ở trên."));
    assert!(!short.contains("ngắn-9kt"), "the password is never echoed");
    assert!(short.contains("Vui lòng sửa các mục được đánh dấu bên dưới."));

    let taken = admin
        .post(
            "/admin/users",
            &[
                ("username", "tnv.a1"),
                ("role", "admin"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.contains("Tên đăng nhập này đã có người dùng."));
    assert!(!taken.contains(NEW_PASSWORD));
    let kept = &taken.body[taken.body.find("id=\"new-user\"").unwrap()..];
    assert!(kept.contains("value=\"tnv.a1\""));

    assert_eq!(app.head(), before);
    let registry = &app.state.projections.registry;
    assert!(registry.user_by_username("gs.moi").is_none());
}

#[tokio::test]
async fn a_guessable_password_and_a_look_alike_name_are_refused_in_words_in_both_languages() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let mut admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();
    let weak = [
        ("username", "tnv.hoab\u{430}n"),
        ("role", "admin"),
        ("password", "aaaaaaaaaa"),
    ];

    let vietnamese = admin.post("/admin/users", &weak).await;
    admin.lang = Some("en".into());
    let english = admin.post("/admin/users", &weak).await;

    assert_eq!(vietnamese.status, 422);
    assert!(
        vietnamese.contains("Mật khẩu quá dễ đoán"),
        "{}",
        vietnamese.body
    );
    assert!(vietnamese.contains("không được trộn chữ của các bảng chữ khác nhau"));
    assert_eq!(english.status, 422);
    assert!(english.contains("This password is too easy to guess"));
    assert!(english.contains("must not mix letters of different alphabets"));
    assert!(
        !english.contains("aaaaaaaaaa"),
        "the password is never echoed"
    );
    assert_eq!(app.head(), before, "nothing was written");
}

#[tokio::test]
async fn deactivation_needs_the_confirmation_and_ends_her_sessions() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let volunteer = WebSession::signed_in(&app, world.volunteer_a1);
    let path = format!("/admin/users/{}/deactivate", world.volunteer_a1);

    let unconfirmed = admin.post(&path, &[]).await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.contains("Hãy đánh dấu ô xác nhận trước khi vô hiệu hóa."));
    assert_eq!(volunteer.get("/session/ping").await.status, 204);

    let done = admin.post(&path, &[("confirm", "yes")]).await;

    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location(),
        format!("/admin/users/{}?done=user_deactivated", world.volunteer_a1)
    );
    assert_eq!(volunteer.get("/session/ping").await.status, 303);
    let registry = &app.state.projections.registry;
    assert!(!registry.user(&world.volunteer_a1).unwrap().active);
    let page = admin.get(&done.location()).await;
    assert!(
        page.contains("Đã vô hiệu hóa tài khoản; các phiên đăng nhập của người này đã kết thúc.")
    );
    assert!(page.contains("<span class=\"badge closed\">Đã vô hiệu hóa</span>"));
    assert!(!page.contains("id=\"deactivate\""));
}

#[tokio::test]
async fn an_admin_cannot_deactivate_herself_nor_an_unknown_account() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let own = admin
        .post(
            &format!("/admin/users/{}/deactivate", world.admin),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(own.status, 422);
    assert!(own.contains("Quản trị viên không thể tự vô hiệu hóa tài khoản của mình."));

    for id in ["0a000000-0000-4000-8000-000000000001", "not-an-id"] {
        let page = admin
            .post(
                &format!("/admin/users/{id}/deactivate"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(page.status, 404, "{id}");
    }
}

#[tokio::test]
async fn an_admin_resets_a_password_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let volunteer = WebSession::signed_in(&app, world.volunteer_a1);
    let path = format!("/admin/users/{}/password", world.volunteer_a1);
    let before = app.head();

    let short = admin.post(&path, &[("password", "ngắn-9kt")]).await;
    assert_eq!(short.status, 422);
    assert!(!short.contains("ngắn-9kt"));
    assert!(short.contains("Quá ngắn: xem yêu cầu ở trên."));
    assert_eq!(app.head(), before);

    let reset = admin.post(&path, &[("password", NEW_PASSWORD)]).await;

    assert_eq!(reset.status, 303, "{}", reset.body);
    assert_eq!(
        reset.location(),
        format!("/admin/users/{}?done=password_reset", world.volunteer_a1)
    );
    assert_eq!(volunteer.get("/session/ping").await.status, 303);
    // The new password waits for a supervisor of her area (four eyes).
    let supervisor = WebSession::signed_in(&app, world.supervisor_a);
    let approved = supervisor
        .post(&format!("/accounts/{}/approve", world.volunteer_a1), &[])
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let again = WebSession::sign_in(&app, "tnv.a1", NEW_PASSWORD).await;
    assert_eq!(again.get("/session/ping").await.status, 204);
}

#[tokio::test]
async fn an_admin_defines_an_area_and_its_name_comes_back_escaped() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let name = "Xã <script>alert(1)</script>";

    let defined = admin
        .post(
            "/admin/areas",
            &[
                ("code", "24001"),
                ("name", name),
                ("level", "commune"),
                ("parent", "610"),
                ("valid_from", "2026-01-01"),
            ],
        )
        .await;

    assert_eq!(defined.status, 303, "{}", defined.body);
    let area = app.state.projections.registry.area(&code("24001")).unwrap();
    assert_eq!(area.name, name);
    assert_eq!(area.parent, Some(world.district_a.clone()));
    let page = admin.get(&defined.location()).await;
    assert!(page.contains("Đã thêm đơn vị hành chính."));
    assert!(page.contains("Xã &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert(1)"));
    // In tree order: the new commune after its district's other communes.
    let at = |text: &str| page.body.find(text).unwrap();
    assert!(at("id=\"area-610\"") < at("id=\"area-24001\""));
    assert!(at("id=\"area-24001\"") < at("id=\"area-64\""));
}

#[tokio::test]
async fn a_refused_area_is_shown_again_with_its_input_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();

    let page = admin
        .post(
            "/admin/areas",
            &[
                ("code", "2400"),
                ("name", "Xã <b>Mới</b>"),
                ("level", "commune"),
                ("parent", "610"),
            ],
        )
        .await;

    assert_eq!(page.status, 422);
    assert!(page.contains("Độ dài mã không hợp với cấp"));
    assert_eq!(page.input_value("code").as_deref(), Some("2400"));
    assert!(page.contains("value=\"Xã &lt;b&gt;Mới&lt;/b&gt;\""));
    assert_eq!(app.head(), before);
}

#[tokio::test]
async fn two_communes_merge_with_an_effective_date() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let merged = admin
        .post(
            "/admin/areas/merge/confirm",
            &[
                ("communes", "23284"),
                ("communes", "23287"),
                ("keep", ""),
                ("into", "23290"),
                ("name", "Xã Hợp Nhất"),
                ("effective_on", "2026-07-01"),
            ],
        )
        .await;

    assert_eq!(merged.status, 303, "{}", merged.body);
    assert_eq!(merged.location(), "/admin/areas?done=communes_merged");
    let registry = &app.state.projections.registry;
    for old in [&world.commune_a1, &world.commune_a2] {
        let area = registry.area(old).unwrap();
        assert_eq!(area.valid_to, Some(date!(2026 - 06 - 30)));
        assert_eq!(area.successor, Some(code("23290")));
    }
    assert_eq!(
        registry.area(&code("23290")).unwrap().valid_from,
        date!(2026 - 07 - 01)
    );
    let page = admin.get(&merged.location()).await;
    assert!(page.contains("Đã ghi nhận việc sáp nhập xã."));
    assert!(page.contains("30/06/2026"));
    assert!(page.contains("class=\"retired\""));
}

#[tokio::test]
async fn a_merge_into_one_of_the_communes_keeps_it() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let merged = admin
        .post(
            "/admin/areas/merge/confirm",
            &[
                ("communes", "23284"),
                ("communes", "23287"),
                ("keep", "23284"),
                ("into", ""),
                ("name", ""),
                ("effective_on", "2026-07-01"),
            ],
        )
        .await;

    assert_eq!(merged.status, 303, "{}", merged.body);
    let registry = &app.state.projections.registry;
    assert_eq!(registry.area(&world.commune_a1).unwrap().valid_to, None);
    let retired = registry.area(&world.commune_a2).unwrap();
    assert_eq!(retired.successor, Some(world.commune_a1.clone()));
}

#[tokio::test]
async fn a_refused_merge_keeps_what_was_chosen_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();

    let page = admin
        .post(
            "/admin/areas/merge",
            &[
                ("communes", "23284"),
                ("into", "23290"),
                ("name", "Xã Hợp Nhất"),
                ("effective_on", "2026-07-01"),
            ],
        )
        .await;

    assert_eq!(page.status, 422);
    assert!(page.contains("Hãy chọn ít nhất hai xã."));
    assert!(page.contains("value=\"23284\" checked"));
    assert_eq!(
        page.input_value("effective_on").as_deref(),
        Some("2026-07-01")
    );
    assert_eq!(page.input_value("into").as_deref(), Some("23290"));
    assert_eq!(app.head(), before);
    let _ = world;
}

#[tokio::test]
async fn an_admin_establishes_a_trusted_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();

    let future = admin
        .post(
            "/admin/addresses",
            &[
                ("name", "Nhà bà Hoa"),
                ("commune", "23287"),
                ("established_on", "2027-01-01"),
            ],
        )
        .await;
    assert_eq!(future.status, 422);
    assert!(future.contains("Ngày này chưa tới."));
    assert_eq!(future.input_value("name").as_deref(), Some("Nhà bà Hoa"));
    assert_eq!(app.head(), before);

    let established = admin
        .post(
            "/admin/addresses",
            &[
                ("name", "Nhà bà Hoa"),
                ("commune", "23287"),
                ("established_on", "2026-11-01"),
            ],
        )
        .await;

    assert_eq!(established.status, 303, "{}", established.body);
    let registry = &app.state.projections.registry;
    let address = registry
        .trusted_addresses()
        .into_iter()
        .find(|address| address.name.as_deref() == Some("Nhà bà Hoa"))
        .unwrap();
    assert_eq!(address.commune, world.commune_a2);
    let page = admin.get(&established.location()).await;
    assert!(page.contains("Đã thêm địa chỉ tin cậy."));
    assert!(page.contains(&format!("id=\"address-{}\"", address.id)));
    assert!(page.contains("01/11/2026"));
}

#[tokio::test]
async fn the_address_form_sent_twice_establishes_one_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let page = admin.get("/admin/addresses").await;
    assert!(
        page.contains(
            "id=\"new-address\" method=\"post\" action=\"/admin/addresses\" data-resilient"
        )
    );
    let key = page.input_value("idempotency_key").unwrap();
    let fields = [
        ("idempotency_key", key.as_str()),
        ("name", "Nhà bà Hoa"),
        ("commune", "23287"),
        ("established_on", "2026-11-01"),
    ];

    // The answer to the first send was lost; the page sends the same form again.
    assert_eq!(admin.post("/admin/addresses", &fields).await.status, 303);
    let written = app.head();
    let again = admin.post("/admin/addresses", &fields).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(app.head(), written, "the second send wrote nothing");
    let named = |name: &str| {
        app.state
            .projections
            .registry
            .trusted_addresses()
            .into_iter()
            .filter(|address| address.name.as_deref() == Some(name))
            .count()
    };
    assert_eq!(named("Nhà bà Hoa"), 1);

    // The same key with other answers: refused in words, and the form gets a new key.
    let changed = [
        ("idempotency_key", key.as_str()),
        ("name", "Nhà bà Lan"),
        ("commune", "23287"),
        ("established_on", "2026-11-01"),
    ];
    let refused = admin.post("/admin/addresses", &changed).await;
    assert_eq!(refused.status, 422);
    assert!(refused.contains("id=\"key-reused\""));
    assert!(refused.contains("Biểu mẫu này đã được gửi trước đó với nội dung khác."));
    assert_eq!(refused.input_value("name").as_deref(), Some("Nhà bà Lan"));
    let fresh = refused.input_value("idempotency_key").unwrap();
    assert_ne!(fresh, key);
    assert_eq!(app.head(), written);
    let resent = [
        ("idempotency_key", fresh.as_str()),
        ("name", "Nhà bà Lan"),
        ("commune", "23287"),
        ("established_on", "2026-11-01"),
    ];
    assert_eq!(admin.post("/admin/addresses", &resent).await.status, 303);
    assert_eq!(named("Nhà bà Lan"), 1);
}

#[tokio::test]
async fn other_roles_get_403_pages_and_write_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let before = app.head();

    for user in [world.volunteer_a1, world.supervisor_a, world.reporter_a] {
        let session = WebSession::signed_in(&app, user);
        let account = format!("/admin/users/{}", world.volunteer_b1);
        for path in PAGES.into_iter().chain([account.as_str()]) {
            let page = session.get(path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.contains("Vai trò của bạn không được làm việc này."));
        }
        let post = session
            .post(
                "/admin/users",
                &[
                    ("username", "x.y"),
                    ("role", "admin"),
                    ("password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(post.status, 403);
        let deactivate = session
            .post(
                &format!("/admin/users/{}/deactivate", world.volunteer_b1),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(deactivate.status, 403);
    }
    assert_eq!(app.head(), before);
    let anonymous = WebSession::anonymous(&app);
    assert_eq!(anonymous.get("/admin/users").await.status, 303);
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let before = app.head();
    let deactivate = format!("/admin/users/{}/deactivate", world.volunteer_a1);
    let password = format!("/admin/users/{}/password", world.volunteer_a1);

    for (path, fields) in [
        (
            "/admin/users",
            vec![
                ("username", "x.y"),
                ("role", "admin"),
                ("password", NEW_PASSWORD),
            ],
        ),
        (deactivate.as_str(), vec![("confirm", "yes")]),
        (password.as_str(), vec![("password", NEW_PASSWORD)]),
        (
            "/admin/areas",
            vec![("code", "66"), ("name", "Tỉnh"), ("level", "province")],
        ),
        (
            "/admin/areas/merge",
            vec![
                ("communes", "23284"),
                ("communes", "23287"),
                ("keep", "23284"),
                ("effective_on", "2026-07-01"),
            ],
        ),
        (
            "/admin/areas/merge/confirm",
            vec![
                ("communes", "23284"),
                ("communes", "23287"),
                ("keep", "23284"),
                ("effective_on", "2026-07-01"),
            ],
        ),
        (
            "/admin/addresses",
            vec![
                ("name", "Nhà"),
                ("commune", "23284"),
                ("established_on", "2026-01-01"),
            ],
        ),
    ] {
        let page = admin.post_raw(path, &fields).await;
        assert_eq!(page.status, 403, "{path}");
    }
    assert_eq!(app.head(), before);
}

#[tokio::test]
async fn the_admin_pages_never_show_case_content() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    open_case(&app, &token).await;
    let admin = WebSession::signed_in(&app, world.admin);

    for path in PAGES {
        let page = admin.get(path).await;
        assert_eq!(page.status, 200);
        assert!(!page.contains(CANARY), "{path}");
    }
}

#[tokio::test]
async fn the_area_tree_narrows_to_one_unit() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let page = admin.get("/admin/areas?under=610").await;

    assert_eq!(page.status, 200);
    assert!(page.contains("id=\"area-610\""));
    assert!(page.contains("id=\"area-23284\""));
    assert!(!page.contains("id=\"area-64\""));
    assert!(!page.contains("id=\"merge-communes-list-23401\""));
    assert!(page.contains("<option value=\"610\" selected"));
}

#[tokio::test]
async fn the_new_user_and_merge_forms_sent_twice_act_once() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = WebSession::signed_in(&app, world.admin);

    let page = admin.get("/admin/users").await;
    let key = page.input_value("idempotency_key").unwrap();
    let address = world.address_a1.to_string();
    let fields = [
        ("idempotency_key", key.as_str()),
        ("username", "tnv.hai.lan"),
        ("role", "volunteer"),
        ("trusted_address", address.as_str()),
        ("password", PASSWORD),
    ];
    // The answer to the first send was lost; the page sends the same form again.
    assert_eq!(admin.post("/admin/users", &fields).await.status, 303);
    let written = app.head();
    let again = admin.post("/admin/users", &fields).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(app.head(), written, "the second send wrote nothing");

    let page = admin.get("/admin/areas").await;
    let form = page.body.split("id=\"merge-communes\"").nth(1).unwrap();
    let key = form
        .split("name=\"idempotency_key\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let fields = [
        ("idempotency_key", key.as_str()),
        ("communes", world.commune_a1.as_str()),
        ("communes", world.commune_a2.as_str()),
        ("keep", ""),
        ("into", "23290"),
        ("name", "Xã Hợp Nhất"),
        ("effective_on", "2026-07-01"),
        ("under", ""),
    ];
    assert_eq!(
        admin
            .post("/admin/areas/merge/confirm", &fields)
            .await
            .status,
        303
    );
    let written = app.head();
    assert_eq!(
        admin
            .post("/admin/areas/merge/confirm", &fields)
            .await
            .status,
        303
    );
    assert_eq!(app.head(), written, "the second merge wrote nothing");
}

/// The value of the hidden field `name` in a page's form `form_id` (every one, in order).
fn hidden_values(body: &str, form_id: &str, name: &str) -> Vec<String> {
    let form = body
        .split(&format!("id=\"{form_id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</form>").next())
        .unwrap_or_default();
    form.split(&format!("name=\"{name}\" value=\""))
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_merge_is_previewed_with_counts_of_what_moves_and_runs_only_once_confirmed() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    open_case(&app, &token).await;
    let admin = WebSession::signed_in(&app, world.admin);
    let page = admin.get("/admin/areas").await;
    let key = hidden_values(&page.body, "merge-communes", "idempotency_key")
        .pop()
        .unwrap();
    let fields = [
        ("idempotency_key", key.as_str()),
        ("communes", world.commune_a1.as_str()),
        ("communes", world.commune_a2.as_str()),
        ("keep", ""),
        ("into", "23290"),
        ("name", "Xã Hợp Nhất"),
        ("effective_on", "2026-07-01"),
        ("under", ""),
    ];
    let before = app.head();

    // The form's first POST: a preview, nothing merged.
    let preview = admin.post("/admin/areas/merge", &fields).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(app.head(), before, "the preview wrote nothing");
    let registry = &app.state.projections.registry;
    for commune in [&world.commune_a1, &world.commune_a2] {
        assert_eq!(registry.area(commune).unwrap().valid_to, None);
    }
    assert!(registry.area(&code("23290")).is_none());
    assert!(preview.contains("id=\"merge-preview\""), "{}", preview.body);
    assert!(preview.contains("01/07/2026"), "{}", preview.body);
    assert!(preview.contains("Xã Hợp Nhất (23290)"), "{}", preview.body);

    // What moves, counted as the registry and the cases have it.
    let count = |id: &str| {
        preview
            .body
            .split(&format!("id=\"moves-{id}\">"))
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or_default()
            .to_owned()
    };
    let expected = |commune: &AreaCode| {
        let addresses: Vec<_> = registry
            .trusted_addresses()
            .into_iter()
            .filter(|address| &address.commune == commune)
            .map(|address| address.id)
            .collect();
        let users = registry
            .users()
            .iter()
            .filter(|user| {
                user.area.as_ref() == Some(commune)
                    || user
                        .trusted_address
                        .is_some_and(|id| addresses.contains(&id))
            })
            .count();
        (addresses.len(), users)
    };
    let (addresses_a1, users_a1) = expected(&world.commune_a1);
    let (addresses_a2, users_a2) = expected(&world.commune_a2);
    assert_eq!((addresses_a1, users_a1), (2, 1), "the seeded world");
    assert_eq!((addresses_a2, users_a2), (1, 2), "the seeded world");
    let a1 = world.commune_a1.as_str();
    let a2 = world.commune_a2.as_str();
    assert_eq!(count(&format!("{a1}-addresses")), "2");
    assert_eq!(count(&format!("{a1}-users")), "1");
    assert_eq!(count(&format!("{a1}-open-cases")), "1");
    assert_eq!(count(&format!("{a2}-addresses")), "1");
    assert_eq!(count(&format!("{a2}-users")), "2");
    assert_eq!(count(&format!("{a2}-open-cases")), "0");
    assert_eq!(count("total-addresses"), "3");
    assert_eq!(count("total-users"), "3");
    assert_eq!(count("total-open-cases"), "1");
    // Counts only: no case content, no account's name.
    assert!(!preview.contains(CANARY));
    for username in ["tnv.a1", "tnv.a2", "gs.a2"] {
        assert!(!preview.contains(username), "{username}");
    }

    // The confirmation carries the merge previewed, under the form's key, and runs it.
    let form = |name| hidden_values(&preview.body, "merge-confirm", name);
    assert_eq!(form("communes"), [a1, a2]);
    assert_eq!(form("into"), ["23290"]);
    assert_eq!(form("effective_on"), ["2026-07-01"]);
    assert_eq!(form("idempotency_key"), [key.as_str()]);
    assert!(preview.contains("action=\"/admin/areas/merge/confirm\""));
    let confirmed = admin.post("/admin/areas/merge/confirm", &fields).await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    assert_eq!(confirmed.location(), "/admin/areas?done=communes_merged");
    for commune in [&world.commune_a1, &world.commune_a2] {
        let area = registry.area(commune).unwrap();
        assert_eq!(area.successor, Some(code("23290")));
    }
}
