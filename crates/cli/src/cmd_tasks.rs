//! `chitieu task add|import`: assigning work from the command line, one task or a list
//! (CSV), all or nothing.

use anyhow::{Context, Result, bail};
use chitieu_app::tasks::{TaskBook, TaskInput};
use chitieu_domain::UnitCode;
use clap::Subcommand;
use std::collections::HashMap;

use crate::{ACTOR, open};

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run; boxing buys nothing
pub enum TaskCmd {
    /// Add a task (or replace the one with the same code, keeping its progress).
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
        /// The lead unit's code.
        #[arg(long)]
        lead: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        deadline: String,
        /// YYYY-MM-DD; default today.
        #[arg(long, default_value = "")]
        start: String,
        /// The work-programme year; default the deadline's year.
        #[arg(long, default_value = "")]
        year: String,
        /// A coordinating unit (repeat for several).
        #[arg(long = "coord")]
        coordinating: Vec<String>,
        /// A linked indicator (repeat for several).
        #[arg(long = "indicator")]
        indicators: Vec<String>,
        #[arg(long, default_value = "")]
        product: String,
        /// The source document: number ("12/TB-BCĐ"), date, issuer.
        #[arg(long, default_value = "")]
        source_number: String,
        #[arg(long, default_value = "")]
        source_date: String,
        #[arg(long, default_value = "")]
        source_issuer: String,
    },
    /// Import a list of tasks from CSV with a header row: code, title, lead_unit, deadline,
    /// and optionally coordinating_units, indicators (codes separated by ';' or spaces), year,
    /// start, expected_product, source_number, source_date, source_issuer, funding_source
    /// (central, province, private), funding_allocated, funding_disbursed (million đồng,
    /// exact decimals). All or nothing;
    /// a task already there keeps its progress, completion and cancellation.
    Import { file: std::path::PathBuf },
}

const COLUMNS: [&str; 15] = [
    "code",
    "title",
    "lead_unit",
    "coordinating_units",
    "year",
    "start",
    "deadline",
    "expected_product",
    "indicators",
    "source_number",
    "source_date",
    "source_issuer",
    "funding_source",
    "funding_allocated",
    "funding_disbursed",
];
const REQUIRED: [&str; 4] = ["code", "title", "lead_unit", "deadline"];
/// Errors listed before giving up: enough to fix a file in one go.
const MAX_ERRORS: usize = 50;

fn codes(s: &str) -> Vec<String> {
    s.split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The rows of a task list as inputs, each with its line; every error names the file, the
/// line, the column and the reason.
fn parse_csv(text: &str, label: &str) -> Result<Vec<(u64, TaskInput)>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .with_context(|| format!("{label}: dòng 1: không đọc được tiêu đề CSV"))?
        .clone();
    for h in &headers {
        if !COLUMNS.contains(&h) {
            bail!(
                "{label}: dòng 1, cột \"{h}\": không có cột này (các cột: {})",
                COLUMNS.join(", ")
            );
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            bail!("{label}: dòng 1: thiếu cột \"{r}\"");
        }
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(format!("{label}: dòng {line}: không đọc được CSV: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let get = |k: &str| {
            headers
                .iter()
                .position(|h| h == k)
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .to_string()
        };
        out.push((
            line,
            TaskInput {
                code: get("code"),
                title: get("title"),
                year: get("year"),
                lead_unit: get("lead_unit"),
                coordinating_units: codes(&get("coordinating_units")),
                start: get("start"),
                deadline: get("deadline"),
                expected_product: get("expected_product"),
                indicators: codes(&get("indicators")),
                source_number: get("source_number"),
                source_date: get("source_date"),
                source_issuer: get("source_issuer"),
                funding_source: get("funding_source"),
                funding_allocated: get("funding_allocated"),
                funding_disbursed: get("funding_disbursed"),
                notation: Default::default(),
            },
        ));
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    Ok(out)
}

pub async fn run(db: &str, cmd: TaskCmd) -> Result<()> {
    let store = open(db).await?;
    let (inputs, label) = match cmd {
        TaskCmd::Add {
            code,
            title,
            lead,
            deadline,
            start,
            year,
            coordinating,
            indicators,
            product,
            source_number,
            source_date,
            source_issuer,
        } => (
            vec![(
                0,
                TaskInput {
                    code,
                    title,
                    year,
                    lead_unit: lead,
                    coordinating_units: coordinating,
                    start,
                    deadline,
                    expected_product: product,
                    indicators,
                    source_number,
                    source_date,
                    source_issuer,
                    ..Default::default()
                },
            )],
            "dòng lệnh".to_string(),
        ),
        TaskCmd::Import { file } => {
            let label = file.display().to_string();
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được tệp {label}"))?;
            (parse_csv(&text, &label)?, label)
        }
    };
    let plan = store
        .plan_file()
        .await?
        .context("chưa có kế hoạch: chạy `chitieu init` trước")?;
    let catalog = store.catalog().await?;
    let book = TaskBook {
        plan: &plan.plan.code,
        has_unit: &|u: &UnitCode| catalog.units.contains_key(u),
        has_indicator: &|i: &str| catalog.indicators.contains_key(i),
        today: store.clock().today(),
    };
    let existing: HashMap<String, chitieu_domain::Task> = store
        .tasks()
        .await?
        .into_iter()
        .map(|t| (t.code.clone(), t))
        .collect();
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, input) in &inputs {
        let at = if *line == 0 {
            label.clone()
        } else {
            format!("{label}: dòng {line}")
        };
        match input.read_with(&book) {
            Ok(t) => {
                if let Some(first) = seen.insert(t.code.clone(), *line) {
                    errors.push(format!(
                        "{at}, cột \"code\": mã \"{}\" đã có ở dòng {first}",
                        t.code
                    ));
                    continue;
                }
                tasks.push(t);
            }
            Err(e) => {
                let say = |r| chitieu_web::i18n::refusals::say(r, chitieu_web::i18n::Lang::Vi);
                errors.push(match &e {
                    chitieu_domain::Refusal::At {
                        place: chitieu_domain::refusal::Place::Field(name),
                        inner,
                    } => format!("{at}, cột \"{name}\": {}", say(inner)),
                    other => format!("{at}: {}", say(other)),
                });
            }
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        bail!(
            "không nhập gì ({} lỗi):\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
    // A task already there keeps its progress, completion and cancellation as stored at
    // the moment of writing, not as read above.
    store
        .write_tasks(&tasks, chitieu_app::TaskWrite::Assign, ACTOR)
        .await?;
    let added = tasks
        .iter()
        .filter(|t| !existing.contains_key(&t.code))
        .count();
    outln!(
        "Đã ghi {} nhiệm vụ ({added} mới, {} cập nhật) từ {label}.",
        tasks.len(),
        tasks.len() - added
    );
    Ok(())
}
