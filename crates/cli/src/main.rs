//! `chitieu`: the command line of the platform.

/// `println!` that hands a closed pipe back as an error instead of panicking, so that
/// `chitieu assess | head` ends quietly (see `is_broken_pipe`) while SIGPIPE stays ignored:
/// with the signal's default action, a client hanging up mid-answer killed the server.
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        writeln!(std::io::stdout())?
    }};
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($t)*)?
    }};
}

mod cmd_accounts;
mod cmd_assess;
mod cmd_backup;
mod cmd_init;
mod cmd_report;
mod cmd_tasks;
mod cmd_units;
mod cmd_upstream;
mod cmd_values;

pub use cmd_init::{init, init_with};

use anyhow::{Context, Result};
use chitieu_store::Store;
use clap::{Parser, Subcommand};

/// Logs go to stderr: coloured on a terminal only (a file or a journal gets no escape
/// codes), one JSON object a line with `CHITIEU_LOG_FORMAT=json`.
fn log_init() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if std::env::var("CHITIEU_LOG_FORMAT").is_ok_and(|f| f.trim().eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// On a database with no administrator, says exactly which command creates the first one
/// (the database named as it was given: by `--db` or `CHITIEU_DB`, never echoed, as a
/// PostgreSQL address may hold a password).
async fn first_admin_hint(store: &Store) -> Result<()> {
    let admins = store
        .accounts()
        .await?
        .into_iter()
        .filter(|a| a.active && a.role == chitieu_domain::permission::Role::Admin)
        .count();
    if admins == 0 {
        let owner = store
            .plan_file()
            .await?
            .map_or_else(|| "19".to_string(), |p| p.plan.owner.to_string());
        eprintln!(
            "Chưa có tài khoản quản trị nào. Tạo tài khoản đầu tiên (cùng --db hoặc CHITIEU_DB như lệnh này): \
             chitieu user add --login quantri --role admin --unit {owner} --name \"Quản trị hệ thống\""
        );
    }
    Ok(())
}

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
        /// instead of Thái Nguyên's: another province's plan, with its own units. `national`:
        /// Resolution 57's national plan, for a central instance that receives the
        /// provinces' official figures (owner VN, the 34 provinces reporting).
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
        /// `init` and the demo data first (only once; later runs keep what is there).
        /// Without it, `serve` only migrates the schema: it never loads or changes a plan.
        #[arg(long)]
        demo: bool,
        /// A proxy on another host whose X-Forwarded-For and X-Forwarded-Proto are believed
        /// (an address or a CIDR range; repeat for several). This machine's are always.
        #[arg(long = "trusted-proxy", value_name = "CIDR")]
        trusted_proxy: Vec<String>,
    },
    /// Import or export indicator values (CSV).
    #[command(subcommand)]
    Values(cmd_values::ValuesCmd),
    /// Another system's codes for our units and indicators (DHIS2 org units, data elements).
    #[command(subcommand)]
    Mapping(cmd_values::MappingCmd),
    /// Import or list administrative units.
    #[command(subcommand)]
    Units(cmd_units::UnitsCmd),
    /// Manage user accounts.
    #[command(subcommand)]
    User(cmd_accounts::UserCmd),
    /// Manage API tokens for other systems.
    #[command(subcommand)]
    Token(cmd_accounts::TokenCmd),
    /// Deliver this province's official figures to a central instance.
    #[command(subcommand)]
    Upstream(cmd_upstream::UpstreamCmd),
    /// Assign tasks: one, or a list from CSV.
    #[command(subcommand)]
    Task(cmd_tasks::TaskCmd),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
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
        /// Measure the server over HTTP instead: req/s, p50, p99 per route on the demo and
        /// on the national data set (of --values values).
        #[arg(long)]
        http: bool,
        /// With --http: seconds per route.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// With --http: concurrent keep-alive connections.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Only fill the database at --db with the generated national data set (units,
        /// plan and --values accepted values), to run a server or an import against it.
        #[arg(long)]
        fill: bool,
        /// The 34 provinces push a quarter's official figures (every commune, every mapped
        /// indicator) into one central server at once: the time to take them in, and the
        /// centre's read latency meanwhile beside its idle latency (--seconds of reads).
        /// The centre on SQLite, or on PostgreSQL with --pg.
        #[arg(long)]
        federation: bool,
    },
    /// The periodic report of a period from official figures, in the layout of Decree
    /// 30/2020/NĐ-CP, as Word, PDF (with a chart) or Excel.
    Report {
        /// 2025, 2025S2, 2025Q3, 2025M07.
        #[arg(long)]
        period: String,
        /// Default: the province that owns the plan.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, default_value = "docx", value_parser = ["docx", "pdf", "xlsx"])]
        format: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The brief for a steering committee's next meeting, as of today: targets off track and
    /// missed, overdue tasks with their heads, units' difficulties and proposals since the last
    /// meeting, the previous conclusions' progress; Word, PDF or Excel.
    Brief {
        /// The committee's unit code. Default: the plan owner's steering committee.
        #[arg(long)]
        committee: Option<String>,
        #[arg(long, default_value = "docx", value_parser = ["docx", "pdf", "xlsx"])]
        format: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// A consistent copy of the database, taken while the server runs: SQLite by VACUUM INTO
    /// (one file), PostgreSQL by pg_dump (custom format; needs the PostgreSQL client tools).
    Backup {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a copy from `backup` into an empty database (--db), migrate it to this
    /// version and check its audit chain.
    Restore { file: std::path::PathBuf },
    /// The year's evaluation of departments, communes and wards: score, rating, rank, and
    /// with --unit the lines behind one unit's score.
    Evaluate {
        #[arg(long)]
        year: i32,
        /// Print this unit's lines.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        json: bool,
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
enum AuditCmd {
    /// Walk the hash chain; exit non-zero naming the first entry altered, removed or moved.
    Verify,
}

const ACTOR: &str = "cli";

// Many small, short-lived allocations while loading and importing: mimalloc keeps them
// cheap and returns memory instead of fragmenting per-thread arenas (measured with `bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    log_init();
    let cli = Cli::parse();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    if let Err(e) = rt.block_on(run(cli)) {
        if is_broken_pipe(&e) {
            // The reader went away (`chitieu values export | head`): not an error.
            return;
        }
        eprintln!("Lỗi: {}", words(&e));
        std::process::exit(1);
    }
}

/// A rule's refusal, worded for the terminal (in Vietnamese).
pub(crate) fn said(r: chitieu_domain::Refusal) -> anyhow::Error {
    anyhow::anyhow!(chitieu_web::i18n::refusals::say(
        &r,
        chitieu_web::i18n::Lang::Vi
    ))
}

/// What an error says to the person at the terminal: each cause of the chain, refusals in
/// their words (not the code and data their `Display` gives the logs).
fn words(e: &anyhow::Error) -> String {
    use chitieu_app::StoreError;
    let say = |r: &chitieu_domain::Refusal| {
        chitieu_web::i18n::refusals::say(r, chitieu_web::i18n::Lang::Vi)
    };
    let mut said: Vec<String> = Vec::new();
    for c in e.chain() {
        let w = if let Some(r) = c.downcast_ref::<chitieu_domain::Refusal>() {
            say(r)
        } else if let Some(StoreError::Refused(r) | StoreError::NotFound(r)) =
            c.downcast_ref::<StoreError>()
        {
            say(r)
        } else if let Some(b) = c.downcast_ref::<chitieu_app::live::BadInput>() {
            say(&b.0)
        } else {
            c.to_string()
        };
        // An error that wraps another already says its words: the driver's text once.
        if said.last().is_some_and(|p| p.contains(w.as_str())) {
            continue;
        }
        said.push(w);
    }
    said.join(": ")
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
    opened(url, Store::open(url).await)
}

/// A store, or why the database at `url` could not be opened (without its password).
fn opened(url: &str, store: chitieu_store::Result<Store>) -> Result<Store> {
    let store = store.with_context(|| format!("không mở được cơ sở dữ liệu {}", redact(url)))?;
    Ok(store.with_clock(clock()?))
}

/// The clock every rule reads "today" from: the system's, or one starting at `CHITIEU_NOW`
/// (RFC 3339, e.g. `2026-12-31T23:30:00Z`) to rehearse a deadline, a year's turn or a
/// report's lateness before the day comes.
fn clock() -> Result<chitieu_domain::Clock> {
    match std::env::var("CHITIEU_NOW") {
        Ok(at) if !at.trim().is_empty() => {
            let at = chrono::DateTime::parse_from_rfc3339(at.trim())
                .with_context(|| {
                    format!(
                        "CHITIEU_NOW \"{at}\": cần một thời điểm RFC 3339, vd. 2026-12-31T23:30:00Z"
                    )
                })?
                .with_timezone(&chrono::Utc);
            tracing::warn!(%at, "đồng hồ đặt theo CHITIEU_NOW, không theo giờ hệ thống");
            Ok(chitieu_domain::Clock::starting_at(at))
        }
        _ => Ok(chitieu_domain::Clock::system()),
    }
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
                Some(path) if path.as_os_str() == "national" => {
                    init_with(&store, &chitieu_domain::default_plan::national_plan()).await?;
                }
                Some(path) => {
                    let label = path.display().to_string();
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("không đọc được tệp {label}"))?;
                    let file = chitieu_domain::default_plan::PlanFile::parse(&text)
                        .map_err(|e| crate::said(e).context(label.clone()))?;
                    init_with(&store, &file).await?;
                }
            }
        }
        Command::Demo => {
            let store = open(&cli.db).await?;
            init(&store).await?;
            cmd_init::demo(&store).await?;
        }
        Command::Serve {
            bind,
            demo,
            trusted_proxy,
        } => {
            let trusted =
                chitieu_web::TrustedProxies::parse(&trusted_proxy).map_err(anyhow::Error::msg)?;
            // Serving never changes the plan: `init` and `demo` load plans.
            let store = opened(&cli.db, Store::open_for_server(&cli.db).await)?;
            if demo {
                init(&store).await?;
                cmd_init::demo(&store).await?;
            } else if store.plan_file().await?.is_none() {
                // A mistyped SQLite path creates an empty database: say so, never serve it.
                anyhow::bail!(
                    "cơ sở dữ liệu chưa có kế hoạch (đường dẫn --db có đúng không?): chạy `chitieu init` hoặc `chitieu serve --demo` trước"
                );
            }
            first_admin_hint(&store).await?;
            chitieu_web::serve(store, &bind, trusted, |addr| {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stdout(),
                    "chitieu đang chạy tại http://{addr}/ (Ctrl-C để dừng)"
                );
            })
            .await
            .with_context(|| format!("không mở được địa chỉ {bind}"))?;
        }
        Command::Values(cmd) => cmd_values::run(&cli.db, cmd).await?,
        Command::Mapping(cmd) => cmd_values::mapping(&cli.db, cmd).await?,
        Command::Units(cmd) => cmd_units::run(&cli.db, cmd).await?,
        Command::Assess {
            unit,
            as_of,
            method,
            json,
        } => cmd_assess::assess(&cli.db, unit, as_of, method, json).await?,
        Command::Bench {
            federation: true,
            pg,
            seconds,
            json,
            ..
        } => {
            chitieu_bench::federation::run(chitieu_bench::federation::FederationOptions {
                pg: pg.filter(|s| !s.is_empty()),
                seconds,
                json,
            })
            .await?;
        }
        Command::Bench {
            values,
            seed,
            fill: true,
            ..
        } => {
            let store = open(&cli.db).await?;
            chitieu_bench::fill_only(&store, values, seed).await?;
        }
        Command::Bench {
            values,
            json,
            seed,
            http: true,
            seconds,
            connections,
            ..
        } => {
            chitieu_bench::http::run(chitieu_bench::http::HttpOptions {
                values,
                seconds,
                connections: connections.max(1),
                seed,
                json,
            })
            .await?;
        }
        Command::Bench {
            values,
            json,
            seed,
            pg,
            ..
        } => {
            let pg = pg
                .or_else(|| std::env::var("CHITIEU_BENCH_PG").ok())
                .or_else(|| std::env::var("CHITIEU_TEST_PG").ok())
                .filter(|s| !s.is_empty());
            chitieu_bench::run(chitieu_bench::Options {
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
        } => cmd_assess::warnings(&cli.db, unit, as_of, json, limit).await?,
        Command::Report {
            period,
            unit,
            format,
            out,
        } => cmd_report::report(&cli.db, &period, unit, &format, &out).await?,
        Command::Brief {
            committee,
            format,
            out,
        } => cmd_report::brief(&cli.db, committee, &format, &out).await?,
        Command::Backup { out } => cmd_backup::backup(&cli.db, &out).await?,
        Command::Restore { file } => cmd_backup::restore(&cli.db, &file).await?,
        Command::Evaluate { year, unit, json } => {
            cmd_assess::evaluate(&cli.db, year, unit, json).await?
        }
        Command::Token(cmd) => cmd_accounts::token(&cli.db, cmd).await?,
        Command::Upstream(cmd) => cmd_upstream::run(&cli.db, cmd).await?,
        Command::Task(cmd) => cmd_tasks::run(&cli.db, cmd).await?,
        Command::User(cmd) => cmd_accounts::user(&cli.db, cmd).await?,
        Command::Audit(AuditCmd::Verify) => {
            let store = open(&cli.db).await?;
            let n = store
                .verify_audit_chain()
                .await
                .context("nhật ký kiểm toán không toàn vẹn")?;
            outln!("Nhật ký kiểm toán toàn vẹn: {n} mục, chuỗi mã băm khớp từ đầu đến cuối.");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// #33: database errors said the same driver text three times (the store's error, the
    /// driver's, its cause).
    #[test]
    fn a_database_error_says_the_drivers_words_once() {
        let e = anyhow::Error::from(chitieu_app::StoreError::Db(sea_orm::DbErr::Custom(
            "khóa trùng (duplicate key)".into(),
        )))
        .context("không mở được cơ sở dữ liệu sqlite://x.db");
        let w = super::words(&e);
        assert_eq!(w.matches("duplicate key").count(), 1, "{w}");
        assert!(w.starts_with("không mở được cơ sở dữ liệu"), "{w}");
    }
}
