//! The demo's reports, in every state a reporting round leaves them.

use anyhow::Result;
use chitieu_domain::{Period, UnitCode};
use chitieu_store::Store;
use chrono::{Days, NaiveDate};

use crate::ACTOR;

/// The reports of the last periods as a province at work has them: most communes' reports
/// accepted (a few sent late), some approved and waiting for the standing office, some sent
/// and waiting for their chairman, a few returned with a reason, a few not sent; the
/// departments' yearly report accepted. Wards 5443 and 5500 and the departments' quarterly
/// reports are left as drafts, for the demo accounts to send.
pub(crate) async fn load(store: &Store, today: NaiveDate) -> Result<()> {
    use chitieu_domain::report::ReportAction::{Accept, Approve, Return, Submit};
    let Some(plan) = store.plan_file().await? else {
        return Ok(());
    };
    let units = store.all_units().await?;
    let now = store.clock().now();
    // 08:00 in Vietnam on `day` plus `hours`, never later than now.
    let at = |day: NaiveDate, hours: i64| {
        let t = day.and_hms_opt(1, 0, 0).expect("a valid time").and_utc()
            + chrono::Duration::hours(hours);
        t.min(now - chrono::Duration::minutes(5))
    };
    let left_open = [UnitCode::commune(5443), UnitCode::commune(5500)];
    let mut seeds = Vec::new();
    for (f, form) in plan.forms.iter().enumerate() {
        let period = Period::last_complete(form.frequency, today);
        let due = form.due(&period);
        let departments_yearly = form.code == "BC57-SO-NAM";
        let communes = form.reported_by.iter().all(|k| {
            matches!(
                k,
                chitieu_domain::UnitKind::Commune | chitieu_domain::UnitKind::Ward
            )
        });
        if !(departments_yearly || communes) {
            continue;
        }
        let reason = match form.indicators.first().map(String::as_str) {
            Some("NL-CBX") => {
                "Tổng số cán bộ, công chức chưa khớp danh sách sau sắp xếp; đề nghị rà soát mẫu số"
            }
            _ => "Dân số trưởng thành chưa khớp số liệu của Thống kê tỉnh; đề nghị kiểm tra lại",
        };
        for (k, unit) in form
            .expected(&plan.indicators, &units, &period)
            .into_iter()
            .enumerate()
        {
            if left_open.contains(&unit.code) {
                continue;
            }
            let by = format!("baocao.{}", unit.code);
            let head = format!("thutruong.{}", unit.code);
            let office = "thuongtruc".to_string();
            let sent_on = due - Days::new(1 + (k % 4) as u64);
            let r = if departments_yearly {
                0
            } else {
                (k * 37 + f * 11) % 100
            };
            let sent = |d: NaiveDate| (Submit, at(d, 0), by.clone(), String::new());
            let moves = match r {
                0..55 => vec![
                    sent(sent_on),
                    (Approve, at(sent_on, 4), head.clone(), String::new()),
                    (
                        Accept,
                        at(sent_on + Days::new(2), 0),
                        office.clone(),
                        String::new(),
                    ),
                ],
                55..65 => {
                    let late = due + Days::new(3 + (k % 5) as u64);
                    vec![
                        sent(late),
                        (Approve, at(late, 2), head.clone(), String::new()),
                        (
                            Accept,
                            at(late + Days::new(1), 0),
                            office.clone(),
                            String::new(),
                        ),
                    ]
                }
                65..77 => vec![
                    sent(sent_on),
                    (Approve, at(sent_on, 6), head.clone(), String::new()),
                ],
                77..87 => vec![sent(sent_on)],
                87..92 => vec![
                    sent(sent_on),
                    (Approve, at(sent_on, 3), head.clone(), String::new()),
                    (
                        Return,
                        at(sent_on + Days::new(1), 0),
                        office.clone(),
                        reason.to_string(),
                    ),
                ],
                _ => continue,
            };
            seeds.push(chitieu_store::ReportSeed {
                form,
                unit,
                period,
                moves,
            });
        }
    }
    store
        .load_report_history(
            &seeds,
            &plan.indicators,
            &plan.plan.owner,
            ACTOR,
            "báo cáo mẫu",
        )
        .await?;
    Ok(())
}
