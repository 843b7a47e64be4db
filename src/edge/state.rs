//! The application state shared by every handler of both adapters: one `Clone` struct of
//! `Arc`s.

use std::sync::Arc;

pub use crate::app::stats::settings::StatsSettings;
pub use crate::auth::csrf::WebSecret;
use crate::auth::rate::UserRate;
use crate::auth::sessions::Sessions;
use crate::auth::throttle::Throttle;
pub use crate::clock::{Clock, SystemClock};
use crate::edge::metrics::Metrics;
use crate::projections::runner::Projections;
use crate::stats::disclosure::StatisticsSecret;
use crate::store::crypto::DataKey;
use crate::store::crypto::outbox::OutboxKey;
use crate::store::log::EventLog;

/// Every web page's `<title>` when none is configured: "notebook", which says nothing.
pub const DEFAULT_PAGE_TITLE: &str = "Sổ tay";

/// Tunables of the HTTP service.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Largest accepted request body, in bytes (API.md: 64 KiB by default).
    pub body_limit: usize,
    /// How long a request may take before it is answered with 503.
    pub request_timeout: std::time::Duration,
    /// Requests handled at once; more are shed with 503 and `Retry-After`.
    pub max_concurrent_requests: usize,
    /// Sessions die after this long without use.
    pub session_idle: time::Duration,
    /// The web app's sessions die sooner: a shared phone must not stay signed in.
    pub web_session_idle: time::Duration,
    /// Distinct statistics tables a reporting officer may ask for per rolling 30 days.
    pub stats_budget: u32,
    /// API sessions die this long after they start, however much they are used.
    pub session_lifetime: time::Duration,
    /// Web app sessions die this long after they start, however much they are used.
    pub web_session_lifetime: time::Duration,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` name the client
    /// (`--trusted-proxy`); none by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The `<title>` of every web page: short and neutral, as the browser's history keeps
    /// it ([`DEFAULT_PAGE_TITLE`] unless `--page-title` says otherwise).
    pub page_title: String,
    /// Requests a minute one signed-in user may make ([`crate::auth::rate`]); more are
    /// answered 429 `rate_limited` with `Retry-After`.
    pub user_requests_per_minute: u32,
    /// Repeated reads of one case by one user within this window are one access-log item
    /// with a count ([`crate::access_log::page`]).
    pub access_log_window: time::Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            body_limit: 64 * 1024,
            request_timeout: std::time::Duration::from_secs(10),
            max_concurrent_requests: 512,
            session_idle: time::Duration::hours(12),
            web_session_idle: time::Duration::minutes(30),
            stats_budget: crate::stats::budget::DEFAULT_BUDGET,
            session_lifetime: crate::auth::sessions::API_LIFETIME,
            web_session_lifetime: crate::auth::sessions::WEB_LIFETIME,
            trusted_proxies: Vec::new(),
            page_title: DEFAULT_PAGE_TITLE.to_owned(),
            user_requests_per_minute: crate::auth::rate::DEFAULT_PER_MINUTE,
            access_log_window: crate::access_log::page::DEFAULT_WINDOW,
        }
    }
}

/// Shared by every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub log: EventLog,
    /// Records case reads, sharing appends among those that arrive together.
    pub access: Arc<crate::access_log::AccessRecorder>,
    pub projections: Arc<Projections>,
    pub sessions: Arc<Sessions>,
    pub throttle: Arc<Throttle>,
    /// Each signed-in user's request rate.
    pub user_rate: Arc<UserRate>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<HttpSettings>,
    /// What `/metrics` reports; also the log's observer when the server opened the log.
    pub metrics: Arc<Metrics>,
    /// The statistics' suppression threshold, query budget and its ledger.
    pub stats: StatsSettings,
    /// The web app's key for CSRF tokens.
    pub web: Arc<WebSecret>,
    /// Seals case list cursors, which hold the day a case was opened (personal data).
    pub cursors: Arc<DataKey>,
    /// Opens the records a phone sealed while offline (the web app's outbox); its public half
    /// is served with the app shell.
    pub outbox: Arc<OutboxKey>,
}

impl AppState {
    pub fn new(
        log: EventLog,
        projections: Arc<Projections>,
        settings: HttpSettings,
        clock: Arc<dyn Clock>,
    ) -> Self {
        key_statistics(&log, &projections);
        // Derived from the chain key, so a cursor still works after a restart.
        let cursors = Arc::new(log.keys().chain().derived_key("http/case-cursor-key/v1"));
        let outbox = Arc::new(OutboxKey::derive(log.keys().chain()));
        let stats = StatsSettings::new(&log, settings.stats_budget, clock.now());
        Self {
            access: Arc::new(crate::access_log::AccessRecorder::new(log.clone())),
            log,
            projections,
            sessions: Arc::new(
                Sessions::new(settings.session_idle).with_absolute(settings.session_lifetime),
            ),
            throttle: Arc::new(Throttle::default()),
            user_rate: Arc::new(UserRate::new(settings.user_requests_per_minute)),
            clock,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::new()),
            stats,
            web: Arc::new(WebSecret::random()),
            cursors,
            outbox,
        }
    }

    /// What the application core's use cases work with, borrowed from this state.
    pub fn app(&self) -> crate::app::context::App<'_> {
        crate::app::context::App {
            log: &self.log,
            projections: &self.projections,
            access: &self.access,
            stats: &self.stats,
            sessions: &self.sessions,
            throttle: &self.throttle,
            cursors: &self.cursors,
            access_log_window: self.settings.access_log_window,
            clock: self.clock.as_ref(),
        }
    }

    /// The same state reporting into `metrics` (the one the log was opened with).
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }
}

/// Give the statistics projection its secret, derived from the store's chain key, so event
/// record keys need no key of their own (and never change while the data directory lives).
fn key_statistics(log: &EventLog, projections: &Projections) {
    let mut material = log.keys().chain().keyed_hash("stats/secret/v1", b"");
    match StatisticsSecret::new(&material) {
        Ok(secret) => projections.stats.set_secret(secret),
        Err(error) => tracing::error!(%error, "the statistics secret cannot be made"),
    }
    zeroize::Zeroize::zeroize(&mut material);
}
