//! Prometheus metrics (`GET /metrics`, OpenMetrics text from `prometheus-client`).
//!
//! Security-sensitive: `/metrics` is served without authentication (API.md: restrict it at
//! the proxy), so no label may ever carry personal data or an id. Requests are labelled by
//! method, route *template* (`/api/v1/cases/{id}`, from axum's `MatchedPath`, never the raw
//! path) and status; a request that matched no route is labelled `unmatched`. The log's
//! metrics come from a [`LogObserver`] on its writer thread; positions and projection lag are
//! read when the metrics are scraped.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::store::log::LogObserver;

/// The route label of a request that matched no route (its raw path is never a label).
pub const UNMATCHED: &str = "unmatched";

/// Seconds, from a millisecond to ten seconds (the default request timeout).
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Labels of one request: all bounded and free of personal data.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route template, or [`UNMATCHED`].
    pub route: String,
    pub status: u16,
}

type HistogramFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// Every metric the service exports, and the registry that encodes them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_duration: HistogramFamily,
    append_duration: Histogram,
    group_size: Histogram,
    sync_duration: Histogram,
    log_head: Gauge,
    projections_applied: Gauge,
    projection_lag: Gauge,
    projections_failed: Gauge,
    set_aside_cases: Gauge,
    excluded_events: Gauge,
    first_undecodable: Gauge,
    stream_keys: Gauge,
}

/// The positions read at scrape time.
#[derive(Clone, Copy, Debug)]
pub struct Positions {
    /// The log's durable head position (0 on an empty log).
    pub head: u64,
    /// The last position every projection has applied.
    pub applied: u64,
    pub failed: bool,
    /// Case streams set aside, the events they exclude, and the first undecodable position.
    pub set_aside: crate::projections::set_aside::AsideSummary,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tincay");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let request_duration: HistogramFamily =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method, route template and status",
            Unit::Seconds,
            request_duration.clone(),
        );
        let append_duration = Histogram::new(LATENCY_BUCKETS);
        registry.register_with_unit(
            "log_append_duration",
            "Time from submitting an append to its durable acknowledgement",
            Unit::Seconds,
            append_duration.clone(),
        );
        let group_size = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register(
            "log_group_commit_size",
            "Appends made durable by one group commit (one sync)",
            group_size.clone(),
        );
        let sync_duration = Histogram::new(LATENCY_BUCKETS);
        registry.register_with_unit(
            "log_sync_duration",
            "Time of one durable sync (flush and fsync) of the store",
            Unit::Seconds,
            sync_duration.clone(),
        );
        let log_head = Gauge::default();
        registry.register(
            "log_head_position",
            "The log's durable head position",
            log_head.clone(),
        );
        let projections_applied = Gauge::default();
        registry.register(
            "projections_applied_position",
            "The last log position the projections have applied",
            projections_applied.clone(),
        );
        let projection_lag = Gauge::default();
        registry.register(
            "projection_lag",
            "Events durable in the log but not yet applied by the projections",
            projection_lag.clone(),
        );
        let projections_failed = Gauge::default();
        registry.register(
            "projections_failed",
            "1 when a projection could not apply an event and serves nothing",
            projections_failed.clone(),
        );
        let set_aside_cases = Gauge::default();
        registry.register(
            "projections_set_aside_cases",
            "Case streams set aside because an event of theirs cannot be decoded (503 case_unavailable)",
            set_aside_cases.clone(),
        );
        let excluded_events = Gauge::default();
        registry.register(
            "projections_excluded_events",
            "Events of set-aside case streams that no projection applied",
            excluded_events.clone(),
        );
        let first_undecodable = Gauge::default();
        registry.register(
            "projections_first_undecodable_position",
            "The log position of the first event a projection cannot decode (0: none)",
            first_undecodable.clone(),
        );
        let stream_keys = Gauge::default();
        registry.register(
            "stream_keys_in_memory",
            "Case data keys held unwrapped in memory (bounded by the keyring's cache)",
            stream_keys.clone(),
        );
        Self {
            registry,
            requests,
            request_duration,
            append_duration,
            group_size,
            sync_duration,
            log_head,
            projections_applied,
            projection_lag,
            projections_failed,
            set_aside_cases,
            excluded_events,
            first_undecodable,
            stream_keys,
        }
    }

    /// Count one answered request.
    pub fn observe_request(&self, labels: &RequestLabels, elapsed: Duration) {
        self.requests.get_or_create(labels).inc();
        self.request_duration
            .get_or_create(labels)
            .observe(elapsed.as_secs_f64());
    }

    /// How many case data keys the keyring holds now.
    pub fn observe_stream_keys(&self, held: usize) {
        self.stream_keys
            .set(i64::try_from(held).unwrap_or(i64::MAX));
    }

    /// The OpenMetrics text of every metric, with the positions as they are now.
    pub fn encode(&self, positions: Positions) -> Result<String, std::fmt::Error> {
        let gauge = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
        self.log_head.set(gauge(positions.head));
        self.projections_applied.set(gauge(positions.applied));
        self.projection_lag
            .set(gauge(positions.head.saturating_sub(positions.applied)));
        self.projections_failed.set(i64::from(positions.failed));
        self.set_aside_cases.set(gauge(positions.set_aside.cases));
        self.excluded_events
            .set(gauge(positions.set_aside.excluded_events));
        self.first_undecodable
            .set(gauge(positions.set_aside.first_position));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl LogObserver for Metrics {
    fn group_committed(&self, appends: usize, sync: Option<Duration>) {
        self.group_size.observe(appends as f64);
        if let Some(sync) = sync {
            self.sync_duration.observe(sync.as_secs_f64());
        }
    }

    fn append_acknowledged(&self, waited: Duration) {
        self.append_duration.observe(waited.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_has_every_family_and_the_lag() {
        let metrics = Metrics::new();
        metrics.observe_request(
            &RequestLabels {
                method: "GET".into(),
                route: "/api/v1/cases/{id}".into(),
                status: 200,
            },
            Duration::from_millis(3),
        );
        metrics.group_committed(3, Some(Duration::from_millis(2)));
        metrics.append_acknowledged(Duration::from_millis(4));
        metrics.observe_stream_keys(12);
        let text = metrics
            .encode(Positions {
                head: 10,
                applied: 7,
                failed: false,
                set_aside: crate::projections::set_aside::AsideSummary {
                    cases: 1,
                    excluded_events: 2,
                    first_position: 5,
                },
            })
            .unwrap();
        for family in [
            "tincay_http_requests_total{method=\"GET\",route=\"/api/v1/cases/{id}\",status=\"200\"} 1",
            "tincay_http_request_duration_seconds_bucket{",
            "tincay_log_append_duration_seconds_count 1",
            "tincay_log_group_commit_size_sum 3.0",
            "tincay_log_sync_duration_seconds_count 1",
            "tincay_log_head_position 10",
            "tincay_projections_applied_position 7",
            "tincay_projection_lag 3",
            "tincay_projections_failed 0",
            "tincay_projections_set_aside_cases 1",
            "tincay_projections_excluded_events 2",
            "tincay_projections_first_undecodable_position 5",
            "tincay_stream_keys_in_memory 12",
        ] {
            assert!(text.contains(family), "{family} missing from\n{text}");
        }
    }
}
