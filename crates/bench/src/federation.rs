//! `chitieu bench --federation`: the 34 provinces push a quarter's official figures (every
//! commune's and the province's own, of every quarterly indicator of the national plan) into
//! one central server at once, each province as its sender does (a commune's report a
//! request, with an `Idempotency-Key`, over a keep-alive connection of its own). It prints
//! the time to take them all in and the centre's read latency meanwhile, side by side with
//! the same reads on the idle centre. A benchmark, never a test's pass mark.

use anyhow::Result;
use bytes::Bytes;
use chitieu_domain::{Period, PeriodKind, UnitCode, UnitKind};
use chitieu_store::{Role, Store};
use http_body_util::{BodyExt, Full};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::http::{connect, reopen_for_server, start};

pub struct FederationOptions {
    /// PostgreSQL for the centre (a temporary schema, dropped after); else SQLite.
    pub pg: Option<String>,
    /// Seconds of reads on the idle centre, the baseline.
    pub seconds: f64,
    pub json: bool,
}

/// Reads of the centre: how many, and how long they took.
#[derive(Debug, Clone, Serialize)]
pub struct Reads {
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FederationFigures {
    pub backend: String,
    pub provinces: usize,
    pub period: String,
    /// Requests the provinces sent, and the figures they carried.
    pub pushes: u64,
    pub figures: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub ingest_seconds: f64,
    pub figures_per_s: f64,
    /// The centre's reads on its own, then while the provinces push.
    pub idle: Reads,
    pub busy: Reads,
}

/// One request a province sends: its path and body.
struct Push {
    body: String,
    key: String,
}

/// What each province pushes: a request per commune (its two parts of the commune
/// indicator), then the province's own figure; the token the centre issued it.
async fn provinces(store: &Store, period: Period) -> Result<Vec<(String, Vec<Push>)>> {
    let units = store.all_units().await?;
    let mut out = Vec::new();
    for p in units.iter().filter(|u| u.kind == UnitKind::Province) {
        let token = store
            .create_token(
                &format!("tinh-{}", p.code),
                Role::Secretariat,
                &p.code,
                "bench",
            )
            .await?;
        let one = |unit: &UnitCode, values: &[(&str, u64)]| {
            let list: Vec<String> = values
                .iter()
                .map(|(element, v)| {
                    format!(
                        r#"{{"dataElement":"{element}","period":"{period}","orgUnit":"{unit}","value":"{v}"}}"#
                    )
                })
                .collect();
            Push {
                body: format!(r#"{{"dataValues":[{}]}}"#, list.join(",")),
                key: format!("bench-{unit}-{period}"),
            }
        };
        let mut pushes: Vec<Push> = units
            .iter()
            .filter(|c| c.parent.as_ref() == Some(&p.code))
            .map(|c| {
                let all = 20 + u64::from(c.code.as_str().len() as u32) * 7;
                one(
                    &c.code,
                    &[
                        ("NQ57-CBX.numerator", all * 4 / 5),
                        ("NQ57-CBX.denominator", all),
                    ],
                )
            })
            .collect();
        pushes.push(one(&p.code, &[("NQ57-5G", 80)]));
        out.push((token, pushes));
    }
    Ok(out)
}

/// Reads the centre from `connections` connections until `stop`: the provinces' page data
/// (the national assessment) and a province's figure, in turn.
async fn read_until(
    addr: SocketAddr,
    token: String,
    connections: usize,
    period: Period,
    stop: Arc<AtomicBool>,
) -> Result<Reads> {
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (token, stop) = (token.clone(), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(addr).await?;
            let (mut lat, mut errors, mut k) = (Vec::new(), 0u64, c);
            while !stop.load(Ordering::Relaxed) {
                let path = if k % 2 == 0 {
                    "/api/v1/assessment?unit=VN".to_string()
                } else {
                    format!("/api/v1/figures?indicator=NQ57-CBX&unit=19&period={period}")
                };
                k += 1;
                let req = hyper::Request::get(&path)
                    .header("host", addr.to_string())
                    .header("authorization", format!("Bearer {token}"))
                    .body(Full::new(Bytes::new()))?;
                let t = Instant::now();
                let res = sender.send_request(req).await?;
                let ok = res.status().is_success();
                res.into_body().collect().await?;
                lat.push(t.elapsed());
                errors += u64::from(!ok);
            }
            anyhow::Ok((lat, errors))
        }));
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await??;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let at = |q: f64| {
        all.get(((all.len().max(1) - 1) as f64 * q).round() as usize)
            .map_or(0.0, |d: &Duration| d.as_secs_f64() * 1e3)
    };
    Ok(Reads {
        requests: all.len() as u64,
        errors,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    })
}

/// One province's pushes, one after another on its connection: (requests, errors, first).
async fn push_all(
    addr: SocketAddr,
    token: String,
    pushes: Vec<Push>,
) -> Result<(u64, u64, Option<String>)> {
    let mut sender = connect(addr).await?;
    let (mut errors, mut first) = (0u64, None);
    let origin = "bench%20--federation";
    for p in &pushes {
        let req = hyper::Request::post(format!(
            "/api/v1/dataValueSets?state=accepted&origin={origin}"
        ))
        .header("host", addr.to_string())
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("idempotency-key", &p.key)
        .body(Full::new(Bytes::from(p.body.clone())))?;
        let res = sender.send_request(req).await?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        if !status.is_success() {
            errors += 1;
            first.get_or_insert_with(|| format!("{status} {}", String::from_utf8_lossy(&body)));
        }
    }
    Ok((pushes.len() as u64, errors, first))
}

async fn measure(store: Store, url: &str, opts: &FederationOptions) -> Result<FederationFigures> {
    let say = |s: &str| {
        if !opts.json {
            eprintln!("{s}");
        }
    };
    say("Trung ương: kế hoạch quốc gia, 34 tỉnh, 3.321 xã…");
    chitieu_app::setup::init_plan(
        &store,
        &chitieu_domain::default_plan::national_plan(),
        "bench",
    )
    .await?;
    let period =
        Period::last_complete(PeriodKind::Quarter, chitieu_domain::Clock::system().today());
    let provinces = provinces(&store, period).await?;
    let reader = store
        .create_token("bench-doc", Role::Viewer, &UnitCode::parse("VN")?, "bench")
        .await?;
    let store = reopen_for_server(store, url).await?;
    let addr = start(store).await?;

    say("Đọc khi trung ương rảnh…");
    let stop = Arc::new(AtomicBool::new(false));
    let idle = tokio::spawn(read_until(
        addr,
        reader.clone(),
        4,
        period,
        Arc::clone(&stop),
    ));
    tokio::time::sleep(Duration::from_secs_f64(opts.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let idle = idle.await??;

    say("34 tỉnh cùng gửi số liệu quý…");
    let figures: u64 = provinces
        .iter()
        .flat_map(|(_, p)| p)
        .map(|p| p.body.matches("dataElement").count() as u64)
        .sum();
    let stop = Arc::new(AtomicBool::new(false));
    let busy = tokio::spawn(read_until(addr, reader, 4, period, Arc::clone(&stop)));
    let started = Instant::now();
    let count = provinces.len();
    let tasks: Vec<_> = provinces
        .into_iter()
        .map(|(token, pushes)| tokio::spawn(push_all(addr, token, pushes)))
        .collect();
    let (mut pushes, mut errors, mut first_error) = (0, 0, None);
    for t in tasks {
        let (n, e, f) = t.await??;
        pushes += n;
        errors += e;
        first_error = first_error.or(f);
    }
    let took = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let busy = busy.await??;
    Ok(FederationFigures {
        backend: if opts.pg.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
        .into(),
        provinces: count,
        period: period.to_string(),
        pushes,
        figures,
        errors,
        first_error,
        ingest_seconds: took,
        figures_per_s: figures as f64 / took.max(1e-9),
        idle,
        busy,
    })
}

/// Runs the federation benchmark and prints it.
pub async fn run(opts: FederationOptions) -> Result<()> {
    let figures = match &opts.pg {
        None => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("centre.db").display());
            let store = Store::open(&url).await?;
            measure(store, &url, &opts).await?
        }
        Some(base) => {
            let opts = &opts;
            crate::in_temporary_schema(base, "chitieu_federation", |url| async move {
                let store = Store::open(&url).await?;
                measure(store, &url, opts).await
            })
            .await?
        }
    };
    if opts.json {
        outln!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(());
    }
    let f = &figures;
    outln!(
        "Trung ương ({}): {} tỉnh gửi số liệu {} — {} yêu cầu, {} số liệu, {} lỗi",
        f.backend,
        f.provinces,
        f.period,
        f.pushes,
        f.figures,
        f.errors
    );
    outln!(
        "Nhận hết trong {:.1} s ({:.0} số liệu/s)",
        f.ingest_seconds,
        f.figures_per_s
    );
    outln!(
        "{:<28} {:>10} {:>6} {:>10} {:>10} {:>10}",
        "đọc ở trung ương",
        "yêu cầu",
        "lỗi",
        "p50 ms",
        "p99 ms",
        "max ms"
    );
    for (label, r) in [
        ("khi rảnh (mốc so sánh)", &f.idle),
        ("khi 34 tỉnh cùng gửi", &f.busy),
    ] {
        outln!(
            "{label:<28} {:>10} {:>6} {:>10.2} {:>10.2} {:>10.2}",
            r.requests,
            r.errors,
            r.p50_ms,
            r.p99_ms,
            r.max_ms
        );
    }
    if let Some(e) = &f.first_error {
        outln!("lỗi đầu tiên: {e}");
    }
    Ok(())
}
