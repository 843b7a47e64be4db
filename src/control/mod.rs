//! The control socket: the only way into a running server besides HTTP. sled lets one
//! process hold a data directory, so while `tincay serve` runs, `tincay user add` reaches the
//! server through a Unix socket, `control.sock`, inside the data directory. SECURITY-SENSITIVE.
//!
//! Only the directory's owner may use it: the socket file has mode 0600 from the moment it
//! has its name (it is bound under a staging name, restricted, then renamed), and the server
//! also refuses a peer whose user id is not the socket's owner. The protocol is one line of
//! JSON each way per connection: `{"command":"user_add",...}` answered by
//! `{"ok":true,"id":"..."}` or `{"ok":false,"error":"..."}`. A command runs the same code as
//! its HTTP endpoint (`user_add` is `POST /users`), or as the command line does on a directory
//! no server holds (`areas_import` is `tincay areas import`; its line carries a whole list of
//! units, so it alone may be longer than 16 KiB). `backup` is the one command whose answer
//! is longer than a line: `{"ok":true}`, then the backup file's bytes until the server closes.
//!
//! - [`protocol`]: the messages, and how an error reads for the operator.
//! - [`listener`]: the server side, started and stopped with the server.
//! - [`backup`]: the server side of `backup`: a consistent snapshot streamed to the client.
//! - [`client`]: the command line's side.

pub mod backup;
pub mod client;
pub mod listener;
pub mod protocol;

use std::path::{Path, PathBuf};

/// The socket's file name inside the data directory.
pub const SOCKET_NAME: &str = "control.sock";

/// The control socket of a data directory.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET_NAME)
}
