//! `chitieu bench --http`: the server as people and other systems meet it, over HTTP. It
//! starts the server in this process on the demo and on the national data set, drives each
//! route from many keep-alive connections for a few seconds, and prints requests per second,
//! p50 and p99 and errors. Server and load generator share the machine, as they would on a
//! small deployment; the figures are a benchmark, never a test's pass mark.

use anyhow::{Context, Result};
use bytes::Bytes;
use chitieu_domain::UnitCode;
use chitieu_store::{Role, Store};

use super::people::{Set, cookies};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct HttpOptions {
    pub values: u64,
    pub seconds: f64,
    pub connections: usize,
    pub seed: u64,
    pub json: bool,
}

/// One route under load.
#[derive(Debug, Clone, Serialize)]
pub struct RouteFigures {
    pub data_set: String,
    pub route: String,
    pub requests: u64,
    pub errors: u64,
    pub req_per_s: f64,
    /// Latencies of the reads (GET); writes are counted apart, their time is their own.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Reads slower than [`SLOW_MS`]: the goal is none while targets are edited.
    pub slow_reads: u64,
    pub writes: u64,
    pub write_max_ms: f64,
    /// What the first failed request got, to say why.
    pub first_error: Option<String>,
    /// Requests per second as a share of `/healthz`'s in the same run on the same server:
    /// the machine's limit, so that figures from different machines compare.
    pub vs_healthz: Option<f64>,
}

/// A read slower than this is counted apart.
pub const SLOW_MS: f64 = 50.0;

/// What one request of a run is: a method, a path, headers and a body.
#[derive(Clone)]
pub(super) struct Call {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Call {
    pub(super) fn get(path: impl Into<String>, auth: (&'static str, String)) -> Call {
        Call {
            method: "GET",
            path: path.into(),
            headers: vec![auth],
            body: String::new(),
        }
    }

    fn request(&self, addr: SocketAddr) -> Result<Request<Full<Bytes>>> {
        let mut b = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .header("host", addr.to_string());
        for (k, v) in &self.headers {
            b = b.header(*k, v);
        }
        if !self.body.is_empty() {
            b = b.header("content-type", "application/json");
        }
        Ok(b.body(Full::new(Bytes::from(self.body.clone())))?)
    }
}

/// Drives `calls` (the k-th request of a connection is `calls(k)`) from `connections`
/// keep-alive connections for `seconds`.
pub(super) async fn drive(
    addr: SocketAddr,
    data_set: &str,
    route: &str,
    connections: usize,
    seconds: f64,
    calls: Arc<dyn Fn(u64) -> Call + Send + Sync>,
) -> Result<RouteFigures> {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let calls = Arc::clone(&calls);
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut writes = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            let mut sender = connect(addr).await?;
            let mut k = c as u64;
            while Instant::now() < deadline {
                let call = calls(k);
                let read = call.method == "GET";
                let req = call.request(addr)?;
                k += connections as u64;
                let t = Instant::now();
                match sender.send_request(req).await {
                    Ok(res) => {
                        let status = res.status();
                        let ok = status.is_success();
                        let body = res.into_body().collect().await.map(|b| b.to_bytes());
                        if (!ok || body.is_err()) && first_error.is_none() {
                            let text = body
                                .as_ref()
                                .map(|b| String::from_utf8_lossy(b).into_owned())
                                .unwrap_or_else(|e| e.to_string());
                            first_error =
                                Some(format!("{} {}: {status} {text}", call.method, call.path));
                        }
                        if read {
                            lat.push(t.elapsed());
                        } else {
                            writes.push(t.elapsed());
                        }
                        if !ok || body.is_err() {
                            errors += 1;
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        first_error
                            .get_or_insert_with(|| format!("{} {}: {e}", call.method, call.path));
                        break;
                    }
                }
            }
            anyhow::Ok((lat, writes, errors, first_error))
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut writes = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for t in tasks {
        let (lat, w, e, f) = t.await??;
        all.extend(lat);
        writes.extend(w);
        errors += e;
        first_error = first_error.or(f);
    }
    let took = started.elapsed().as_secs_f64().max(seconds);
    all.sort();
    let at = |q: f64| {
        all.get(((all.len().max(1) - 1) as f64 * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    Ok(RouteFigures {
        data_set: data_set.into(),
        route: route.into(),
        requests: (all.len() + writes.len()) as u64,
        errors,
        req_per_s: (all.len() + writes.len()) as f64 / took,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: at(1.0),
        slow_reads: all
            .iter()
            .filter(|d| d.as_secs_f64() * 1e3 > SLOW_MS)
            .count() as u64,
        writes: writes.len() as u64,
        write_max_ms: writes.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        first_error,
        vs_healthz: None,
    })
}

/// A keep-alive HTTP/1.1 connection to `addr`.
pub(super) async fn connect(
    addr: SocketAddr,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Sends one request on a connection of its own; whether it succeeded.
pub(super) async fn once(addr: SocketAddr, call: &Call) -> Result<bool> {
    let res = connect(addr)
        .await?
        .send_request(call.request(addr)?)
        .await?;
    let ok = res.status().is_success();
    res.into_body().collect().await?;
    Ok(ok)
}

/// Starts the server over `store` in this process; returns its address.
pub(super) async fn start(store: Store) -> Result<SocketAddr> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let _ = chitieu_web::serve_until(
            store,
            "127.0.0.1:0",
            move |addr| {
                let _ = tx.send(addr);
            },
            std::future::pending(),
        )
        .await;
    });
    rx.await.context("the server did not start")
}

/// `store`, filled, closed and opened again as `serve` opens it.
pub(super) async fn reopen_for_server(store: Store, url: &str) -> Result<Store> {
    store.close().await?;
    Ok(Store::open_for_server(url).await?)
}

/// The routes of one data set, then the mixed run (one write per hundred reads).
async fn run_set(
    opts: &HttpOptions,
    store: Store,
    set: Set<'_>,
    write: Arc<dyn Fn(u64) -> String + Send + Sync>,
    out: &mut Vec<RouteFigures>,
) -> Result<()> {
    let (data_set, owner, province, commune, indicator) = (
        set.name,
        set.owner,
        set.province,
        set.commune,
        set.indicator,
    );
    let people = cookies(&store, &set).await?;
    let as_role = |r: Role| {
        people
            .iter()
            .find(|(role, _)| *role == r)
            .map(|(_, c)| c.clone())
            .expect("a session for each role")
    };
    let admin = store
        .create_token("bench-admin", Role::Admin, owner, "bench")
        .await?;
    let viewer = store
        .create_token("bench-viewer", Role::Viewer, owner, "bench")
        .await?;
    let addr = start(store).await?;
    let bearer = ("authorization", format!("Bearer {viewer}"));
    let cookie = as_role(Role::Viewer);
    let office = as_role(Role::Secretariat);
    let year = chrono::Datelike::year(&chitieu_domain::Clock::system().today());
    let mut routes: Vec<(String, Call)> = vec![
        // The machine's limit, to which every other route is compared.
        ("GET /healthz".into(), Call::get("/healthz", cookie.clone())),
        (
            format!("GET /api/v1/assessment ({owner})"),
            Call::get("/api/v1/assessment", bearer.clone()),
        ),
        (
            format!("GET /api/v1/assessment?unit={province}"),
            Call::get(
                format!("/api/v1/assessment?unit={province}"),
                bearer.clone(),
            ),
        ),
        (
            "GET / (HTML, viewer)".into(),
            Call::get("/", cookie.clone()),
        ),
        (
            format!("GET /indicators/{indicator} (HTML)"),
            Call::get(format!("/indicators/{indicator}"), cookie.clone()),
        ),
        (
            "GET /reports (HTML, standing office)".into(),
            Call::get("/reports", office.clone()),
        ),
        (
            format!("GET /evaluation?year={year} (HTML, standing office)"),
            Call::get(format!("/evaluation?year={year}"), office.clone()),
        ),
        (
            format!("GET /units/{province} (HTML)"),
            Call::get(format!("/units/{province}"), cookie.clone()),
        ),
        (
            format!("GET /report.pdf ({owner}, last quarter)"),
            Call::get("/report.pdf", cookie.clone()),
        ),
        (
            "GET / (HTML, standing office)".into(),
            Call::get("/", office.clone()),
        ),
        (
            format!("GET / (HTML, head of {province})"),
            Call::get("/", as_role(Role::Head)),
        ),
        (
            format!("GET / (HTML, reporter of {commune})"),
            Call::get("/", as_role(Role::Reporter)),
        ),
        (
            "GET /admin (HTML, administrator)".into(),
            Call::get("/admin", as_role(Role::Admin)),
        ),
    ];
    if owner != province {
        routes.insert(
            8,
            (
                format!("GET /units/{owner} (HTML)"),
                Call::get(format!("/units/{owner}"), cookie.clone()),
            ),
        );
    }
    let first = out.len();
    for (name, call) in routes {
        let call: Arc<dyn Fn(u64) -> Call + Send + Sync> = Arc::new(move |_| call.clone());
        // A short warm-up, as a running server would have had; a route that answers an
        // error would measure nothing.
        let warm = drive(addr, data_set, &name, 4, 0.3, Arc::clone(&call)).await?;
        anyhow::ensure!(
            warm.errors == 0 && warm.requests > 0,
            "{data_set}: {name} answers with errors"
        );
        out.push(drive(addr, data_set, &name, opts.connections, opts.seconds, call).await?);
    }
    // Half the connections ask for the year's evaluation, half for /healthz: a heavy page
    // must not hold up the others.
    let half = (opts.connections / 2).max(1);
    let (hammer, health) = (
        Call::get(format!("/evaluation?year={year}"), office.clone()),
        Call::get("/healthz", cookie.clone()),
    );
    let names = (
        format!("… GET /evaluation?year={year} on {half} connections"),
        format!("GET /healthz on {half} connections meanwhile"),
    );
    let (hammered, healthz_meanwhile) = tokio::join!(
        drive(
            addr,
            data_set,
            &names.0,
            half,
            opts.seconds,
            Arc::new(move |_| hammer.clone())
        ),
        drive(
            addr,
            data_set,
            &names.1,
            half,
            opts.seconds,
            Arc::new(move |_| health.clone())
        )
    );
    out.push(healthz_meanwhile?);
    out.push(hammered?);
    let healthz = out[first].req_per_s;
    for f in &mut out[first..] {
        f.vs_healthz = (healthz > 0.0).then(|| f.req_per_s / healthz);
    }
    let read = Call::get("/api/v1/assessment", bearer.clone());
    let admin = ("authorization", format!("Bearer {admin}"));
    // A target edited now and then while people read: the plan reloads, the reads go on.
    let (r, a, owner_code, ind) = (
        read.clone(),
        admin.clone(),
        owner.to_string(),
        indicator.to_string(),
    );
    let target_edits = Arc::new(move |k: u64| {
        if k.is_multiple_of(500) {
            Call {
                method: "POST",
                path: "/api/v1/targets".into(),
                headers: vec![a.clone()],
                body: format!(
                    r#"{{"indicator":"{ind}","unit":"{owner_code}","year":2029,"comparator":">","value":"{}","wording":"Thử sửa mục tiêu"}}"#,
                    k % 97
                ),
            }
        } else {
            r.clone()
        }
    });
    out.push(
        drive(
            addr,
            data_set,
            "GET assessment, 1 POST /api/v1/targets per 500",
            opts.connections,
            opts.seconds,
            target_edits,
        )
        .await?,
    );
    let mixed = Arc::new(move |k: u64| {
        if k.is_multiple_of(100) {
            Call {
                method: "POST",
                path: "/api/v1/values".into(),
                headers: vec![admin.clone()],
                body: write(k),
            }
        } else {
            read.clone()
        }
    });
    out.push(
        drive(
            addr,
            data_set,
            "mixed: 1 POST /api/v1/values per 100 GET assessment",
            opts.connections,
            opts.seconds,
            mixed,
        )
        .await?,
    );
    Ok(())
}

pub async fn run(opts: HttpOptions) -> Result<()> {
    let say = |s: &str| {
        if !opts.json {
            eprintln!("{s}");
        }
    };
    let mut out = Vec::new();

    say("Dữ liệu mẫu (Thái Nguyên)…");
    let demo_dir = tempfile::tempdir()?;
    let demo_url = format!("sqlite://{}", demo_dir.path().join("demo.db").display());
    let demo = Store::open(&demo_url).await?;
    chitieu_demo::set_up(&demo).await?;
    // Served as `serve` serves it: with the server's SQLite settings, not the import's.
    let demo = reopen_for_server(demo, &demo_url).await?;
    let quarter = chitieu_domain::Period::last_complete(
        chitieu_domain::PeriodKind::Quarter,
        chitieu_domain::Clock::system().today(),
    );
    let (owner, commune) = (UnitCode::province(19), UnitCode::commune(5443));
    let set = Set {
        name: "demo",
        owner: &owner,
        province: &owner,
        commune: &commune,
        indicator: "HT-5G",
    };
    run_set(
        &opts,
        demo,
        set,
        Arc::new(move |k| {
            format!(
                r#"{{"values":[{{"indicator":"ST-NVKH","unit":"19","period":"{quarter}","value":"{}"}}]}}"#,
                k % 50
            )
        }),
        &mut out,
    )
    .await?;

    say(&format!(
        "Bộ dữ liệu toàn quốc: {} giá trị (seed {})…",
        opts.values, opts.seed
    ));
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::open(&url).await?;
    super::dataset::fill(
        &store,
        &super::Options {
            values: opts.values,
            json: true,
            seed: opts.seed,
            pg: None,
        },
        opts.json,
    )
    .await?;
    let nation = UnitCode::parse("VN").expect("code");
    say("Máy chủ chạy riêng trên bộ dữ liệu toàn quốc: khởi động, bộ nhớ, đổi đơn vị…");
    let server = super::server::measure(&url, &store, &nation, opts.values).await?;
    let store = reopen_for_server(store, &url).await?;
    let (province, commune) = (UnitCode::province(19), UnitCode::commune(5443));
    let writes_at = commune.clone();
    let set = Set {
        name: "national",
        owner: &nation,
        province: &province,
        commune: &commune,
        indicator: "B-02",
    };
    run_set(
        &opts,
        store,
        set,
        Arc::new(move |k| {
            // Before the generated months: the generated values are accepted and locked.
            format!(
                r#"{{"values":[{{"indicator":"B-00","unit":"{writes_at}","period":"2020M12","value":"{}"}}]}}"#,
                k % 50
            )
        }),
        &mut out,
    )
    .await?;

    if opts.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"routes": out, "server": server}))?
        );
    } else {
        print(&out, &opts)?;
        outln!(
            "\nMáy chủ chạy riêng, {} giá trị: khởi động {:.1} s; bộ nhớ {:.0} MB ({:.1} byte/giá trị); \
             tệp dữ liệu {:.0} MB, đang ánh xạ {:.1} MB; \
             thêm một xã: xong sau {:.2} s, bộ nhớ cao nhất {:.0} MB, sau đó {:.0} MB",
            server.values,
            server.cold_start_s,
            server.resident_mb,
            server.resident_bytes_per_value,
            server.file_mb,
            server.file_mapped_mb,
            server.rebuild_s,
            server.rebuild_peak_mb,
            server.after_rebuild_mb
        );
    }
    Ok(())
}

fn print(out: &[RouteFigures], opts: &HttpOptions) -> std::io::Result<()> {
    outln!(
        "chitieu bench --http: {} kết nối, {} s mỗi tuyến, máy chủ và bộ tạo tải trên cùng máy",
        opts.connections,
        opts.seconds
    );
    outln!("(thời gian là của các lượt đọc; lượt ghi đếm riêng, kèm thời gian lâu nhất)");
    outln!(
        "{:<10} {:<52} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7} {:>14}",
        "dữ liệu",
        "tuyến",
        "yêu cầu/s",
        "× healthz",
        "p50 ms",
        "p99 ms",
        "max ms",
        format!("> {SLOW_MS} ms"),
        "lỗi",
        "ghi (max ms)"
    );
    for f in out {
        let writes = if f.writes > 0 {
            format!("{} ({:.0})", f.writes, f.write_max_ms)
        } else {
            String::new()
        };
        outln!(
            "{:<10} {:<52} {:>10.0} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9} {:>7} {:>14}",
            f.data_set,
            f.route,
            f.req_per_s,
            f.vs_healthz.map_or(String::new(), |r| format!("{r:.2}")),
            f.p50_ms,
            f.p99_ms,
            f.max_ms,
            f.slow_reads,
            f.errors,
            writes
        );
    }
    Ok(())
}
