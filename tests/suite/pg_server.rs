//! A real PostgreSQL for the tests, started by the tests themselves: Debian's `postgresql`
//! package (test.sh installs it when missing; `TINCAY_PG_BIN` names another `bin/`), one
//! cluster per test process, `initdb` into a temporary directory (as `nobody` when the tests
//! run as root, since initdb refuses root), `pg_ctl` on a free loopback port, and a reaper
//! that stops the cluster and removes its directory once the test process has exited (however
//! it exits). Each test gets a database of its own.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// One running cluster.
pub struct PgServer {
    pub bin: PathBuf,
    pub dir: PathBuf,
    pub port: u16,
    /// Runs commands as the cluster's owner when the tests run as root.
    pub as_owner: Option<&'static str>,
}

static SERVER: OnceLock<PgServer> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The directory of PostgreSQL's programs.
pub fn bin() -> PathBuf {
    if let Ok(dir) = std::env::var("TINCAY_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (/usr/lib/postgresql is missing): test.sh installs Debian's postgresql package, or set TINCAY_PG_BIN")
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found
        .pop()
        .expect("no PostgreSQL with initdb under /usr/lib/postgresql")
}

pub fn running_as_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// A free loopback port (bound and released; the cluster takes it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl PgServer {
    /// The shared cluster of this test process, started on first use.
    pub fn shared() -> &'static PgServer {
        SERVER.get_or_init(|| {
            let server = PgServer::init(&[]);
            // No autovacuum: a worker's snapshot in a test's database would hold back what
            // tincay's own VACUUM FULL after an erasure may remove (see deploy/POSTGRES.md).
            server.start(&["autovacuum=off"]);
            server.reap_after(std::process::id());
            server
        })
    }

    /// A directory for a cluster, with nothing in it yet (for `pg_basebackup`).
    pub fn init_empty() -> PgServer {
        let dir = tempfile::Builder::new()
            .prefix("tincay-pg-")
            .tempdir()
            .unwrap()
            .keep();
        let as_owner = running_as_root().then_some("nobody");
        if as_owner.is_some() {
            std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
        }
        PgServer {
            bin: bin(),
            dir,
            port: free_port(),
            as_owner,
        }
    }

    /// A fresh cluster directory (not started).
    pub fn init(extra: &[&str]) -> PgServer {
        let server = PgServer::init_empty();
        let data = server.data();
        let mut args = vec![
            "-D",
            data.to_str().unwrap(),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-instructions",
        ];
        args.extend_from_slice(extra);
        server.run("initdb", &args);
        server
    }

    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Runs one of PostgreSQL's programs as the cluster's owner; panics if it fails.
    pub fn run(&self, program: &str, args: &[&str]) -> String {
        let output = self.command(program, args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let path = self.bin.join(program);
        let mut command = match self.as_owner {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        command.args(args).stdin(Stdio::null());
        command
    }

    /// Starts the cluster on its port (loopback only, its socket in its own directory) and
    /// waits until it accepts connections (`pg_ctl -w`).
    pub fn start(&self, settings: &[&str]) {
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=300 -c fsync=on",
            self.port,
            self.dir.display()
        );
        for setting in settings {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        let log = self.dir.join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the cluster at once (as a crash would, for the failover test's primary use
    /// SIGKILL instead).
    pub fn stop(&self) {
        let _ = self
            .command(
                "pg_ctl",
                &[
                    "-D",
                    self.data().to_str().unwrap(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
            )
            .output();
    }

    /// Stops the cluster and removes its directory once process `pid` has exited.
    pub fn reap_after(&self, pid: u32) {
        let script = format!(
            "tail --pid={pid} -f /dev/null; {} -D {} -m immediate -w stop >/dev/null 2>&1; rm -rf {}",
            shell_owner(self.as_owner, &self.bin.join("pg_ctl")),
            self.data().display(),
            self.dir.display()
        );
        // `setsid -f` forks the reaper off and returns at once: waiting for it here only reaps
        // setsid itself.
        let forked = Command::new("setsid")
            .args(["-f", "sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(forked.success(), "cannot start the cluster's reaper");
    }

    /// A connection string to `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={database}",
            self.port
        )
    }

    /// Runs SQL with psql against `database`; returns its unaligned output.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg(self.url(database))
            .args(["-c", sql])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

fn shell_owner(owner: Option<&str>, program: &Path) -> String {
    match owner {
        Some(user) => format!("runuser -u {user} -- {}", program.display()),
        None => program.display().to_string(),
    }
}

/// A new, empty database on the shared cluster: its name and connection string.
pub fn fresh_database() -> (String, String) {
    let server = PgServer::shared();
    let name = format!(
        "t{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst)
    );
    server.psql("postgres", &format!("CREATE DATABASE {name}"));
    let url = server.url(&name);
    (name, url)
}
