//! `chitieu`: the command line of the platform.

mod bench;
mod demo;

use anyhow::{Context, Result, bail};
use chitieu_domain::default_plan::default_plan;
use chitieu_domain::text::format_int_vi;
use chitieu_domain::{UnitCode, ValueState};
use chitieu_exchange::{admin_map, values_csv};
use chitieu_store::{NewValue, Role, Store, ValueFilter};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::{BufReader, Read};
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "chitieu",
    version,
    about = "Theo dõi, đánh giá thực hiện Nghị quyết 57-NQ/TW (KH,CN, ĐMST và CĐS).\nMonitoring and accountability for Resolution 57-NQ/TW."
)]
struct Cli {
    /// Database: sqlite://PATH (default, created if missing) or postgres://USER@HOST/DB
    #[arg(
        long,
        global = true,
        env = "CHITIEU_DB",
        default_value = "sqlite://chitieu.db"
    )]
    db: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create or update the database, then load Thái Nguyên's plan and units. Safe to repeat.
    Init {
        /// Load this plan file (TOML, the format of crates/domain/plan/thai-nguyen-nq57.toml)
        /// instead of Thái Nguyên's: another province's plan, with its own units.
        #[arg(long)]
        plan: Option<std::path::PathBuf>,
    },
    /// `init`, then demo data: heads, tasks, values since 2023 and demo accounts.
    Demo,
    /// Run the web server.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo data first (only once; later runs keep what is there).
        #[arg(long)]
        demo: bool,
    },
    /// Import or export indicator values (CSV).
    #[command(subcommand)]
    Values(ValuesCmd),
    /// Import or list administrative units.
    #[command(subcommand)]
    Units(UnitsCmd),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API tokens for other systems.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Assess progress towards every target of a unit.
    Assess {
        /// Unit code; default the province that owns the plan.
        #[arg(long)]
        unit: Option<String>,
        /// Date of the assessment (YYYY-MM-DD); default today.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        #[arg(long, default_value = "unsd2022", value_parser = ["target", "unsd2022", "opensdg", "projection"])]
        method: String,
        #[arg(long)]
        json: bool,
    },
    /// Measure the engine against plain SQL on a generated national data set.
    Bench {
        /// How many values to generate.
        #[arg(long, default_value_t = 10_000_000)]
        values: u64,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 57)]
        seed: u64,
        /// PostgreSQL server for the SQL baseline (a temporary schema is used and dropped);
        /// default CHITIEU_BENCH_PG, else CHITIEU_TEST_PG; none skips it.
        #[arg(long)]
        pg: Option<String>,
    },
    /// Targets that will be missed at the current pace, most at risk first, for a unit and
    /// every unit under it.
    Warnings {
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
        /// Show at most this many.
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum ValuesCmd {
    /// Import a CSV with the header indicator,unit,period,value,numerator,denominator,comment.
    /// All or nothing: one bad line and nothing is written.
    Import {
        file: std::path::PathBuf,
        /// Workflow state given to the imported values.
        #[arg(long, default_value = "submitted", value_parser = ["draft", "submitted", "approved", "accepted"])]
        state: String,
    },
    /// Write values as CSV (same format as import) to standard output or a file.
    Export {
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UnitsCmd {
    /// Import the national map (JSON in the format of vn-admin-units-2025.json). Adds new
    /// units, updates changed ones; a second run changes nothing.
    Import { file: std::path::PathBuf },
    /// List the children of a unit, or the top level.
    List {
        #[arg(long)]
        parent: Option<String>,
        /// Date on which the units must exist (YYYY-MM-DD); default today.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// List tokens (never the tokens themselves): name, role, unit, creator, revoked.
    List,
    /// Revoke a token by name: it stops working at once, on every app instance.
    Revoke { name: String },
    /// Create a bearer token for a machine client, scoped like a user; printed once.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["admin", "secretariat", "head", "reporter", "viewer"])]
        role: String,
        #[arg(long)]
        unit: String,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user. The password is read from standard input (first line).
    Add {
        #[arg(long)]
        login: String,
        #[arg(long, value_parser = ["admin", "secretariat", "head", "reporter", "viewer"])]
        role: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        name: Option<String>,
    },
}

const ACTOR: &str = "cli";

// Many small, short-lived allocations while loading and importing: mimalloc keeps them
// cheap and returns memory instead of fragmenting per-thread arenas (measured with `bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Die quietly when the reader of our output goes away (`chitieu assess | head`), as
    // command-line tools do, instead of panicking on the next print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    if let Err(e) = rt.block_on(run(cli)) {
        if is_broken_pipe(&e) {
            // The reader went away (`chitieu values export | head`): not an error.
            return;
        }
        eprintln!("Lỗi: {e:#}");
        std::process::exit(1);
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().or_else(|| {
            c.downcast_ref::<csv::Error>()
                .and_then(|ce| match ce.kind() {
                    csv::ErrorKind::Io(io) => Some(io),
                    _ => None,
                })
        });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn open(url: &str) -> Result<Store> {
    Store::open(url)
        .await
        .with_context(|| format!("không mở được cơ sở dữ liệu {}", redact(url)))
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init { plan } => {
            let store = open(&cli.db).await?;
            match plan {
                None => init(&store).await?,
                Some(path) => {
                    let label = path.display().to_string();
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("không đọc được tệp {label}"))?;
                    let file = chitieu_domain::default_plan::PlanFile::parse(&text)
                        .map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
                    init_with(&store, &file).await?;
                }
            }
        }
        Command::Demo => {
            let store = open(&cli.db).await?;
            init(&store).await?;
            demo::load(&store).await?;
        }
        Command::Serve { bind, demo } => {
            let store = open(&cli.db).await?;
            init(&store).await?;
            if demo {
                demo::load(&store).await?;
            }
            chitieu_web::serve(store, &bind, |addr| {
                println!("chitieu đang chạy tại http://{addr}/ (Ctrl-C để dừng)");
            })
            .await
            .with_context(|| format!("không mở được địa chỉ {bind}"))?;
        }
        Command::Values(ValuesCmd::Import { file, state }) => {
            let store = open(&cli.db).await?;
            import_values(&store, &file, state.parse().map_err(anyhow::Error::msg)?).await?;
        }
        Command::Values(ValuesCmd::Export {
            indicator,
            unit,
            output,
        }) => {
            let store = open(&cli.db).await?;
            let (catalog, ids) = store.catalog().await?;
            let filter = ValueFilter {
                indicator: indicator
                    .map(|c| {
                        catalog
                            .indicator(&c)
                            .map(|i| i.code.clone())
                            .with_context(|| format!("không có chỉ tiêu \"{c}\""))
                    })
                    .transpose()?,
                unit: unit
                    .map(|u| UnitCode::parse(&u).map_err(anyhow::Error::msg))
                    .transpose()?,
            };
            let rows = store.values(&filter, &ids).await?;
            let export = rows.iter().map(|r| values_csv::ExportRow {
                indicator: &r.indicator,
                unit: &r.unit,
                period: r.period,
                value: &r.value,
                numerator: r.numerator.as_ref(),
                denominator: r.denominator.as_ref(),
                comment: &r.comment,
                version: r.version,
            });
            match output {
                Some(path) => {
                    let f = std::fs::File::create(&path)
                        .with_context(|| format!("không tạo được tệp {}", path.display()))?;
                    values_csv::write(std::io::BufWriter::new(f), export)?;
                    eprintln!(
                        "Đã xuất {} giá trị ra {}",
                        format_int_vi(rows.len() as u64),
                        path.display()
                    );
                }
                None => values_csv::write(std::io::stdout().lock(), export)?,
            }
        }
        Command::Units(UnitsCmd::Import { file }) => {
            let store = open(&cli.db).await?;
            let label = file.display().to_string();
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được tệp {label}"))?;
            let units = admin_map::parse(&text, &label)?;
            let s = store
                .upsert_units(&units, ACTOR, &format!("nhập danh mục {label}"))
                .await?;
            let counts = store.unit_counts().await?;
            println!(
                "Đã nhập {label}: thêm {}, cập nhật {}, không đổi {}.",
                format_int_vi(s.added),
                format_int_vi(s.updated),
                format_int_vi(s.unchanged)
            );
            println!(
                "Trong cơ sở dữ liệu: {} tỉnh/thành phố, {} xã/phường/đặc khu.",
                counts.kind(chitieu_domain::UnitKind::Province),
                format_int_vi(
                    counts.kind(chitieu_domain::UnitKind::Commune)
                        + counts.kind(chitieu_domain::UnitKind::Ward)
                )
            );
        }
        Command::Units(UnitsCmd::List { parent, on, json }) => {
            let store = open(&cli.db).await?;
            let parent = parent
                .map(|p| UnitCode::parse(&p).map_err(anyhow::Error::msg))
                .transpose()?;
            let on = on.unwrap_or_else(|| chrono::Local::now().date_naive());
            let units = store.list_units(parent.as_ref(), on).await?;
            if json {
                let out: Vec<serde_json::Value> = units
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "code": u.code.as_str(),
                            "name": u.name,
                            "kind": u.kind.as_str(),
                            "division_type": u.division_type,
                            "parent": u.parent.as_ref().map(|p| p.as_str()),
                            "valid_from": u.valid_from,
                            "valid_to": u.valid_to,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for u in &units {
                    println!("{:<12} {:<16} {}", u.code, u.kind.label_vi(), u.name);
                }
                eprintln!("{} đơn vị", format_int_vi(units.len() as u64));
            }
        }
        Command::Assess {
            unit,
            as_of,
            method,
            json,
        } => {
            let store = open(&cli.db).await?;
            let live = chitieu_app::live::Live::load(store).await?;
            let snap = live.read().await?;
            let rows = snap.assess(unit.as_deref(), as_of, Some(&method))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print_rows(&rows);
            }
        }
        Command::Bench {
            values,
            json,
            seed,
            pg,
        } => {
            let pg = pg
                .or_else(|| std::env::var("CHITIEU_BENCH_PG").ok())
                .or_else(|| std::env::var("CHITIEU_TEST_PG").ok())
                .filter(|s| !s.is_empty());
            bench::run(bench::Options {
                values,
                json,
                seed,
                pg,
            })
            .await?;
        }
        Command::Warnings {
            unit,
            as_of,
            json,
            limit,
        } => {
            let store = open(&cli.db).await?;
            let live = chitieu_app::live::Live::load(store).await?;
            let snap = live.read().await?;
            let mut list = snap.early_warning(unit.as_deref(), as_of)?;
            list.truncate(limit);
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("Không có mục tiêu nào có nguy cơ không đạt theo tốc độ hiện nay.");
            } else {
                println!(
                    "{:<10} {:<9} {:>5} {:>14} {:>12} {:>10}",
                    "Chỉ tiêu", "Đơn vị", "Năm", "Mục tiêu", "Dự báo", "Thiếu"
                );
                for w in &list {
                    let r = &w.row;
                    println!(
                        "{:<10} {:<9} {:>5} {:>14} {:>12} {:>9}%",
                        r.indicator,
                        r.unit,
                        r.target_year,
                        format!("{} {}", r.comparator, vi(r.target_value)),
                        r.projected_value.map(vi).unwrap_or_default(),
                        vi(w.relative_shortfall * 100.0)
                    );
                }
            }
        }
        Command::Token(TokenCmd::List) => {
            let store = open(&cli.db).await?;
            for t in store.tokens().await? {
                println!(
                    "{:<24} {:<12} {:<10} {:<12} {}{}",
                    t.name,
                    t.role.as_str(),
                    t.unit,
                    t.created_by,
                    t.created_at.format("%d/%m/%Y"),
                    if t.revoked { "  đã thu hồi" } else { "" }
                );
            }
        }
        Command::Token(TokenCmd::Revoke { name }) => {
            let store = open(&cli.db).await?;
            store.revoke_token(&name, ACTOR).await?;
            println!("Đã thu hồi token \"{}\".", name.trim());
        }
        Command::Token(TokenCmd::Add { name, role, unit }) => {
            let store = open(&cli.db).await?;
            let unit = UnitCode::parse(&unit).map_err(anyhow::Error::msg)?;
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let token = store.create_token(&name, role, &unit, ACTOR).await?;
            eprintln!(
                "Token \"{name}\" ({}, đơn vị {unit}); chỉ hiện một lần:",
                role.label_vi()
            );
            println!("{token}");
        }
        Command::User(UserCmd::Add {
            login,
            role,
            unit,
            name,
        }) => {
            let store = open(&cli.db).await?;
            let mut password = String::new();
            std::io::stdin().lock().read_to_string(&mut password)?;
            let password = password.lines().next().unwrap_or("").to_string();
            if password.is_empty() {
                bail!(
                    "cần mật khẩu ở đầu vào chuẩn (stdin), ví dụ: echo 'mật-khẩu-dài' | chitieu user add ..."
                );
            }
            let unit = UnitCode::parse(&unit).map_err(anyhow::Error::msg)?;
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            store
                .add_user(
                    &chitieu_store::NewUser {
                        login: &login,
                        display_name: name.as_deref().unwrap_or(&login),
                        role,
                        unit: &unit,
                        password: &password,
                    },
                    ACTOR,
                )
                .await?;
            println!(
                "Đã thêm người dùng {login} ({}, đơn vị {unit}).",
                role.label_vi()
            );
        }
    }
    Ok(())
}

fn vi(x: f64) -> String {
    chitieu_domain::text::format_f64_vi(x, 2)
}

fn print_rows(rows: &[chitieu_analytics::assess::Row]) {
    println!(
        "{:<10} {:<8} {:>12} {:<8} {:>14} {:<5} {:<36} {:>6} {:>12} {:>9} {:>9}",
        "Chỉ tiêu",
        "Đơn vị",
        "Mới nhất",
        "Kỳ",
        "Mục tiêu",
        "Đạt",
        "Tình trạng",
        "Điểm",
        "Dự báo",
        "Năm đạt",
        "Năm gốc"
    );
    for r in rows {
        println!(
            "{:<10} {:<8} {:>12} {:<8} {:>14} {:<5} {:<36} {:>6} {:>12} {:>9} {:>9}",
            r.indicator,
            r.unit,
            r.latest_value.map(vi).unwrap_or_else(|| "—".into()),
            r.latest_period.clone().unwrap_or_default(),
            format!(
                "{} {} ({})",
                r.comparator,
                vi(r.target_value),
                r.target_year
            ),
            match r.met {
                Some(true) => "có",
                Some(false) => "chưa",
                None => "—",
            },
            chitieu_domain::Status::from_code(r.status).map_or("", |s| s.label_vi()),
            r.score.map(vi).unwrap_or_default(),
            r.projected_value.map(vi).unwrap_or_default(),
            r.projected_year_met
                .map(|y| y.to_string())
                .unwrap_or_else(|| "—".into()),
            r.base_year.map(|y| y.to_string()).unwrap_or_default(),
        );
    }
}

/// `init`, telling the terminal what it did.
pub async fn init(store: &Store) -> Result<()> {
    init_with(store, &default_plan()).await
}

/// `init` with a given plan.
pub async fn init_with(store: &Store, plan: &chitieu_domain::default_plan::PlanFile) -> Result<()> {
    let (added, loaded) = init_plan(store, plan).await?;
    if added > 0 || loaded {
        println!(
            "Đã khởi tạo: {} đơn vị mới; kế hoạch {} ({} chỉ tiêu, {} mục tiêu){}.",
            added,
            plan.plan.code,
            plan.indicators.len(),
            plan.targets.len(),
            if loaded {
                ""
            } else {
                " đã có từ trước"
            }
        );
    } else {
        println!("Cơ sở dữ liệu đã được khởi tạo; không có gì thay đổi.");
    }
    Ok(())
}

/// Creates what is missing: Thái Nguyên and its communes from the embedded national map, the
/// plan's own units, then the plan. Never overwrites what is already there. Returns the
/// number of units added and whether the plan was loaded.
pub async fn init_quiet(store: &Store) -> Result<(u64, bool)> {
    init_plan(store, &default_plan()).await
}

async fn init_plan(
    store: &Store,
    plan: &chitieu_domain::default_plan::PlanFile,
) -> Result<(u64, bool)> {
    let map = admin_map::parse(
        admin_map::NATIONAL_MAP_2025,
        "vn-admin-units-2025.json (nhúng)",
    )?;
    let existing: HashSet<UnitCode> = store
        .all_units()
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    let mut wanted = admin_map::province(&map, &plan.plan.owner);
    wanted.extend(plan.units.iter().cloned());
    let missing: Vec<_> = wanted
        .into_iter()
        .filter(|u| !existing.contains(&u.code))
        .collect();
    let added = store.upsert_units(&missing, ACTOR, "khởi tạo").await?.added;
    let loaded = store.load_plan_if_absent(plan, ACTOR).await?;
    Ok((added, loaded))
}

async fn import_values(store: &Store, path: &std::path::Path, state: ValueState) -> Result<()> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).with_context(|| format!("không mở được tệp {label}"))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let (catalog, ids) = store.catalog().await?;
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {percent}% {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message("Kiểm tra");
    let parsed = values_csv::parse(
        BufReader::with_capacity(1 << 20, f),
        &label,
        &catalog,
        |b| bar.set_position(b),
    );
    bar.finish_and_clear();
    let parsed = parsed?;
    let lines: Vec<u64> = parsed.iter().map(|p| p.line).collect();
    let mut rows = Vec::with_capacity(parsed.len());
    for p in parsed {
        let (Some(&indicator_id), Some(&unit_id)) = (
            ids.indicators.get(&p.value.indicator),
            ids.units.get(&p.value.unit),
        ) else {
            bail!(
                "{label}, dòng {}: chỉ tiêu hoặc đơn vị không có trong cơ sở dữ liệu",
                p.line
            );
        };
        rows.push(NewValue::from_checked(
            p.value,
            (indicator_id, unit_id),
            p.version,
        ));
    }
    let bar = ProgressBar::new(rows.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message("Ghi");
    let changed = store
        .upsert_values(&rows, state, ACTOR, &format!("nhập {label}"), |d| {
            bar.set_position(d)
        })
        .await;
    bar.finish_and_clear();
    let changed = match changed {
        Err(chitieu_store::StoreError::Conflict(conflicts)) => {
            let errors = conflicts
                .iter()
                .take(values_csv::MAX_ERRORS)
                .map(|c| chitieu_exchange::InputError {
                    file: label.clone(),
                    location: format!("dòng {}", c.index.map_or(0, |i| lines[i])),
                    field: None,
                    reason: c.reason_vi(),
                })
                .collect();
            return Err(chitieu_exchange::InputErrors(errors).into());
        }
        other => other?,
    };
    let n = rows.len() as u64;
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 { n as f64 / secs } else { 0.0 };
    println!(
        "Đã nhập {} dòng từ {label} trong {} giây ({} dòng/giây); {} giá trị mới hoặc thay đổi.",
        format_int_vi(n),
        format!("{secs:.1}").replace('.', ","),
        format_int_vi(rate as u64),
        format_int_vi(changed)
    );
    Ok(())
}
