//! End-to-end tests of the `chitieu` binary, each on a fresh SQLite database and, when
//! `CHITIEU_TEST_PG` is set, on a fresh PostgreSQL schema.

mod analytics;
mod authz;
mod cli;
mod clock;
mod contract;
mod evaluation;
mod excel;
mod hardening;
mod notices;
mod officials;
mod pushes;
mod report;
mod scale;
mod tasks;
mod trust;
mod values;
mod verdicts;
mod web;

use chitieu_store::testing::TestDb;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub fn national_map() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/vn-admin-units-2025.json")
}

/// A figure in JSON: a decimal string, as the API and `--json` promise ([D] 6); a JSON number
/// with a fraction is not one (None).
pub fn figure(v: &serde_json::Value) -> Option<f64> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// Runs `chitieu ARGS --db URL` and returns its output.
pub fn chitieu(db: &TestDb, args: &[&str]) -> Output {
    chitieu_stdin(db, args, "")
}

pub fn chitieu_stdin(db: &TestDb, args: &[&str], stdin: &str) -> Output {
    run(db, args, stdin, &[])
}

/// [`chitieu`] with these environment variables.
pub fn chitieu_env(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    run(db, args, "", env)
}

fn run(db: &TestDb, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(args)
        .args(["--db", &db.url])
        .env_remove("CHITIEU_DB")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chitieu");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("chitieu output")
}

/// Runs a command that must succeed; returns its standard output.
pub fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = chitieu(db, args);
    assert!(
        out.status.success(),
        "chitieu {args:?} failed on {}:\n{}",
        db.backend,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs a command that must fail; returns its error output.
pub fn fails(db: &TestDb, args: &[&str]) -> String {
    let out = chitieu(db, args);
    assert!(
        !out.status.success(),
        "chitieu {args:?} should have failed on {}",
        db.backend
    );
    String::from_utf8(out.stderr).expect("utf-8 output")
}
