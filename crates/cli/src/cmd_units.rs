//! `chitieu units import|list`: the national map.

use anyhow::{Context, Result};
use chitieu_domain::UnitCode;
use chitieu_domain::text::format_int_vi;
use chitieu_exchange::admin_map;
use clap::Subcommand;

use crate::{ACTOR, open};

#[derive(Subcommand)]
pub enum UnitsCmd {
    /// Import the national map (JSON in the format of vn-admin-units-2025.json). Adds new
    /// units, updates changed ones; a second run changes nothing. What the file does not
    /// carry (populations, officials) keeps its stored value.
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

pub async fn run(db: &str, cmd: UnitsCmd) -> Result<()> {
    match cmd {
        UnitsCmd::Import { file } => {
            let store = open(db).await?;
            let label = file.display().to_string();
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được tệp {label}"))?;
            let units = admin_map::parse(&text, &label)?;
            let s = store
                .import_units(&units, ACTOR, &format!("nhập danh mục {label}"))
                .await?;
            let counts = store.unit_counts().await?;
            outln!(
                "Đã nhập {label}: thêm {}, cập nhật {}, không đổi {}.",
                format_int_vi(s.added),
                format_int_vi(s.updated),
                format_int_vi(s.unchanged)
            );
            outln!(
                "Trong cơ sở dữ liệu: {} tỉnh/thành phố, {} xã/phường/đặc khu.",
                counts.kind(chitieu_domain::UnitKind::Province),
                format_int_vi(
                    counts.kind(chitieu_domain::UnitKind::Commune)
                        + counts.kind(chitieu_domain::UnitKind::Ward)
                )
            );
        }
        UnitsCmd::List { parent, on, json } => {
            let store = open(db).await?;
            let parent = parent
                .map(|p| UnitCode::parse(&p).map_err(crate::said))
                .transpose()?;
            let on = on.unwrap_or_else(|| store.clock().today());
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
                outln!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for u in &units {
                    outln!("{:<12} {:<16} {}", u.code, u.kind.label_vi(), u.name);
                }
                eprintln!("{} đơn vị", format_int_vi(units.len() as u64));
            }
        }
    }
    Ok(())
}
