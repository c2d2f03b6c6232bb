//! `chitieu report`: the periodic report from official (accepted) figures, as a Word document
//! in the Decree 30/2020 layout.

use anyhow::{Context, Result};
use chitieu_domain::{Period, UnitCode};
use chitieu_exchange::report_docx::docx;

use crate::open;

pub async fn report(
    db: &str,
    period: &str,
    unit: Option<String>,
    format: &str,
    out: &std::path::Path,
) -> Result<()> {
    anyhow::ensure!(
        format == "docx",
        "định dạng \"{format}\" chưa có: dùng docx"
    );
    let period: Period = period
        .trim()
        .parse()
        .map_err(|e| anyhow::anyhow!("kỳ \"{period}\": {e}"))?;
    let store = open(db).await?;
    let live = chitieu_app::live::Live::load(store).await?;
    let snap = live.snapshot();
    let plan = snap
        .plan
        .as_ref()
        .context("chưa có kế hoạch: chạy chitieu init")?;
    let code = match unit {
        Some(u) => UnitCode::parse(&u).map_err(anyhow::Error::msg)?,
        None => plan.plan.owner.clone(),
    };
    let r = chitieu_app::report::report_of(&snap, period, &code, chitieu_app::live::today())
        .map_err(anyhow::Error::msg)?;
    let bytes = docx(&r).map_err(|e| anyhow::anyhow!("không tạo được tệp Word: {e}"))?;
    std::fs::write(out, bytes).with_context(|| format!("không ghi được tệp {}", out.display()))?;
    eprintln!("Đã tạo báo cáo {}", out.display());
    Ok(())
}
