//! The command line's side of the control socket: connect, send one request line, read one
//! answer line (and, for a backup, the bytes that follow it). Blocking, since the command
//! line has nothing else to do meanwhile.

use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use uuid::Uuid;
use zeroize::Zeroizing;

use crate::control::protocol::{Response, UserAdd};
use crate::http::registry::import::{AreasImport, ImportReport};

/// How long the server may take to answer (hashing a password and a durable append).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a command sent to the server did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nobody answers at the socket (none there, a stale file, or no permission).
    #[error("cannot connect: {0}")]
    Connect(io::Error),
    #[error("the connection failed: {0}")]
    Io(io::Error),
    #[error("the server's answer is not understood")]
    Protocol,
    /// The server refused the command; the message is for the operator.
    #[error("{0}")]
    Refused(String),
}

/// Ask the server at `socket` to add a user; returns the new user's id.
pub fn user_add(socket: &Path, request: &UserAdd<'_>) -> Result<Uuid, ClientError> {
    let response = send(socket, request)?;
    match response {
        Response {
            ok: true,
            id: Some(id),
            ..
        } => Ok(id),
        Response {
            ok: false,
            error: Some(error),
            ..
        } => Err(ClientError::Refused(error)),
        _ => Err(ClientError::Protocol),
    }
}

/// Ask the server at `socket` to import a list of units; returns what it did.
pub fn areas_import(socket: &Path, request: &AreasImport) -> Result<ImportReport, ClientError> {
    let tagged = Tagged {
        command: "areas_import",
        request,
    };
    match send(socket, &tagged)? {
        Response {
            ok: true,
            report: Some(report),
            ..
        } => Ok(*report),
        Response {
            ok: false,
            error: Some(error),
            ..
        } => Err(ClientError::Refused(error)),
        _ => Err(ClientError::Protocol),
    }
}

/// A request with its `command` tag.
#[derive(serde::Serialize)]
struct Tagged<'a, T> {
    command: &'static str,
    #[serde(flatten)]
    request: &'a T,
}

/// Ask the server at `socket` for a backup and copy it into `out`; returns the bytes copied.
/// Whether the backup is complete is for the caller to check (it ends with its checksum).
pub fn backup(socket: &Path, out: &mut dyn Write) -> Result<u64, ClientError> {
    let stream = connect(socket, &serde_json::json!({"command": "backup"}))?;
    let mut reader = BufReader::new(stream);
    let mut answer = String::new();
    reader.read_line(&mut answer).map_err(ClientError::Io)?;
    match serde_json::from_str(&answer).map_err(|_| ClientError::Protocol)? {
        Response {
            ok: true, id: None, ..
        } => io::copy(&mut reader, out).map_err(ClientError::Io),
        Response {
            ok: false,
            error: Some(error),
            ..
        } => Err(ClientError::Refused(error)),
        _ => Err(ClientError::Protocol),
    }
}

fn send(socket: &Path, request: &impl serde::Serialize) -> Result<Response, ClientError> {
    let stream = connect(socket, request)?;
    let mut answer = String::new();
    BufReader::new(stream)
        .read_line(&mut answer)
        .map_err(ClientError::Io)?;
    serde_json::from_str(&answer).map_err(|_| ClientError::Protocol)
}

/// Connect and send one request line.
fn connect(socket: &Path, request: &impl serde::Serialize) -> Result<UnixStream, ClientError> {
    let mut stream = UnixStream::connect(socket).map_err(ClientError::Connect)?;
    stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .map_err(ClientError::Io)?;
    // The request holds a password: keep it in a buffer that is wiped when dropped.
    let line = Zeroizing::new(serde_json::to_vec(request).map_err(|_| ClientError::Protocol)?);
    stream
        .write_all(&line)
        .and_then(|()| stream.write_all(b"\n"))
        .and_then(|()| stream.flush())
        .map_err(ClientError::Io)?;
    Ok(stream)
}
