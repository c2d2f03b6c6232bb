//! The evaluation of a year is computed once per snapshot and shared: at national scale it
//! takes seconds, and the page, its workbook, the API and the council's forms all ask for it.
//! Concurrent readers of the same answer wait for one computation (single flight,
//! [`PerSnapshot`]), which runs on a blocking thread and holds no database connection
//! while it computes.
//!
//! An answer is kept for what it was computed from: the snapshot's change counters (values,
//! tasks, reports — returned reports included — units, plan, and the records counter that
//! the rubric, the council's tie decisions, the proposals and a freeze move), the year and
//! today. Answers of an older snapshot are dropped when a newer one is asked for.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::{
    Evaluation, Frozen, Scope, Setting, broken, check_year, evaluate_on, read_body, rubric,
};
use crate::App;
use crate::actions::ActionError;
use crate::per_snapshot::PerSnapshot;

/// What an answer was computed from, beside the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    year: i32,
    day: NaiveDate,
}

/// Evaluations computed, by what they were computed from; and frozen years, read once (a
/// year is frozen once and never changes after).
pub struct EvaluationCache {
    slots: PerSnapshot<Key, Evaluation>,
    frozen: Mutex<HashMap<i32, Arc<Frozen>>>,
    /// Years found not frozen, as of a value of the records counter.
    open: Mutex<(i64, HashSet<i32>)>,
}

impl Default for EvaluationCache {
    fn default() -> Self {
        EvaluationCache {
            // A few years, each live and as of another day at most.
            slots: PerSnapshot::new(16),
            frozen: Mutex::default(),
            open: Mutex::default(),
        }
    }
}

impl EvaluationCache {
    /// How many answers are kept (for tests).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `year`'s evaluation as of today, by its rubric: computed once per snapshot. The rubric,
/// tie decisions and proposals are read only then: a change to them moves the snapshot's
/// `records` counter, so an answer kept for a snapshot is one they had not changed since.
pub async fn evaluate(s: &App, year: i32) -> Result<Arc<Evaluation>, ActionError> {
    let day = s.today();
    check_year(year, day)?;
    let snap = s.live.snapshot();
    s.evaluations
        .slots
        .get_or_try_init(snap.seqs, Key { year, day }, || async {
            let (rubric, version) = rubric(s, year).await?;
            let decisions = super::ties::decisions(s, year).await?;
            let proposals = s.store.evaluation_setting(year, Setting::Proposals).await?;
            // Returned reports move the reports' counter: the key covers them.
            let returned = s.store.returned_reports().await?;
            let scope = Scope {
                year,
                day,
                rubric,
                rubric_version: version,
            };
            let snap = Arc::clone(&snap);
            let mut e = tokio::task::spawn_blocking(move || {
                evaluate_on(&snap, scope, &returned, &decisions)
            })
            .await
            .map_err(broken)?;
            if let Some(st) = proposals {
                e.proposals = read_body(&st.body, chitieu_domain::Thing::Proposal, year)?;
                e.proposals_edited_by = Some(st.by);
            }
            Ok::<_, ActionError>(e)
        })
        .await
}

/// `year`'s frozen evaluation, if frozen: read from the database and parsed once.
pub async fn frozen(s: &App, year: i32) -> Result<Option<Arc<Frozen>>, ActionError> {
    let kept = |s: &App| {
        s.evaluations
            .frozen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&year)
            .cloned()
    };
    if let Some(f) = kept(s) {
        return Ok(Some(f));
    }
    // A freeze moves the records counter: a year found not frozen stays so until it does.
    let records = s.live.snapshot().seqs.records;
    let open = |s: &App| {
        let o = s.evaluations.open.lock().unwrap_or_else(|e| e.into_inner());
        o.0 == records && o.1.contains(&year)
    };
    if open(s) {
        return Ok(None);
    }
    let Some(st) = s.store.frozen_evaluation(year).await? else {
        let mut o = s.evaluations.open.lock().unwrap_or_else(|e| e.into_inner());
        if o.0 != records {
            *o = (records, HashSet::new());
        }
        o.1.insert(year);
        return Ok(None);
    };
    let body = st.body;
    // Parsing a national year's record takes a while: off the request threads.
    let evaluation = tokio::task::spawn_blocking(move || {
        read_body::<Evaluation>(&body, chitieu_domain::Thing::Evaluation, year)
    })
    .await
    .map_err(broken)??;
    let f = Arc::new(Frozen {
        evaluation,
        by: st.by,
        at: st.at,
    });
    s.evaluations
        .frozen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(year, Arc::clone(&f));
    Ok(Some(f))
}
