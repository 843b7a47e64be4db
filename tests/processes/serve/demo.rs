//! `tincay demo` in an empty working directory: it makes its key, loads the data set through
//! the log, prints the users, serves (the admin can log in once `POST /sessions` exists),
//! stops cleanly, leaves a chain `tincay verify` accepts, and starts again without reloading.

use std::path::Path;
use std::time::Duration;

use tincay::domain::vocab::Role;
use tincay::projections::runner::Projections;
use tincay::store::crypto::MasterKey;

use super::*;
use crate::support::open_at;

/// `(role, username, password)` from the lines the demo printed.
fn users(printed: &[String]) -> Vec<(String, String, String)> {
    printed
        .iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let role = words.next()?;
            let username = words.next()?;
            let password = words.next()?;
            let roles = ["admin", "supervisor", "volunteer", "reporting"];
            (line.starts_with("  ") && roles.contains(&role) && password.len() == 19)
                .then(|| (role.to_owned(), username.to_owned(), password.to_owned()))
        })
        .collect()
}

#[test]
fn demo_makes_a_key_loads_the_data_set_and_serves_it() {
    let fx = Fixture::new();
    let server = fx.start(&["demo", "--listen", "127.0.0.1:0"], &[]);
    let key_path = fx.path("tincay-demo.key");
    assert_eq!(mode(&key_path), 0o600);
    let printed = server.printed.join("\n");
    assert!(
        printed.contains("wrote a new master key for the demo to tincay-demo.key"),
        "{printed}"
    );
    assert!(printed.contains("500 cases"), "{printed}");
    let users = users(&server.printed);
    assert_eq!(users.len(), 10, "{printed}");
    for role in ["admin", "supervisor", "volunteer", "reporting"] {
        assert!(users.iter().any(|(r, _, _)| r == role), "{role}: {printed}");
    }
    let key = std::fs::read_to_string(&key_path).unwrap();
    assert!(!printed.contains(key.trim()), "the key was printed");

    let (status, body) = server.http("GET", "/readyz", None);
    assert_eq!(status, 200, "{body}");
    let (_, admin, password) = &users[0];
    let login = format!("{{\"username\": \"{admin}\", \"password\": \"{password}\"}}");
    let (status, body) = server.http("POST", "/api/v1/sessions", Some(&login));
    if !(status == 404 && body.contains("there is no such path")) {
        // The sessions endpoint exists in this build: the printed admin can log in.
        assert_eq!(status, 201, "{body}");
        assert!(body.contains("\"token\""), "{body}");
    }

    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");
    assert!(stopped.took < Duration::from_secs(10), "{stopped:?}");
    assert!(
        !stopped.stderr.contains(password.as_str()),
        "a password was logged"
    );

    let master = MasterKey::parse(key.as_bytes()).unwrap();
    assert_registry_has_the_demo(&fx.path("tincay-data"), master, &users);

    let verify = fx
        .command(&["verify", "--key-file", "tincay-demo.key"], &[])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(said.contains("chain intact"), "{said}");
    assert!(said.contains("erased"), "{said}");

    // Again: the key is found, nothing is reloaded, the passwords are the same.
    let again = fx.start(&["demo", "--listen", "127.0.0.1:0"], &[]);
    let printed = again.printed.join("\n");
    assert!(
        printed.contains("using the demo's master key in tincay-demo.key"),
        "{printed}"
    );
    assert!(printed.contains("already holds data"), "{printed}");
    assert_eq!(super::demo::users(&again.printed), users);
    let stopped = again.terminate();
    assert!(
        stopped.status.success(),
        "{:?}: {}",
        stopped.status,
        stopped.stderr
    );
}

/// Open the stopped demo's data directory in this process and read its registry.
fn assert_registry_has_the_demo(dir: &Path, master: MasterKey, users: &[(String, String, String)]) {
    let (_store, log) = open_at(dir, master);
    let projections = Projections::new();
    let applied = projections.catch_up(&log).unwrap();
    assert!(applied > 4000, "only {applied} events");
    let registry = &projections.registry;
    for (role, username, _) in users {
        let user = registry.user_by_username(username).unwrap();
        assert_eq!(user.role, Role::parse(role).unwrap(), "{username}");
        assert!(user.active);
    }
    assert_eq!(registry.trusted_addresses().len(), 6);
    let areas = registry.areas();
    assert_eq!(areas.len(), 13);
    assert!(areas.iter().all(|area| area.name.contains("hư cấu")));
    log.close();
}
