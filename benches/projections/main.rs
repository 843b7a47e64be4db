//! The projections' benchmark (issue 4): on a log of about 1,000,000 events (the demo data
//! set scaled to 100,000 cases),
//!
//! - the rebuild rate: every projection rebuilt from the first event, in events per second,
//!   several times in one process (the first run with sled's cache cold, the others warm),
//!   and then as `tincay rebuild` in a new process each time, as an operator runs it (with
//!   that process's peak resident memory): first with the data directory's files in the
//!   operating system's cache, then with them evicted from it, as after a reboot or a long
//!   idle spell;
//! - `GET /stats` with three dimensions over a year at province level, p50 and p99, asked
//!   of the real `tincay serve` process one request after another;
//! - that server's resident memory (VmRSS, and its peak VmHWM) after the queries.
//!
//! `cargo bench --bench projections` prints the machine, the load average and the figures.
//! `TINCAY_BENCH_QUICK=1` runs a small data set (CI checks that it runs, not how fast).
//! `TINCAY_BENCH_KEEP=1` keeps the data directory (and `bench.key` beside it), e.g. to profile
//! `tincay rebuild` on it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::cast_precision_loss,
    clippy::panic
)]

#[path = "../common/machine.rs"]
mod machine;

/// The allocator the `tincay` binary uses (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use time::macros::{date, datetime};
use tincay::domain::vocab::{AreaLevel, Role};
use tincay::projections::checkpoint;
use tincay::projections::runner::Projections;
use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::{EventLog, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};

struct Settings {
    cases: usize,
    rebuilds: usize,
    /// `tincay rebuild` runs in new processes: more than in-process runs, since each pays
    /// for all the memory it touches, which on a virtual machine varies from run to run.
    fresh_rebuilds: usize,
    /// `tincay rebuild` runs in new processes with the data directory's files evicted from
    /// the operating system's cache first.
    cold_rebuilds: usize,
    queries: usize,
}

const KEY: [u8; 32] = [42; 32];

fn main() {
    let quick = std::env::var("TINCAY_BENCH_QUICK").is_ok();
    let settings = if quick {
        Settings {
            cases: 1_000,
            rebuilds: 2,
            fresh_rebuilds: 1,
            cold_rebuilds: 1,
            queries: 50,
        }
    } else {
        Settings {
            cases: 100_000,
            rebuilds: 3,
            fresh_rebuilds: 5,
            cold_rebuilds: 3,
            queries: 500,
        }
    };
    machine::print_machine();
    // The quick run (CI's) has a directory of its own, so it never deletes a full run's data
    // kept for profiling.
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(if quick {
        "bench-projections-quick"
    } else {
        "bench-projections"
    });
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let data_dir = root.join("data");

    let events = write_demo(&data_dir, settings.cases);
    let province = rebuild(&data_dir, events, settings.rebuilds);
    machine::print_load("before the server");
    let key_file = root.join("bench.key");
    std::fs::write(&key_file, MasterKey::from_bytes(KEY).to_base64().as_bytes()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    query_the_server(&data_dir, &key_file, &province, settings.queries);
    rebuild_in_fresh_processes(&data_dir, &key_file, settings.fresh_rebuilds, Cache::Warm);
    rebuild_in_fresh_processes(&data_dir, &key_file, settings.cold_rebuilds, Cache::Cold);
    machine::print_load("at the end");
    if std::env::var("TINCAY_BENCH_KEEP").is_ok() {
        println!(
            "kept the data directory for profiling: {}",
            data_dir.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(&root);
    }
}

fn password(username: &str) -> String {
    format!("bench password of {username}")
}

fn open(dir: &Path) -> EventLog {
    let store = Arc::new(SledStore::open(dir, SledOptions::default()).unwrap());
    EventLog::open(
        store as Arc<dyn EventStore>,
        MasterKey::from_bytes(KEY),
        LogOptions::default(),
    )
    .unwrap()
}

/// The demo data set with `cases` cases over the two years before 20 November 2026,
/// written through the log in chunks (each chunk submitted at once, so group commit takes
/// them together). Returns the number of events.
fn write_demo(dir: &Path, cases: usize) -> u64 {
    let started = Instant::now();
    let data = tincay::demo::generate(
        datetime!(2026-11-20 03:00 UTC),
        date!(2026 - 11 - 20),
        7,
        cases,
        &password,
    )
    .unwrap();
    let generated = started.elapsed();
    let log = open(dir);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut appends = data.appends;
    let mut last = 0;
    let written = Instant::now();
    while !appends.is_empty() {
        let rest = appends.split_off(appends.len().min(20_000));
        let chunk = std::mem::replace(&mut appends, rest);
        last = runtime
            .block_on(tincay::demo::plan::write(&log, chunk))
            .unwrap();
    }
    log.close();
    println!(
        "data set: {cases} cases, {last} events (generated in {:.1} s, written durably in {:.1} s)",
        generated.as_secs_f64(),
        written.elapsed().as_secs_f64()
    );
    last
}

/// Rebuild every projection from the first event `runs` times; print the median rate.
/// Returns a province's code for the queries, and leaves a checkpoint for the server.
fn rebuild(dir: &Path, events: u64, runs: usize) -> String {
    let log = open(dir);
    let mut rates = Vec::new();
    let mut last = None;
    for run in 1..=runs {
        let projections = Projections::new();
        let started = Instant::now();
        let applied = projections.catch_up(&log).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(applied, events);
        let rate = events as f64 / seconds;
        let cache = if run == 1 {
            " (sled's cache cold: the first read since the store opened)"
        } else {
            ""
        };
        println!(
            "rebuild run {run}: {events} events in {seconds:.2} s = {rate:.0} events/s{cache}"
        );
        rates.push(rate);
        last = Some(projections);
    }
    let projections = last.unwrap();
    println!(
        "rebuild: median {:.0} events/s over {runs} runs (target >= 500,000)",
        machine::median(&mut rates)
    );
    let started = Instant::now();
    checkpoint::save(dir, &log, &projections).unwrap();
    let size = std::fs::metadata(checkpoint::path(dir)).unwrap().len();
    println!(
        "checkpoint: saved in {:.2} s, {:.1} MiB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1_048_576.0
    );
    let fresh = Projections::new();
    let started = Instant::now();
    assert_eq!(checkpoint::load(dir, &log, &fresh), Some(events));
    println!(
        "checkpoint: loaded in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let province = projections
        .registry
        .areas()
        .into_iter()
        .find(|area| area.level == AreaLevel::Province)
        .unwrap()
        .code;
    log.close();
    province.as_str().to_owned()
}

/// The operating system's cache of the data directory's files before a run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cache {
    /// As the runs before left it.
    Warm,
    /// Evicted (`POSIX_FADV_DONTNEED` on each file, after an fsync so its pages are clean).
    Cold,
}

/// `tincay rebuild` as an operator runs it: each run a new process, so sled's cache starts
/// empty and every stream key is unwrapped again. Prints the rate each run reports and their
/// median.
fn rebuild_in_fresh_processes(data_dir: &Path, key_file: &Path, runs: usize, cache: Cache) {
    let evicted = match cache {
        Cache::Warm => "",
        Cache::Cold => ", files evicted from the OS cache",
    };
    let mut rates = Vec::new();
    for run in 1..=runs {
        if cache == Cache::Cold {
            evict_from_os_cache(data_dir);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_tincay"))
            .arg("rebuild")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--key-file")
            .arg(key_file)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // The peak resident memory (VmHWM only grows) as last seen before the process ended.
        let mut peak = String::from("unknown");
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            let memory =
                std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
            if let Some(line) = memory.lines().find(|line| line.starts_with("VmHWM:")) {
                peak = line.trim_start_matches("VmHWM:").trim().to_owned();
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let mut said = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut said).unwrap();
        assert!(
            status.success(),
            "tincay rebuild failed: {status:?}, said {said:?}"
        );
        let rate: f64 = said
            .split(" (")
            .nth(1)
            .and_then(|rest| rest.split(" events/s").next())
            .and_then(|rate| rate.parse().ok())
            .unwrap_or_else(|| panic!("tincay rebuild said {said:?}"));
        println!(
            "tincay rebuild run {run} (a new process{evicted}): {rate:.0} events/s, \
             peak resident {peak}"
        );
        rates.push(rate);
    }
    println!(
        "tincay rebuild: median {:.0} events/s over {runs} runs in new processes{evicted}",
        machine::median(&mut rates)
    );
}

/// Drop every file of `dir` from the operating system's page cache, as a reboot would,
/// without needing root (and without touching any other file's cache).
fn evict_from_os_cache(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            evict_from_os_cache(&path);
        } else if path.is_file() {
            let file = std::fs::File::open(&path).unwrap();
            file.sync_all().unwrap();
            rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        }
    }
}

/// The server as a child process; killed (SIGKILL) when dropped if still running.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(data_dir: &Path, key_file: &Path) -> Server {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tincay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--key-file")
        .arg(key_file)
        // One reporting officer asks thousands of times: the latency is measured here, not
        // the per-user rate limit.
        .args(["--user-requests-per-minute", "1000000"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("the server said {line:?}"))
        .to_owned();
    println!(
        "server: listening {:.2} s after start (from the checkpoint)",
        started.elapsed().as_secs_f64()
    );
    Server { child, addr }
}

fn query_the_server(data_dir: &Path, key_file: &Path, province: &str, queries: usize) {
    let server = start_server(data_dir, key_file);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reporter = tincay::demo::users()
        .into_iter()
        .find(|user| user.role == Role::Reporting)
        .unwrap();
    let base = format!("http://{}/api/v1", server.addr);
    let latencies = runtime.block_on(async {
        let client = reqwest::Client::new();
        let session: serde_json::Value = client
            .post(format!("{base}/sessions"))
            .json(&serde_json::json!({
                "username": reporter.username,
                "password": password(reporter.username),
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = session["token"].as_str().unwrap().to_owned();
        let url = format!(
            "{base}/stats?measure=cases_opened&period=2025&area={province}\
             &by=violence_type,sex,age_band"
        );
        let ask = || async {
            let started = Instant::now();
            let response = client.get(&url).bearer_auth(&token).send().await.unwrap();
            let status = response.status();
            let body = response.bytes().await.unwrap();
            assert!(status.is_success(), "/stats answered {status}: {body:?}");
            started.elapsed().as_secs_f64() * 1000.0
        };
        for _ in 0..queries / 10 {
            ask().await;
        }
        let mut latencies = Vec::with_capacity(queries);
        for _ in 0..queries {
            latencies.push(ask().await);
        }
        latencies
    });
    let mut sorted = latencies;
    sorted.sort_by(f64::total_cmp);
    println!(
        "/stats (cases_opened, 2025, province {province}, by violence_type,sex,age_band): \
         p50 {:.2} ms, p99 {:.2} ms over {queries} requests (target p99 <= 10 ms)",
        machine::quantile(&sorted, 0.5),
        machine::quantile(&sorted, 0.99)
    );
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .map(|line| line.trim_start_matches(name).trim().to_owned())
            .unwrap_or_else(|| "unknown".into())
    };
    println!(
        "server memory: resident {} (peak {}) (target <= 300 MiB)",
        field("VmRSS:"),
        field("VmHWM:")
    );
}
