//! The server in a process of its own, as it runs in production, on the national data set:
//! how long it takes to come up, how much memory it holds once up (the whole process, not
//! an estimate), and its peak while a change of units is rebuilt. The load generator's
//! process is another, so none of its memory is counted.

use anyhow::{Context, Result};
use chitieu_domain::{Unit, UnitCode, UnitKind};
use chitieu_store::{Role, Store};
use serde::Serialize;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http::{Call, drive, once};

#[derive(Debug, Clone, Serialize)]
pub struct ServerMemory {
    pub values: u64,
    /// From starting the process to its first answer: migrating, loading every value.
    pub cold_start_s: f64,
    /// Anonymous resident memory (heap and stacks; not the program's code nor the database
    /// file SQLite maps) after a few seconds of reads and a few seconds idle.
    pub resident_mb: f64,
    pub resident_bytes_per_value: f64,
    /// The database file, and how much of it the server holds mapped then (SQLite maps
    /// the file into each connection). Every write by another connection makes SQLite
    /// unmap and map it again on each connection, which holds the whole process still for
    /// as long as the pages take to let go: 60 ms at 10 million values when the server
    /// kept the pages its load had read.
    pub file_mb: f64,
    pub file_mapped_mb: f64,
    /// From a unit added to the database to the server answering for it.
    pub rebuild_s: f64,
    /// Highest anonymous resident memory while the rebuild ran, and after it.
    pub rebuild_peak_mb: f64,
    pub after_rebuild_mb: f64,
}

/// Kills the server when the measurement ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Anonymous resident memory of process `pid` in MiB: the heap and stacks, not the
/// program's code nor the database file SQLite maps.
fn anon_mb(pid: u32) -> f64 {
    super::dataset::status_kib(&pid.to_string(), "RssAnon:") as f64 / 1024.0
}

/// Resident pages of `file` mapped by process `pid`, in MiB.
fn mapped_mb(pid: u32, file: &Path) -> f64 {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return 0.0;
    };
    let mut inside = false;
    let mut kib = 0u64;
    for line in smaps.lines() {
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        if !first.ends_with(':') {
            // A mapping's first line ends with the file it maps, if any.
            inside = Path::new(line.split_whitespace().last().unwrap_or_default()) == file;
        } else if inside && first == "Rss:" {
            kib += line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    kib as f64 / 1024.0
}

/// Starts `chitieu serve` (this very program) on `db`, then measures it. `values` is how
/// many the data set holds; the server reads as the plan owner `owner`.
pub async fn measure(
    db: &str,
    store: &Store,
    owner: &UnitCode,
    values: u64,
) -> Result<ServerMemory> {
    let token = store
        .create_token("bench-memory", Role::Viewer, owner, "bench")
        .await?;
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--db", db, "serve", "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        // Its warnings (a stored value it cannot use, say) are worth seeing.
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start the server")?;
    let stdout = child.stdout.take().context("the server's output")?;
    let server = Server(child);
    let pid = server.0.id();
    // It prints its address once it answers.
    let addr: SocketAddr = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| {
                let rest = l.split_once("http://")?.1;
                rest.split('/').next()?.parse().ok()
            })
    })
    .await?
    .context("the server stopped before it answered")?;
    let cold_start_s = started.elapsed().as_secs_f64();

    let bearer = ("authorization", format!("Bearer {token}"));
    let read = Call::get("/api/v1/assessment", bearer.clone());
    let calls: Arc<dyn Fn(u64) -> Call + Send + Sync> = Arc::new(move |_| read.clone());
    drive(addr, "national", "memory", 8, 3.0, calls).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let resident_mb = anon_mb(pid);
    let file = Path::new(db.strip_prefix("sqlite://").unwrap_or(db)).canonicalize()?;
    let file_mb = std::fs::metadata(&file)?.len() as f64 / (1024.0 * 1024.0);
    let file_mapped_mb = mapped_mb(pid, &file);

    // A commune added meanwhile by another process: the server rebuilds the rolled-up
    // figures beside the snapshot readers keep, and publishes.
    // The kernel keeps a peak of all resident memory only, file pages included: the heap's
    // is sampled instead, every 5 ms.
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let sampler = tokio::spawn(async move {
        let mut peak = 0.0f64;
        loop {
            peak = peak.max(anon_mb(pid));
            tokio::select! {
                _ = &mut stopped => return peak,
                _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
        }
    });
    let code = UnitCode::commune(99_999);
    store
        .upsert_units(
            &[Unit {
                code: code.clone(),
                name: "Xã đo hiệu năng".into(),
                kind: UnitKind::Commune,
                division_type: Some("xã".into()),
                parent: Some(UnitCode::province(19)),
                valid_from: chitieu_domain::unit::earliest(),
                valid_to: None,
                population: None,
                officials: None,
                successors: vec![],
            }],
            "bench",
            "bench: một xã mới",
        )
        .await?;
    let changed = Instant::now();
    let probe = Call::get(format!("/api/v1/assessment?unit={code}"), bearer);
    while !once(addr, &probe).await? {
        anyhow::ensure!(
            changed.elapsed() < Duration::from_secs(120),
            "the server did not take the new unit in two minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rebuild_s = changed.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop.send(());
    let rebuild_peak_mb = sampler.await?;
    let after_rebuild_mb = anon_mb(pid);
    Ok(ServerMemory {
        values,
        cold_start_s,
        resident_mb,
        resident_bytes_per_value: resident_mb * 1024.0 * 1024.0 / values.max(1) as f64,
        file_mb,
        file_mapped_mb,
        rebuild_s,
        rebuild_peak_mb,
        after_rebuild_mb,
    })
}
