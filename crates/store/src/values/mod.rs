//! Data values: batched insert-or-update (a changed value gets version + 1) and export.

use chitieu_domain::text::format_decimal;
use chitieu_domain::{Period, UnitCode, ValueState};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;

use crate::entities::data_value::{self, Column as C};
use crate::{Result, Store, StoreError, audit};

/// Takes the next change sequence number. The counter row stays locked until the
/// transaction ends, so writers commit in sequence order and a reader that has seen
/// sequence N has seen every change up to N.
async fn next_seq<C: ConnectionTrait>(c: &C) -> Result<i64> {
    bump_counter(c, "values").await
}

/// The change counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Seqs {
    pub values: i64,
    pub structure: i64,
    pub plan: i64,
    pub tasks: i64,
    pub reports: i64,
    /// Records kept beside the snapshot and read from the database when a page needs them:
    /// a committee's members and meetings, a year's evaluation rubric, tie decisions,
    /// proposals and freeze. Pages made from them are kept until it moves.
    pub records: i64,
}

/// Notices of changes made by any process on the same PostgreSQL database.
pub struct ChangeListener(sea_orm::sqlx::postgres::PgListener);

impl ChangeListener {
    /// Waits for the next notice. An error means the connection dropped; the caller falls
    /// back to polling and may listen again.
    pub async fn next(&mut self) -> Result<()> {
        self.0
            .recv()
            .await
            .map(|_| ())
            .map_err(|e| StoreError::Broken(format!("LISTEN: {e}")))
    }
}

/// The channel on which PostgreSQL tells other app instances that a counter moved.
pub const CHANGES_CHANNEL: &str = "chitieu_changes";

/// Increments a named counter inside the caller's transaction and returns the new value. On
/// PostgreSQL it also notifies [`CHANGES_CHANNEL`]; the notice is delivered at commit, so
/// listeners never hear of a change they cannot read yet.
pub(crate) async fn bump_counter<C: ConnectionTrait>(c: &C, name: &str) -> Result<i64> {
    use crate::entities::counter;
    let update = Query::update()
        .table(counter::Entity)
        .value(
            counter::Column::Value,
            Expr::col(counter::Column::Value).add(1),
        )
        .and_where(Expr::col(counter::Column::Name).eq(name))
        .to_owned();
    c.execute(&update).await?;
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        c.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANGES_CHANNEL.into(), name.into()],
        ))
        .await?;
    }
    read_counter(c, name).await
}

pub(crate) async fn read_counter<C: ConnectionTrait>(c: &C, name: &str) -> Result<i64> {
    use crate::entities::counter;
    let row = counter::Entity::find_by_id(name.to_string())
        .one(c)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Counter,
                name,
            ))
        })?;
    Ok(row.value)
}

/// A stored value as the engine pulls it after a change: codes, the period id and the
/// figures as stored text (the engine checks them), and the change sequence it came with.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangedValue {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: String,
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub seq: i64,
    /// Accepted by the standing office: an official figure.
    pub accepted: bool,
}

#[derive(sea_orm::FromQueryResult)]
struct ChangedRow {
    indicator_id: i32,
    unit_id: i32,
    period: String,
    value: String,
    numerator: Option<String>,
    denominator: Option<String>,
    seq: i64,
    state: String,
}

/// A checked value to store, with the version the writer based the change on: 0 when there
/// was no value yet; a stored value at another version is someone else's change, and the
/// write is refused rather than silently overwriting it. `None` writes regardless: bulk
/// loads, and systems that are the source of the figure.
#[derive(Debug, Clone, PartialEq)]
pub struct NewValue {
    pub value: chitieu_domain::value::CheckedValue,
    pub expected_version: Option<i64>,
}

impl NewValue {
    pub fn new(value: chitieu_domain::value::CheckedValue, expected_version: Option<i64>) -> Self {
        NewValue {
            value,
            expected_version,
        }
    }
}

/// A [`NewValue`] at the tables' ids, inside the write path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub indicator_id: i32,
    pub unit_id: i32,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
    /// The version the writer based the change on (0: there was no value yet). A stored
    /// value at another version is someone else's change, and the write is refused rather
    /// than silently overwriting it. `None` writes regardless: bulk loads, and systems that
    /// are the source of the figure.
    pub expected_version: Option<i64>,
}

/// What a value's evidence files are listed under: `INDICATOR/UNIT/PERIOD`.
pub fn value_evidence_key(indicator: &str, unit: &UnitCode, period: &Period) -> String {
    format!("{indicator}/{unit}/{period}")
}

/// An evidence file stored with values, in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One write of values: the values, their evidence, the state they enter, who and why.
pub struct ValueWrite<'a> {
    pub values: &'a [NewValue],
    pub evidence: Vec<NewEvidence>,
    pub state: ValueState,
    pub actor: &'a str,
    /// For the audit log: "API", "nhập tệp X.csv", ...
    pub what: &'a str,
    /// The writer is the source of the official figures (a province delivering to the
    /// centre): an accepted value it sent before is replaced by its correction instead of
    /// being refused as locked.
    pub from_official_source: bool,
}

/// A stored value as it is now, shown to a writer whose change was refused.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredValue {
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
    pub state: ValueState,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub version: i64,
}

/// Why a value could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ConflictKind {
    /// Someone else changed it since the writer read version `expected`.
    Stale { expected: i64 },
    /// It was accepted by the standing office: locked until reopened.
    Locked,
}

/// A value that someone else changed, or that is locked; nothing of the write was stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueConflict {
    /// Position in [`ValueWrite::values`]; `None` for an evidence file.
    pub index: Option<usize>,
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub kind: ConflictKind,
    pub current: StoredValue,
}

/// A stored value, with codes instead of ids.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValueRow {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
    pub state: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub version: i64,
}

impl StoredValue {
    /// The figures as a person reads them: `62,5` or `45/50 (90)` for a ratio.
    pub fn figures_vi(&self) -> String {
        let vi = chitieu_domain::text::format_decimal_vi;
        match (&self.numerator, &self.denominator) {
            (Some(n), Some(d)) => format!("{}/{} ({})", vi(n), vi(d), vi(&self.value.round_dp(2))),
            _ => vi(&self.value),
        }
    }
}

impl ValueConflict {
    /// What happened, for the person whose write was refused: who changed the value, to
    /// what, when; or that it is locked.
    pub fn reason_vi(&self) -> String {
        let c = &self.current;
        let at = chitieu_domain::clock::vietnam_time_vi(c.entered_at);
        match self.kind {
            ConflictKind::Stale { expected } => format!(
                "{} đã sửa giá trị thành {} lúc {at} (phiên bản {}), sau phiên bản {expected} mà bạn dựa vào; số của bạn chưa được ghi",
                c.entered_by,
                c.figures_vi(),
                c.version
            ),
            ConflictKind::Locked if c.state == ValueState::Accepted => format!(
                "giá trị {} đã được tiếp nhận nên đã khóa; chỉ cơ quan thường trực mở lại được",
                c.figures_vi()
            ),
            ConflictKind::Locked => format!(
                "giá trị {} nằm trong báo cáo đã gửi ({}) nên đã khóa; sửa được khi báo cáo bị trả lại",
                c.figures_vi(),
                c.state.label_vi().to_lowercase()
            ),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ValueFilter {
    pub indicator: Option<String>,
    pub unit: Option<UnitCode>,
}

mod history;
mod lookup;
mod merge;
mod write;

pub use history::{Figures, ValueChange};

/// A stored value as listed, its time of entry as the database writes it in text.
#[derive(sea_orm::FromQueryResult)]
struct ListedValue {
    indicator_id: i32,
    unit_id: i32,
    period: String,
    value: String,
    numerator: Option<String>,
    denominator: Option<String>,
    comment: String,
    state: String,
    entered_by: String,
    entered_at: String,
    version: i64,
}

/// A time stored by either backend, read from its text: SQLite keeps what was written
/// (`2026-12-04 17:13:03.342022+00:00`, or RFC 3339), PostgreSQL writes `+00` offsets.
fn parse_stored_time(s: &str) -> Option<DateTime<Utc>> {
    let t = s.trim().replacen('T', " ", 1);
    ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%#z"]
        .iter()
        .find_map(|f| DateTime::parse_from_str(&t, f).ok())
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"]
                .iter()
                .find_map(|f| chrono::NaiveDateTime::parse_from_str(&t, f).ok())
                .map(|n| n.and_utc())
        })
}

impl Store {
    /// Stored values, ordered by indicator, unit and period.
    pub async fn values(&self, filter: &ValueFilter) -> Result<Vec<ValueRow>> {
        let ids = self.ids_now().await?;
        let ind_code = &ids.indicator_codes;
        let unit_code = &ids.unit_codes;
        let mut q = data_value::Entity::find();
        if let Some(code) = &filter.indicator {
            let id = ids.indicators.get(code).ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Indicator,
                    code,
                ))
            })?;
            q = q.filter(C::IndicatorId.eq(*id));
        }
        if let Some(code) = &filter.unit {
            let id = ids.units.get(code).ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Unit,
                    code.as_str(),
                ))
            })?;
            q = q.filter(C::UnitId.eq(*id));
        }
        // The time of entry read as text and parsed here, row by row: one date edited by
        // hand into something unreadable (SQLite keeps text) failed the whole list, and with
        // it the province's entry page and the values API (500).
        use sea_orm::QuerySelect;
        let rows = q
            .select_only()
            .columns([
                C::IndicatorId,
                C::UnitId,
                C::Period,
                C::Value,
                C::Numerator,
                C::Denominator,
                C::Comment,
                C::State,
                C::EnteredBy,
                C::Version,
            ])
            .column_as(Expr::cust("CAST(entered_at AS TEXT)"), "entered_at")
            .order_by_asc(C::IndicatorId)
            .order_by_asc(C::UnitId)
            .order_by_asc(C::Period)
            .into_model::<ListedValue>()
            .all(&self.db)
            .await?;
        let dec = |s: &str| {
            Decimal::from_str(s).map_err(|e| StoreError::Broken(format!("số \"{s}\" hỏng: {e}")))
        };
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let row = (|| -> Result<ValueRow> {
                Ok(ValueRow {
                    indicator: ind_code
                        .get(&r.indicator_id)
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    unit: unit_code
                        .get(&r.unit_id)
                        .map(|c| (*c).clone())
                        .ok_or_else(|| {
                            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                                chitieu_domain::Thing::Unit,
                                &format!("id {}", r.unit_id),
                            ))
                        })?,
                    period: r
                        .period
                        .parse()
                        .map_err(|e: chitieu_domain::PeriodError| StoreError::Refused(e.into()))?,
                    value: dec(&r.value)?,
                    numerator: r.numerator.as_deref().map(dec).transpose()?,
                    denominator: r.denominator.as_deref().map(dec).transpose()?,
                    comment: r.comment.clone(),
                    state: r.state.clone(),
                    entered_by: r.entered_by.clone(),
                    entered_at: parse_stored_time(&r.entered_at).ok_or_else(|| {
                        StoreError::Broken(format!("thời điểm nhập \"{}\" hỏng", r.entered_at))
                    })?,
                    version: r.version,
                })
            })();
            // One unreadable row (a database edited by hand) must not hide the others.
            match row {
                Ok(row) => out.push(row),
                Err(e) => tracing::warn!(
                    indicator_id = r.indicator_id,
                    unit_id = r.unit_id,
                    period = %r.period,
                    error = %e,
                    "giá trị hỏng bị bỏ qua (skipped an unreadable stored value)"
                ),
            }
        }
        // Periods sort by time, not as text ("2025Q1" before "2025M02").
        out.sort_by(|a, b| {
            (&a.indicator, &a.unit, a.period).cmp(&(&b.indicator, &b.unit, b.period))
        });
        Ok(out)
    }
}

impl Store {
    /// The latest change sequence number of values.
    pub async fn value_seq(&self) -> Result<i64> {
        read_counter(&self.db, "values").await
    }

    /// Changes whenever units or indicators' rules change; engines rebuild on a new number.
    pub async fn structure_seq(&self) -> Result<i64> {
        read_counter(&self.db, "structure").await
    }

    /// Every change counter in one round trip: values, structure (units, indicators' rules),
    /// plan (targets, descriptions), tasks, reports and records (committees, evaluation
    /// settings).
    pub async fn seqs(&self) -> Result<Seqs> {
        use crate::entities::counter;
        let mut out = Seqs::default();
        for c in counter::Entity::find().all(&self.db).await? {
            match c.name.as_str() {
                "values" => out.values = c.value,
                "structure" => out.structure = c.value,
                "plan" => out.plan = c.value,
                "tasks" => out.tasks = c.value,
                "reports" => out.reports = c.value,
                "records" => out.records = c.value,
                _ => {}
            }
        }
        Ok(out)
    }

    /// On PostgreSQL, a listener for other processes' changes; elsewhere none (a caller
    /// polls [`Store::seqs`] instead).
    pub async fn change_listener(&self) -> Result<Option<ChangeListener>> {
        if self.backend() != sea_orm::DbBackend::Postgres {
            return Ok(None);
        }
        let pool = self.db.get_postgres_connection_pool();
        let mut l = sea_orm::sqlx::postgres::PgListener::connect_with(pool)
            .await
            .map_err(|e| StoreError::Broken(format!("LISTEN: {e}")))?;
        l.listen(CHANGES_CHANNEL)
            .await
            .map_err(|e| StoreError::Broken(format!("LISTEN: {e}")))?;
        Ok(Some(ChangeListener(l)))
    }

    /// Every stored value of one indicator, one row per unit: the unit id and its values
    /// packed as `period value numerator denominator st` items (`st`: the state's first two
    /// letters, `ac` for accepted) separated by `;`. A bulk path
    /// for loading the engine: the database packs ~50 values a row, which makes loading
    /// several times faster than a row per value (measured with `chitieu bench`).
    pub async fn packed_values(&self, indicator: &str) -> Result<Vec<(UnitCode, String)>> {
        let ids = self.ids_now().await?;
        let Some(&indicator_id) = ids.indicators.get(indicator) else {
            return Ok(Vec::new());
        };
        // "2025M07 12.5 num den st;…": each value's fields joined by spaces, a missing one
        // empty. SQLite's printf does it in one call where `||` makes a string per
        // operator: a fifth less of the database's time, which is most of a cold start.
        let packed = match self.backend() {
            sea_orm::DbBackend::Postgres => {
                "string_agg(period || ' ' || value || ' ' || COALESCE(numerator, '') || ' ' \
                 || COALESCE(denominator, '') || ' ' || substr(state, 1, 2), ';')"
            }
            _ => {
                "group_concat(printf('%s %s %s %s %.2s', period, value, numerator, denominator, \
                  state), ';')"
            }
        };
        let sql = format!(
            "SELECT unit_id, {packed} FROM data_values WHERE indicator_id = $1 GROUP BY unit_id"
        );
        let stmt =
            sea_orm::Statement::from_sql_and_values(self.backend(), sql, [indicator_id.into()]);
        let rows = self.db.query_all_raw(stmt).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let unit_id = r.try_get_by_index::<i32>(0)?;
            // A unit added since the ids were read is in the next structure change; one that
            // does not exist (a database edited by hand) is named.
            match ids.unit_codes.get(&unit_id) {
                Some(code) => out.push((code.clone(), r.try_get_by_index::<String>(1)?)),
                None => tracing::warn!(
                    indicator,
                    unit_id,
                    "giá trị của một đơn vị không có trong danh sách bị bỏ qua khi nạp (skipped values of an unknown unit)"
                ),
            }
        }
        Ok(out)
    }

    /// Values changed after sequence `after` (all of them for 0), in sequence order.
    pub async fn values_since(&self, after: i64) -> Result<Vec<ChangedValue>> {
        use sea_orm::QuerySelect;
        let ids = self.ids_now().await?;
        let rows = data_value::Entity::find()
            .select_only()
            .columns([
                C::IndicatorId,
                C::UnitId,
                C::Period,
                C::Value,
                C::Numerator,
                C::Denominator,
                C::Seq,
                C::State,
            ])
            .filter(C::Seq.gt(after))
            .order_by_asc(C::Seq)
            .into_model::<ChangedRow>()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(ChangedValue {
                    indicator: ids.indicator_codes.get(&r.indicator_id)?.clone(),
                    unit: ids.unit_codes.get(&r.unit_id)?.clone(),
                    period: r.period,
                    value: r.value,
                    numerator: r.numerator,
                    denominator: r.denominator,
                    seq: r.seq,
                    accepted: r.state == ValueState::Accepted.as_str(),
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod stored_time_tests {
    use super::parse_stored_time;

    #[test]
    fn times_read_back_as_either_backend_writes_them() {
        for s in [
            "2026-12-04T17:31:53+00:00",
            "2026-12-04 17:31:53+00",
            "2026-12-04 17:31:53.342022+00",
            "2026-12-04T17:31:53.342+00:00",
            "2026-12-04 17:31:53",
        ] {
            let t = parse_stored_time(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(
                t.format("%Y-%m-%d %H:%M:%S").to_string(),
                "2026-12-04 17:31:53"
            );
        }
        assert_eq!(
            parse_stored_time("2026-12-05 00:31:53+07")
                .unwrap()
                .to_rfc3339(),
            "2026-12-04T17:31:53+00:00"
        );
        assert!(parse_stored_time("khong phai ngay").is_none());
    }
}
