//! A server for tests, in the test's own process: on a thread of its own with its own
//! runtime, on a free port, with its log kept for the test to read. Dropping it stops it.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A running server over the database at a URL.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    log: Arc<Mutex<Vec<u8>>>,
}

#[derive(Clone)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl TestServer {
    /// Starts a server over `db_url`; panics (failing the test) when it cannot.
    pub fn start(db_url: &str) -> TestServer {
        TestServer::start_with(db_url, crate::listen::Limits::default())
    }

    /// [`TestServer::start`] within these connection limits.
    pub fn start_with(db_url: &str, limits: crate::listen::Limits) -> TestServer {
        TestServer::launch(db_url, limits, chitieu_domain::Clock::system())
    }

    /// [`TestServer::start`] reading "now" from `clock`: the test keeps a clone of it and
    /// moves time on (a deadline passing, a year turning) without sleeping.
    pub fn start_at(db_url: &str, clock: chitieu_domain::Clock) -> TestServer {
        TestServer::launch(db_url, crate::listen::Limits::default(), clock)
    }

    fn launch(
        db_url: &str,
        limits: crate::listen::Limits,
        clock: chitieu_domain::Clock,
    ) -> TestServer {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let url = db_url.to_string();
        let sink = Log(log.clone());
        let thread = std::thread::spawn(move || {
            // This thread's own subscriber: the log of this server only, warnings and up
            // (what an operator reads).
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter("warn")
                .with_ansi(false)
                .with_writer(move || sink.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("test runtime");
                rt.block_on(async move {
                    let store = match chitieu_app::Store::open(&url).await {
                        Ok(s) => s.with_clock(clock),
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.to_string()));
                            return;
                        }
                    };
                    let sent = ready_tx.clone();
                    let served = crate::serve_limited(
                        store,
                        "127.0.0.1:0",
                        limits,
                        move |addr| {
                            let _ = sent.send(Ok(addr));
                        },
                        async {
                            let _ = stopped.await;
                        },
                    )
                    .await;
                    if let Err(e) = served {
                        let _ = ready_tx.send(Err(e.to_string()));
                    }
                });
            });
        });
        let addr = ready_rx
            .recv()
            .expect("the test server started")
            .expect("the test server started");
        TestServer {
            base: format!("http://{addr}"),
            stop: Some(stop),
            thread: Some(thread),
            log,
        }
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
