//! A write that fails is not half done (issue 18): with a fault injected after the append
//! (the projections fail, so read-your-writes cannot be waited for), a command answers with
//! the append's result instead of a 5xx a client would take for "not written", and a retry
//! with the same `Idempotency-Key` never appends twice.

use serde_json::json;
use tincay::store::stream::StreamId;

use crate::cases_kit::{open_case, post_with};
use crate::support::*;

fn version_of(app: &TestApp, case: &str) -> u64 {
    let stream = StreamId::parse(&format!("case-{case}")).unwrap();
    app.state.log.store().stream_version(&stream).unwrap()
}

#[tokio::test]
async fn a_command_failing_after_its_append_answers_the_append_and_a_retry_appends_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &volunteer).await;
    assert_eq!(version_of(&app, &case), 1);

    app.state.projections.fail_for_tests();
    let path = format!("/cases/{case}/notes");
    let body = json!({"text": "Đã gọi điện"});
    let key = [("Idempotency-Key", "after-append-1")];
    let first = post_with(&app, &volunteer, &path, &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json()["version"], 2);
    assert_eq!(first.header("etag"), "\"2\"");
    assert_eq!(version_of(&app, &case), 2, "appended once");

    for _ in 0..3 {
        let retry = post_with(&app, &volunteer, &path, &body, &key).await;
        assert_eq!(retry.status, 201, "{}", retry.text);
        assert_eq!(retry.json()["version"], 2);
    }
    assert_eq!(version_of(&app, &case), 2, "retries append nothing");
}
