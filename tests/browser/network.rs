//! The phone's network in a browser test: a TCP relay between Chromium and the test server
//! that the test cuts and restores, for every tab and the service worker at once (the
//! DevTools protocol's network emulation is per tab, and reaches neither a tab opened later
//! nor a worker).
//!
//! Cut ([`Network::cut`]), it closes every open connection and every new one as soon as it
//! is accepted, before a byte is relayed: a page load, a form's `fetch` and the outbox's
//! `POST /outbox` all fail as they do on a phone that lost its signal (`cut` returns once
//! no connection is left open, so nothing sent after it reaches the server). Restored, it
//! relays bytes both ways untouched. Pages are opened through it with
//! [`crate::browser::Browser::launch_through`].

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::browser::Browser;

/// A relay in front of one server.
#[derive(Debug)]
pub struct Network {
    addr: SocketAddr,
    /// `true` while the network is up.
    up: watch::Sender<bool>,
    /// How many relayed connections are open.
    open: watch::Sender<usize>,
    accepting: JoinHandle<()>,
}

impl Network {
    /// A relay to `server`, up, on a free local port.
    pub async fn in_front_of(server: SocketAddr) -> Network {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port for the relay");
        let addr = listener.local_addr().expect("the relay's address");
        let (up, _) = watch::channel(true);
        let (open, _) = watch::channel(0usize);
        let accepting = tokio::spawn(accept(listener, server, up.clone(), open.clone()));
        Network {
            addr,
            up,
            open,
            accepting,
        }
    }

    /// Where the browser connects.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// The signal is lost: every connection is closed, and none is relayed until
    /// [`Self::restore`]. Returns when no relayed connection is left open.
    pub async fn cut(&self) {
        self.up.send_replace(false);
        let mut open = self.open.subscribe();
        open.wait_for(|count| *count == 0)
            .await
            .expect("the relay is running");
    }

    /// The signal is back.
    pub fn restore(&self) {
        self.up.send_replace(true);
    }

    /// [`Self::cut`], and the page of `browser`'s tab told it is offline as a phone's is
    /// (Chromium's network emulation: `navigator.onLine`, and `online` on the way back).
    pub async fn cut_for(&self, browser: &Browser) {
        browser.offline(true).await;
        self.cut().await;
    }

    /// [`Self::restore`], and the page of `browser`'s tab told (its `online` event).
    pub async fn restore_for(&self, browser: &Browser) {
        self.restore();
        browser.offline(false).await;
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

async fn accept(
    listener: TcpListener,
    server: SocketAddr,
    up: watch::Sender<bool>,
    open: watch::Sender<usize>,
) {
    loop {
        let Ok((phone, _)) = listener.accept().await else {
            continue;
        };
        if !*up.borrow() {
            drop(phone);
            continue;
        }
        open.send_modify(|count| *count += 1);
        let mut signal = up.subscribe();
        let open = open.clone();
        tokio::spawn(async move {
            let mut phone = phone;
            if let Ok(mut server) = TcpStream::connect(server).await {
                tokio::select! {
                    biased;
                    _ = signal.wait_for(|up| !*up) => {}
                    _ = tokio::io::copy_bidirectional(&mut phone, &mut server) => {}
                }
            }
            drop(phone);
            open.send_modify(|count| *count -= 1);
        });
    }
}
