//! `chitieu report`: the periodic report from official (accepted) figures, in the Decree
//! 30/2020 layout, as Word, PDF or Excel.

use anyhow::{Context, Result};
use chitieu_app::report::{Unasked, report_of, which};
use chitieu_exchange::report::Format;

use crate::open;

pub async fn report(
    db: &str,
    period: &str,
    unit: Option<String>,
    format: &str,
    out: &std::path::Path,
) -> Result<()> {
    let format = Format::parse(format).map_err(anyhow::Error::msg)?;
    let store = open(db).await?;
    let live = chitieu_app::live::Live::load(store).await?;
    let snap = live.snapshot();
    anyhow::ensure!(snap.plan.is_some(), "chưa có kế hoạch: chạy chitieu init");
    let (period, code) =
        which(&snap, Some(period), unit.as_deref(), snap.today()).map_err(|e| match e {
            Unasked::Period(why) => anyhow::anyhow!(why),
            Unasked::Unit(u) => anyhow::anyhow!("không có đơn vị \"{u}\""),
        })?;
    let r = report_of(&snap, period, &code, snap.today()).map_err(crate::said)?;
    let bytes = format.render(&r).map_err(anyhow::Error::msg)?;
    std::fs::write(out, bytes).with_context(|| format!("không ghi được tệp {}", out.display()))?;
    eprintln!("Đã tạo báo cáo {}", out.display());
    Ok(())
}
