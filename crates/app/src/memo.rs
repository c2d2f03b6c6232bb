//! Answers computed from one snapshot, kept while it is current, and carried to the next
//! snapshot where the change between them cannot have touched them.
//!
//! A value write changes one indicator's figures; a target edit, one indicator's targets. The
//! national assessment has two rows per indicator, so the next snapshot keeps the others
//! instead of computing every row again: after each write, readers and the writer's warm-up
//! compute a few rows, not the whole overview.

use chitieu_analytics::assess::{Method, Row};
use chitieu_domain::UnitCode;
use chitieu_domain::default_plan::PlanFile;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use crate::live::{BadInput, Data, ReportCounts};

/// Answers kept per snapshot, at most: questions with arbitrary dates must not grow memory.
pub(crate) const MEMO_MAX: usize = 4096;
/// Rendered page parts kept per snapshot, at most: a part of a national list is up to a few
/// hundred kilobytes, and every page of every filter is a question.
pub(crate) const TEXT_MAX: usize = 256;

pub(crate) type AssessKey = (UnitCode, chrono::NaiveDate, Method, Data);
pub(crate) type AssessAnswer = Result<Arc<Vec<Row>>, BadInput>;
/// A list of reports: scope, period, form, state, unit, day.
pub(crate) type ListKey = (
    UnitCode,
    Option<chitieu_domain::Period>,
    Option<String>,
    Option<chitieu_domain::ValueState>,
    Option<UnitCode>,
    chrono::NaiveDate,
);
pub(crate) type YearlyFigures = Arc<Vec<(i32, chitieu_analytics::Figure)>>;

/// A memo table: one slot per question, filled once.
pub(crate) type Table<K, V> = std::sync::Mutex<HashMap<K, Arc<OnceLock<V>>>>;

#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) assess: Table<AssessKey, AssessAnswer>,
    pub(crate) completeness: Table<chrono::NaiveDate, ReportCounts>,
    pub(crate) yearly: Table<(String, UnitCode, chrono::NaiveDate), YearlyFigures>,
    pub(crate) text: Table<String, Result<Arc<str>, String>>,
    /// Lists of reports expected of a scope, by query and day.
    pub(crate) lists: Table<ListKey, Arc<Vec<crate::reports::Listed>>>,
    /// Assessments of an earlier snapshot whose rows of some indicators are out of date:
    /// the next time the question is asked, only those rows are computed.
    pub(crate) carried: HashMap<AssessKey, Carried>,
}

pub(crate) struct Carried {
    pub(crate) rows: Arc<Vec<Row>>,
    /// The indicators whose rows must be computed again.
    pub(crate) changed: HashSet<String>,
}

impl Clone for Memo {
    /// A copy of a snapshot is about to change: it keeps no answers.
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

/// What differs between a snapshot and the next, as far as answers depend on it.
#[derive(Debug, Default)]
pub(crate) enum Changed {
    /// The figures and targets of these indicators, and whether anything reporting
    /// completeness reads changed (reports, accepted figures, the plan).
    Indicators {
        codes: HashSet<String>,
        reports: bool,
    },
    /// Units, the plan's frame: nothing is carried.
    #[default]
    All,
}

impl Changed {
    pub(crate) fn none() -> Changed {
        Changed::Indicators {
            codes: HashSet::new(),
            reports: false,
        }
    }

    pub(crate) fn indicator(&mut self, code: &str) {
        if let Changed::Indicators { codes, .. } = self
            && !codes.contains(code)
        {
            codes.insert(code.to_string());
        }
    }

    /// Reports, or the accepted figures whose presence makes a report count as received.
    pub(crate) fn reports(&mut self) {
        if let Changed::Indicators { reports, .. } = self {
            *reports = true;
        }
    }

    /// The indicators whose assessment rows differ between the two plans: those whose
    /// definition or targets changed. Anything else that changed (the owner, the baseline
    /// year, the list of indicators) changes every row.
    pub(crate) fn plans(&mut self, before: Option<&PlanFile>, after: Option<&PlanFile>) {
        // Forms and who reports what are in the plan: completeness is computed again.
        self.reports();
        let (Some(a), Some(b)) = (before, after) else {
            *self = Changed::All;
            return;
        };
        let codes =
            |p: &PlanFile| -> Vec<String> { p.indicators.iter().map(|i| i.code.clone()).collect() };
        if a.plan != b.plan || codes(a) != codes(b) {
            *self = Changed::All;
            return;
        }
        for (x, y) in a.indicators.iter().zip(&b.indicators) {
            let targets = |p: &'_ PlanFile| -> Vec<chitieu_domain::Target> {
                p.targets
                    .iter()
                    .filter(|t| t.indicator == x.code)
                    .cloned()
                    .collect()
            };
            if x != y || targets(a) != targets(b) {
                self.indicator(&x.code);
            }
        }
    }
}

impl Memo {
    /// The answers of this memo that hold, or hold but for some rows, after `changed`: the
    /// starting memo of the next snapshot.
    pub(crate) fn carry(&self, changed: &Changed) -> Memo {
        let Changed::Indicators {
            codes: set,
            reports,
        } = changed
        else {
            return Memo::default();
        };
        let next = Memo::default();
        let mut carried = HashMap::new();
        {
            let assess = lock(&self.assess);
            let mut into = lock(&next.assess);
            for (key, slot) in assess.iter() {
                let Some(Ok(rows)) = slot.get() else { continue };
                // Not only the rows of a changed indicator: a new target of it adds rows to
                // an answer that had none of them.
                if !set.is_empty() {
                    carried.insert(
                        key.clone(),
                        Carried {
                            rows: Arc::clone(rows),
                            changed: set.clone(),
                        },
                    );
                } else {
                    into.insert(key.clone(), filled(Ok(Arc::clone(rows))));
                }
            }
            // Carried answers nobody asked for meanwhile: their out-of-date rows add up.
            for (key, c) in &self.carried {
                if into.contains_key(key) || carried.contains_key(key) {
                    continue;
                }
                if assess.get(key).is_some_and(|s| s.get().is_some()) {
                    continue;
                }
                let mut stale = c.changed.clone();
                stale.extend(set.iter().cloned());
                carried.insert(
                    key.clone(),
                    Carried {
                        rows: Arc::clone(&c.rows),
                        changed: stale,
                    },
                );
            }
        }
        {
            let yearly = lock(&self.yearly);
            let mut into = lock(&next.yearly);
            for (key, slot) in yearly.iter() {
                if let Some(v) = slot.get()
                    && !set.contains(&key.0)
                {
                    into.insert(key.clone(), filled(Arc::clone(v)));
                }
            }
        }
        if !reports {
            let done = lock(&self.completeness);
            let mut into = lock(&next.completeness);
            for (day, slot) in done.iter() {
                if let Some(v) = slot.get() {
                    into.insert(*day, filled(v.clone()));
                }
            }
        }
        if carried.len() > MEMO_MAX {
            carried.clear();
        }
        Memo { carried, ..next }
    }
}

pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn filled<V>(v: V) -> Arc<OnceLock<V>> {
    let slot = OnceLock::new();
    let _ = slot.set(v);
    Arc::new(slot)
}

/// Looks up `key` in a memo table, or computes and keeps the answer (clearing the table
/// when it is full). Readers asking the same question at once wait for one computation
/// instead of each doing it: after a change, the first burst of readers would otherwise
/// all compute the national overview together.
pub(crate) fn remember<K: std::hash::Hash + Eq, V: Clone>(
    table: &Table<K, V>,
    key: K,
    compute: impl FnOnce() -> V,
) -> V {
    remember_within(table, MEMO_MAX, key, compute)
}

/// [`remember`], keeping at most `cap` answers.
pub(crate) fn remember_within<K: std::hash::Hash + Eq, V: Clone>(
    table: &Table<K, V>,
    cap: usize,
    key: K,
    compute: impl FnOnce() -> V,
) -> V {
    let slot = {
        let mut t = lock(table);
        if t.len() >= cap && !t.contains_key(&key) {
            t.clear();
        }
        Arc::clone(t.entry(key).or_default())
    };
    // Filled outside the table's lock: other questions go on meanwhile.
    slot.get_or_init(compute).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chitieu_domain::default_plan::default_plan;

    fn changed_between(a: &PlanFile, b: &PlanFile) -> Changed {
        let mut c = Changed::none();
        c.plans(Some(a), Some(b));
        c
    }

    #[test]
    fn a_target_edit_changes_only_its_indicator() {
        let a = default_plan();
        let mut b = a.clone();
        b.targets[0].value += chitieu_domain::Decimal::ONE;
        let code = b.targets[0].indicator.clone();
        match changed_between(&a, &b) {
            Changed::Indicators { codes, reports } => {
                assert_eq!(codes, HashSet::from([code]));
                assert!(
                    reports,
                    "forms may have changed: completeness is computed again"
                );
            }
            Changed::All => panic!("one target changed, not the plan"),
        }
        assert!(
            matches!(changed_between(&a, &a), Changed::Indicators { codes, .. } if codes.is_empty())
        );
    }

    #[test]
    fn a_change_of_the_plans_frame_changes_everything() {
        let a = default_plan();
        let mut b = a.clone();
        b.plan.baseline_year -= 1;
        assert!(matches!(changed_between(&a, &b), Changed::All));
        let mut c = a.clone();
        c.indicators.pop();
        assert!(matches!(changed_between(&a, &c), Changed::All));
        let mut d = Changed::none();
        d.plans(None, Some(&a));
        assert!(matches!(d, Changed::All));
    }
}
