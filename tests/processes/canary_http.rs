//! Canaries through the real `tincay serve`: a whole case journey over HTTP with a unique
//! string (with Vietnamese diacritics) in every personal field, trusted address names,
//! usernames, a staff member's full name and passwords, and malformed requests carrying
//! more of them. The answers to
//! the malformed requests quote none back; the case read back shows them all (so the test
//! can fail), and so does the admin's users page for the full name; `/metrics` holds none;
//! and after a SIGTERM, neither the server's whole output at `RUST_LOG=debug`
//! (plain and JSON) nor any byte of the data directory holds a canary, a password or a
//! session token.
//!
//! Each canary is also looked for by its ASCII core alone, so an escaped copy
//! (`\u{1ea0}`, `%E1%BA%A0`) is caught too.

mod leaks;
mod malformed;

use serde_json::{Value, json};

use crate::serve::site::{self, Plan, created};
use crate::serve::{Fixture, Server, client};
use leaks::{Canaries, assert_no_file_holds, assert_not_in};
use malformed::refuse_malformed;

#[test]
fn no_canary_password_or_token_reaches_the_debug_log_or_the_disk() {
    journey(&[("RUST_LOG", "debug")]);
}

#[test]
fn no_canary_password_or_token_reaches_the_json_debug_log_or_the_disk() {
    journey(&[("RUST_LOG", "debug"), ("TINCAY_LOG_FORMAT", "json")]);
}

fn journey(env: &[(&str, &str)]) {
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let mut canaries = Canaries::default();
    let plan = Plan {
        admin: canaries.account("admin"),
        volunteer: canaries.account("volunteer"),
        supervisor: canaries.account("supervisor"),
        addresses: [
            canaries.next("trusted address name"),
            canaries.next("second trusted address name"),
        ],
        volunteer_full_name: canaries.next("volunteer full name"),
    };
    fx.add_admin(&key, &plan.admin.username, &plan.admin.password);
    let server = fx.start(
        &["serve", "--listen", "127.0.0.1:0", "--key-file", &key],
        env,
    );
    let site = site::set_up(&fx, &key, &server, &plan);
    let volunteer = site::sign_in(&server, &plan.volunteer);
    let supervisor = site::sign_in(&server, &plan.supervisor);
    let before = canaries.0.len();
    let case = record_a_journey(
        &server,
        &volunteer,
        &supervisor,
        &site.addresses,
        &mut canaries,
    );
    let (status, view) = server.api("GET", &format!("/cases/{case}"), Some(&supervisor), None);
    assert_eq!(status, 200, "{view}");
    for (field, canary) in &canaries.0[before..] {
        assert!(
            view.contains(canary.as_str()),
            "the case does not show its {field}: {view}"
        );
    }
    refuse_malformed(&server, &site, &volunteer, &mut canaries);
    let (_, addresses) = server.api("GET", "/trusted-addresses", Some(&site.admin_token), None);
    assert!(
        plan.addresses
            .iter()
            .all(|name| addresses.contains(name.as_str())),
        "{addresses}"
    );
    let cookie = format!("tincay_session={}", site.admin_token);
    let (status, users) = client::request_with(
        &server.addr,
        "GET",
        "/admin/users",
        None,
        &[("cookie", &cookie)],
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{users}");
    assert!(
        users.contains(&plan.volunteer_full_name),
        "the users page does not show the full name: {users}"
    );
    let (status, metrics) = server.http("GET", "/metrics", None);
    assert_eq!(status, 200, "{metrics}");
    assert_not_in(&metrics, "/metrics", &canaries.needles());
    let (_, me) = server.api("GET", "/me", Some(&volunteer), None);
    // Kept in its one form (NFKC, lower case): the canary's ASCII core is unchanged.
    let kept = tincay::domain::username::normalise(&plan.volunteer.username);
    assert!(me.contains(&kept), "{me}");

    let printed = server.printed.clone();
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");
    let output = [printed, stopped.stdout, vec![stopped.stderr.clone()]]
        .concat()
        .join("\n");
    assert!(
        output.contains("request answered") && output.contains("DEBUG"),
        "requests were not logged at debug level:\n{output}"
    );
    if env.contains(&("TINCAY_LOG_FORMAT", "json")) {
        for line in stopped
            .stderr
            .lines()
            .filter(|line| !line.trim().is_empty())
        {
            assert!(
                serde_json::from_str::<Value>(line).is_ok(),
                "not JSON: {line}"
            );
        }
    }

    let mut needles = canaries.needles();
    for (role, token) in [
        ("admin", &site.admin_token),
        ("volunteer", &volunteer),
        ("supervisor", &supervisor),
    ] {
        needles.push((format!("the {role}'s session token"), token.clone()));
    }
    assert_not_in(&output, "the server's output", &needles);
    let (files, bytes) = assert_no_file_holds(&fx.path("tincay-data"), &needles);
    println!(
        "{} needles; {} lines of output and {files} files ({bytes} bytes) hold none",
        needles.len(),
        output.lines().count()
    );
}

/// The whole journey, every personal field a canary: the volunteer opens the case, records
/// support, a referral and its outcome, a follow-up, a note and a risk assessment, and asks
/// to close it; the supervisor approves, reopens, transfers it and closes it. Returns its id.
fn record_a_journey(
    server: &Server,
    volunteer: &str,
    supervisor: &str,
    addresses: &[String; 2],
    canaries: &mut Canaries,
) -> String {
    let mut c = |field: &str| canaries.next(field);
    let post = |token: &str, path: &str, body: Value| {
        created(server.api("POST", path, Some(token), Some(&body)))
    };
    let opening = json!({
        "opened_on": "2026-01-10", "referred_by": "neighbour",
        "survivor": {"name": c("survivor name"), "birth_year": 1994, "sex": "female",
                     "ethnicity": "11", "disability": false, "contact": c("survivor contact"),
                     "address": c("survivor address"), "children_with_her": 2},
        "violence_types": ["physical", "psychological"], "perpetrator": "spouse",
        "risk_level": "high", "consent": {"services": true, "referral": true, "reporting": true},
        "informant": {"name": c("informant name"), "contact": c("informant contact")},
        "narrative": c("narrative")
    });
    let case = post(volunteer, "/cases", opening)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let on = |what: &str| format!("/cases/{case}/{what}");
    let support = json!({"type": "shelter", "provided_on": "2026-01-10", "nights": 3,
                         "by": c("support by"), "notes": c("support notes")});
    post(volunteer, &on("support"), support);
    let referral = json!({"target": "legal_aid", "made_on": "2026-01-11",
                          "organisation": c("referral organisation"),
                          "contact_person": c("referral contact person"),
                          "notes": c("referral notes")});
    let referral = post(volunteer, &on("referrals"), referral)["id"].clone();
    let outcome = json!({"outcome": "accepted", "recorded_on": "2026-01-12",
                         "notes": c("referral outcome notes")});
    post(
        volunteer,
        &on(&format!("referrals/{}/outcome", referral.as_str().unwrap())),
        outcome,
    );
    let follow_up = json!({"due_on": "2026-01-20", "method": "visit"});
    let follow_up = post(volunteer, &on("follow-ups"), follow_up)["id"].clone();
    let done = json!({"completed_on": "2026-01-20", "outcome": "safe",
                      "notes": c("follow-up notes")});
    post(
        volunteer,
        &on(&format!(
            "follow-ups/{}/complete",
            follow_up.as_str().unwrap()
        )),
        done,
    );
    post(volunteer, &on("notes"), json!({"text": c("note text")}));
    post(
        volunteer,
        &on("risk"),
        json!({"level": "medium", "notes": c("risk notes")}),
    );
    let request = json!({"reason": "safe", "closed_on": "2026-02-01",
                         "notes": c("closure request notes")});
    post(volunteer, &on("close"), request);
    let review = json!({"decision": "approved", "comment": c("review comment")});
    post(supervisor, &on("reviews"), review);
    post(
        supervisor,
        &on("reopen"),
        json!({"reason": c("reopen reason")}),
    );
    let transfer = json!({"trusted_address": addresses[1], "reason": c("transfer reason")});
    post(supervisor, &on("transfer"), transfer);
    let close = json!({"reason": "relocated", "closed_on": "2026-02-03",
                       "notes": c("close notes")});
    post(supervisor, &on("close"), close);
    case
}
