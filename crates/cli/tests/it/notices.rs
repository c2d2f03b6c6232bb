//! Notices and reminders: the server's own job mails each reminder (a report late, a report
//! due soon) once, to a local SMTP sink this test runs, however often the job runs; the bell
//! counts them.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

db_tests!(reminders_are_mailed_once_and_counted_on_the_bell);

const PASSWORD: &str = "mot-mat-khau-dai";

/// A local SMTP server that keeps every message it is given (the DATA, undecoded).
struct Sink {
    port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

impl Sink {
    fn start() -> Sink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&mails);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || {
                    let mut out = conn.try_clone().unwrap();
                    let mut lines = BufReader::new(conn);
                    let mut say = |s: &str| {
                        let _ = out.write_all(format!("{s}\r\n").as_bytes());
                    };
                    say("220 sink ESMTP");
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let cmd = line.trim_end().to_ascii_uppercase();
                        if cmd.starts_with("DATA") {
                            say("354 go on");
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                                    return;
                                }
                                if line.trim_end() == "." {
                                    break;
                                }
                                data.push_str(&line);
                            }
                            kept.lock().unwrap().push(data);
                            say("250 kept");
                        } else if cmd.starts_with("QUIT") {
                            say("221 bye");
                            return;
                        } else {
                            say("250 ok");
                        }
                    }
                });
            }
        });
        Sink { port, mails }
    }

    fn mails(&self) -> Vec<String> {
        self.mails.lock().unwrap().clone()
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{what}: not within 10 s");
}

async fn reminders_are_mailed_once_and_counted_on_the_bell(db: &TestDb) {
    ok(db, &["demo"]);
    // A reporter of the ward with an address; the demo's accounts have none.
    let out = chitieu_stdin(
        db,
        &[
            "user",
            "add",
            "--login",
            "bc.thu",
            "--role",
            "reporter",
            "--unit",
            "5443",
            "--email",
            "bc.thu@phuong.example",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sink = Sink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let env = [
        ("CHITIEU_SMTP", smtp.as_str()),
        ("CHITIEU_MAIL_FROM", "chitieu <chitieu@tinh.example>"),
        ("CHITIEU_PUBLIC_URL", "https://chitieu.tinh.example"),
    ];
    // The ward's quarterly and half-year reports of the last periods are drafts past their
    // due days in the demo: two reminders, mailed by the job the server runs when it starts.
    let (mut server, base) = serve_process_with(db, &env);
    wait_for("two reminders mailed", || sink.mails().len() >= 2);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "{mails:#?}");
    let ids: Vec<&str> = mails
        .iter()
        .map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .unwrap_or_else(|| panic!("{m}"))
        })
        .collect();
    assert!(
        ids.iter().any(|i| i.contains(".late.BC57-XA-QUY.5443.")),
        "{ids:?}"
    );
    assert!(
        ids.iter().any(|i| i.contains(".late.BC57-XA-6T.5443.")),
        "{ids:?}"
    );
    assert!(
        mails
            .iter()
            .all(|m| m.contains("To: bc.thu@phuong.example"))
    );
    // The bell counts them.
    let cookie = session(&base, "bc.thu", PASSWORD);
    let mut res = agent()
        .get(&format!("{base}/my"))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    let html = res.body_mut().read_to_string().unwrap();
    assert!(html.contains("class=\"bell unread\""), "{html}");
    let _ = server.kill();
    let _ = server.wait();
    // The job runs again on the next start: nothing is mailed twice.
    let (mut again, base) = serve_process_with(db, &env);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sink.mails().len(), 2, "a reminder is mailed once");
    // The standing office moves the quarterly form's due day to tomorrow: the ward's report
    // is due soon now, a reminder of its own (once, as the next start shows).
    let q = chitieu_domain::Period::last_complete(
        chitieu_domain::PeriodKind::Quarter,
        chitieu_store::testing::test_clock().today(),
    );
    let tomorrow = chitieu_store::testing::test_clock().today() + chrono::Days::new(1);
    let due_days = (tomorrow - q.end()).num_days().to_string();
    let out = chitieu_stdin(
        db,
        &[
            "user",
            "add",
            "--login",
            "tt.tinh",
            "--role",
            "secretariat",
            "--unit",
            "19",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success());
    let cookie = session(&base, "tt.tinh", PASSWORD);
    let csrf = crate::support::page_csrf(&base, "/admin", &cookie);
    let status = agent()
        .post(&format!("{base}/admin/forms"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("code", "BC57-XA-QUY"),
            ("name", "Báo cáo quý của xã, phường về chuyển đổi số"),
            ("frequency", "quarter"),
            ("due_days", due_days.as_str()),
            ("by.commune", "1"),
            ("by.ward", "1"),
            ("indicators", "NL-CBX"),
        ])
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 303);
    let _ = again.kill();
    let _ = again.wait();
    for _ in 0..2 {
        let (mut next, _) = serve_process_with(db, &env);
        wait_for("the due-soon reminder", || sink.mails().len() >= 3);
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let _ = next.kill();
        let _ = next.wait();
    }
    let mails = sink.mails();
    assert_eq!(mails.len(), 3, "{mails:#?}");
    assert!(
        mails[2]
            .lines()
            .any(|l| l.starts_with("Message-ID: ") && l.contains(".due.BC57-XA-QUY.5443.")),
        "{}",
        mails[2]
    );
}
