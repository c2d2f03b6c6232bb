//! A fresh database for each test: a temporary SQLite file, or a fresh PostgreSQL schema
//! when `CHITIEU_TEST_PG` holds a server URL. Under `CI=true` a missing PostgreSQL fails
//! the test instead of skipping it.

use sea_orm::{ConnectionTrait, Database};
use std::sync::atomic::{AtomicU32, Ordering};

/// The moment every end-to-end test runs at (10:00 on 5 December 2026 in Vietnam): the
/// binary gets it as `CHITIEU_NOW`, in-process servers and stores as their clock. Tests
/// with dates written out ("due 31/12/2026") then mean the same in every year they run.
pub const TEST_NOW: &str = "2026-12-05T03:00:00Z";

/// A clock that reads [`TEST_NOW`] now and runs on from there.
pub fn test_clock() -> chitieu_domain::Clock {
    chitieu_domain::Clock::starting_at(
        chrono::DateTime::parse_from_rfc3339(TEST_NOW)
            .expect("TEST_NOW is RFC 3339")
            .with_timezone(&chrono::Utc),
    )
}

pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    schema: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        TestDb {
            url,
            backend: "sqlite",
            schema: None,
            _dir: Some(dir),
        }
    }

    /// `None` (after saying so) when no PostgreSQL is configured outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let base = match std::env::var("CHITIEU_TEST_PG") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "CI=true but CHITIEU_TEST_PG is not set: PostgreSQL tests must run in CI"
                    );
                }
                eprintln!(
                    "skipped: PostgreSQL test (set CHITIEU_TEST_PG=postgres://USER@HOST/DB to run it)"
                );
                return None;
            }
        };
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        );
        let admin = Database::connect(&base)
            .await
            .expect("connect to CHITIEU_TEST_PG");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .expect("create test schema");
        admin.close().await.ok();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        Some(TestDb {
            url,
            backend: "postgres",
            schema: Some((base, schema)),
            _dir: None,
        })
    }

    /// The PostgreSQL schema of this test, if it runs on PostgreSQL.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_ref().map(|(_, s)| s.as_str())
    }

    /// The store over the test's database, reading "now" from [`test_clock`].
    pub async fn store(&self) -> crate::Store {
        crate::Store::open(&self.url)
            .await
            .expect("open test database")
            .with_clock(test_clock())
    }

    /// Drops the PostgreSQL schema now; dropping the `TestDb` does the same.
    pub async fn cleanup(self) {
        drop(self);
    }
}

/// The PostgreSQL schema goes when the test ends, also when it panics (the test's future is
/// dropped while unwinding); the SQLite file goes with its temporary directory.
impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, schema)) = self.schema.take() else {
            return;
        };
        // Inside a test's runtime no runtime can be entered: drop it from a thread of its own.
        let dropping = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = Database::connect(&base).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = dropping.join();
    }
}

/// Runs each named `async fn(&TestDb)` as two tests, `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::TestDb::sqlite();
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::testing::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}
