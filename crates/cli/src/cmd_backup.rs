//! `chitieu backup` and `chitieu restore`: a copy of the database that restores, taken while
//! the server runs. SQLite: `VACUUM INTO`, one consistent file (copying `chitieu.db` alone is
//! not a backup: recent changes may sit in `chitieu.db-wal`). PostgreSQL: `pg_dump` in its
//! custom format, restored by `pg_restore` into an empty database.

use anyhow::{Context, Result, bail};
use std::path::Path;

use crate::{open, redact};

/// The file behind a `sqlite://PATH[?…]` address, if it is one.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// The schema a PostgreSQL address confines itself to (`options=-csearch_path=S`), if any:
/// only it is dumped.
fn pg_schema(url: &str) -> Option<String> {
    let decoded = url.replace("%3D", "=").replace("%3d", "=");
    let at = decoded.find("search_path=")? + "search_path=".len();
    let s: String = decoded[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!s.is_empty()).then_some(s)
}

fn run(mut cmd: std::process::Command, what: &str) -> Result<()> {
    let out = cmd
        .output()
        .with_context(|| format!("không chạy được {what} (cài gói postgresql-client)"))?;
    if !out.status.success() {
        bail!(
            "{what} không thành công: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// A consistent copy of the database at `db` into `out`, which must not exist.
pub async fn backup(db: &str, out: &Path) -> Result<()> {
    if out.exists() {
        bail!(
            "tệp {} đã có: chọn tên khác, bản sao không ghi đè",
            out.display()
        );
    }
    let store = open(db).await?;
    let counts = store.verify_audit_chain().await?;
    if sqlite_path(db).is_some() {
        let path = out
            .to_str()
            .context("đường dẫn tệp sao lưu không phải UTF-8")?;
        store.vacuum_into(path).await?;
    } else {
        let mut cmd = std::process::Command::new("pg_dump");
        cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
            .arg(out)
            .arg(format!("--dbname={db}"));
        if let Some(schema) = pg_schema(db) {
            cmd.arg(format!("--schema={schema}"));
        }
        run(cmd, "pg_dump")?;
    }
    outln!(
        "Đã sao lưu {} vào {} ({counts} bản ghi nhật ký kiểm toán, chuỗi băm nguyên vẹn). Kiểm tra bản sao: chitieu --db <cơ sở dữ liệu mới, trống> restore {} rồi chitieu audit verify.",
        redact(db),
        out.display(),
        out.display()
    );
    Ok(())
}

/// Restores `file` (from `chitieu backup`) into the empty database at `db`, then checks its
/// audit chain.
pub async fn restore(db: &str, file: &Path) -> Result<()> {
    if !file.is_file() {
        bail!("không có tệp sao lưu {}", file.display());
    }
    if let Some(target) = sqlite_path(db) {
        let target = Path::new(target);
        if target.metadata().is_ok_and(|m| m.len() > 0) {
            bail!(
                "cơ sở dữ liệu đích {} đã có dữ liệu: khôi phục chỉ vào một cơ sở dữ liệu trống (một tệp mới)",
                target.display()
            );
        }
        let mut head = [0u8; 16];
        std::io::Read::read_exact(
            &mut std::fs::File::open(file)
                .with_context(|| format!("không đọc được {}", file.display()))?,
            &mut head,
        )
        .ok();
        if &head != b"SQLite format 3\0" {
            bail!(
                "{} không phải bản sao lưu SQLite của chitieu",
                file.display()
            );
        }
        std::fs::copy(file, target)
            .with_context(|| format!("không ghi được {}", target.display()))?;
    } else {
        if !chitieu_store::Store::is_empty_database(db).await? {
            bail!(
                "cơ sở dữ liệu đích {} đã có bảng: khôi phục chỉ vào một cơ sở dữ liệu trống",
                redact(db)
            );
        }
        let mut cmd = std::process::Command::new("pg_restore");
        cmd.args(["--no-owner", "--no-privileges", "--exit-on-error"])
            .arg(format!("--dbname={db}"))
            .arg(file);
        run(cmd, "pg_restore")?;
    }
    // Opening migrates a copy from an older version; the chain says nothing was altered.
    let store = open(db).await?;
    let n = store
        .verify_audit_chain()
        .await
        .context("bản khôi phục không qua được kiểm tra nhật ký kiểm toán")?;
    let units = store.all_units().await?.len();
    outln!(
        "Đã khôi phục {}: {units} đơn vị, {n} bản ghi nhật ký kiểm toán, chuỗi băm nguyên vẹn.",
        file.display()
    );
    Ok(())
}
