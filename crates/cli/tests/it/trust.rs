//! The server under attack and at the edges (issue [D]): clients that hang up, connection
//! floods and slow headers, a low open-file limit, shutdown with keep-alive clients, and a
//! large correction by another process.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

db_tests!(a_large_correction_by_another_process_never_stalls_the_server,);

/// [D] 0: a client hanging up mid-answer killed the server with SIGPIPE (exit 141).
#[test]
fn clients_hanging_up_mid_answer_never_stop_the_server() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let (mut child, base) = serve_process(&db);
    let (status, _, body) = raw(
        &base,
        &format!("GET {ECHARTS} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(body.len() > 1_000_000);
    for round in 0..8 {
        let clients: Vec<_> = (0..64)
            .map(|k| {
                let base = base.clone();
                std::thread::spawn(move || {
                    let Ok(mut s) = TcpStream::connect(addr(&base)) else {
                        return;
                    };
                    // Many answers asked at once, so that the server is still writing when
                    // the client goes: far more than the sockets' buffers hold.
                    let path = if k % 2 == 0 { ECHARTS } else { "/public" };
                    let req = format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").repeat(12);
                    let _ = s.write_all(req.as_bytes());
                    let mut some = [0u8; 65536];
                    let _ = s.read(&mut some);
                    // Half the clients leave with their buffer read to the end (the kernel
                    // sends FIN, and the server's next writes meet a closed socket: SIGPIPE
                    // under the signal's default action), half with data unread (a reset).
                    if k % 4 < 2 && s.set_nonblocking(true).is_ok() {
                        while matches!(s.read(&mut some), Ok(n) if n > 0) {}
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the server died in round {round}"
        );
        healthz_within(&base, Duration::from_secs(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// [D] 2: ~20,000 idle connections exhausted the server's file descriptors.
#[test]
fn idle_and_half_sent_connections_do_not_crowd_out_healthz() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let server =
        chitieu_web::testing::TestServer::start_at(&db.url, chitieu_store::testing::test_clock());
    let base = server.base.clone();
    let mut idle = Vec::new();
    for _ in 0..2000 {
        if let Ok(s) = TcpStream::connect(addr(&base)) {
            idle.push(s);
        }
    }
    let mut half = TcpStream::connect(addr(&base)).unwrap();
    half.write_all(b"GET /public HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        .unwrap();
    // Let the server take them all in.
    std::thread::sleep(Duration::from_millis(500));
    let took = healthz_within(&base, Duration::from_secs(1));
    let t = Instant::now();
    let (status, _, body) = raw(
        &base,
        "GET /public HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Thái Nguyên"));
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "/public took {:?}",
        t.elapsed()
    );
    eprintln!(
        "2,000 idle connections: /healthz in {took:?}, /public in {:?}",
        t.elapsed()
    );
    drop(idle);
    drop(half);
    drop(server);
}

/// [D] 2: headers that never finish are cut off; so are keep-alive connections left idle;
/// when every connection is busy a newcomer is told so.
#[test]
fn slow_headers_and_idle_keep_alive_are_closed() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let limits = chitieu_web::listen::Limits {
        header_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let server = chitieu_web::testing::TestServer::start_with(&db.url, limits);
    let base = server.base.clone();
    let mut half = TcpStream::connect(addr(&base)).unwrap();
    half.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    half.write_all(b"GET /public HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    let t = Instant::now();
    let mut rest = Vec::new();
    let _ = half.read_to_end(&mut rest);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        t.elapsed()
    );
    // Keep-alive: one answer, then silence: closed by the server.
    let mut s = TcpStream::connect(addr(&base)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().0, 200);
    let t = Instant::now();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "idle closed after {:?}",
        t.elapsed()
    );
    drop(server);
}

/// [D] 2: on SIGTERM, keep-alive clients in the middle of their work get every answer they
/// asked for (the last one says the connection closes).
#[test]
fn sigterm_answers_every_request_on_keep_alive_connections() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let (mut child, base) = serve_process(&db);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let base = base.clone();
            let stop = stop.clone();
            std::thread::spawn(move || -> (u32, Vec<String>) {
                let mut answered = 0;
                let mut lost = Vec::new();
                'conn: while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let Ok(mut s) = TcpStream::connect(addr(&base)) else {
                        break;
                    };
                    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                    let mut here = 0;
                    loop {
                        if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                            .is_err()
                        {
                            continue 'conn;
                        }
                        match read_response(&mut s) {
                            Some((_, head, _)) => {
                                answered += 1;
                                here += 1;
                                if head.contains("connection: close") {
                                    continue 'conn;
                                }
                            }
                            // A connection still in the kernel's queue when the listener
                            // closed was never accepted; one that was served before is.
                            None if here == 0 => continue 'conn,
                            None => {
                                lost.push(format!(
                                    "request {} on a connection unanswered",
                                    here + 1
                                ));
                                continue 'conn;
                            }
                        }
                    }
                }
                (answered, lost)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        let (answered, lost) = c.join().unwrap();
        total += answered;
        assert!(lost.is_empty(), "{lost:?}");
    }
    assert!(total > 8, "the clients were served ({total})");
    assert!(status.success(), "a clean stop: {status:?}");
}

/// [D] 4: after a command-line import correcting 1.5 million values on PostgreSQL, every
/// request (/healthz too) waited ~40 s: the server applied the changes value by value on
/// the runtime worker that drives the sockets.
async fn a_large_correction_by_another_process_never_stalls_the_server(db: &TestDb) {
    let out = ok(db, &["bench", "--fill", "--values", "250000"]);
    assert!(out.contains("250000"), "{out}");
    // Drafts, so that an import may correct them (accepted figures are locked).
    sql(db, "UPDATE data_values SET state = 'draft'").await;
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("all.csv");
    ok(db, &["values", "export", "-o", exported.to_str().unwrap()]);
    // Every value corrected: one more, or a numerator moved by one within its denominator.
    let mut rdr = csv::Reader::from_path(&exported).unwrap();
    let corrected = dir.path().join("corrected.csv");
    let mut wtr = csv::Writer::from_path(&corrected).unwrap();
    wtr.write_record(chitieu_exchange::values_csv::HEADER)
        .unwrap();
    let mut first: Option<(String, String, String, String)> = None;
    let mut n = 0;
    for rec in rdr.records() {
        let r = rec.unwrap();
        let (value, num) = if r[3].is_empty() {
            let (num, den): (i64, i64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
            (
                String::new(),
                if num < den { num + 1 } else { num - 1 }.to_string(),
            )
        } else {
            let v: chitieu_domain::Decimal = r[3].parse().unwrap();
            (
                (v + chitieu_domain::Decimal::ONE).to_string(),
                String::new(),
            )
        };
        if first.is_none() && !value.is_empty() {
            first = Some((r[0].into(), r[1].into(), r[2].into(), value.clone()));
        }
        wtr.write_record([&r[0], &r[1], &r[2], &value, &num, &r[5], &r[6]])
            .unwrap();
        n += 1;
    }
    wtr.flush().unwrap();
    assert!(n >= 200_000, "{n} values corrected");
    let (indicator, unit, period, value) = first.unwrap();
    let admin = token(db, "tinh", "admin", "VN");
    let (mut child, base) = serve_process(db);
    // A reader polls /healthz and a page for as long as the correction takes.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (base, stop) = (base.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut worst = Duration::ZERO;
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for path in ["/healthz", "/public"] {
                    let t = Instant::now();
                    // No answer within 10 s counts as a read of 10 s.
                    let answered = TcpStream::connect(addr(&base)).ok().and_then(|mut c| {
                        c.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
                        let req =
                            format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                        c.write_all(req.as_bytes()).ok()?;
                        read_response(&mut c)
                    });
                    if let Some((status, _, _)) = answered {
                        assert_eq!(status, 200, "{path}");
                    }
                    worst = worst.max(t.elapsed());
                    reads += 1;
                }
                // Idle between reads, as a server mostly is: the stall came when the change
                // arrived at an idle server.
                std::thread::sleep(Duration::from_millis(250));
            }
            (worst, reads)
        })
    };
    let t = Instant::now();
    let out = ok(db, &["values", "import", corrected.to_str().unwrap()]);
    assert!(out.contains("Đã nhập"), "{out}");
    let imported = t.elapsed();
    // The server takes the correction into its figures: the first corrected value shows.
    let url = format!("{base}/api/v1/figures?indicator={indicator}&unit={unit}&period={period}");
    let mut seen = false;
    for _ in 0..1200 {
        let (status, _, v) = api("GET", &url, Some(&admin), None);
        assert_eq!(status, 200, "{v}");
        if v["figure"]["value"] == value.as_str() {
            seen = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let applied = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (worst, reads) = reader.join().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen, "the server shows the corrected value {value}");
    eprintln!(
        "{}: {n} values corrected by another process in {imported:?}, in the server's figures \
         after {applied:?}; {reads} reads meanwhile, the longest {worst:?}",
        db.backend
    );
    // The stall was ~40 s; a read waits for no import now (locally the longest read was
    // ~20 ms). The bound leaves room for a machine busy with other tests.
    assert!(worst < Duration::from_secs(3), "a read took {worst:?}");
}

/// [D] 2: under a service manager's limit on open files the server lowers its cap to fit:
/// with 300 files it holds at most 172 connections, and 400 idle ones still leave room for
/// /healthz.
#[test]
fn a_low_open_file_limit_lowers_the_cap_instead_of_failing_to_accept() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "ulimit -n 300 && exec {} --db {} serve --bind 127.0.0.1:{port}",
                env!("CARGO_BIN_EXE_chitieu"),
                db.url
            ),
        ])
        .env_remove("CHITIEU_DB")
        .env("RUST_LOG", "warn")
        .env("CHITIEU_NOW", chitieu_store::testing::TEST_NOW)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..300 {
        if TcpStream::connect(addr(&base)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "the server started");
    std::thread::sleep(Duration::from_millis(300));
    let idle: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect(addr(&base)).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let took = healthz_within(&base, Duration::from_secs(2));
    drop(idle);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("nhận tối đa 172 kết nối"), "{log}");
    // The cap counts connections held open; one being closed to make room still holds its
    // file for a moment, so under a flood an accept can meet the limit: it is logged and
    // retried 50 ms later, and /healthz was answered above all the same.
    eprintln!("400 idle connections under a 300-file limit: /healthz in {took:?}");
}
