//! #33: a backup taken while the server runs and figures are being written restores into an
//! empty database with its audit chain whole; a restore never goes into a database holding
//! data, and a backup never overwrites a file.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::process::{Command, Output};

db_tests!(a_backup_taken_while_writes_run_restores);

/// `chitieu --db url args`.
fn chitieu_at(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(args)
        .args(["--db", url])
        .env_remove("CHITIEU_DB")
        .env("RUST_LOG", "error")
        .env("CHITIEU_NOW", chitieu_store::testing::TEST_NOW)
        .output()
        .expect("run chitieu")
}

/// An empty database to restore into, and what removes it: a new SQLite file, or on
/// PostgreSQL a new database (the dump recreates the test's schema there).
async fn empty_target(db: &TestDb, dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match db.schema() {
        None => (
            format!("sqlite://{}", dir.join("restored.db").display()),
            None,
        ),
        Some(schema) => {
            use sea_orm::ConnectionTrait;
            let base = std::env::var("CHITIEU_TEST_PG").unwrap();
            let name = format!("r_{schema}");
            let admin = sea_orm::Database::connect(&base).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            admin.close().await.ok();
            let (server, _) = base.split('?').next().unwrap().rsplit_once('/').unwrap();
            (
                format!("{server}/{name}?options=-csearch_path%3D{schema}"),
                Some((base, name)),
            )
        }
    }
}

async fn a_backup_taken_while_writes_run_restores(db: &TestDb) {
    ok(db, &["demo"]);
    let reporter = token(db, "bc", "reporter", "5443");
    let (server, base) = serve(db);
    let store = db.store().await;
    let values = |s: &chitieu_store::Store| {
        let s = s.clone();
        async move { s.values(&Default::default()).await.unwrap().len() }
    };
    let before = values(&store).await;
    // Figures keep being written while the copy is taken.
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (writing, base) = (writing.clone(), base.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while writing.load(std::sync::atomic::Ordering::SeqCst) && n < 400 {
                let month = 1 + n % 12;
                let year = 2020 + n / 12;
                let (s, v) = post_json(
                    &format!("{base}/api/v1/values"),
                    &reporter,
                    &format!(
                        r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{year}Q{}","numerator":{},"denominator":40}}]}}"#,
                        1 + month % 4,
                        n % 40
                    ),
                );
                assert!(s == 200 || s == 409 || s == 422, "{s} {v}");
                n += 1;
            }
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("chitieu.backup");
    let out = ok(db, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(out.contains("chuỗi băm nguyên vẹn"), "{out}");
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    writer.join().unwrap();
    let after = values(&store).await;
    // Never over an existing file.
    let err = fails(db, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(err.contains("đã có"), "{err}");
    drop(server);

    let (target, cleanup) = empty_target(db, dir.path()).await;
    let out = chitieu_at(&target, &["restore", copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = chitieu_store::Store::open(&target).await.unwrap();
    let n = values(&restored).await;
    assert!(before <= n && n <= after, "{before} ≤ {n} ≤ {after}");
    restored.verify_audit_chain().await.unwrap();
    let verify = chitieu_at(&target, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // Not into a database that holds data.
    let again = chitieu_at(&target, &["restore", copy.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("khôi phục chỉ vào"));
    drop(restored);
    if let Some((base, name)) = cleanup {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(&base).await.unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
    }
}
