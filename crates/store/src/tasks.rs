//! Tasks of the units' work programmes, and research results.

use chitieu_domain::research::ResearchResult;
use chitieu_domain::{Task, TaskUpdate, UnitCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

use crate::entities::{plan, research_result, task, task_coordinator, task_indicator, task_update};
use crate::{Result, Store, StoreError, audit};

/// How a task written meets the stored one with the same code. Decided inside the write
/// transaction, so that two processes writing at once cannot both pass a check made earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskWrite {
    /// Replace everything, progress reports and completion included (demo data, tests).
    Replace,
    /// A new task: refused when the code is taken.
    Create,
    /// Change what was assigned (a new task is added). Progress reports and the completion
    /// date stay as stored, so a report written meanwhile is not lost; a cancellation can be
    /// set, never cleared. The stored task must still be at the edition each task carries
    /// (`Task::edition.number`, the one its change started from), or nothing is written;
    /// edition 0 names none (a list imported from a file).
    Assign,
}

impl Store {
    /// Adds a task, or replaces the stored task with the same code (with its links and updates).
    pub async fn upsert_task(&self, t: &Task, actor: &str) -> Result<()> {
        self.write_tasks(std::slice::from_ref(t), TaskWrite::Replace, actor)
            .await
    }

    /// [`Store::upsert_task`] for a list, in one transaction: all or nothing.
    pub async fn upsert_tasks(&self, ts: &[Task], actor: &str) -> Result<()> {
        self.write_tasks(ts, TaskWrite::Replace, actor).await
    }

    /// Writes tasks in one transaction, all or nothing, each as `mode` says.
    pub async fn write_tasks(&self, ts: &[Task], mode: TaskWrite, actor: &str) -> Result<()> {
        let ids = &*self.ids_now().await?;
        for t in ts {
            t.check()
                .map_err(|e| e.of(chitieu_domain::Thing::Task, &t.code))?;
        }
        let txn = self.begin_write().await?;
        for t in ts {
            let plan = plan::Entity::find()
                .filter(plan::Column::Code.eq(&t.plan))
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(chitieu_domain::Refusal::unknown(
                        chitieu_domain::Thing::Plan,
                        &t.plan,
                    ))
                })?;
            let uid = |c: &UnitCode| {
                ids.units.get(c).copied().ok_or_else(|| {
                    StoreError::NotFound(chitieu_domain::Refusal::unknown(
                        chitieu_domain::Thing::Unit,
                        c.as_str(),
                    ))
                })
            };
            let existing = task::Entity::find()
                .filter(task::Column::Code.eq(&t.code))
                .one(&txn)
                .await?;
            if mode == TaskWrite::Create && existing.is_some() {
                return Err(StoreError::Refused(
                    chitieu_domain::Refusal::Duplicate {
                        what: chitieu_domain::Thing::Task,
                        code: t.code.clone(),
                    }
                    .at(chitieu_domain::refusal::Place::Field("code")),
                ));
            }
            // Edition 0 names no copy (a task list imported): it changes what it lists.
            if mode == TaskWrite::Assign
                && t.edition.number != 0
                && let Some(m) = &existing
                && m.version != t.edition.number
            {
                return Err(StoreError::Refused(chitieu_domain::Refusal::Stale {
                    what: chitieu_domain::Thing::Task,
                    code: t.code.clone(),
                    by: m.changed_by.clone(),
                    at: m.changed_at,
                    version: m.version,
                    seen: t.edition.number,
                    changed: Vec::new(),
                }));
            }
            // What stays as stored: progress and completion when assigning an existing task.
            let keep = (mode == TaskWrite::Assign)
                .then_some(())
                .and(existing.as_ref());
            let mut am = match &existing {
                Some(m) => m.clone().into(),
                None => <task::ActiveModel as Default>::default(),
            };
            am.code = Set(t.code.clone());
            am.title = Set(t.title.clone());
            am.plan_id = Set(plan.id);
            am.year = Set(t.year);
            am.lead_unit_id = Set(uid(&t.lead_unit)?);
            am.start_date = Set(t.start);
            am.deadline = Set(t.deadline);
            am.expected_product = Set(t.expected_product.clone());
            am.completed_on = Set(keep.map_or(t.completed_on, |o| o.completed_on));
            am.source_number = Set(t.source.number.clone());
            am.source_date = Set(t.source.date);
            am.source_issuer = Set(t.source.issuer.clone());
            let cancelled = match (keep, &t.cancelled) {
                (Some(o), None) => o.cancelled_on.map(|on| (on, o.cancel_reason.clone())),
                (_, c) => c.as_ref().map(|c| (c.on, c.reason.clone())),
            };
            am.cancelled_on = Set(cancelled.as_ref().map(|c| c.0));
            am.funding_source = Set(t
                .funding
                .as_ref()
                .map(|f| f.source.as_str().to_string())
                .unwrap_or_default());
            am.funding_allocated = Set(t
                .funding
                .as_ref()
                .map(|f| chitieu_domain::text::format_decimal(&f.allocated)));
            am.funding_disbursed = Set(t
                .funding
                .as_ref()
                .map(|f| chitieu_domain::text::format_decimal(&f.disbursed)));
            am.cancel_reason = Set(cancelled.map(|c| c.1).unwrap_or_default());
            let defect = match (keep, &t.product_defect) {
                (Some(o), None) => o
                    .product_defect_on
                    .map(|on| (on, o.product_defect_reason.clone())),
                (_, d) => d.as_ref().map(|d| (d.on, d.reason.clone())),
            };
            am.product_defect_on = Set(defect.as_ref().map(|d| d.0));
            am.product_defect_reason = Set(defect.map(|d| d.1).unwrap_or_default());
            am.version = Set(existing.as_ref().map_or(1, |m| m.version + 1));
            am.changed_by = Set(actor.to_string());
            am.changed_at = Set(Some(self.clock.now()));
            let m = if existing.is_some() {
                am.update(&txn).await?
            } else {
                am.insert(&txn).await?
            };
            task_coordinator::Entity::delete_many()
                .filter(task_coordinator::Column::TaskId.eq(m.id))
                .exec(&txn)
                .await?;
            task_indicator::Entity::delete_many()
                .filter(task_indicator::Column::TaskId.eq(m.id))
                .exec(&txn)
                .await?;
            if keep.is_none() {
                task_update::Entity::delete_many()
                    .filter(task_update::Column::TaskId.eq(m.id))
                    .exec(&txn)
                    .await?;
            }
            for c in &t.coordinating_units {
                task_coordinator::ActiveModel {
                    task_id: Set(m.id),
                    unit_id: Set(uid(c)?),
                }
                .insert(&txn)
                .await?;
            }
            for code in &t.indicators {
                let iid = *ids.indicators.get(code).ok_or_else(|| {
                    StoreError::NotFound(chitieu_domain::Refusal::unknown(
                        chitieu_domain::Thing::Indicator,
                        code,
                    ))
                })?;
                task_indicator::ActiveModel {
                    task_id: Set(m.id),
                    indicator_id: Set(iid),
                }
                .insert(&txn)
                .await?;
            }
            for u in t.updates.iter().filter(|_| keep.is_none()) {
                task_update::ActiveModel {
                    task_id: Set(m.id),
                    on_date: Set(u.on),
                    progress: Set(u.progress as i32),
                    note: Set(u.note.clone()),
                    author: Set(u.author.clone()),
                    difficulties: Set(u.difficulties.clone()),
                    proposals: Set(u.proposals.clone()),
                    handled_on: Set(u.handled.as_ref().map(|h| h.on)),
                    handled_by: Set(u.handled.as_ref().map_or(String::new(), |h| h.by.clone())),
                    handled_note: Set(u.handled.as_ref().map_or(String::new(), |h| h.note.clone())),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            // What changed in what answers for the task: its deadline and completion date.
            let date =
                |d: Option<chrono::NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
            let before = existing.as_ref().map_or("(mới)".to_string(), |o| {
                format!("hạn {}, hoàn thành {}", o.deadline, date(o.completed_on))
            });
            audit(
                &txn,
                actor,
                "tasks.upsert",
                "tasks",
                &format!(
                    "{}: {}; {before} → hạn {}, hoàn thành {}, {} cập nhật tiến độ",
                    t.code,
                    t.title,
                    t.deadline,
                    date(t.completed_on),
                    t.updates.len()
                ),
            )
            .await?;
        }
        crate::values::bump_counter(&txn, "tasks").await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn tasks(&self) -> Result<Vec<Task>> {
        let ids = self.ids_now().await?;
        let ucode = &ids.unit_codes;
        let plans: HashMap<i32, String> = plan::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.code))
            .collect();
        let inds: HashMap<i32, String> = crate::entities::indicator::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        let mut coords: HashMap<i32, Vec<UnitCode>> = HashMap::new();
        for c in task_coordinator::Entity::find().all(&self.db).await? {
            if let Some(u) = ucode.get(&c.unit_id) {
                coords.entry(c.task_id).or_default().push(u.clone());
            }
        }
        let mut links: HashMap<i32, Vec<String>> = HashMap::new();
        for l in task_indicator::Entity::find().all(&self.db).await? {
            if let Some(i) = inds.get(&l.indicator_id) {
                links.entry(l.task_id).or_default().push(i.clone());
            }
        }
        let mut updates: HashMap<i32, Vec<TaskUpdate>> = HashMap::new();
        for u in task_update::Entity::find()
            .order_by_asc(task_update::Column::OnDate)
            .order_by_asc(task_update::Column::Id)
            .all(&self.db)
            .await?
        {
            updates.entry(u.task_id).or_default().push(TaskUpdate {
                on: u.on_date,
                progress: u.progress.clamp(0, 100) as u8,
                note: u.note,
                author: u.author,
                difficulties: u.difficulties,
                proposals: u.proposals,
                id: u.id,
                handled: u.handled_on.map(|on| chitieu_domain::task::Handled {
                    on,
                    by: u.handled_by,
                    note: u.handled_note,
                }),
            });
        }
        let mut out = Vec::new();
        for m in task::Entity::find()
            .order_by_asc(task::Column::Code)
            .all(&self.db)
            .await?
        {
            out.push(Task {
                edition: chitieu_domain::task::Edition {
                    number: m.version,
                    by: m.changed_by.clone(),
                    at: m.changed_at,
                },
                plan: plans.get(&m.plan_id).cloned().unwrap_or_default(),
                lead_unit: ucode.get(&m.lead_unit_id).cloned().ok_or_else(|| {
                    StoreError::NotFound(chitieu_domain::Refusal::unknown(
                        chitieu_domain::Thing::Unit,
                        &format!("id {}", m.lead_unit_id),
                    ))
                })?,
                coordinating_units: coords.remove(&m.id).unwrap_or_default(),
                indicators: links.remove(&m.id).unwrap_or_default(),
                updates: updates.remove(&m.id).unwrap_or_default(),
                code: m.code,
                title: m.title,
                year: m.year,
                start: m.start_date,
                deadline: m.deadline,
                expected_product: m.expected_product,
                completed_on: m.completed_on,
                source: chitieu_domain::task::SourceDocument {
                    number: m.source_number,
                    date: m.source_date,
                    issuer: m.source_issuer,
                },
                funding: match (
                    m.funding_source
                        .parse::<chitieu_domain::task::FundingSource>(),
                    m.funding_allocated.as_deref().and_then(|d| d.parse().ok()),
                    m.funding_disbursed.as_deref().and_then(|d| d.parse().ok()),
                ) {
                    (Ok(source), Some(allocated), Some(disbursed)) => {
                        Some(chitieu_domain::task::Funding {
                            source,
                            allocated,
                            disbursed,
                        })
                    }
                    _ => None,
                },
                cancelled: m.cancelled_on.map(|on| chitieu_domain::task::Cancellation {
                    on,
                    reason: m.cancel_reason,
                }),
                product_defect: m
                    .product_defect_on
                    .map(|on| chitieu_domain::task::Cancellation {
                        on,
                        reason: m.product_defect_reason,
                    }),
            });
        }
        Ok(out)
    }

    /// Marks the difficulties and proposals of progress report `update` on task `code` as
    /// handled (again: the later record replaces the earlier, and both are in the audit).
    pub async fn mark_handled(
        &self,
        code: &str,
        update: i32,
        handled: &chitieu_domain::task::Handled,
        actor: &str,
    ) -> Result<()> {
        use chitieu_domain::text::{COMMENT_MAX, NAME_MAX, TextKind};
        let by = crate::clean(
            chitieu_domain::Field::Person,
            &handled.by,
            NAME_MAX,
            TextKind::Line,
        )?;
        let note = crate::clean(
            chitieu_domain::Field::Note,
            &handled.note,
            COMMENT_MAX,
            TextKind::Multiline,
        )?;
        let txn = self.begin_write().await?;
        let unknown = || {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Proposal,
                &format!("{code}#{update}"),
            ))
        };
        let t = task::Entity::find()
            .filter(task::Column::Code.eq(code))
            .one(&txn)
            .await?
            .ok_or_else(unknown)?;
        let u = task_update::Entity::find_by_id(update)
            .filter(task_update::Column::TaskId.eq(t.id))
            .one(&txn)
            .await?
            .filter(|u| !u.difficulties.trim().is_empty() || !u.proposals.trim().is_empty())
            .ok_or_else(unknown)?;
        let mut m: task_update::ActiveModel = u.into();
        m.handled_on = Set(Some(handled.on));
        m.handled_by = Set(by.clone());
        m.handled_note = Set(note.clone());
        m.update(&txn).await?;
        audit(
            &txn,
            actor,
            "task.handled",
            "task_updates",
            &format!("{code}#{update}: {} ({by}): {note}", handled.on),
        )
        .await?;
        crate::values::bump_counter(&txn, "tasks").await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn add_research_results(&self, rs: &[ResearchResult], actor: &str) -> Result<()> {
        let ids = self.ids_now().await?;
        let txn = self.begin_write().await?;
        for r in rs {
            if research_result::Entity::find()
                .filter(research_result::Column::Code.eq(&r.code))
                .one(&txn)
                .await?
                .is_some()
            {
                continue;
            }
            let unit_id = *ids.units.get(&r.unit).ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Unit,
                    r.unit.as_str(),
                ))
            })?;
            research_result::ActiveModel {
                code: Set(r.code.clone()),
                title: Set(r.title.clone()),
                unit_id: Set(unit_id),
                accepted_on: Set(r.accepted_on),
                applied_on: Set(r.applied_on),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit(
            &txn,
            actor,
            "research.add",
            "research_results",
            &format!("{} kết quả", rs.len()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn research_results(&self) -> Result<Vec<ResearchResult>> {
        let ids = self.ids_now().await?;
        let ucode = &ids.unit_codes;
        Ok(research_result::Entity::find()
            .order_by_asc(research_result::Column::AcceptedOn)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(ResearchResult {
                    unit: ucode.get(&m.unit_id)?.clone(),
                    code: m.code,
                    title: m.title,
                    accepted_on: m.accepted_on,
                    applied_on: m.applied_on,
                })
            })
            .collect())
    }
}
