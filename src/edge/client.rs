//! Who the client is, when a reverse proxy stands in front. SECURITY-SENSITIVE: the address
//! keys the sign-in throttle and is written in the access log.
//!
//! A `Forwarded` or `X-Forwarded-For` header is believed only when the connection comes from
//! a configured proxy (`--trusted-proxy CIDR`, repeatable): anyone else could write any
//! address there. The client is then the rightmost address in the header that is not itself
//! a trusted proxy (`Forwarded` first, as RFC 7239 asks; else `X-Forwarded-For`). Without a
//! trusted proxy the socket's peer is the client, as before.
//!
//! [`resolve`] runs once per request and leaves a [`Client`] in the request's extensions,
//! which the extractors that need an address read: [`ClientIp`] (the sign-in throttle's key)
//! and [`ClientAddr`] (the access log's words), for the API and the web app alike.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The client's address, as far as the server can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client(pub Option<IpAddr>);

/// The proxies whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that arrived from `peer` with `headers`.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(canonical);
        let Some(proxy) = peer.filter(|peer| self.trusts(*peer)) else {
            return peer;
        };
        let chain = forwarded_for(headers).or_else(|| x_forwarded_for(headers));
        let Some(chain) = chain else {
            return Some(proxy);
        };
        // Right to left: the nearest hop the trusted proxies did not add.
        for hop in chain.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => continue,
                Some(ip) => return Some(*ip),
                // Something the proxy could not name: group by the proxy, never by a guess.
                None => return Some(proxy),
            }
        }
        chain.first().copied().flatten().or(Some(proxy))
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 one.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The `for=` of every element of every `Forwarded` header, in order; `None` without one.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut hops = Vec::new();
    for value in headers.get_all("forwarded") {
        let text = value.to_str().ok()?;
        for element in text.split(',') {
            let found = element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| node(value.trim()))
            });
            if let Some(hop) = found {
                hops.push(hop);
            }
        }
    }
    (!hops.is_empty()).then_some(hops)
}

/// Every address of every `X-Forwarded-For` header, in order; `None` without one.
fn x_forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let text = value.to_str().ok()?;
        hops.extend(text.split(',').map(|hop| node(hop.trim())));
    }
    (!hops.is_empty()).then_some(hops)
}

/// A node as RFC 7239 writes it: `192.0.2.1`, `"192.0.2.1:4711"`, `"[2001:db8::1]:4711"`.
fn node(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim_matches('"');
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok().map(canonical);
    }
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        .map(canonical)
}

/// Middleware: put the request's [`Client`] in its extensions.
pub async fn resolve(
    State(proxies): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let client = Client(proxies.client(peer, request.headers()));
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// The client of a request: what [`resolve`] found, else the socket's peer.
pub fn of(parts: &Parts) -> Option<IpAddr> {
    match parts.extensions.get::<Client>() {
        Some(Client(ip)) => *ip,
        None => parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| canonical(addr.ip())),
    }
}

/// The client's IP address, when the server knows it (it serves with connect info).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(of(parts)))
    }
}

/// The client's IP address in words, for the access log, when the server knows it.
#[derive(Clone, Debug, Default)]
pub struct ClientAddr(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(Self(of(parts).map(|ip| ip.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(nets: &[&str]) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|net| net.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(raw: &str) -> Option<IpAddr> {
        Some(raw.parse().unwrap())
    }

    #[test]
    fn without_a_trusted_proxy_the_header_is_ignored() {
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            proxies(&[]).client(ip("203.0.113.9"), &spoofed),
            ip("203.0.113.9")
        );
        let other = proxies(&["10.0.0.0/8"]);
        assert_eq!(other.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let caddy = proxies(&["127.0.0.1/32", "10.0.0.0/8"]);
        let loopback = ip("127.0.0.1");
        let simple = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(caddy.client(loopback, &simple), ip("198.51.100.7"));
        // A client that writes its own header gets it appended to, not believed.
        let forged = headers(&[("x-forwarded-for", "192.0.2.1, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(caddy.client(loopback, &forged), ip("198.51.100.7"));
        let no_header = HeaderMap::new();
        assert_eq!(caddy.client(loopback, &no_header), loopback);
    }

    #[test]
    fn forwarded_is_read_first_with_ports_and_ipv6() {
        let caddy = proxies(&["::1/128"]);
        let both = headers(&[
            ("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(caddy.client(ip("::1"), &both), ip("2001:db8:cafe::17"));
        let v4 = headers(&[("forwarded", "for=192.0.2.43:47011, for=198.51.100.9")]);
        assert_eq!(caddy.client(ip("::1"), &v4), ip("198.51.100.9"));
        let hidden = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(caddy.client(ip("::1"), &hidden), ip("::1"));
    }
}
