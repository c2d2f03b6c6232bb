//! The one write path for values: version check, lock on accepted values, evidence in the
//! same transaction, audit.

use super::lookup::{Key, check_references, indicators_with_values, stored_among};
use super::merge::{BULK_MIN, ROWS_PER_INSERT, Rows, Staged, insert_statement};
use super::*;

/// Rows per INSERT of history: 10 parameters a row stays under SQLite's and PostgreSQL's
/// limits.
const BATCH: usize = 1000;

fn dec_text(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| StoreError::Broken(format!("số \"{s}\" hỏng: {e}")))
}

/// A stored row as a writer is told about it. Figures that cannot be read (a database edited
/// by hand) show as 0, so that a writer can still correct them rather than be stopped.
fn stored(m: &data_value::Model) -> StoredValue {
    let dec = |s: &str| dec_text(s).unwrap_or(Decimal::ZERO);
    StoredValue {
        value: dec(&m.value),
        numerator: m.numerator.as_deref().map(dec),
        denominator: m.denominator.as_deref().map(dec),
        comment: m.comment.clone(),
        state: m.state.parse().unwrap_or(ValueState::Draft),
        entered_by: m.entered_by.clone(),
        entered_at: m.entered_at,
        version: m.version,
    }
}

/// Whether a write would leave the figures and the comment as they are.
fn same_figures(s: &StoredValue, v: &Row) -> bool {
    s.value == v.value
        && s.numerator == v.numerator
        && s.denominator == v.denominator
        && s.comment == v.comment
}

/// A write's rows in key order: those with no stored value under their key, and the others.
#[derive(Clone, Copy)]
struct Split<'a> {
    new: &'a [&'a Row],
    may_exist: &'a [&'a Row],
}

impl Store {
    /// Stores values in one transaction: all or nothing. A value already stored for the
    /// same indicator, unit and period is replaced and its version incremented, unless the
    /// figures are the same. Returns how many values were added or changed.
    pub async fn upsert_values(
        &self,
        values: &[NewValue],
        state: ValueState,
        actor: &str,
        what: &str,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        self.write_values(
            &ValueWrite {
                values,
                evidence: Vec::new(),
                state,
                actor,
                what,
                from_official_source: false,
            },
            progress,
        )
        .await
    }

    /// The one write path for values, whatever carried them (form, API, import): in one
    /// transaction, all or nothing,
    /// - takes the change counter's lock, so writers run one at a time and a version read
    ///   below cannot change before this commits;
    /// - refuses the whole write with [`StoreError::Conflict`] when a value was changed by
    ///   someone else since the version the writer saw, or is accepted (locked), listing
    ///   every such value as it is now; re-sending a locked value's own figures is not a
    ///   change and passes (a retried push stays safe);
    /// - stores the values (version + 1 where the figures change), their evidence files and
    ///   one audit entry with a SHA-256 of the rows.
    ///
    /// Returns how many values were added or changed.
    pub async fn write_values(
        &self,
        w: &ValueWrite<'_>,
        mut progress: impl FnMut(u64),
    ) -> Result<u64> {
        // Codes to ids, once, before the transaction.
        let ids = self.ids_now().await?;
        // Sized once: collecting through `Result` grew the vector step by step, and a
        // million-row import spent 6 % of its time zeroing the pages of each new copy.
        let mut rows: Vec<Row> = Vec::with_capacity(w.values.len());
        for n in w.values {
            let v = &n.value;
            rows.push(Row {
                indicator_id: ids.indicator(&v.indicator)?,
                unit_id: ids.unit(&v.unit)?,
                period: v.period,
                value: v.value,
                numerator: v.numerator,
                denominator: v.denominator,
                comment: v.comment.clone(),
                expected_version: n.expected_version,
            });
        }
        let files: Vec<(i32, i32, &NewEvidence)> = w
            .evidence
            .iter()
            .map(|e| Ok((ids.indicator(&e.indicator)?, ids.unit(&e.unit)?, e)))
            .collect::<Result<_>>()?;
        let txn = self.begin_write().await?;
        if self.backend() == sea_orm::DbBackend::Postgres {
            check_references(&txn, &rows, w).await?;
        }
        let seq = next_seq(&txn).await?;
        let now = self.clock.now_seconds();

        // What is stored now, for the values and files that may meet a stored value.
        let mut indicator_ids: Vec<i32> = rows
            .iter()
            .map(|v| v.indicator_id)
            .chain(files.iter().map(|(i, _, _)| *i))
            .collect();
        indicator_ids.sort_unstable();
        indicator_ids.dedup();
        let present = indicators_with_values(&txn, indicator_ids).await?;
        let keys: Vec<Key> = rows
            .iter()
            .map(|v| (v.indicator_id, v.unit_id, v.period))
            .chain(files.iter().map(|(i, u, e)| (*i, *u, e.period)))
            .filter(|k| present.contains(&k.0))
            .collect();
        let current = stored_among(&txn, &keys).await?;

        let mut conflicts = Vec::new();
        let mut unchanged_locked = std::collections::HashSet::new();
        for (index, v) in rows.iter().enumerate() {
            let key = (v.indicator_id, v.unit_id, v.period);
            let now_stored = current.get(&key).map(stored);
            let conflict = |kind, current| ValueConflict {
                index: Some(index),
                indicator: w.values[index].value.indicator.clone(),
                unit: w.values[index].value.unit.clone(),
                period: v.period,
                kind,
                current,
            };
            match now_stored {
                Some(s) if s.state.locked() && !w.from_official_source => {
                    if same_figures(&s, v) {
                        unchanged_locked.insert(index);
                    } else {
                        conflicts.push(conflict(ConflictKind::Locked, s));
                    }
                }
                Some(s) => {
                    if let Some(expected) = v.expected_version
                        && expected != s.version
                        && !(same_figures(&s, v) && s.state == w.state)
                    {
                        conflicts.push(conflict(ConflictKind::Stale { expected }, s));
                    }
                }
                None => {}
            }
        }
        for (i, u, e) in &files {
            if let Some(m) = current.get(&(*i, *u, e.period)) {
                let s = stored(m);
                if s.state.locked() {
                    conflicts.push(ValueConflict {
                        index: None,
                        indicator: e.indicator.clone(),
                        unit: e.unit.clone(),
                        period: e.period,
                        kind: ConflictKind::Locked,
                        current: s,
                    });
                }
            }
        }
        if !conflicts.is_empty() {
            txn.rollback().await?;
            return Err(StoreError::Conflict(conflicts));
        }

        let mut digest = Sha256::new();
        // In key order, index inserts append instead of landing at random pages: several
        // times faster on a large import whose file is ordered some other way.
        let mut ordered: Vec<&Row> = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !unchanged_locked.contains(i))
            .map(|(_, v)| v)
            .collect();
        let key = |v: &Row| (v.indicator_id, v.unit_id, v.period);
        ordered.sort_unstable_by_key(|v| key(v));
        if let Some(pair) = ordered.windows(2).find(|p| key(p[0]) == key(p[1])) {
            txn.rollback().await?;
            let twice: Vec<usize> = (0..rows.len())
                .filter(|&i| key(&rows[i]) == key(pair[0]))
                .collect();
            return Err(StoreError::Refused(chitieu_domain::Refusal::Repeated {
                first: twice[0],
                second: twice[1],
            }));
        }
        for v in &ordered {
            let value = format_decimal(&v.value);
            digest.update(v.indicator_id.to_le_bytes());
            digest.update(v.unit_id.to_le_bytes());
            digest.update(v.period.to_string().as_bytes());
            digest.update(value.as_bytes());
        }
        // Rows whose key holds no stored value are plainly inserted; the writers' lock keeps
        // it so until this commits.
        let (may_exist, new): (Vec<&Row>, Vec<&Row>) =
            ordered.iter().partition(|v| current.contains_key(&key(v)));
        let split = Split {
            new: &new,
            may_exist: &may_exist,
        };
        // PostgreSQL's bulk path for a large write: the rows are copied into staging on a
        // connection of their own (committed there, invisible to readers of data_values),
        // then merged here. Should this transaction fail, the batches are removed below.
        let bulk = if self.backend() == sea_orm::DbBackend::Postgres && ordered.len() >= BULK_MIN {
            let staged = Staged::new();
            let copied = staged
                .copy(self, [(Rows::New, &new), (Rows::MayExist, &may_exist)])
                .await;
            if let Err(e) = copied {
                staged.drop(self).await;
                return Err(e);
            }
            Some(staged)
        } else {
            None
        };
        let merged = self
            .merge_and_commit(
                txn,
                w,
                &files,
                split,
                bulk.as_ref(),
                seq,
                now,
                digest,
                &current,
                &mut progress,
            )
            .await;
        if merged.is_err()
            && let Some(staged) = &bulk
        {
            staged.drop(self).await;
        }
        merged
    }

    /// Writes the checked rows (merging the staged batches, or in batches of INSERTs), the
    /// evidence and the audit entry, and commits.
    #[allow(clippy::too_many_arguments)] // the parts of one write, already checked
    async fn merge_and_commit(
        &self,
        txn: sea_orm::DatabaseTransaction,
        w: &ValueWrite<'_>,
        files: &[(i32, i32, &NewEvidence)],
        rows: Split<'_>,
        bulk: Option<&Staged>,
        seq: i64,
        now: chrono::DateTime<Utc>,
        digest: Sha256,
        current: &HashMap<Key, data_value::Model>,
        progress: &mut impl FnMut(u64),
    ) -> Result<u64> {
        let mut done = 0u64;
        let mut changed = 0u64;
        let write_values = [
            w.state.as_str().into(),
            w.actor.into(),
            now.into(),
            seq.into(),
        ];
        let all = rows.new.len() + rows.may_exist.len();
        if let Some(staged) = bulk {
            changed += staged.merge(&txn, &write_values).await?;
            done = all as u64;
            progress(done);
        }
        let direct = if bulk.is_some() {
            Split {
                new: &[],
                may_exist: &[],
            }
        } else {
            rows
        };
        let backend = self.backend();
        let statement = |(chunk, kind): (&[&Row], Rows)| {
            (
                chunk.len(),
                insert_statement(backend, &write_values, chunk, kind),
            )
        };
        let mut chunks = direct
            .new
            .chunks(ROWS_PER_INSERT)
            .map(|c| (c, Rows::New))
            .chain(
                direct
                    .may_exist
                    .chunks(ROWS_PER_INSERT)
                    .map(|c| (c, Rows::MayExist)),
            );
        let mut next = chunks.next().map(statement);
        while let Some((count, stmt)) = next.take() {
            // The database works on this chunk while the next one is prepared here.
            let (result, following) = tokio::join!(biased; txn.execute_raw(stmt), async {
                chunks.next().map(statement)
            });
            changed += result?.rows_affected();
            done += count as u64;
            progress(done);
            next = following;
        }
        // A large import keeps its one audit entry (whose hash covers every row) instead of a
        // history row per value, on either backend.
        if all < BULK_MIN {
            record_history(&txn, w, rows.new, current, seq, now).await?;
            record_history(&txn, w, rows.may_exist, current, seq, now).await?;
        }
        for (_, _, e) in files {
            crate::evidence::insert_evidence(
                &txn,
                "value",
                &value_evidence_key(&e.indicator, &e.unit, &e.period),
                &e.file_name,
                e.bytes.clone(),
                w.actor,
                now,
            )
            .await?;
        }
        let hash: String = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let detail = format!(
            "lần ghi {seq}: {}: {} giá trị, trạng thái {}, sha256 {hash}{}",
            w.what,
            all,
            w.state.as_str(),
            if w.evidence.is_empty() {
                String::new()
            } else {
                format!(", {} tệp minh chứng", w.evidence.len())
            }
        );
        audit(&txn, w.actor, "values.upsert", "data_values", &detail).await?;
        // Figures written as official go up to the central instance, queued with them.
        if w.state == chitieu_domain::ValueState::Accepted {
            let origin = format!(
                "{}, lần ghi {seq}, bởi {} lúc {}",
                w.what,
                w.actor,
                crate::upstream::origin_time(now)
            );
            crate::upstream::queue(&txn, crate::upstream::Official::Write(seq), now, &origin)
                .await?;
        }
        txn.commit().await?;
        Ok(changed)
    }
}

/// The history of each value a write changes (not those it re-sends unchanged): what it was,
/// what it is now, who, when, from where, through what. Large imports on PostgreSQL's bulk
/// path keep their one audit entry instead.
async fn record_history<C: ConnectionTrait>(
    c: &C,
    w: &ValueWrite<'_>,
    rows: &[&Row],
    current: &HashMap<Key, data_value::Model>,
    seq: i64,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    use crate::entities::value_history::{Column as H, Entity as History};
    let address = crate::context::client();
    let changed: Vec<(&Row, Option<&data_value::Model>)> = rows
        .iter()
        .map(|v| (*v, current.get(&(v.indicator_id, v.unit_id, v.period))))
        .filter(|(v, old)| {
            old.is_none_or(|m| !(same_figures(&stored(m), v) && m.state == w.state.as_str()))
        })
        .collect();
    for chunk in changed.chunks(BATCH) {
        let mut q = Query::insert();
        q.into_table(History).columns([
            H::IndicatorId,
            H::UnitId,
            H::Period,
            H::Seq,
            H::At,
            H::Actor,
            H::Address,
            H::What,
            H::OldValue,
            H::OldNumerator,
            H::OldDenominator,
            H::OldState,
            H::NewValue,
            H::NewNumerator,
            H::NewDenominator,
            H::NewState,
        ]);
        for (v, old) in chunk {
            q.values_panic([
                v.indicator_id.into(),
                v.unit_id.into(),
                v.period.to_string().into(),
                seq.into(),
                now.into(),
                w.actor.into(),
                address.clone().into(),
                w.what.into(),
                old.map(|m| m.value.clone()).into(),
                old.and_then(|m| m.numerator.clone()).into(),
                old.and_then(|m| m.denominator.clone()).into(),
                old.map(|m| m.state.clone()).into(),
                format_decimal(&v.value).into(),
                v.numerator.as_ref().map(format_decimal).into(),
                v.denominator.as_ref().map(format_decimal).into(),
                w.state.as_str().into(),
            ]);
        }
        c.execute(&q).await?;
    }
    Ok(())
}
