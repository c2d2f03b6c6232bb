//! The listener: how many connections the server holds, how long it waits for a request,
//! and how it lets go of them when it stops.
//!
//! `axum::serve` keeps every connection it accepts for as long as the client likes: an
//! attacker holding ~20,000 idle or half-sent connections exhausted the file descriptors
//! and `/healthz` stopped answering. Here:
//! - a request's headers must arrive within [`Limits::header_timeout`], and a keep-alive
//!   connection waiting for its next request is closed after the same time;
//! - connections are counted in total and per client address; at either cap the oldest
//!   connection with no request in the application is closed to make room, so a newcomer
//!   (`/healthz`, a person) is still served; only when every connection is busy is a
//!   newcomer refused, with a 503 that says why;
//! - on shutdown no connection is accepted, every answer in flight is finished and carries
//!   `Connection: close`, idle connections are closed, and the server waits for the rest.

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

/// Bounds on connections; [`Limits::from_env`] reads them from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections held at once, from every client.
    pub max_connections: usize,
    /// Connections held at once from one address (a proxy in front counts as one client).
    pub max_per_address: usize,
    /// Time for a request's headers to arrive, and for an idle keep-alive connection to
    /// send its next request.
    pub header_timeout: Duration,
    /// On shutdown, how long answers in flight may take before the server stops anyway.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 4096,
            max_per_address: 512,
            header_timeout: Duration::from_secs(30),
            drain: Duration::from_secs(30),
        }
    }
}

impl Limits {
    /// The defaults, overridden by `CHITIEU_MAX_CONNECTIONS`,
    /// `CHITIEU_MAX_CONNECTIONS_PER_ADDRESS` and `CHITIEU_HEADER_TIMEOUT_SECS`; a value that
    /// is not a positive whole number is an error naming the variable.
    pub fn from_env() -> Result<Limits, String> {
        let mut l = Limits::default();
        let read = |name: &str| -> Result<Option<u64>, String> {
            match std::env::var(name) {
                Err(_) => Ok(None),
                Ok(s) => match s.trim().parse::<u64>() {
                    Ok(n) if (1..=1_000_000).contains(&n) => Ok(Some(n)),
                    _ => Err(format!(
                        "{name}=\"{s}\": cần một số nguyên từ 1 đến 1.000.000 (a whole number from 1 to 1,000,000)"
                    )),
                },
            }
        };
        if let Some(n) = read("CHITIEU_MAX_CONNECTIONS")? {
            l.max_connections = n as usize;
        }
        if let Some(n) = read("CHITIEU_MAX_CONNECTIONS_PER_ADDRESS")? {
            l.max_per_address = n as usize;
        }
        if let Some(n) = read("CHITIEU_HEADER_TIMEOUT_SECS")? {
            l.header_timeout = Duration::from_secs(n);
        }
        l.max_per_address = l.max_per_address.min(l.max_connections);
        Ok(l)
    }

    /// These limits within what the process may open: the soft limit on open files is
    /// raised to the hard one (a service manager's default soft limit is often 1,024), and
    /// the connection cap lowered to leave room for the database, the log and the assets,
    /// so that the server refuses with its 503 instead of failing to accept.
    pub fn within_open_files(mut self) -> Limits {
        #[cfg(unix)]
        {
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: getrlimit and setrlimit read and write the struct given, nothing else.
            let soft = unsafe {
                if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                    return self;
                }
                if lim.rlim_cur < lim.rlim_max {
                    let raised = libc::rlimit {
                        rlim_cur: lim.rlim_max,
                        rlim_max: lim.rlim_max,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                        lim.rlim_cur = lim.rlim_max;
                    }
                }
                lim.rlim_cur
            };
            let room = (soft as u64).saturating_sub(RESERVED_FILES) as usize;
            if room < self.max_connections {
                tracing::warn!(
                    "giới hạn tệp mở {soft}: nhận tối đa {room} kết nối (open-file limit {soft}: at most {room} connections)"
                );
                self.max_connections = room.max(1);
                self.max_per_address = self.max_per_address.min(self.max_connections);
            }
        }
        self
    }
}

/// Open files kept for what is not a client's connection: the database's connections and
/// files, the log, the listener.
const RESERVED_FILES: u64 = 128;

/// One accepted connection, as the registry sees it.
struct Conn {
    addr: IpAddr,
    /// Requests of this connection inside the application now.
    busy: AtomicUsize,
    /// When a request last entered or left the application, in ms since the registry began.
    last: AtomicU64,
    /// Set once the connection was told to close (evicted, or the server stopping); it no
    /// longer counts against the caps.
    closing: AtomicBool,
    close: Notify,
}

#[derive(Default)]
struct Counts {
    conns: HashMap<u64, Arc<Conn>>,
    per_addr: HashMap<IpAddr, usize>,
    /// Connections not yet told to close.
    open: usize,
}

struct Registry {
    limits: Limits,
    epoch: Instant,
    next_id: AtomicU64,
    counts: Mutex<Counts>,
    draining: AtomicBool,
}

enum Admit {
    Yes(u64, Arc<Conn>),
    Full,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        // A panic while the lock was held leaves plain counters behind: still usable.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes room for a connection from `addr` by closing the least recently used idle one
    /// (of that address when its own cap is reached), or says there is none.
    fn admit(&self, addr: IpAddr) -> Admit {
        let mut c = self.counts();
        let addr_full = c.per_addr.get(&addr).copied().unwrap_or(0) >= self.limits.max_per_address;
        let all_full = c.open >= self.limits.max_connections;
        if addr_full || all_full {
            let victim = c
                .conns
                .iter()
                .filter(|(_, k)| {
                    !k.closing.load(Ordering::Relaxed)
                        && k.busy.load(Ordering::Relaxed) == 0
                        && (!addr_full || k.addr == addr)
                })
                .min_by_key(|(_, k)| k.last.load(Ordering::Relaxed))
                .map(|(id, k)| (*id, k.clone()));
            match victim {
                Some((_, k)) => Self::release(&mut c, &k),
                None => return Admit::Full,
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            addr,
            busy: AtomicUsize::new(0),
            last: AtomicU64::new(self.now_ms()),
            closing: AtomicBool::new(false),
            close: Notify::new(),
        });
        c.conns.insert(id, conn.clone());
        *c.per_addr.entry(addr).or_default() += 1;
        c.open += 1;
        Admit::Yes(id, conn)
    }

    /// Tells a connection to close and stops counting it.
    fn release(c: &mut Counts, k: &Conn) {
        if !k.closing.swap(true, Ordering::Relaxed) {
            c.open -= 1;
            if let Some(n) = c.per_addr.get_mut(&k.addr) {
                *n -= 1;
                if *n == 0 {
                    c.per_addr.remove(&k.addr);
                }
            }
        }
        // notify_one keeps the wake-up if the connection's task is not waiting yet.
        k.close.notify_one();
    }

    fn remove(&self, id: u64) {
        let mut c = self.counts();
        if let Some(k) = c.conns.remove(&id) {
            Self::release(&mut c, &k);
        }
    }

    /// On shutdown: closes connections with no request in the application for `quiet`.
    fn close_idle(&self, quiet: Duration) {
        let now = self.now_ms();
        let mut c = self.counts();
        let idle: Vec<Arc<Conn>> = c
            .conns
            .values()
            .filter(|k| {
                k.busy.load(Ordering::Relaxed) == 0
                    && now.saturating_sub(k.last.load(Ordering::Relaxed))
                        >= quiet.as_millis() as u64
            })
            .cloned()
            .collect();
        for k in idle {
            Self::release(&mut c, &k);
        }
    }

    fn close_all(&self) {
        let mut c = self.counts();
        let all: Vec<Arc<Conn>> = c.conns.values().cloned().collect();
        for k in all {
            Self::release(&mut c, &k);
        }
    }

    fn held(&self) -> usize {
        self.counts().conns.len()
    }
}

/// Marks a connection busy while one of its requests is inside the application.
struct Busy<'a>(&'a Conn, &'a Registry);

impl<'a> Busy<'a> {
    fn enter(conn: &'a Conn, reg: &'a Registry) -> Busy<'a> {
        conn.busy.fetch_add(1, Ordering::Relaxed);
        conn.last.store(reg.now_ms(), Ordering::Relaxed);
        Busy(conn, reg)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.last.store(self.1.now_ms(), Ordering::Relaxed);
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What a client gets when every connection the server may hold is busy.
fn full() -> Vec<u8> {
    let body = "Máy chủ đang phục vụ tối đa số kết nối, xin thử lại sau ít giây.\n\
                The server holds its maximum of connections; try again shortly.\n";
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         retry-after: 5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let reg = Arc::new(Registry {
        limits,
        epoch: Instant::now(),
        next_id: AtomicU64::new(0),
        counts: Mutex::new(Counts::default()),
        draining: AtomicBool::new(false),
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let builder = Arc::new(builder);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // the server goes on.
                    tracing::warn!("không nhận được kết nối (accept failed): {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        match reg.admit(peer.ip()) {
            Admit::Full => {
                tokio::spawn(refuse(stream));
            }
            Admit::Yes(id, conn) => {
                tokio::spawn(connection(
                    stream,
                    peer,
                    id,
                    conn,
                    reg.clone(),
                    router.clone(),
                    builder.clone(),
                ));
            }
        }
    }
    drop(listener);
    drain(&reg).await;
    Ok(())
}

async fn refuse(mut stream: TcpStream) {
    tracing::warn!("từ chối kết nối: đã đủ số kết nối tối đa (connection refused: at capacity)");
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = stream.write_all(&full()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    id: u64,
    conn: Arc<Conn>,
    reg: Arc<Registry>,
    router: Router,
    builder: Arc<hyper::server::conn::http1::Builder>,
) {
    let svc = {
        let conn = conn.clone();
        let reg = reg.clone();
        hyper::service::service_fn(move |mut req: Request<Incoming>| {
            let conn = conn.clone();
            let reg = reg.clone();
            let router = router.clone();
            req.extensions_mut().insert(ConnectInfo(peer));
            async move {
                let busy = Busy::enter(&conn, &reg);
                let mut res = router.oneshot(req.map(axum::body::Body::new)).await?;
                if reg.draining.load(Ordering::Relaxed) {
                    // The client learns from this answer that the server is going away.
                    res.headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                drop(busy);
                Ok::<_, std::convert::Infallible>(res)
            }
        })
    };
    let http = builder.serve_connection(TokioIo::new(stream), svc);
    let mut http = std::pin::pin!(http);
    tokio::select! {
        _ = http.as_mut() => {}
        _ = conn.close.notified() => {
            // An idle connection closes now; one writing an answer finishes it first.
            http.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(reg.limits.drain, http.as_mut()).await;
        }
    }
    reg.remove(id);
}

/// After the listener is closed: answers in flight finish (marked `Connection: close`),
/// connections quiet for a moment are closed, and after [`Limits::drain`] the rest.
async fn drain(reg: &Registry) {
    reg.draining.store(true, Ordering::Relaxed);
    let start = Instant::now();
    // A keep-alive client sends its next request within moments of its last answer; one
    // quiet this long is closed rather than cut off mid-request.
    let quiet = Duration::from_millis(300);
    while reg.held() > 0 {
        if start.elapsed() >= reg.limits.drain {
            tracing::warn!(
                "dừng: {} kết nối chưa xong sau {:?} (connections still open at shutdown)",
                reg.held(),
                reg.limits.drain
            );
            reg.close_all();
            tokio::time::sleep(Duration::from_millis(100)).await;
            break;
        }
        reg.close_idle(quiet);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(total: usize, per: usize) -> Registry {
        Registry {
            limits: Limits {
                max_connections: total,
                max_per_address: per,
                ..Limits::default()
            },
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            counts: Mutex::new(Counts::default()),
            draining: AtomicBool::new(false),
        }
    }

    #[test]
    fn at_the_cap_the_oldest_idle_connection_makes_room() {
        let reg = registry(3, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let Admit::Yes(_, first) = reg.admit(a) else {
            panic!("first")
        };
        let Admit::Yes(_, second) = reg.admit(a) else {
            panic!("second")
        };
        second.last.store(10, Ordering::Relaxed);
        // The address's cap: its oldest idle connection goes.
        assert!(matches!(reg.admit(a), Admit::Yes(..)));
        assert!(first.closing.load(Ordering::Relaxed));
        assert!(!second.closing.load(Ordering::Relaxed));
        // Another address fills the total; then a connection busy in the application is
        // never the one closed.
        let Admit::Yes(_, other) = reg.admit(b) else {
            panic!("b")
        };
        for k in reg.counts().conns.values() {
            k.busy.store(1, Ordering::Relaxed);
        }
        assert!(matches!(reg.admit(b), Admit::Full));
        assert!(!other.closing.load(Ordering::Relaxed));
    }
}
