//! Storage for chitieu: one code path over SQLite (default) and PostgreSQL (scale-out),
//! chosen once from the URL scheme. Every write runs in one transaction and leaves an
//! entry in the hash-chained audit log.

mod accounts;
mod committee;
mod context;
pub mod entities;
pub mod evaluation;
mod evidence;
mod forms;
mod idempotency;
mod mappings;
mod migration;
mod notices;
mod people;
mod plan;
mod plan_load;
mod reports;
mod sessions;
mod sign_ins;
mod tasks;
mod two_factor;
pub use tasks::TaskWrite;
#[cfg(feature = "testing")]
pub mod testing;
mod units;
mod upstream;
mod values;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Order, Query};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use std::time::Duration;

pub use accounts::Account;
pub use context::with_client;
pub use evidence::{EvidenceInfo, MAX_EVIDENCE_BYTES, TaskUpdate, check_file, safe_file_name};
pub use idempotency::{IDEMPOTENCY_HOURS, KeptAnswer, sha256_hex};
pub use notices::{Mail, NewNotice, Notice};
pub use people::check_email;
pub use people::{NewUser, Role};
pub use people::{hash_password, verify_password};
pub use plan::{Ids, IndicatorEdit};
pub use reports::{ReportAct, ReportError, ReportEvent, ReportFilter, ReportRow, ReportSeed};
pub use sessions::{Actor, SESSION_HOURS, TokenInfo};
pub use sign_ins::{LOG_DAYS, OpenSession, SignInEntry};
pub use two_factor::{
    Client, Enrolment, MAX_CODE_FAILURES, MAX_REMEMBER_DAYS, Outcome, PENDING_MINUTES,
    SecondFactor, SignIn, TwoFactorPolicy, enrolment_url, new_enrolment,
};
pub use units::{ImportSummary, UnitCounts};
pub use upstream::{Delivered, Due, ORIGIN_MAX, Refused, Upstream, UpstreamStatus};
pub use values::value_evidence_key;
pub use values::{
    CHANGES_CHANNEL, ChangeListener, ChangedValue, ConflictKind, NewEvidence, NewValue, Seqs,
    StoredValue, ValueConflict, ValueFilter, ValueRow, ValueWrite,
};
pub use values::{Figures, ValueChange};

use entities::{audit, meta};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Db(#[from] DbErr),
    /// A rule refused the input or the move; nothing was written. The words are the front
    /// ends'.
    #[error("{0:?}")]
    Refused(chitieu_domain::Refusal),
    /// Stored data or a driver step that fails in a way no input explains (a corrupt
    /// figure, a lost LISTEN connection): a fault, logged, never a refusal.
    #[error("{0}")]
    Broken(String),
    /// Values changed by someone else since the writer read them, or locked; nothing was
    /// written.
    #[error("{} giá trị đã bị người khác thay đổi hoặc đã khóa; không có gì được ghi", .0.len())]
    Conflict(Vec<ValueConflict>),
    /// No such record, by the code asked for.
    #[error("{0:?}")]
    NotFound(chitieu_domain::Refusal),
    #[error(
        "địa chỉ cơ sở dữ liệu \"{0}\" không hợp lệ: dùng sqlite://ĐƯỜNG_DẪN hoặc postgres://..."
    )]
    BadUrl(String),
    /// The database server could not be reached or refused us: the driver's reason, said
    /// once and at once (a pool would retry for its whole timeout and say "timed out").
    #[error("không kết nối được PostgreSQL: {0}")]
    Unreachable(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The PostgreSQL advisory lock that writers take in turn ("57" for the resolution).
const WRITE_LOCK: i64 = 0x5757_0057;

/// What a process does with the database, which sizes SQLite's page cache (and, for a
/// server, where its engine's load reads: [`Store::separate_bulk_reader`]).
#[derive(Clone, Copy)]
enum Workload {
    /// Commands and imports: a large import is one transaction (all or nothing), and with a
    /// small page cache SQLite spills the same dirty pages to the WAL again and again. The
    /// cache grows only as a transaction needs it, and the process ends.
    Batch,
    /// The web server: every page a connection reads or writes stays cached up to the
    /// limit, for the life of the process, once per connection.
    Server,
}

impl Workload {
    /// `PRAGMA cache_size`: negative is KiB.
    fn sqlite_cache_size(self) -> &'static str {
        match self {
            Workload::Batch => "-262144",
            Workload::Server => "-16384",
        }
    }
}

/// A handle on the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// Database ids by code, as of a structure change number: callers speak codes, the
    /// tables ids; units and the plan change rarely, so the map is read again only then.
    ids: IdsCache,
    /// Where a [`Store::separate_bulk_reader`] connects: a server's SQLite file.
    bulk: Option<std::sync::Arc<str>>,
    /// Where every moment this store stamps comes from.
    clock: chitieu_domain::Clock,
}

/// The ids and the structure change number they were read at.
type IdsCache = std::sync::Arc<std::sync::RwLock<Option<(i64, std::sync::Arc<plan::Ids>)>>>;

/// A pool on the database at `url`, set up for `workload`.
/// One connection first, so that a server that is down or refuses the credentials is said
/// at once with its cause ("Connection refused", "password authentication failed").
async fn probe_postgres(url: &str) -> Result<()> {
    use sea_orm::sqlx::Connection;
    let tried = tokio::time::timeout(
        Duration::from_secs(10),
        sea_orm::sqlx::PgConnection::connect(url),
    )
    .await;
    match tried {
        Err(_) => Err(StoreError::Unreachable(
            "không có trả lời sau 10 giây (no answer in 10 s)".into(),
        )),
        Ok(Err(e)) => Err(StoreError::Unreachable(e.to_string())),
        Ok(Ok(c)) => {
            c.close().await.ok();
            Ok(())
        }
    }
}

async fn connect(url: &str, workload: Workload) -> Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        opts.max_connections(4).min_connections(1);
        opts.map_sqlx_sqlite_opts(move |o| {
            o.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // Map the file rather than copy pages through read(2): loading the engine
                // reads every value once. SQLite caps this at 2 GiB; pages past the cap are
                // read into the page cache, which is on the heap (a 1 GiB map left the last
                // 170 MB of a 10-million-value file there).
                .pragma("mmap_size", "2147418112")
                .pragma("cache_size", workload.sqlite_cache_size())
        });
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        // A schema other than `public` is chosen in the URL:
        // `postgres://…/db?options=-csearch_path%3Dmyschema`.
        opts.max_connections(8);
        probe_postgres(url).await?;
    } else {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    Ok(Database::connect(opts).await?)
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs pending migrations.
    /// `sqlite://PATH` runs SQLite in WAL mode; `postgres://…` runs on PostgreSQL.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_migrated(url, None, Workload::Batch).await
    }

    /// [`Store::open`] for a process that runs for months (the web server): on SQLite each
    /// connection keeps a small page cache, since the heap a long-lived process holds is
    /// what matters there, not the speed of a million-row import.
    pub async fn open_for_server(url: &str) -> Result<Store> {
        Store::open_migrated(url, None, Workload::Server).await
    }

    /// A store on a database brought only to its first `migrations`: the schema an earlier
    /// release left, for tests of an upgrade.
    #[cfg(feature = "testing")]
    pub async fn open_as_of(url: &str, migrations: u32) -> Result<Store> {
        Store::open_migrated(url, Some(migrations), Workload::Batch).await
    }

    async fn open_migrated(
        url: &str,
        migrations: Option<u32>,
        workload: Workload,
    ) -> Result<Store> {
        let db = connect(url, workload).await?;
        migration::run(&db, migrations).await?;
        let sqlite_server = matches!(workload, Workload::Server) && url.starts_with("sqlite:");
        Ok(Store {
            db,
            ids: Default::default(),
            bulk: sqlite_server.then(|| url.into()),
            clock: chitieu_domain::Clock::system(),
        })
    }

    /// Connections of their own to read most of the database through once (the engine's
    /// load), to be closed after; `None` where this store's serve as well. A server on
    /// SQLite needs them: SQLite maps the file into each connection and, after a write by
    /// another connection, unmaps it and maps it again on the next read. Letting go of the
    /// pages a full load touched (1.2 GB at 10 million values) held the whole process still
    /// for 60 ms at the server's first write; closed with the load, they cost that once, at
    /// start. The database is this store's, so its schema is migrated already and the ids
    /// it has cached hold for the reader too.
    pub async fn separate_bulk_reader(&self) -> Result<Option<Store>> {
        let Some(url) = &self.bulk else {
            return Ok(None);
        };
        Ok(Some(Store {
            db: connect(url, Workload::Server).await?,
            ids: self.ids.clone(),
            bulk: None,
            clock: self.clock.clone(),
        }))
    }

    /// This store on `clock`: every moment it stamps (a value entered, a report moved, a
    /// session's expiry) is read from it.
    pub fn with_clock(mut self, clock: chitieu_domain::Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The clock this store stamps moments with, and the service reads today from.
    pub fn clock(&self) -> &chitieu_domain::Clock {
        &self.clock
    }

    /// The ids behind the codes, as of the latest structure change.
    pub(crate) async fn ids_now(&self) -> Result<std::sync::Arc<plan::Ids>> {
        let seq = self.structure_seq().await?;
        if let Some((at, ids)) = &*self.ids.read().unwrap_or_else(|e| e.into_inner())
            && *at == seq
        {
            return Ok(ids.clone());
        }
        let fresh = std::sync::Arc::new(self.load_ids().await?);
        *self.ids.write().unwrap_or_else(|e| e.into_inner()) = Some((seq, fresh.clone()));
        Ok(fresh)
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// SQLite: a consistent copy of the whole database into a new file at `path`, taken while
    /// other connections read and write (`VACUUM INTO`).
    pub async fn vacuum_into(&self, path: &str) -> Result<()> {
        use sea_orm::ConnectionTrait;
        if self.backend() != DbBackend::Sqlite {
            return Err(StoreError::Broken("VACUUM INTO is SQLite's".into()));
        }
        let quoted = path.replace('\'', "''");
        self.db
            .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
            .await?;
        Ok(())
    }

    /// Whether the PostgreSQL database at `url` has no table in its schema, checked without
    /// creating any (a restore goes only into an empty database).
    pub async fn is_empty_database(url: &str) -> Result<bool> {
        use sea_orm::{ConnectionTrait, Statement};
        let db = sea_orm::Database::connect(url).await?;
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                 WHERE table_schema = current_schema()",
            ))
            .await?;
        let n: i64 = match row {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        };
        db.close().await?;
        Ok(n == 0)
    }

    /// The connection itself, for tests that must reach past the store's checks (to plant a
    /// value a hand-edited database might hold, say). Not for the application.
    #[cfg(feature = "testing")]
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (by a write that
    /// changes nothing): a transaction that read first and wrote later would fail with
    /// "database is locked" when another writer committed in between, instead of waiting
    /// its turn. PostgreSQL's row locks need no such help.
    pub(crate) async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction> {
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        match self.backend() {
            sea_orm::DbBackend::Sqlite => {
                txn.execute_unprepared("UPDATE counters SET value = value WHERE 0")
                    .await?;
            }
            // Every audited write appends to one hash chain: writers of any process take
            // turns (until commit), so no two of them link to the same last entry.
            sea_orm::DbBackend::Postgres => {
                txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
                    .await?;
            }
            _ => {}
        }
        Ok(txn)
    }

    /// Rows in a table; for summaries and tests.
    pub async fn count_rows(&self, table: &'static str) -> Result<u64> {
        count_rows(&self.db, table).await
    }

    /// For the benchmark's plain-SQL baseline: an index on the period (what a plain SQL
    /// design would add) and fresh planner statistics.
    pub async fn prepare_sql_baseline(&self) -> Result<()> {
        self.db
            .execute_unprepared("CREATE INDEX IF NOT EXISTS bench_period ON data_values(period)")
            .await?;
        self.db.execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    /// For the benchmark's plain-SQL baseline: runs a query, returns how many rows came back.
    pub async fn run_sql_baseline(&self, sql: &str) -> Result<usize> {
        let stmt = sea_orm::Statement::from_string(self.backend(), sql.to_string());
        Ok(self.db.query_all_raw(stmt).await?.len())
    }

    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(meta::Entity::find_by_id(key.to_string())
            .one(&self.db)
            .await?
            .map(|m| m.value))
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        let am = meta::ActiveModel {
            key: Set(key.to_string()),
            value: Set(value.to_string()),
        };
        meta::Entity::insert(am)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(meta::Column::Key)
                    .update_column(meta::Column::Value)
                    .to_owned(),
            )
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Checks the audit chain end to end; returns the number of entries, or names the
    /// first entry altered, the first gap (an entry removed or moved) or a removed tail.
    pub async fn verify_audit_chain(&self) -> Result<u64> {
        // The head first: entries written after it are read below too, so the head must be
        // some entry of the chain, not its last (a backup verifies while writes run).
        let head = self.meta(AUDIT_HEAD).await?;
        let mut head_seen = head.is_none();
        let rows = audit::Entity::find()
            .order_by_asc(audit::Column::Id)
            .all(&self.db)
            .await?;
        let broken = |m: String| Err(StoreError::Broken(m));
        let (mut prev, mut prev_id) = (String::new(), None::<i64>);
        for r in &rows {
            let h = chain_hash(
                &r.prev_hash,
                &r.at.to_rfc3339(),
                &r.actor,
                &r.action,
                &r.entity,
                &r.detail,
            );
            if r.hash != h {
                return broken(format!(
                    "mục {} của nhật ký đã bị sửa: nội dung không khớp mã băm đã ghi",
                    r.id
                ));
            }
            if r.prev_hash != prev {
                return broken(match prev_id {
                    Some(p) => format!(
                        "nhật ký bị đứt giữa mục {p} và mục {}: mục nằm giữa đã bị xoá hoặc đổi thứ tự",
                        r.id
                    ),
                    None => format!("nhật ký bị đứt trước mục {}: các mục đầu đã bị xoá", r.id),
                });
            }
            head_seen |= head.as_ref() == Some(&h);
            prev = h;
            prev_id = Some(r.id);
        }
        if !head_seen {
            return broken(format!(
                "mục cuối của nhật ký đã bị xoá: chuỗi dừng ở mục {}, không khớp mục cuối đã ghi",
                prev_id.map_or("(không có)".into(), |i| i.to_string())
            ));
        }
        Ok(rows.len() as u64)
    }
}

/// The `meta` key holding the hash of the last audit entry, so that removing the last
/// entries is seen too.
const AUDIT_HEAD: &str = "audit_head";

fn chain_hash(
    prev: &str,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, actor, action, entity, detail] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends to the audit chain inside the caller's transaction, so a write and its audit
/// entry land together or not at all.
pub(crate) async fn audit<C: ConnectionTrait>(
    c: &C,
    actor: &str,
    action: &str,
    entity: &str,
    detail: &str,
) -> Result<()> {
    let last = audit::Entity::find()
        .select_only()
        .column(audit::Column::Hash)
        .order_by(audit::Column::Id, Order::Desc)
        .limit(1)
        .into_tuple::<String>()
        .one(c)
        .await?
        .unwrap_or_default();
    // The request's origin, when there is one, is part of what the chain protects.
    let from = crate::context::client();
    let detail = &if from.is_empty() {
        detail.to_string()
    } else {
        format!("{detail}; từ {from}")
    };
    // Second precision so that the text form hashes the same after a round trip through
    // either backend. The system's clock, not the store's: the chain is evidence of when a
    // thing was done, which a clock set for a rehearsal must not move.
    let at = chrono::DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_default();
    let hash = chain_hash(&last, &at.to_rfc3339(), actor, action, entity, detail);
    let am = audit::ActiveModel {
        at: Set(at),
        actor: Set(actor.to_string()),
        action: Set(action.to_string()),
        entity: Set(entity.to_string()),
        detail: Set(detail.to_string()),
        prev_hash: Set(last),
        hash: Set(hash.clone()),
        ..Default::default()
    };
    audit::Entity::insert(am).exec_without_returning(c).await?;
    let head = meta::ActiveModel {
        key: Set(AUDIT_HEAD.to_string()),
        value: Set(hash),
    };
    meta::Entity::insert(head)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(meta::Column::Key)
                .update_column(meta::Column::Value)
                .to_owned(),
        )
        .exec(c)
        .await?;
    Ok(())
}

/// Checks and normalises a text field before it reaches the database (see
/// [`chitieu_domain::text::clean_text`]); the message names the field.
pub(crate) fn clean(
    field: chitieu_domain::Field,
    s: &str,
    max: usize,
    kind: chitieu_domain::text::TextKind,
) -> Result<String> {
    Ok(chitieu_domain::text::clean_text(field, s, max, kind)?)
}

/// Number of rows in a table.
pub(crate) async fn count_rows<C: ConnectionTrait>(c: &C, table: &'static str) -> Result<u64> {
    let stmt = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(table)
        .to_owned();
    let row = c.query_one(&stmt).await?.ok_or_else(|| {
        StoreError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Counter,
            table,
        ))
    })?;
    let n: i64 = row.try_get_by_index(0)?;
    Ok(n as u64)
}

impl From<chitieu_domain::Refusal> for StoreError {
    fn from(r: chitieu_domain::Refusal) -> Self {
        StoreError::Refused(r)
    }
}
