//! `chitieu values import|export`: values as CSV, all or nothing.

use anyhow::{Context, Result};
use chitieu_domain::text::format_int_vi;
use chitieu_domain::{UnitCode, ValueState};
use chitieu_exchange::values_csv;
use chitieu_store::{NewValue, Store, ValueFilter};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::BufReader;
use std::time::Instant;

use crate::{ACTOR, open};

#[derive(Subcommand)]
pub enum ValuesCmd {
    /// Import a CSV with the header indicator,unit,period,value,numerator,denominator,comment.
    /// All or nothing: one bad line and nothing is written.
    Import {
        file: std::path::PathBuf,
        /// State of the imported values: drafts, to be sent in their units' reports, or
        /// `accepted` for official figures loaded by the operator (history from before the
        /// workflow). Submission and approval happen through the reports.
        #[arg(long, default_value = "draft", value_parser = ["draft", "accepted"])]
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

pub async fn run(db: &str, cmd: ValuesCmd) -> Result<()> {
    match cmd {
        ValuesCmd::Import { file, state } => {
            let store = open(db).await?;
            import_values(&store, &file, state.parse().map_err(anyhow::Error::msg)?).await?;
        }
        ValuesCmd::Export {
            indicator,
            unit,
            output,
        } => {
            let store = open(db).await?;
            let catalog = store.catalog().await?;
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
            let rows = store.values(&filter).await?;
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
    }
    Ok(())
}

async fn import_values(store: &Store, path: &std::path::Path, state: ValueState) -> Result<()> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).with_context(|| format!("không mở được tệp {label}"))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let catalog = store.catalog().await?;
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
    let rows: Vec<NewValue> = parsed
        .into_iter()
        .map(|p| NewValue::new(p.value, p.version))
        .collect();
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
