//! `spawn_app()`: a real server on port 0 over a fresh data directory, a steerable clock,
//! and helpers to seed the registry (areas, trusted addresses, users) and sign in.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tempfile::TempDir;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use tincay::domain::codec::EventCodec;
use tincay::domain::ids::{AreaCode, TrustedAddressId, UserId};
use tincay::domain::registry::area::{AreaDefinedFacts, AreaEvent};
use tincay::domain::registry::trusted_address::{
    TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii, TrustedAddressEvent,
};
use tincay::domain::registry::user::{UserCreatedFacts, UserCreatedPii, UserEvent};
use tincay::domain::vocab::{AreaLevel, Role};
use tincay::http::state::{AppState, Clock, HttpSettings};
use tincay::server::{App, ServerConfig};
use tincay::store::crypto::MasterKey;
use tincay::store::log::{AppendRequest, ExpectedVersion, LogOptions};
use tincay::store::stream::StreamId;
use tokio::sync::oneshot;
use uuid::Uuid;

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct TestClock(Mutex<OffsetDateTime>);

impl TestClock {
    pub fn advance(&self, by: time::Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

pub const START: OffsetDateTime = datetime!(2026-11-20 03:00 UTC);
pub const TODAY: Date = date!(2026 - 11 - 20);

/// A running server.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub clock: Arc<TestClock>,
    pub client: reqwest::Client,
    pub dir: TempDir,
    /// The checkpoint position the projections started from (0: none).
    pub started_from_checkpoint: u64,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(HttpSettings::default()).await
}

pub async fn spawn_app_with(http: HttpSettings) -> TestApp {
    spawn_app_in(tempfile::tempdir().unwrap(), http).await
}

/// A server on the data directory inside `dir` (new or used before).
pub async fn spawn_app_in(dir: TempDir, http: HttpSettings) -> TestApp {
    let clock = Arc::new(TestClock(Mutex::new(START)));
    let app = App::build(
        ServerConfig {
            data_dir: dir.path().join("data"),
            listen: "127.0.0.1:0".parse().unwrap(),
            master_key: MasterKey::from_bytes([3; 32]),
            http,
            log: LogOptions::default(),
            checkpoints: tincay::projections::checkpointer::CheckpointPolicy::default(),
            retention: tincay::domain::case::retention::RetentionPeriod::DEFAULT,
            store_cache_bytes: 64 * 1024 * 1024,
            database_url: None,
        },
        clock.clone(),
    )
    .await
    .unwrap();
    let addr = app.local_addr().unwrap();
    let state = app.state().clone();
    let started_from_checkpoint = app.checkpoint_position();
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        app.run(async {
            let _ = stop.await;
        })
        .await
        .unwrap();
    });
    TestApp {
        addr,
        state,
        clock,
        client: reqwest::Client::new(),
        dir,
        started_from_checkpoint,
        shutdown: Some(shutdown),
        server: Some(server),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `/api/v1` + path.
    pub fn api(&self, path: &str) -> String {
        self.url(&format!("/api/v1{path}"))
    }

    /// The log's durable head (0 when empty): unchanged when a refused request wrote nothing.
    pub fn head(&self) -> u64 {
        self.state.log.head().map_or(0, |head| head.position)
    }

    /// Stop the server the way SIGTERM does, and wait for it.
    pub async fn stop(mut self) {
        self.shut_down().await;
    }

    /// Stop gracefully and start a new server on the same data directory.
    pub async fn restart(mut self) -> TestApp {
        self.shut_down().await;
        let TestApp { dir, state, .. } = self;
        // The last handle on the log: the directory is free once it is gone.
        drop(state);
        spawn_app_in(dir, HttpSettings::default()).await
    }

    /// Stop gracefully and hand back the data directory, free for the offline commands
    /// (`verify`, `rebuild`); [`spawn_app_in`] starts a server on it again.
    pub async fn stop_keeping_dir(mut self) -> TempDir {
        self.shut_down().await;
        let TestApp { dir, state, .. } = self;
        drop(state);
        dir
    }

    async fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
    }

    async fn append(&self, stream: StreamId, events: Vec<tincay::domain::codec::EncodedEvent>) {
        let outcome = self
            .state
            .log
            .append(AppendRequest {
                stream,
                expected: ExpectedVersion::NoStream,
                events,
                idempotency: None,
                actor: None,
                recorded_at: self.clock.now(),
                erase: false,
            })
            .await
            .unwrap();
        self.state
            .projections
            .wait_for(outcome.last_position)
            .await
            .unwrap();
    }

    pub async fn seed_area(&self, code: &str, level: AreaLevel, parent: Option<&str>) -> AreaCode {
        let code = AreaCode::parse(code).unwrap();
        let event = AreaEvent::AreaDefined(AreaDefinedFacts {
            code: code.clone(),
            name: format!("Khu vực {}", code.as_str()),
            level,
            parent: parent.map(|p| AreaCode::parse(p).unwrap()),
            valid_from: date!(2025 - 07 - 01),
        });
        self.append(StreamId::area(&code), vec![event.encode().unwrap()])
            .await;
        code
    }

    pub async fn seed_address(&self, commune: &AreaCode) -> TrustedAddressId {
        let id = TrustedAddressId::from_uuid(Uuid::new_v4());
        let event = TrustedAddressEvent::Established {
            facts: TrustedAddressEstablishedFacts {
                commune: commune.clone(),
                established_on: date!(2025 - 08 - 01),
            },
            pii: Some(TrustedAddressEstablishedPii {
                name: format!("Nhà bà {}", &id.to_string()[..8]),
            }),
        };
        self.append(
            StreamId::trusted_address(&id),
            vec![event.encode().unwrap()],
        )
        .await;
        id
    }

    /// A user with password `password`.
    pub async fn seed_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
        area: Option<&AreaCode>,
        trusted_address: Option<TrustedAddressId>,
    ) -> UserId {
        let binding = (area, trusted_address);
        self.seed_named_user(username, None, password, role, binding)
            .await
    }

    /// [`Self::seed_user`] with a full name, bound to `(area, trusted_address)`.
    pub async fn seed_named_user(
        &self,
        username: &str,
        full_name: Option<&str>,
        password: &str,
        role: Role,
        (area, trusted_address): (Option<&AreaCode>, Option<TrustedAddressId>),
    ) -> UserId {
        let id = UserId::from_uuid(Uuid::new_v4());
        let event = UserEvent::Created {
            facts: UserCreatedFacts {
                role,
                area: area.cloned(),
                trusted_address,
            },
            pii: Some(UserCreatedPii {
                username: username.to_owned(),
                password_hash: tincay::auth::password::hash(password).unwrap(),
                full_name: full_name.map(str::to_owned),
            }),
        };
        self.append(StreamId::user(&id), vec![event.encode().unwrap()])
            .await;
        id
    }

    /// A session token for a user, without going through `POST /sessions`.
    pub fn token_for(&self, user: UserId) -> String {
        let (token, _) = self.state.sessions.start(user, self.clock.now());
        token.as_str().to_owned()
    }
}

/// Two provinces, each with a district and two communes; a trusted address in three of
/// the communes; one user per role and place.
pub struct World {
    pub province_a: AreaCode,
    pub district_a: AreaCode,
    pub commune_a1: AreaCode,
    pub commune_a2: AreaCode,
    pub province_b: AreaCode,
    pub commune_b1: AreaCode,
    pub address_a1: TrustedAddressId,
    pub address_a1_second: TrustedAddressId,
    pub address_a2: TrustedAddressId,
    pub address_b1: TrustedAddressId,
    pub volunteer_a1: UserId,
    pub volunteer_a2: UserId,
    pub volunteer_b1: UserId,
    pub supervisor_a: UserId,
    pub supervisor_commune_a2: UserId,
    pub supervisor_b: UserId,
    pub reporter_a: UserId,
    pub admin: UserId,
}

pub async fn seed_world(app: &TestApp) -> World {
    let province_a = app.seed_area("62", AreaLevel::Province, None).await;
    let district_a = app.seed_area("610", AreaLevel::District, Some("62")).await;
    let commune_a1 = app
        .seed_area("23284", AreaLevel::Commune, Some("610"))
        .await;
    let commune_a2 = app
        .seed_area("23287", AreaLevel::Commune, Some("610"))
        .await;
    let province_b = app.seed_area("64", AreaLevel::Province, None).await;
    let district_b = app.seed_area("620", AreaLevel::District, Some("64")).await;
    let commune_b1 = app
        .seed_area("23401", AreaLevel::Commune, Some(district_b.as_str()))
        .await;
    let address_a1 = app.seed_address(&commune_a1).await;
    let address_a1_second = app.seed_address(&commune_a1).await;
    let address_a2 = app.seed_address(&commune_a2).await;
    let address_b1 = app.seed_address(&commune_b1).await;
    let password = "mật khẩu đủ dài 2026";
    World {
        volunteer_a1: app
            .seed_user("tnv.a1", password, Role::Volunteer, None, Some(address_a1))
            .await,
        volunteer_a2: app
            .seed_user("tnv.a2", password, Role::Volunteer, None, Some(address_a2))
            .await,
        volunteer_b1: app
            .seed_user("tnv.b1", password, Role::Volunteer, None, Some(address_b1))
            .await,
        supervisor_a: app
            .seed_user("gs.a", password, Role::Supervisor, Some(&province_a), None)
            .await,
        supervisor_commune_a2: app
            .seed_user("gs.a2", password, Role::Supervisor, Some(&commune_a2), None)
            .await,
        supervisor_b: app
            .seed_user("gs.b", password, Role::Supervisor, Some(&province_b), None)
            .await,
        reporter_a: app
            .seed_user("bc.a", password, Role::Reporting, Some(&province_a), None)
            .await,
        admin: app
            .seed_user("admin", password, Role::Admin, None, None)
            .await,
        province_a,
        district_a,
        commune_a1,
        commune_a2,
        province_b,
        commune_b1,
        address_a1,
        address_a1_second,
        address_a2,
        address_b1,
    }
}

/// The password every seeded user has.
pub const PASSWORD: &str = "mật khẩu đủ dài 2026";
