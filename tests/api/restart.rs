//! A graceful stop saves the projections' checkpoint, and the next start loads it and
//! serves the same answers without replaying the log.

use crate::cases_kit::{get, open_case, schedule};
use crate::support::*;

#[tokio::test]
async fn a_restarted_server_starts_from_its_checkpoint_and_answers_the_same() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let first = open_case(&app, &volunteer).await;
    let second = open_case(&app, &volunteer).await;
    schedule(&app, &volunteer, &first, "2026-11-10").await;
    let supervisor = app.token_for(world.supervisor_a);
    let cases_before = get(&app, &volunteer, "/cases").await.json();
    let queue_before = get(&app, &supervisor, "/follow-ups").await.json();
    let head = app.state.log.head().unwrap().position;
    assert_eq!(app.started_from_checkpoint, 0, "a new directory has none");

    let app = app.restart().await;

    assert!(
        app.dir.path().join("data/projections.checkpoint").is_file(),
        "saved at shutdown"
    );
    assert!(
        app.started_from_checkpoint >= head,
        "loaded, not replayed: started from {} with the head at {head}",
        app.started_from_checkpoint
    );
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    assert_eq!(get(&app, &volunteer, "/cases").await.json(), cases_before);
    assert_eq!(
        get(&app, &supervisor, "/follow-ups").await.json(),
        queue_before
    );
    let listed = cases_before.to_string();
    assert!(listed.contains(&first) && listed.contains(&second));
    app.stop().await;
}
