//! `chitieu report`: the periodic report from official (accepted) figures, in the Decree
//! 30/2020 layout, as Word, PDF or Excel.

use anyhow::{Context, Result};
use chitieu_app::report::{Unasked, brief_of, report_of, which};
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
    write(format, &r, out)
}

fn write(
    format: Format,
    r: &chitieu_exchange::report::Report,
    out: &std::path::Path,
) -> Result<()> {
    let bytes = format.render(r).map_err(anyhow::Error::msg)?;
    std::fs::write(out, bytes).with_context(|| format!("không ghi được tệp {}", out.display()))?;
    eprintln!("Đã tạo báo cáo {}", out.display());
    Ok(())
}

/// `chitieu brief`: the brief for a steering committee's next meeting.
pub async fn brief(
    db: &str,
    committee: Option<String>,
    format: &str,
    out: &std::path::Path,
) -> Result<()> {
    let format = Format::parse(format).map_err(anyhow::Error::msg)?;
    let store = open(db).await?;
    let live = chitieu_app::live::Live::load(store.clone()).await?;
    let snap = live.snapshot();
    let plan = snap
        .plan
        .as_ref()
        .context("chưa có kế hoạch: chạy chitieu init")?;
    let code = match committee {
        Some(c) => chitieu_domain::UnitCode::parse(&c)
            .ok()
            .filter(|c| snap.unit(c).is_some())
            .with_context(|| format!("không có đơn vị \"{c}\""))?,
        None => chitieu_app::committee::steering(&snap, &plan.plan.owner)
            .map(|u| u.code.clone())
            .context("kế hoạch không có Ban Chỉ đạo: dùng --committee")?,
    };
    let (members, meetings) = (store.members(&code).await?, store.meetings(&code).await?);
    let r = brief_of(&snap, &code, &members, &meetings, snap.today()).map_err(crate::said)?;
    write(format, &r, out)
}
