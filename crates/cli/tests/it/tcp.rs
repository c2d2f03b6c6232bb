//! Requests written by hand on a raw connection: what a client that hangs up, sends half a
//! request or answers early looks like to the server.

use crate::support::multipart;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

pub(crate) const ECHARTS: &str = "/assets/vendor/echarts-6.1.0.min.js";

pub(crate) fn addr(base: &str) -> String {
    base.trim_start_matches("http://").to_string()
}

/// One request on a fresh connection, read to its end: (status, head, body).
pub(crate) fn raw(base: &str, request: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr(base)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    read_response(&mut s).expect("an answer")
}

/// Reads one HTTP/1.1 response with a content length (what this server sends uncompressed).
pub(crate) fn read_response(s: &mut TcpStream) -> Option<(u16, String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some((status, head, body))
}

pub(crate) fn healthz_within(base: &str, limit: Duration) -> Duration {
    let t = Instant::now();
    let (status, _, _) = raw(
        base,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    let took = t.elapsed();
    assert_eq!(status, 200);
    assert!(took < limit, "/healthz took {took:?}");
    took
}

/// A POST that reads the answer while it is still sending, as browsers and curl do: a server
/// may answer (413, or a redirect to sign in) before the body is all sent. Returns the
/// status, the content type and the body as JSON (or Null).
pub(crate) fn send_early_answer(
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String, String, Value) {
    use std::io::{BufRead, Read, Write};
    let addr = base.trim_start_matches("http://").to_string();
    let stream = std::net::TcpStream::connect(&addr).unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut w = stream.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = w
            .write_all(head.as_bytes())
            .and_then(|_| w.write_all(&body));
    });
    let mut r = std::io::BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let (mut ct, mut len, mut location) = (String::new(), 0usize, String::new());
    loop {
        line.clear();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-type:") {
            ct = v.trim().to_string();
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("location:") {
            location = line["location:".len()..].trim().to_string();
        }
    }
    let mut buf = vec![0; len];
    let _ = r.read_exact(&mut buf);
    drop(r);
    writer.join().unwrap();
    (
        status,
        ct,
        location,
        serde_json::from_slice(&buf).unwrap_or(Value::Null),
    )
}

/// As [`send_early_answer`], with a multipart body; returns the status and `Location`.
pub(crate) fn post_early_answer(
    base: &str,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (u16, String) {
    let (ct, body) = multipart(fields, files);
    let mut headers = vec![("Content-Type", ct.as_str())];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    let (status, _, location, _) = send_early_answer(base, path, &headers, body);
    (status, location)
}
