//! The server's side of the control socket. [`ControlSocket::bind`] creates the socket (mode
//! 0600 before it gets its public name); [`ControlSocket::serve`] answers until told to stop,
//! finishes the commands under way, and removes the socket file, which dropping it also does.

use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use zeroize::Zeroizing;

use crate::app::registry::accounts;
use crate::control::protocol::{MAX_IMPORT_REQUEST, MAX_REQUEST, Request, Response, describe};
use crate::control::{SOCKET_NAME, socket_path};
use crate::edge::state::AppState;
use crate::http::json::without_values;
use crate::http::registry::import;

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound control socket.
#[derive(Debug)]
pub struct ControlSocket {
    listener: UnixListener,
    path: PathBuf,
    /// The user id that owns the socket file: the only peer served.
    owner: u32,
}

impl ControlSocket {
    /// Bind `control.sock` in `data_dir`, replacing a stale one left by a server that died
    /// (the caller holds the directory, so no live server owns it). Needs a Tokio runtime.
    pub fn bind(data_dir: &Path) -> io::Result<Self> {
        let path = socket_path(data_dir);
        let staging = data_dir.join(format!(".{SOCKET_NAME}.{}", std::process::id()));
        remove_if_present(&staging)?;
        let listener = std::os::unix::net::UnixListener::bind(&staging)?;
        let ready = restrict(&staging).and_then(|owner| {
            std::fs::rename(&staging, &path)?;
            Ok(owner)
        });
        let owner = match ready {
            Ok(owner) => owner,
            Err(error) => {
                let _ = std::fs::remove_file(&staging);
                return Err(error);
            }
        };
        // Tokio needs the listener non-blocking.
        let listener = listener
            .set_nonblocking(true)
            .and_then(|()| UnixListener::from_std(listener));
        match listener {
            Ok(listener) => Ok(Self {
                listener,
                path,
                owner,
            }),
            Err(error) => {
                let _ = std::fs::remove_file(&path);
                Err(error)
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Answer commands until `stop` turns true (or its sender goes), then wait for the
    /// commands under way and remove the socket.
    pub async fn serve(self, state: AppState, mut stop: watch::Receiver<bool>) {
        let mut tasks = JoinSet::new();
        loop {
            tokio::select! {
                () = stopped(&mut stop) => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        tasks.spawn(answer(stream, state.clone(), self.owner));
                    }
                    Err(error) => {
                        tracing::warn!(%error, "control socket: accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
            }
            while tasks.try_join_next().is_some() {}
        }
        while tasks.join_next().await.is_some() {}
    }
}

/// Resolves once `stop` is true or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        if let Err(error) = remove_if_present(&self.path) {
            tracing::warn!(%error, "control socket: cannot remove the socket file");
        }
    }
}

/// Mode 0600; returns the file's owner.
fn restrict(path: &Path) -> io::Result<u32> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(std::fs::metadata(path)?.uid())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Read one request, run it, write one answer.
async fn answer(stream: UnixStream, state: AppState, owner: u32) {
    let allowed = peer_is_owner(&stream, owner);
    let (read, mut write) = stream.into_split();
    let response = if allowed {
        match tokio::time::timeout(READ_TIMEOUT, read_line(read)).await {
            Ok(Ok(line)) => match within_limit(parse(&line), line.len()) {
                Ok(Request::Backup) => return crate::control::backup::send(&state, write).await,
                Ok(request) => run(&state, request).await,
                Err(refusal) => refusal,
            },
            Ok(Err(error)) => Response::refused(error),
            Err(_) => Response::refused("no request arrived in time"),
        }
    } else {
        tracing::warn!("control socket: refused a peer that does not own the data directory");
        Response::refused("only the owner of the data directory may use the control socket")
    };
    let mut line = serde_json::to_vec(&response).unwrap_or_default();
    line.push(b'\n');
    if let Err(error) = write.write_all(&line).await {
        tracing::warn!(%error, "control socket: cannot answer");
    }
}

/// Whether the process at the other end runs as the socket's owner. The file mode already
/// keeps others out; this also covers the moment between binding and restricting the file.
fn peer_is_owner(stream: &UnixStream, owner: u32) -> bool {
    stream
        .peer_cred()
        .is_ok_and(|credentials| credentials.uid() == owner)
}

/// One request line, of at most [`MAX_IMPORT_REQUEST`] bytes plus one (so that a longer one
/// is seen as such); which requests may be longer than [`MAX_REQUEST`] is the caller's check.
/// The buffer starts with room for [`MAX_REQUEST`] bytes, so a request that may carry a
/// password is never moved while it grows, and the wiped buffer is its only copy.
async fn read_line(read: tokio::net::unix::OwnedReadHalf) -> Result<Zeroizing<Vec<u8>>, String> {
    let limit = u64::try_from(MAX_IMPORT_REQUEST).unwrap_or(u64::MAX) + 1;
    let mut reader = BufReader::new(read.take(limit));
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_REQUEST + 1));
    reader
        .read_until(b'\n', &mut line)
        .await
        .map_err(|_| "the request could not be read".to_owned())?;
    Ok(line)
}

async fn run_import(state: &AppState, request: import::AreasImport) -> Response {
    match import::import_areas(state, None, request).await {
        Ok(report) => {
            tracing::info!(
                added = report.added.len(),
                retired = report.retired.len(),
                conflicts = report.conflicts.len(),
                dry_run = report.dry_run,
                "control socket: areas imported"
            );
            Response::imported(report)
        }
        Err(error) => Response::refused(describe(&error)),
    }
}

/// A request whose line is within its command's limit: [`MAX_IMPORT_REQUEST`] for a list of
/// units, [`MAX_REQUEST`] for anything else (a line that does not parse included).
fn within_limit(parsed: Result<Request, Response>, len: usize) -> Result<Request, Response> {
    let limit = match &parsed {
        Ok(Request::AreasImport(_)) => MAX_IMPORT_REQUEST,
        _ => MAX_REQUEST,
    };
    if len > limit {
        return Err(Response::refused(format!(
            "a request is at most {limit} bytes"
        )));
    }
    parsed
}

fn parse(line: &[u8]) -> Result<Request, Response> {
    serde_json::from_slice::<Request>(line).map_err(|error| {
        Response::refused(format!(
            "malformed request: {}",
            without_values(&error.to_string())
        ))
    })
}

async fn run(state: &AppState, request: Request) -> Response {
    match request {
        Request::UserAdd(new) => {
            match accounts::create_user(&state.app(), accounts::Creator::Console, new, None).await {
                Ok(id) => {
                    tracing::info!(user = %id, "control socket: user added");
                    Response::created(*id.as_uuid())
                }
                Err(error) => Response::refused(describe(&error.into())),
            }
        }
        Request::AreasImport(request) => run_import(state, request).await,
        Request::Backup => Response::refused("a backup is streamed, not answered in a line"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_list_of_units_may_be_longer_than_a_user_add() {
        let import = |len: usize| {
            let list = "x".repeat(len);
            format!(r#"{{"command":"areas_import","list":"{list}"}}"#)
        };
        let user_add = format!(
            r#"{{"command":"user_add","username":"{}","password":"p","role":"admin"}}"#,
            "u".repeat(MAX_REQUEST)
        );
        let check = |line: &str| within_limit(parse(line.as_bytes()), line.len());
        assert!(matches!(
            check(&import(200 * 1024)),
            Ok(Request::AreasImport(_))
        ));
        assert!(check(&import(MAX_IMPORT_REQUEST)).is_err());
        assert!(
            check(&user_add).is_err(),
            "a user_add keeps the 16 KiB limit"
        );
        assert!(check(&"{".repeat(MAX_REQUEST + 1)).is_err());
    }

    #[tokio::test]
    async fn only_a_peer_of_the_owning_user_is_served() {
        let dir = tempfile::tempdir().unwrap();
        let socket = ControlSocket::bind(dir.path()).unwrap();
        let path = socket.path().to_owned();
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
        let (ours, _theirs) = UnixStream::pair().unwrap();

        assert!(peer_is_owner(&ours, socket.owner));
        assert!(!peer_is_owner(&ours, socket.owner.wrapping_add(1)));
        drop(socket);
        assert!(!path.exists(), "dropping the socket removes its file");
    }
}
