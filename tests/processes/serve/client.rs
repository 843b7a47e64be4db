//! A small blocking HTTP/1.1 client over `TcpStream`: one connection per request
//! (`connection: close`), an optional bearer token and JSON body. It returns an I/O error,
//! never a panic, when the server dies mid-request, and treats a body shorter than its
//! `content-length` as such an error, so a torn answer never counts as an answer.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

/// How long one request may take before the test gives up on it.
const REQUEST_LIMIT: Duration = Duration::from_secs(30);

/// `METHOD PATH` to `addr`, with an optional bearer token and JSON body: the status and body.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> io::Result<(u16, String)> {
    request_with(addr, method, path, token, &[], json)
}

/// [`request`] with extra headers (`If-Match`, `Idempotency-Key`).
pub fn request_with(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    json: Option<&str>,
) -> io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(REQUEST_LIMIT))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("authorization: Bearer {token}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = json.unwrap_or("");
    if json.is_some() {
        head.push_str("content-type: application/json\r\n");
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    parse(&String::from_utf8_lossy(&answer))
}

/// `request` under `/api/v1`, with a JSON value as the body.
pub fn api(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> io::Result<(u16, String)> {
    let json = body.map(Value::to_string);
    request(
        addr,
        method,
        &format!("/api/v1{path}"),
        token,
        json.as_deref(),
    )
}

fn parse(answer: &str) -> io::Result<(u16, String)> {
    let torn = |what: &str| io::Error::new(io::ErrorKind::UnexpectedEof, what.to_owned());
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .ok_or_else(|| torn("no complete head"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| torn("no status line"))?;
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    if length.is_some_and(|length| length != body.len()) {
        return Err(torn("a body shorter than its content-length"));
    }
    Ok((status, body.to_owned()))
}
