//! The annual evaluation as stored: each year's rubric, versioned, and the frozen evaluation.
//! Bodies are JSON written by the service; the store keeps them whole and dated.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

use chitieu_domain::{Period, UnitCode};

use crate::entities::{
    evaluation_freeze, evaluation_rubric, evaluation_setting, form, report, report_event,
};
use crate::{Result, Store, StoreError, audit};

/// Bodies above this are refused: a year's evaluation of every commune in the country with
/// its lines stays far below it.
pub const MAX_EVALUATION_BYTES: usize = 64 * 1024 * 1024;
/// A rubric or a list of proposals above this is refused: each goes whole into the audit log,
/// and a national list of clusters or proposals stays well below it.
pub const MAX_SETTING_BYTES: usize = 1024 * 1024;

/// What the secretariat records of a year's evaluation besides its rubric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The commendation proposals as edited.
    Proposals,
    /// The emulation council's decision on units of one peer group tied at the cut of
    /// "excellent": a row per group, so that two groups' decisions never overwrite each other.
    Ties(chitieu_domain::evaluation::PeerGroup),
}

impl Setting {
    fn as_str(self) -> &'static str {
        use chitieu_domain::evaluation::PeerGroup;
        match self {
            Setting::Proposals => "proposals",
            Setting::Ties(PeerGroup::Departments) => "ties.departments",
            Setting::Ties(PeerGroup::Communes) => "ties.communes",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Setting::Proposals => "evaluation.proposals",
            Setting::Ties(_) => "evaluation.ties",
        }
    }

    fn thing(self) -> chitieu_domain::Thing {
        match self {
            Setting::Proposals => chitieu_domain::Thing::Proposal,
            Setting::Ties(_) => chitieu_domain::Thing::Evaluation,
        }
    }
}

/// A stored body with who saved it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub version: i32,
    pub body: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// How many times each report was returned for correction.
    pub async fn returned_reports(&self) -> Result<HashMap<(String, UnitCode, Period), u32>> {
        let ids = self.ids_now().await?;
        let forms: HashMap<i32, String> = form::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.code))
            .collect();
        let mut per_report: HashMap<i32, u32> = HashMap::new();
        for e in report_event::Entity::find()
            .filter(report_event::Column::Action.eq("return"))
            .all(&self.db)
            .await?
        {
            *per_report.entry(e.report_id).or_default() += 1;
        }
        if per_report.is_empty() {
            return Ok(HashMap::new());
        }
        let mut out = HashMap::new();
        for r in report::Entity::find()
            .filter(report::Column::Id.is_in(per_report.keys().copied()))
            .all(&self.db)
            .await?
        {
            let (Some(f), Some(u), Ok(p)) = (
                forms.get(&r.form_id),
                ids.unit_codes.get(&r.unit_id),
                r.period.parse::<Period>(),
            ) else {
                continue;
            };
            out.insert((f.clone(), u.clone(), p), per_report[&r.id]);
        }
        Ok(out)
    }

    /// The latest rubric saved for `year`.
    pub async fn rubric(&self, year: i32) -> Result<Option<Stored>> {
        Ok(evaluation_rubric::Entity::find()
            .filter(evaluation_rubric::Column::Year.eq(year))
            .order_by_desc(evaluation_rubric::Column::Version)
            .one(&self.db)
            .await?
            .map(|m| Stored {
                version: m.version,
                body: m.body,
                by: m.saved_by,
                at: m.saved_at,
            }))
    }

    /// Saves a new version of `year`'s rubric; returns its version number (1 for the first).
    pub async fn save_rubric(&self, year: i32, body: &str, actor: &str) -> Result<i32> {
        if body.len() > MAX_SETTING_BYTES {
            return Err(StoreError::Refused(chitieu_domain::Refusal::TooBig {
                what: chitieu_domain::Thing::Criteria,
                max_bytes: 1 << 20,
            }));
        }
        let txn = self.begin_write().await?;
        refuse_if_frozen(&txn, year).await?;
        let last = evaluation_rubric::Entity::find()
            .filter(evaluation_rubric::Column::Year.eq(year))
            .order_by_desc(evaluation_rubric::Column::Version)
            .one(&txn)
            .await?
            .map_or(0, |m| m.version);
        let version = last + 1;
        evaluation_rubric::ActiveModel {
            year: Set(year),
            version: Set(version),
            body: Set(body.to_string()),
            saved_by: Set(actor.to_string()),
            saved_at: Set(self.clock.now_seconds()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "evaluation.rubric",
            "evaluation_rubrics",
            &format!("năm {year}, phiên bản {version}: {body}"),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(version)
    }

    /// Freezes `year`'s evaluation: once, for good.
    pub async fn freeze_evaluation(&self, year: i32, body: &str, actor: &str) -> Result<()> {
        if body.len() > MAX_EVALUATION_BYTES {
            return Err(StoreError::Refused(chitieu_domain::Refusal::TooBig {
                what: chitieu_domain::Thing::Evaluation,
                max_bytes: MAX_EVALUATION_BYTES,
            }));
        }
        let txn = self.begin_write().await?;
        if evaluation_freeze::Entity::find()
            .filter(evaluation_freeze::Column::Year.eq(year))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Frozen {
                year,
            }));
        }
        evaluation_freeze::ActiveModel {
            year: Set(year),
            body: Set(body.to_string()),
            frozen_by: Set(actor.to_string()),
            frozen_at: Set(self.clock.now_seconds()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "evaluation.freeze",
            "evaluation_freezes",
            &format!("chốt kết quả đánh giá năm {year}"),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// What the secretariat recorded of `year`'s evaluation, of `kind` (its commendation
    /// proposals as edited, the emulation council's decisions on ties), if anything.
    pub async fn evaluation_setting(&self, year: i32, kind: Setting) -> Result<Option<Stored>> {
        Ok(evaluation_setting::Entity::find()
            .filter(evaluation_setting::Column::Year.eq(year))
            .filter(evaluation_setting::Column::Kind.eq(kind.as_str()))
            .one(&self.db)
            .await?
            .map(|m| Stored {
                version: 1,
                body: m.body,
                by: m.saved_by,
                at: m.saved_at,
            }))
    }

    /// Replaces `year`'s setting of `kind`; `None` drops it (proposals go back to those
    /// computed). Refused once the year is frozen, inside the same transaction as the freeze
    /// check.
    pub async fn save_evaluation_setting(
        &self,
        year: i32,
        kind: Setting,
        body: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        if body.is_some_and(|b| b.len() > MAX_SETTING_BYTES) {
            return Err(StoreError::Refused(chitieu_domain::Refusal::TooBig {
                what: kind.thing(),
                max_bytes: MAX_SETTING_BYTES,
            }));
        }
        let txn = self.begin_write().await?;
        refuse_if_frozen(&txn, year).await?;
        if let Some(old) = evaluation_setting::Entity::find()
            .filter(evaluation_setting::Column::Year.eq(year))
            .filter(evaluation_setting::Column::Kind.eq(kind.as_str()))
            .one(&txn)
            .await?
        {
            old.delete(&txn).await?;
        }
        if let Some(body) = body {
            evaluation_setting::ActiveModel {
                year: Set(year),
                kind: Set(kind.as_str().to_string()),
                body: Set(body.to_string()),
                saved_by: Set(actor.to_string()),
                saved_at: Set(self.clock.now_seconds()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit(
            &txn,
            actor,
            kind.audit_action(),
            "evaluation_settings",
            &match body {
                Some(b) => format!("năm {year}: {b}"),
                None => format!("năm {year}: trở về danh sách tính theo tiêu chí"),
            },
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// `year`'s frozen evaluation, if it was frozen.
    pub async fn frozen_evaluation(&self, year: i32) -> Result<Option<Stored>> {
        Ok(evaluation_freeze::Entity::find()
            .filter(evaluation_freeze::Column::Year.eq(year))
            .one(&self.db)
            .await?
            .map(|m| Stored {
                version: 1,
                body: m.body,
                by: m.frozen_by,
                at: m.frozen_at,
            }))
    }
}

/// Inside the write that would change `what` of `year`: refused once the year is frozen. The
/// check and the write are one transaction, so a freeze cannot slip in between.
async fn refuse_if_frozen(txn: &sea_orm::DatabaseTransaction, year: i32) -> Result<()> {
    if evaluation_freeze::Entity::find()
        .filter(evaluation_freeze::Column::Year.eq(year))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(StoreError::Refused(chitieu_domain::Refusal::Frozen {
            year,
        }));
    }
    Ok(())
}
