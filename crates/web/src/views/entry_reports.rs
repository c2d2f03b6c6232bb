//! The reports an entry form feeds: which (form, reporting unit), and each one's state,
//! due day, return reason, history and the moves the viewer may make, shown above the
//! fields.

use super::common::*;

/// A report the entry form feeds, as shown above the fields.
pub struct EntryReport {
    pub(super) line: super::reports::ReportLine,
    pub(super) history: Vec<(String, String, String, String)>,
}

/// The reports the entry form of `unit` and `period` feeds, as `user` sees it: each form of
/// the period's kind with figures on the form, and the unit whose report it is (a department
/// entering the province's figures sends its own report).
pub(super) fn entry_reports<'a>(
    snap: &'a Snapshot,
    user: &Actor,
    unit: &UnitCode,
    period: &Period,
) -> Vec<(&'a chitieu_domain::report::Form, UnitCode)> {
    let Some(plan) = snap.plan.as_ref() else {
        return Vec::new();
    };
    let user_unit = snap.unit(&user.unit);
    let report_unit = match user_unit {
        Some(d) if *unit == plan.plan.owner && d.kind == chitieu_domain::UnitKind::Department => {
            d.code.clone()
        }
        _ => unit.clone(),
    };
    let Some(rec) = snap.unit(&report_unit) else {
        return Vec::new();
    };
    plan.forms
        .iter()
        .filter(|f| f.frequency == period.kind())
        .filter(|f| !f.indicators_of(&plan.indicators, rec).is_empty())
        .map(|f| (f, report_unit.clone()))
        .collect()
}

pub(super) async fn load_entry_reports(
    s: &AppState,
    snap: &Snapshot,
    u: &Actor,
    unit: &UnitCode,
    period: &Period,
    tr: Tr,
) -> Result<Vec<EntryReport>, PageError> {
    let mut out = Vec::new();
    for (form, report_unit) in entry_reports(snap, u, unit, period) {
        let stored = s
            .app
            .report_rows(&chitieu_app::ReportFilter {
                form: Some(form.code.clone()),
                unit: Some(report_unit.clone()),
                period: Some(*period),
                state: None,
            })
            .await
            .or_500(tr)?;
        let row = stored.first();
        let state = row.map_or(ValueState::Draft, |r| r.state);
        let due = form.due(period);
        let listed = chitieu_app::reports::Listed {
            form: form.code.clone(),
            form_name: form.name.clone(),
            form_name_en: form.name_en.clone(),
            unit: report_unit.clone(),
            unit_name: unit_name(snap, &report_unit),
            period: *period,
            state,
            due,
            submitted_at: row.and_then(|r| r.submitted_at),
            approved_at: row.and_then(|r| r.approved_at),
            accepted_at: row.and_then(|r| r.accepted_at),
            reason: row.map(|r| r.reason.clone()).unwrap_or_default(),
            late: false,
        };
        let history = s
            .app
            .report_history(&form.code, &report_unit, period)
            .await
            .or_500(tr)?
            .into_iter()
            .map(|e| {
                let action = e
                    .action
                    .parse::<chitieu_domain::report::ReportAction>()
                    .map(|a| tr.label(a))
                    .unwrap_or("?");
                (tr.datetime(&e.at), e.actor, action.to_string(), e.reason)
            })
            .collect();
        out.push(EntryReport {
            line: super::reports::line(snap, u, &listed, tr),
            history,
        });
    }
    Ok(out)
}
