//! Reports (unit × form × period): their state, their history, and the transitions that
//! move them and the values they hold, each in one transaction with its audit entry.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use chitieu_domain::report::{Form, Refusal, ReportAction, transition};
use chitieu_domain::validation::{Part, Rule, Severity};
use chitieu_domain::{Indicator, Period, Unit, UnitCode, ValueState, permission::Role};

use crate::entities::{data_value, form, report, report_event};
use crate::{Result, Store, StoreError, audit};

/// A report as stored. A report nobody has touched is not stored: it is a draft.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportRow {
    pub form: String,
    pub unit: UnitCode,
    pub period: Period,
    pub state: ValueState,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The reason of the last return or reopening.
    pub reason: String,
    pub updated_at: DateTime<Utc>,
}

/// One transition in a report's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub form: Option<String>,
    pub unit: Option<UnitCode>,
    pub period: Option<Period>,
    pub state: Option<ValueState>,
}

/// A transition asked for: who, on which report, with what reason. The store checks it
/// against the report's state inside the transaction, through the domain's state machine.
pub struct ReportAct<'a> {
    pub form: &'a Form,
    pub unit: &'a Unit,
    pub period: Period,
    pub action: ReportAction,
    pub role: Role,
    pub user_unit: &'a UnitCode,
    pub actor: &'a str,
    pub reason: &'a str,
    pub units: &'a [Unit],
    pub indicators: &'a [Indicator],
    pub owner: &'a UnitCode,
    /// The plan's validation rules, checked on submission.
    pub rules: &'a [Rule],
}

/// Why a report could not move.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Refused(Refusal),
    /// Submission with figures missing: the indicators named.
    #[error("báo cáo còn thiếu số liệu: {}", .0.join(", "))]
    Incomplete(Vec<String>),
    /// Submission with figures that break error rules: each rule, with the figures.
    #[error("số liệu không qua kiểm tra: {}", .0.join("; "))]
    Rules(Vec<String>),
    /// Submission with figures that break warning rules and no explanation.
    #[error("cần giải thích trước khi gửi: {}", .0.join("; "))]
    Explain(Vec<String>),
}

fn row(m: report::Model, form: String, unit: UnitCode) -> Result<ReportRow> {
    Ok(ReportRow {
        form,
        unit,
        period: m
            .period
            .parse()
            .map_err(|e: chitieu_domain::PeriodError| StoreError::Refused(e.into()))?,
        state: m.state.parse().map_err(StoreError::Refused)?,
        submitted_at: m.submitted_at,
        approved_at: m.approved_at,
        accepted_at: m.accepted_at,
        reason: m.reason,
        updated_at: m.updated_at,
    })
}

impl Store {
    /// The reports stored, filtered; ordered by period, form and unit.
    pub async fn reports(&self, f: &ReportFilter) -> Result<Vec<ReportRow>> {
        let ids = self.ids_now().await?;
        let forms: std::collections::HashMap<i32, String> = form::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.code))
            .collect();
        let mut q = report::Entity::find();
        if let Some(code) = &f.form {
            let Some((&id, _)) = forms.iter().find(|(_, c)| *c == code) else {
                return Ok(Vec::new());
            };
            q = q.filter(report::Column::FormId.eq(id));
        }
        if let Some(u) = &f.unit {
            let Some(&id) = ids.units.get(u) else {
                return Ok(Vec::new());
            };
            q = q.filter(report::Column::UnitId.eq(id));
        }
        if let Some(p) = &f.period {
            q = q.filter(report::Column::Period.eq(p.to_string()));
        }
        if let Some(s) = f.state {
            q = q.filter(report::Column::State.eq(s.as_str()));
        }
        let mut out = Vec::new();
        for m in q.order_by_asc(report::Column::Id).all(&self.db).await? {
            let (Some(form), Some(unit)) = (forms.get(&m.form_id), ids.unit_codes.get(&m.unit_id))
            else {
                continue;
            };
            out.push(row(m, form.clone(), unit.clone())?);
        }
        out.sort_by(|a, b| (a.period, &a.form, &a.unit).cmp(&(b.period, &b.form, &b.unit)));
        Ok(out)
    }

    /// One report's history, oldest first; empty when it was never touched.
    pub async fn report_history(
        &self,
        form_code: &str,
        unit: &UnitCode,
        period: &Period,
    ) -> Result<Vec<ReportEvent>> {
        let Some(r) = self.find_report(&self.db, form_code, unit, period).await? else {
            return Ok(Vec::new());
        };
        Ok(report_event::Entity::find()
            .filter(report_event::Column::ReportId.eq(r.id))
            .order_by_asc(report_event::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| ReportEvent {
                at: e.at,
                actor: e.actor,
                action: e.action,
                from: e.from_state,
                to: e.to_state,
                reason: e.reason,
            })
            .collect())
    }

    /// The rules that touch the report's indicators and fail on the stored figures of its
    /// unit and period: (errors, warnings), each explained with the figures.
    async fn broken_rules<C: ConnectionTrait>(
        &self,
        c: &C,
        ids: &crate::Ids,
        act: &ReportAct<'_>,
        values_unit_id: i32,
        period: &str,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let mine: Vec<&str> = act
            .form
            .indicators_of(act.indicators, act.unit)
            .iter()
            .map(|i| i.code.as_str())
            .collect();
        let rules: Vec<&Rule> = act
            .rules
            .iter()
            .filter(|r| r.indicators().iter().any(|i| mine.contains(i)))
            .collect();
        if rules.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let wanted: Vec<i32> = rules
            .iter()
            .flat_map(|r| r.indicators())
            .filter_map(|code| ids.indicators.get(code).copied())
            .collect();
        let dec = |s: &str| rust_decimal::Decimal::from_str_exact(s).ok();
        let figures: std::collections::HashMap<String, [Option<rust_decimal::Decimal>; 3]> =
            data_value::Entity::find()
                .filter(data_value::Column::UnitId.eq(values_unit_id))
                .filter(data_value::Column::Period.eq(period))
                .filter(data_value::Column::IndicatorId.is_in(wanted))
                .all(c)
                .await?
                .into_iter()
                .filter_map(|m| {
                    let code = ids.indicator_codes.get(&m.indicator_id)?.clone();
                    Some((
                        code,
                        [
                            dec(&m.value),
                            m.numerator.as_deref().and_then(dec),
                            m.denominator.as_deref().and_then(dec),
                        ],
                    ))
                })
                .collect();
        let get = |code: &str, part: Part| {
            let f = figures.get(code)?;
            match part {
                Part::Value => f[0],
                Part::Numerator => f[1],
                Part::Denominator => f[2],
            }
        };
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        for r in rules {
            if r.holds(get) == Some(false) {
                let text = r.explain(get);
                match r.severity {
                    Severity::Error => errors.push(text),
                    Severity::Warning => warnings.push(text),
                }
            }
        }
        Ok((errors, warnings))
    }

    async fn find_report<C: ConnectionTrait>(
        &self,
        c: &C,
        form_code: &str,
        unit: &UnitCode,
        period: &Period,
    ) -> Result<Option<report::Model>> {
        let ids = self.ids_now().await?;
        let Some(f) = form::Entity::find()
            .filter(form::Column::Code.eq(form_code))
            .one(c)
            .await?
        else {
            return Ok(None);
        };
        let Some(&unit_id) = ids.units.get(unit) else {
            return Ok(None);
        };
        Ok(report::Entity::find()
            .filter(report::Column::FormId.eq(f.id))
            .filter(report::Column::UnitId.eq(unit_id))
            .filter(report::Column::Period.eq(period.to_string()))
            .one(c)
            .await?)
    }

    /// Moves a report: checks the transition against its state now (under the write lock,
    /// so two people acting at once cannot both move it), refuses a submission with
    /// figures missing, then in one transaction stores the new state, the history entry,
    /// the state of every value the report holds, and the audit entry. Returns the new state.
    pub async fn act_on_report(
        &self,
        act: &ReportAct<'_>,
    ) -> Result<std::result::Result<ValueState, ReportError>> {
        let ids = self.ids_now().await?;
        let unit_id = ids.unit(&act.unit.code)?;
        let values_unit = Form::values_unit(act.unit, act.owner);
        let values_unit_id = ids.unit(&values_unit)?;
        let indicator_ids: Vec<i32> = act
            .form
            .indicators_of(act.indicators, act.unit)
            .iter()
            .map(|i| ids.indicator(&i.code))
            .collect::<Result<_>>()?;
        if indicator_ids.is_empty() {
            return Err(StoreError::NotFound(chitieu_domain::Refusal::NotReporter {
                form: act.form.code.clone(),
                unit: act.unit.code.to_string(),
            }));
        }
        let txn = self.begin_write().await?;
        let form_row = form::Entity::find()
            .filter(form::Column::Code.eq(&act.form.code))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Form,
                    &act.form.code,
                ))
            })?;
        let stored = self
            .find_report(&txn, &act.form.code, &act.unit.code, &act.period)
            .await?;
        let period = act.period.to_string();
        let values: Vec<(i32, String)> = data_value::Entity::find()
            .filter(data_value::Column::UnitId.eq(values_unit_id))
            .filter(data_value::Column::Period.eq(&period))
            .filter(data_value::Column::IndicatorId.is_in(indicator_ids.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| (m.indicator_id, m.state))
            .collect();
        let present: Vec<i32> = values.iter().map(|(i, _)| *i).collect();
        // A report never moved here whose figures were all loaded as accepted (official
        // data imported from before the workflow) is accepted.
        let from = match &stored {
            Some(m) => m.state.parse().map_err(StoreError::Refused)?,
            None => chitieu_domain::report::initial_state(
                indicator_ids.len(),
                values
                    .iter()
                    .filter(|(_, s)| s == ValueState::Accepted.as_str())
                    .count(),
            ),
        };
        let to = match transition(
            act.units,
            act.role,
            act.user_unit,
            &act.unit.code,
            from,
            act.action,
            act.reason,
        ) {
            Ok(to) => to,
            Err(r) => {
                txn.rollback().await?;
                return Ok(Err(ReportError::Refused(r)));
            }
        };
        if act.action == ReportAction::Submit {
            let missing: Vec<String> = indicator_ids
                .iter()
                .filter(|i| !present.contains(i))
                .filter_map(|i| ids.indicator_codes.get(i).cloned())
                .collect();
            if !missing.is_empty() {
                txn.rollback().await?;
                return Ok(Err(ReportError::Incomplete(missing)));
            }
            let (errors, warnings) = self
                .broken_rules(&txn, &ids, act, values_unit_id, &period)
                .await?;
            if !errors.is_empty() {
                txn.rollback().await?;
                return Ok(Err(ReportError::Rules(errors)));
            }
            if !warnings.is_empty() && act.reason.trim().is_empty() {
                txn.rollback().await?;
                return Ok(Err(ReportError::Explain(warnings)));
            }
        }
        let at = self.clock.now_seconds();
        let reason = act.reason.trim();
        let report_id = match stored {
            Some(m) => {
                let mut am: report::ActiveModel = m.into();
                am.state = Set(to.as_str().into());
                am.updated_at = Set(at);
                match act.action {
                    ReportAction::Submit => am.submitted_at = Set(Some(at)),
                    ReportAction::Approve => am.approved_at = Set(Some(at)),
                    ReportAction::Accept => am.accepted_at = Set(Some(at)),
                    ReportAction::Return | ReportAction::Reopen => {
                        am.reason = Set(reason.into());
                        am.accepted_at = Set(None);
                    }
                }
                am.update(&txn).await?.id
            }
            None => {
                report::ActiveModel {
                    form_id: Set(form_row.id),
                    unit_id: Set(unit_id),
                    period: Set(period.clone()),
                    state: Set(to.as_str().into()),
                    submitted_at: Set((act.action == ReportAction::Submit).then_some(at)),
                    approved_at: Set(None),
                    accepted_at: Set(None),
                    reason: Set(String::new()),
                    updated_at: Set(at),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        report_event::ActiveModel {
            report_id: Set(report_id),
            at: Set(at),
            actor: Set(act.actor.into()),
            action: Set(act.action.as_str().into()),
            from_state: Set(from.as_str().into()),
            to_state: Set(to.as_str().into()),
            reason: Set(reason.into()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        // The values take the report's state (a returned report's values are drafts
        // again, to be corrected), with a new change number so the engine picks them up.
        let value_state = if to == ValueState::Returned {
            ValueState::Draft
        } else {
            to
        };
        if !present.is_empty() {
            let seq = crate::values::bump_counter(&txn, "values").await?;
            data_value::Entity::update_many()
                .col_expr(data_value::Column::State, Expr::value(value_state.as_str()))
                .col_expr(data_value::Column::Seq, Expr::value(seq))
                .filter(data_value::Column::UnitId.eq(values_unit_id))
                .filter(data_value::Column::Period.eq(&period))
                .filter(data_value::Column::IndicatorId.is_in(indicator_ids))
                .exec(&txn)
                .await?;
            // Official now: queued for the central instance in this same transaction.
            if to == ValueState::Accepted {
                let origin = format!(
                    "báo cáo {} · {} · {period}, chấp nhận bởi {} lúc {}",
                    act.form.code,
                    act.unit.code,
                    act.actor,
                    crate::upstream::origin_time(at)
                );
                crate::upstream::queue(
                    &txn,
                    crate::upstream::Official::Report(values_unit_id, &period, &present),
                    at,
                    &origin,
                )
                .await?;
            }
        }
        let detail = format!(
            "{} {} {} {}: {} → {}{}",
            act.action.as_str(),
            act.form.code,
            act.unit.code,
            period,
            from.as_str(),
            to.as_str(),
            if reason.is_empty() {
                String::new()
            } else {
                format!("; lý do: {reason}")
            }
        );
        audit(&txn, act.actor, "report.transition", "reports", &detail).await?;
        crate::values::bump_counter(&txn, "reports").await?;
        txn.commit().await?;
        Ok(Ok(to))
    }
}

/// A report's history to load as it happened elsewhere (another system, or the demo): its
/// moves in order, each checked against the state machine's states (not its roles: the
/// people acted in that other place).
pub struct ReportSeed<'a> {
    pub form: &'a Form,
    pub unit: &'a Unit,
    pub period: Period,
    /// (action, when, who, reason), oldest first.
    pub moves: Vec<(ReportAction, DateTime<Utc>, String, String)>,
}

impl Store {
    /// Loads reports' histories in one transaction: each report (not stored yet) with its
    /// moves, the state of the values it holds, and one audit entry for the whole load.
    /// Returns how many reports were loaded.
    pub async fn load_report_history(
        &self,
        seeds: &[ReportSeed<'_>],
        indicators: &[Indicator],
        owner: &UnitCode,
        actor: &str,
        what: &str,
    ) -> Result<u64> {
        let ids = self.ids_now().await?;
        let txn = self.begin_write().await?;
        let seq = crate::values::bump_counter(&txn, "values").await?;
        let forms: std::collections::HashMap<String, i32> = form::Entity::find()
            .all(&txn)
            .await?
            .into_iter()
            .map(|f| (f.code, f.id))
            .collect();
        for s in seeds {
            let form_id = *forms.get(&s.form.code).ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Form,
                    &s.form.code,
                ))
            })?;
            let mut state = ValueState::Draft;
            let (mut submitted, mut approved, mut accepted, mut reason) =
                (None, None, None, String::new());
            for (action, when, _, why) in &s.moves {
                state = action.next(state).ok_or(StoreError::Refused(
                    chitieu_domain::Refusal::ReportState {
                        state,
                        action: *action,
                    },
                ))?;
                match action {
                    ReportAction::Submit => submitted = Some(*when),
                    ReportAction::Approve => approved = Some(*when),
                    ReportAction::Accept => accepted = Some(*when),
                    ReportAction::Return | ReportAction::Reopen => {
                        reason = why.clone();
                        accepted = None;
                    }
                }
            }
            let updated = s.moves.last().map_or_else(|| self.clock.now(), |m| m.1);
            let report_id = report::ActiveModel {
                form_id: Set(form_id),
                unit_id: Set(ids.unit(&s.unit.code)?),
                period: Set(s.period.to_string()),
                state: Set(state.as_str().into()),
                submitted_at: Set(submitted),
                approved_at: Set(approved),
                accepted_at: Set(accepted),
                reason: Set(reason),
                updated_at: Set(updated),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id;
            let mut from = ValueState::Draft;
            for (action, when, who, why) in &s.moves {
                let to = action.next(from).unwrap_or(from);
                report_event::ActiveModel {
                    report_id: Set(report_id),
                    at: Set(*when),
                    actor: Set(who.clone()),
                    action: Set(action.as_str().into()),
                    from_state: Set(from.as_str().into()),
                    to_state: Set(to.as_str().into()),
                    reason: Set(why.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                from = to;
            }
            let value_state = if state == ValueState::Returned {
                ValueState::Draft
            } else {
                state
            };
            let inds: Vec<i32> = s
                .form
                .indicators_of(indicators, s.unit)
                .iter()
                .map(|i| ids.indicator(&i.code))
                .collect::<Result<_>>()?;
            data_value::Entity::update_many()
                .col_expr(data_value::Column::State, Expr::value(value_state.as_str()))
                .col_expr(data_value::Column::Seq, Expr::value(seq))
                .filter(data_value::Column::UnitId.eq(ids.unit(&Form::values_unit(s.unit, owner))?))
                .filter(data_value::Column::Period.eq(s.period.to_string()))
                .filter(data_value::Column::IndicatorId.is_in(inds))
                .exec(&txn)
                .await?;
        }
        audit(
            &txn,
            actor,
            "reports.load",
            "reports",
            &format!("{what}: {} báo cáo", seeds.len()),
        )
        .await?;
        crate::values::bump_counter(&txn, "reports").await?;
        txn.commit().await?;
        Ok(seeds.len() as u64)
    }
}
