//! `chitieu values import|export`: values as CSV, all or nothing.

use anyhow::{Context, Result};
use chitieu_app::{NewValue, Store, ValueFilter};
use chitieu_domain::text::format_int_vi;
use chitieu_domain::{UnitCode, ValueState};
use chitieu_exchange::values_csv;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::BufReader;
use std::time::Instant;

use crate::{ACTOR, open};

#[derive(Subcommand)]
pub enum ValuesCmd {
    /// Import a CSV with the header indicator,unit,period,value,numerator,denominator,comment,
    /// or a filled Excel template (.xlsx). All or nothing: one bad line or cell and nothing is
    /// written.
    Import {
        file: std::path::PathBuf,
        /// State of the imported values: drafts, to be sent in their units' reports, or
        /// `accepted` for official figures loaded by the operator (history from before the
        /// workflow). Submission and approval happen through the reports.
        #[arg(long, default_value = "draft", value_parser = ["draft", "accepted"])]
        state: String,
        /// For a DHIS2 dataValueSets (.json) or ADX (.xml) file: whose code-mapping table to
        /// read it with.
        #[arg(long, default_value = "dhis2")]
        system: String,
    },
    /// Write an Excel entry template for one unit, form and period, to fill offline and
    /// import back (`values import FILE.xlsx` or the entry page).
    Template {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        form: String,
        /// A period of the form's frequency: 2025Q3, 2025S2, 2025.
        #[arg(long)]
        period: String,
        #[arg(long, short)]
        output: std::path::PathBuf,
    },
    /// Write values as CSV (same format as import), or as DHIS2 dataValueSets JSON, to
    /// standard output or a file.
    Export {
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        #[arg(long, default_value = "csv", value_parser = ["csv", "dhis2", "adx"])]
        format: String,
        /// With --format dhis2 or adx: whose code-mapping table to write the codes with.
        #[arg(long, default_value = "dhis2")]
        system: String,
        /// For opening in Excel: a comment that Excel would run as a formula (starting with
        /// = + - @) gets an apostrophe in front; `values import` takes it off again.
        #[arg(long)]
        for_excel: bool,
    },
}

#[derive(Subcommand)]
pub enum MappingCmd {
    /// Replace a system's table with a CSV `part,code,external` (part: unit, value,
    /// numerator, denominator). All or nothing.
    Import {
        #[arg(long)]
        system: String,
        file: std::path::PathBuf,
    },
    /// A system's table, as CSV.
    List {
        #[arg(long)]
        system: String,
    },
}

fn system_name(s: &str) -> Result<String> {
    chitieu_app::exchange::system_name(s).map_err(anyhow::Error::msg)
}

async fn mapping_of(store: &Store, system: &str) -> Result<chitieu_exchange::dhis2::Mapping> {
    chitieu_app::exchange::mapping_of(store, system)
        .await
        .map_err(anyhow::Error::msg)
}

pub async fn mapping(db: &str, cmd: MappingCmd) -> Result<()> {
    match cmd {
        MappingCmd::Import { system, file } => {
            let store = open(db).await?;
            let label = file.display().to_string();
            let bytes =
                std::fs::read(&file).with_context(|| format!("không đọc được tệp {label}"))?;
            let catalog = store.catalog().await?;
            let n = chitieu_app::exchange::replace_mapping(
                &store, &catalog, &system, &bytes, &label, ACTOR,
            )
            .await
            .map_err(crate::cmd_assess::refused)?;
            outln!("Đã ghi {n} dòng ánh xạ mã cho {}.", system.trim());
        }
        MappingCmd::List { system } => {
            let store = open(db).await?;
            outln!("part,code,external");
            for (p, c, e) in store.mappings(&system_name(&system)?).await? {
                outln!("{p},{c},{e}");
            }
        }
    }
    Ok(())
}

pub async fn run(db: &str, cmd: ValuesCmd) -> Result<()> {
    match cmd {
        ValuesCmd::Import {
            file,
            state,
            system,
        } => {
            let store = open(db).await?;
            import_values(&store, &file, state.parse().map_err(crate::said)?, &system).await?;
        }
        ValuesCmd::Template {
            unit,
            form,
            period,
            output,
        } => {
            let store = open(db).await?;
            let live = chitieu_app::live::Live::load(store).await?;
            let snap = live.snapshot();
            let plan = snap
                .plan
                .as_ref()
                .context("chưa có kế hoạch: chạy chitieu init")?;
            let code = UnitCode::parse(&unit).map_err(crate::said)?;
            let sender = snap
                .unit(&code)
                .with_context(|| format!("không có đơn vị \"{unit}\""))?;
            let f = plan
                .forms
                .iter()
                .find(|f| f.code.eq_ignore_ascii_case(form.trim()))
                .with_context(|| format!("không có biểu \"{form}\""))?;
            let period: chitieu_domain::Period = period
                .trim()
                .parse()
                .map_err(|e: chitieu_domain::PeriodError| crate::said(e.into()))?;
            anyhow::ensure!(
                period.kind() == f.frequency,
                "biểu {} báo cáo {}; kỳ {period} không phải kỳ của biểu",
                f.code,
                f.frequency.label_vi()
            );
            let indicators = f.indicators_of(&plan.indicators, sender);
            anyhow::ensure!(
                !indicators.is_empty(),
                "{} không gửi biểu {}",
                sender.name,
                f.code
            );
            let values_code = chitieu_domain::report::Form::values_unit(sender, &plan.plan.owner);
            let values_unit = snap.unit(&values_code).context("đơn vị của số liệu")?;
            let bytes = chitieu_exchange::values_xlsx::template(
                &chitieu_exchange::values_xlsx::Template {
                    form: f,
                    sender,
                    values_unit,
                    period,
                    indicators,
                },
            )?;
            std::fs::write(&output, bytes)
                .with_context(|| format!("không ghi được tệp {}", output.display()))?;
            eprintln!("Đã tạo biểu mẫu {}", output.display());
        }
        ValuesCmd::Export {
            indicator,
            unit,
            output,
            format,
            system,
            for_excel,
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
                    .map(|u| UnitCode::parse(&u).map_err(crate::said))
                    .transpose()?,
            };
            let rows = store.values(&filter).await?;
            let export = rows.iter().map(chitieu_app::exchange::export_row);
            if format == "adx" {
                let mapping = mapping_of(&store, &system).await?;
                let live = chitieu_app::live::Live::load(store.clone()).await?;
                let snap = live.snapshot();
                let forms: Vec<(String, Vec<String>)> = snap
                    .plan
                    .as_ref()
                    .map(|p| {
                        p.forms
                            .iter()
                            .map(|f| (f.code.clone(), f.indicators.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                let data_set = |indicator: &str| {
                    forms
                        .iter()
                        .find(|(_, inds)| inds.iter().any(|i| i == indicator))
                        .map_or_else(|| "chitieu".to_string(), |(f, _)| f.clone())
                };
                let xml = chitieu_exchange::adx::export(export, &mapping, data_set)
                    .map_err(anyhow::Error::msg)?;
                match output {
                    Some(path) => std::fs::write(&path, xml)
                        .with_context(|| format!("không ghi được tệp {}", path.display()))?,
                    None => outln!("{xml}"),
                }
                return Ok(());
            }
            if format == "dhis2" {
                let json =
                    chitieu_exchange::dhis2::export(export, &mapping_of(&store, &system).await?);
                match output {
                    Some(path) => std::fs::write(&path, json)
                        .with_context(|| format!("không ghi được tệp {}", path.display()))?,
                    None => outln!("{json}"),
                }
                return Ok(());
            }
            match output {
                Some(path) => {
                    let f = std::fs::File::create(&path)
                        .with_context(|| format!("không tạo được tệp {}", path.display()))?;
                    values_csv::write_for(std::io::BufWriter::new(f), export, for_excel)?;
                    eprintln!(
                        "Đã xuất {} giá trị ra {}",
                        format_int_vi(rows.len() as u64),
                        path.display()
                    );
                }
                None => values_csv::write_for(std::io::stdout().lock(), export, for_excel)?,
            }
        }
    }
    Ok(())
}

async fn import_values(
    store: &Store,
    path: &std::path::Path,
    state: ValueState,
    system: &str,
) -> Result<()> {
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
    let excel = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let dhis2 = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let adx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let parsed = if adx {
        let mapping = mapping_of(store, system).await?;
        let bytes = std::fs::read(path).with_context(|| format!("không đọc được tệp {label}"))?;
        chitieu_exchange::adx::parse(&bytes, &label, &catalog, &mapping)
    } else if dhis2 {
        let mapping = mapping_of(store, system).await?;
        let bytes = std::fs::read(path).with_context(|| format!("không đọc được tệp {label}"))?;
        chitieu_exchange::dhis2::parse(&bytes, &label, &catalog, &mapping)
    } else if excel {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(f, chitieu_exchange::values_xlsx::MAX_BYTES as u64 + 1),
            &mut bytes,
        )
        .with_context(|| format!("không đọc được tệp {label}"))?;
        chitieu_exchange::values_xlsx::parse(&bytes, &label, &catalog)
    } else {
        values_csv::parse(
            BufReader::with_capacity(1 << 20, f),
            &label,
            &catalog,
            |b| bar.set_position(b),
        )
    };
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
        Err(chitieu_app::StoreError::Conflict(conflicts)) => {
            let errors = conflicts
                .iter()
                .take(values_csv::MAX_ERRORS)
                .map(|c| chitieu_exchange::InputError {
                    file: label.clone(),
                    location: if adx {
                        format!("dataValue thứ {}", c.index.map_or(0, |i| lines[i]) + 1)
                    } else if dhis2 {
                        format!("dataValues[{}]", c.index.map_or(0, |i| lines[i]))
                    } else if excel {
                        format!(
                            "trang \"{}\", dòng {}",
                            chitieu_exchange::values_xlsx::SHEET,
                            c.index.map_or(0, |i| lines[i])
                        )
                    } else {
                        format!("dòng {}", c.index.map_or(0, |i| lines[i]))
                    },
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
    outln!(
        "Đã nhập {} dòng từ {label} trong {} giây ({} dòng/giây); {} giá trị mới hoặc thay đổi.",
        format_int_vi(n),
        format!("{secs:.1}").replace('.', ","),
        format_int_vi(rate as u64),
        format_int_vi(changed)
    );
    Ok(())
}
