//! Sign-in throttling, per login and per client address, and the client's address.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: this machine's
/// always, and those given to `serve --trusted-proxy CIDR` (a proxy on another host). A
/// request from anyone else is taken at its peer address, whatever headers it sends.
#[derive(Debug, Clone)]
pub struct TrustedProxies(std::sync::Arc<Vec<ipnet::IpNet>>);

impl Default for TrustedProxies {
    fn default() -> TrustedProxies {
        TrustedProxies(std::sync::Arc::new(Vec::new()))
    }
}

impl TrustedProxies {
    /// Addresses or networks ("10.0.0.5", "10.0.0.0/8", "2001:db8::/32"); the error names
    /// the one that is neither.
    pub fn parse(list: &[String]) -> Result<TrustedProxies, String> {
        let nets = list
            .iter()
            .map(|s| {
                let s = s.trim();
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        format!(
                            "--trusted-proxy \"{s}\": cần một địa chỉ IP hoặc một dải CIDR như 10.0.0.0/8 (an IP address or a CIDR range)"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedProxies(std::sync::Arc::new(nets)))
    }

    pub fn trusts(&self, ip: std::net::IpAddr) -> bool {
        ip.is_loopback() || self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client behind `peer`: the peer itself unless it is a trusted proxy; then, in
    /// `X-Forwarded-For` read from the right (each proxy appends the address it saw), the
    /// first address that is not a trusted proxy.
    pub fn client(
        &self,
        peer: Option<std::net::IpAddr>,
        forwarded: Option<&str>,
    ) -> Option<std::net::IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let mut last = peer;
        for hop in forwarded.unwrap_or("").rsplit(',') {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) if self.trusts(ip) => last = ip,
                Ok(ip) => return Some(ip),
                // A hop that is not an address ends what can be believed.
                Err(_) => break,
            }
        }
        Some(last)
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the address the
/// proxies recorded in `X-Forwarded-For`.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

/// The connection's peer, if known.
pub(crate) fn peer(parts: &Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The proxies this server trusts (a request extension set by the router).
pub(crate) fn trusted(parts: &Parts) -> TrustedProxies {
    parts
        .extensions
        .get::<TrustedProxies>()
        .cloned()
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(ClientAddr(trusted(parts).client(peer(parts), forwarded)))
    }
}

/// Refuses sign-in after repeated failures: per login, and per client address (against
/// one machine trying many logins). An attempt is counted *before* its password is checked,
/// under the same lock as the check of the limit, so that parallel attempts cannot pass
/// the limit while slow hashes run; a successful sign-in takes its attempt back.
#[derive(Default)]
pub struct Throttle {
    counts: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Failed sign-ins allowed per login in [`WINDOW`].
pub const MAX_FAILURES: u32 = 5;
/// Failed sign-ins allowed per client address in [`WINDOW`]: an office behind one address
/// holds many people.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 30;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Beyond this many keys, expired ones are dropped: random logins cannot fill memory.
const MAX_KEYS: usize = 10_000;

/// An attempt that was counted; give it back with [`Throttle::succeeded`].
pub struct Attempt {
    login: String,
    addr: Option<String>,
}

impl Throttle {
    /// Counts an attempt for `login` from `addr`, or refuses it (`None`) when either has
    /// reached its limit.
    pub fn begin(&self, login: &str, addr: Option<std::net::IpAddr>) -> Option<Attempt> {
        let login = format!("login:{}", login.to_lowercase());
        let addr = addr.map(|a| format!("addr:{a}"));
        let mut map = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > MAX_KEYS {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let current = |map: &HashMap<String, (u32, Instant)>, k: &str| {
            map.get(k)
                .filter(|(_, since)| since.elapsed() < WINDOW)
                .map_or(0, |(n, _)| *n)
        };
        if current(&map, &login) >= MAX_FAILURES
            || addr
                .as_deref()
                .is_some_and(|a| current(&map, a) >= MAX_FAILURES_PER_ADDRESS)
        {
            return None;
        }
        for k in std::iter::once(&login).chain(addr.as_ref()) {
            let e = map.entry(k.clone()).or_insert((0, Instant::now()));
            if e.1.elapsed() >= WINDOW {
                *e = (0, Instant::now());
            }
            e.0 += 1;
            e.1 = Instant::now();
        }
        Some(Attempt { login, addr })
    }

    /// The password was right: the login starts afresh, the address gets its attempt back.
    pub fn succeeded(&self, a: Attempt) {
        let mut map = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&a.login);
        if let Some(k) = a.addr
            && let Some(e) = map.get_mut(&k)
        {
            e.0 = e.0.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The review's finding: 100 parallel wrong passwords, 59 checked. Counting before the
    /// check lets exactly the limit through.
    #[test]
    fn parallel_attempts_cannot_pass_the_limit() {
        let t = std::sync::Arc::new(Throttle::default());
        let addr: std::net::IpAddr = "203.0.113.7".parse().unwrap();
        let passed: u32 = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..100)
                .map(|_| {
                    let t = t.clone();
                    sc.spawn(move || u32::from(t.begin("lanhdao", Some(addr)).is_some()))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(passed, MAX_FAILURES);
        // Another login from the same address still may, up to the address's own limit.
        let mut others = 0;
        for k in 0..100 {
            if t.begin(&format!("u{k}"), Some(addr)).is_some() {
                others += 1;
            }
        }
        assert_eq!(others, MAX_FAILURES_PER_ADDRESS - MAX_FAILURES);
        // A success clears the login and gives the address its attempt back.
        let t = Throttle::default();
        for _ in 0..4 {
            t.begin("a", Some(addr)).unwrap();
        }
        let ok = t.begin("a", Some(addr)).unwrap();
        t.succeeded(ok);
        assert!(t.begin("a", Some(addr)).is_some());
    }
}

#[cfg(test)]
mod proxy_tests {
    use super::TrustedProxies;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxys_forwarded_address_is_believed() {
        let t = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.168.1.5".into()]).unwrap();
        // A client that writes the header itself is taken at its own address.
        assert_eq!(
            t.client(Some(ip("203.0.113.9")), Some("1.1.1.1")),
            Some(ip("203.0.113.9"))
        );
        // A proxy on another host: the address it saw.
        assert_eq!(
            t.client(Some(ip("10.0.0.7")), Some("198.51.100.4")),
            Some(ip("198.51.100.4"))
        );
        // Two proxies in a row; what the client wrote before them is not believed.
        assert_eq!(
            t.client(
                Some(ip("192.168.1.5")),
                Some("6.6.6.6, 198.51.100.4, 10.1.2.3")
            ),
            Some(ip("198.51.100.4"))
        );
        // This machine's proxy is always trusted; without a header, the peer.
        assert_eq!(
            TrustedProxies::default().client(Some(ip("127.0.0.1")), Some("198.51.100.4")),
            Some(ip("198.51.100.4"))
        );
        assert_eq!(
            TrustedProxies::default().client(Some(ip("10.0.0.7")), Some("198.51.100.4")),
            Some(ip("10.0.0.7")),
            "another host is not trusted unless configured"
        );
        assert_eq!(t.client(Some(ip("10.0.0.7")), None), Some(ip("10.0.0.7")));
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TrustedProxies::parse(&["proxy.local".into()]).is_err());
    }
}
