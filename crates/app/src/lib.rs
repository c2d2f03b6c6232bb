//! The live service both front ends use: the engine's snapshot kept in step with the store
//! (`live`), and every write, each in one place with its checks and rights (`actions`).

pub mod accounts;
pub mod actions;
mod changes;
pub mod committee;
pub mod evaluation;
pub mod exchange;
pub mod input;
pub mod live;
mod load;
mod memo;
pub mod national;
pub mod notify;
pub mod per_snapshot;
pub mod programme;
pub mod reads;
mod refused;
pub mod report;
pub mod reports;
pub mod setup;
pub mod tasks;
pub mod two_factor;
pub mod upstream;

use std::sync::Arc;

/// The records the front ends show and send, as the store keeps them: the app's vocabulary
/// (the front ends name them through here and never hold the store's methods).
pub use chitieu_store::{
    Account, Client, ConflictKind, Enrolment, EvidenceInfo, Figures, IndicatorEdit, KeptAnswer,
    MAX_EVIDENCE_BYTES, NewEvidence, NewUser, NewValue, Notice, ORIGIN_MAX, OpenSession, Outcome,
    ReportFilter, SESSION_HOURS, SecondFactor, SignIn, SignInEntry, Store, StoreError, StoredValue,
    TaskWrite, TokenInfo, TwoFactorPolicy, ValueChange, ValueFilter, ValueRow, check_file,
    safe_file_name, sha256_hex, value_evidence_key, with_client,
};

/// The store and the live engine over it. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Store,
    pub live: Arc<live::Live>,
    /// Evaluations computed, shared by every reader of the same snapshot.
    pub evaluations: Arc<evaluation::EvaluationCache>,
    /// Periodic reports and their files, likewise.
    pub documents: Arc<report::DocumentCache>,
}

impl App {
    /// Today in Vietnam, by the clock the store was given.
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }

    /// Who did something that stays on record, as the record names them: the person's name,
    /// their unit and their login ("Nguyễn Văn A, Sở Khoa học và Công nghệ (thuongtruc)").
    pub fn person(&self, me: &chitieu_domain::Actor) -> String {
        let name = if me.display_name.trim().is_empty() {
            &me.login
        } else {
            &me.display_name
        };
        match self.live.snapshot().unit(&me.unit) {
            Some(u) => format!("{name}, {} ({})", u.name, me.login),
            None => format!("{name} ({})", me.login),
        }
    }

    /// The service's clock.
    pub fn clock(&self) -> &chitieu_domain::Clock {
        self.store.clock()
    }

    /// Opens the service over a store: loads the engine.
    pub async fn load(store: Store) -> Result<App, chitieu_store::StoreError> {
        let live = Arc::new(live::Live::load(store.clone()).await?);
        Ok(App {
            store,
            live,
            evaluations: Default::default(),
            documents: Default::default(),
        })
    }
}
