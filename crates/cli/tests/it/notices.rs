//! Notices and reminders: the server's own job mails each late report's reminder once, to a
//! local SMTP sink this test runs, however often the job runs; the bell counts them.

use crate::cli::serve_process_with;
use crate::web::{agent, session};
use crate::{chitieu_stdin, ok};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

db_tests!(late_reports_are_mailed_once_and_counted_on_the_bell);

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

async fn late_reports_are_mailed_once_and_counted_on_the_bell(db: &TestDb) {
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
    let (mut again, _) = serve_process_with(db, &env);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sink.mails().len(), 2, "a reminder is mailed once");
    let _ = again.kill();
    let _ = again.wait();
}
