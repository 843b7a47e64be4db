//! The shipped `deploy/Caddyfile`, run for real in front of `tincay serve` (issue 19, attack
//! 4 and the proxy half of attack 1). The test derives its configuration from the shipped file
//! and changes only what a test machine needs: plain HTTP on a free loopback port instead of
//! the public host name and its certificate, tincay's port, a temporary access log. Everything
//! else (the header block, `encode`, the proxy's header rules) is the file's own, so a change
//! there that breaks the app fails here.
//!
//! Checked through Caddy: the pages keep tincay's own Content-Security-Policy
//! (`script-src 'self'`); the security headers are there and Caddy's `Server` is not;
//! responses are compressed (zstd, which only Caddy speaks, and gzip); `/metrics` is not
//! served; and the sign-in throttle sees each real client: a client's forged
//! `X-Forwarded-For` and `Forwarded` do not make it someone else, and another client is not
//! locked out by it.
//!
//! Caddy comes from Debian's `caddy` package, which ./test.sh installs when it is missing
//! (`TINCAY_CADDY` names another binary).

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::Fixture;

const PASSWORD: &str = "mật khẩu đủ dài 2026";

/// A running `caddy`, stopped when dropped.
struct Caddy {
    child: Child,
    addr: String,
}

impl Drop for Caddy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn caddy_binary() -> String {
    std::env::var("TINCAY_CADDY").unwrap_or_else(|_| "/usr/bin/caddy".to_owned())
}

/// A loopback port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// deploy/Caddyfile for a test machine: the site on plain HTTP at `listen`, proxying to
/// `tincay`, its access log in `dir`. Panics if the file no longer has the parts replaced.
fn test_caddyfile(shipped: &str, listen: &str, tincay: &str, dir: &Path) -> String {
    let mut text = shipped.to_owned();
    let mut replace = |from: &str, to: &str| {
        assert!(
            text.contains(from),
            "deploy/Caddyfile no longer has {from:?}"
        );
        text = text.replacen(from, to, 1);
    };
    replace("tincay.example.org {", &format!("http://{listen} {{"));
    replace("\ttls {\n\t\tprotocols tls1.2 tls1.3\n\t}\n", "");
    replace(
        "reverse_proxy 127.0.0.1:8080 {",
        &format!("reverse_proxy {tincay} {{"),
    );
    replace(
        "/var/log/caddy/tincay-access.log",
        &dir.join("access.log").display().to_string(),
    );
    // No admin endpoint, no automatic HTTPS, no state outside the test's directory.
    format!("{{\n\tadmin off\n\tauto_https off\n}}\n\n{text}")
}

/// Start Caddy with `config` and wait until it says it serves it (its log on stderr).
fn start_caddy(fx: &Fixture, config: &str, addr: &str) -> Caddy {
    let path = fx.path("Caddyfile");
    std::fs::write(&path, config).unwrap();
    let binary = caddy_binary();
    assert!(
        Path::new(&binary).exists(),
        "{binary} is missing: ./test.sh installs Debian's caddy (or set TINCAY_CADDY)"
    );
    let mut child = Command::new(&binary)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&path)
        .env("HOME", fx.dir.path())
        .env("XDG_DATA_HOME", fx.path("xdg-data"))
        .env("XDG_CONFIG_HOME", fx.path("xdg-config"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        // Read to the end, so Caddy never blocks on a full pipe.
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            let _ = lines.send(line);
        }
    });
    let caddy = Caddy {
        child,
        addr: addr.to_owned(),
    };
    let mut printed = Vec::new();
    // The deadline only bounds a hang; the wait is on Caddy's own word.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(left) {
            Ok(line) if line.contains("serving initial configuration") => break,
            Ok(line) => printed.push(line),
            Err(_) => panic!(
                "caddy did not start serving; it said:\n{}",
                printed.join("\n")
            ),
        }
    }
    caddy
}

/// An HTTP client connecting from `source` (another loopback address is another client),
/// that neither asks for nor undoes compression by itself.
fn client_from(source: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(source))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn the_shipped_caddyfile_in_front_of_tincay_keeps_its_headers_compresses_and_sees_each_client() {
    let fx = Fixture::new();
    let key = fx.keygen("master.key");
    fx.add_admin(&key, "admin", PASSWORD);
    let server = fx.start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--key-file",
            &key,
            "--trusted-proxy",
            "127.0.0.1/32",
        ],
        &[],
    );
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/Caddyfile"))
            .unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let config = test_caddyfile(&shipped, &listen, &server.addr, fx.dir.path());
    let caddy = start_caddy(&fx, &config, &listen);
    let base = format!("http://{}", caddy.addr);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let me = client_from(Ipv4Addr::new(127, 0, 0, 2));

        // The pages keep tincay's own policy and gain the proxy's headers.
        for page in ["/login", "/"] {
            let response = me.get(format!("{base}{page}")).send().await.unwrap();
            assert!(
                response.status().is_success() || response.status().is_redirection(),
                "{page}: {}",
                response.status()
            );
            let headers = response.headers();
            let header = |name: &str| {
                headers
                    .get(name)
                    .map(|value| value.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            if response.status().is_success() {
                // tincay's own policy, as tincay sends it without Caddy, word for word.
                let direct = me
                    .get(format!("http://{}{page}", server.addr))
                    .send()
                    .await
                    .unwrap();
                let own = direct.headers()["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                let policy = header("content-security-policy");
                assert!(policy.contains("script-src 'self'"), "{page}: {policy}");
                assert_eq!(policy, own, "{page}: Caddy left the page's policy alone");
            }
            assert!(
                header("strict-transport-security").contains("max-age=31536000"),
                "{page}"
            );
            assert_eq!(header("x-content-type-options"), "nosniff", "{page}");
            assert_eq!(header("x-frame-options"), "DENY", "{page}");
            assert_eq!(header("referrer-policy"), "no-referrer", "{page}");
            assert!(header("permissions-policy").contains("camera=()"), "{page}");
            assert_eq!(
                header("server"),
                "",
                "{page}: Caddy's Server header is dropped"
            );
        }
        let api = me
            .get(format!("{base}/api/v1/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 200);
        let metrics = me.get(format!("{base}/metrics")).send().await.unwrap();
        assert_eq!(
            metrics.status(),
            404,
            "metrics are not served to the internet"
        );

        // Compression: zstd (only Caddy speaks it) and gzip.
        for encoding in ["zstd", "gzip"] {
            let response = me
                .get(format!("{base}/assets/app.css"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(
                response
                    .headers()
                    .get("content-encoding")
                    .map(|value| value.to_str().unwrap().to_owned()),
                Some(encoding.to_owned())
            );
            let sent = response.bytes().await.unwrap().len();
            assert!(
                sent < 6 * 1024,
                "{encoding}: {sent} bytes for the stylesheet"
            );
        }

        // Five wrong passwords, each with a different forged address: still one client, so
        // that client's next try on that name waits.
        let sign_in = |client: &reqwest::Client, password: &str, forged: Option<u8>| {
            let mut request = client
                .post(format!("{base}/api/v1/sessions"))
                .json(&json!({"username": "admin", "password": password}));
            if let Some(n) = forged {
                request = request
                    .header("x-forwarded-for", format!("198.51.100.{n}"))
                    .header("forwarded", format!("for=203.0.113.{n}"));
            }
            request.send()
        };
        for n in 0..5 {
            let response = sign_in(&me, "wrong password!", Some(n)).await.unwrap();
            assert_eq!(response.status(), 401, "attempt {n}");
        }
        let locked = sign_in(&me, PASSWORD, Some(9)).await.unwrap();
        assert_eq!(
            locked.status(),
            429,
            "a forged address is not another client"
        );
        assert!(locked.headers().contains_key("retry-after"));

        // Another real client is not locked out: the throttle sees clients, not the proxy.
        let colleague = client_from(Ipv4Addr::new(127, 0, 0, 3));
        let signed_in = sign_in(&colleague, PASSWORD, None).await.unwrap();
        assert_eq!(signed_in.status(), 201);
    });

    drop(caddy);
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{}", stopped.stderr);
}
