//! Tables as sea-orm entities. One definition serves SQLite and PostgreSQL.
//! Decimals are stored as canonical text so that both backends keep them exact.

macro_rules! entity {
    ($modname:ident, $table:literal, { $($body:tt)* }) => {
        pub mod $modname {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $($body)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(unit, "units", {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: String,
    pub division_type: Option<String>,
    pub parent_id: Option<i32>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub population: Option<i64>,
    pub officials: Option<i64>,
});

entity!(unit_successor, "unit_successors", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub predecessor_id: i32,
    pub successor_id: i32,
    pub on_date: Date,
});

entity!(head, "heads", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub person: String,
    pub title: String,
    pub term_start: Date,
    pub term_end: Option<Date>,
    pub office: String,
});

entity!(plan, "plans", {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub owner_unit_id: i32,
    pub baseline_year: i32,
    pub start_year: i32,
    pub end_year: i32,
    pub source: String,
    pub outlier_z: String,
    pub name_en: String,
    pub documents: String,
});

entity!(indicator_group, "indicator_groups", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub sort: i32,
});

entity!(indicator, "indicators", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub group_id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub definition: String,
    pub unit_of_measure: String,
    pub unit_of_measure_en: String,
    pub measure: String,
    pub factor: Option<String>,
    pub numerator_label: Option<String>,
    pub definition_en: String,
    pub numerator_label_en: String,
    pub denominator_label_en: String,
    pub denominator_label: Option<String>,
    pub time_aggregation: String,
    pub unit_aggregation: String,
    pub direction: String,
    pub natural_limit: Option<String>,
    pub frequency: String,
    /// Comma-separated unit kinds.
    pub reported_by: String,
    pub lead_unit_id: i32,
    pub data_source: String,
    pub derived_from: Option<String>,
    pub sort: i32,
});

entity!(indicator_coordinator, "indicator_coordinators", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
});

entity!(target, "targets", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub comparator: String,
    pub value: String,
    pub wording: String,
    pub every_from: Option<i32>,
    pub every_to: Option<i32>,
});

// Keyed by what a value is (SQLite also keeps a row id, which nothing reads; PostgreSQL
// dropped it, migration m0028).
entity!(data_value, "data_values", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub comment: String,
    pub state: String,
    pub entered_by: String,
    pub entered_at: DateTimeUtc,
    pub version: i64,
    /// The change sequence number of the write that last changed this value.
    pub seq: i64,
});

entity!(value_history, "value_history", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub indicator_id: i32,
    pub unit_id: i32,
    pub period: String,
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub address: String,
    pub what: String,
    pub old_value: Option<String>,
    pub old_numerator: Option<String>,
    pub old_denominator: Option<String>,
    pub old_state: Option<String>,
    pub new_value: String,
    pub new_numerator: Option<String>,
    pub new_denominator: Option<String>,
    pub new_state: String,
});

entity!(task, "tasks", {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    pub plan_id: i32,
    pub year: i32,
    pub lead_unit_id: i32,
    pub start_date: Date,
    pub deadline: Date,
    pub expected_product: String,
    pub completed_on: Option<Date>,
    pub source_number: String,
    pub source_date: Option<Date>,
    pub source_issuer: String,
    pub cancelled_on: Option<Date>,
    pub cancel_reason: String,
    pub funding_source: String,
    pub funding_allocated: Option<String>,
    pub funding_disbursed: Option<String>,
    pub product_defect_on: Option<Date>,
    pub product_defect_reason: String,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: Option<DateTimeUtc>,
});

entity!(task_coordinator, "task_coordinators", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
});

entity!(task_indicator, "task_indicators", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: i32,
});

entity!(task_update, "task_updates", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub on_date: Date,
    pub progress: i32,
    pub note: String,
    pub author: String,
    pub difficulties: String,
    pub proposals: String,
    pub handled_on: Option<Date>,
    pub handled_by: String,
    pub handled_note: String,
});

entity!(research_result, "research_results", {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    pub unit_id: i32,
    pub accepted_on: Date,
    pub applied_on: Option<Date>,
});

entity!(user, "users", {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: i32,
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub email: Option<String>,
    pub must_change: bool,
    pub removed_at: Option<DateTimeUtc>,
    /// Base32; none until a second factor is enrolled.
    pub totp_secret: Option<String>,
    /// The last time step a code was accepted at: a code is good once.
    pub totp_step: Option<i64>,
});

entity!(notice, "notices", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    pub message: String,
    /// Empty on notices made before notices were kept in English.
    pub message_en: String,
    pub link: String,
    #[sea_orm(unique)]
    pub dedup: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    pub emailed_at: Option<DateTimeUtc>,
});

entity!(form, "forms", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub frequency: String,
    pub due_days: i32,
    /// Comma-separated unit kinds.
    pub reported_by: String,
    /// Comma-separated indicator codes.
    pub indicators: String,
    pub sort: i32,
});

entity!(validation_rule, "validation_rules", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub left_side: String,
    pub op: String,
    pub right_side: String,
    pub severity: String,
    pub message: String,
    pub sort: i32,
});

entity!(report, "reports", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub form_id: i32,
    pub unit_id: i32,
    pub period: String,
    pub state: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    /// The reason of the last return or reopening, shown to the reporter.
    pub reason: String,
    pub updated_at: DateTimeUtc,
});

entity!(report_event, "report_events", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub at: DateTimeUtc,
    pub actor: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
});

entity!(audit, "audit_log", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
});

entity!(meta, "meta", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub value: String,
});

entity!(counter, "counters", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub value: i64,
});

entity!(session, "sessions", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub user_id: i32,
    pub csrf: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// "full", or "code" while the second factor is awaited.
    pub stage: String,
    pub code_failures: i32,
    pub addr: Option<String>,
    pub agent: Option<String>,
});

entity!(recovery_code, "recovery_codes", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub code_hash: String,
    pub used_at: Option<DateTimeUtc>,
});

entity!(trusted_device, "trusted_devices", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub user_id: i32,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
});

entity!(sign_in, "sign_ins", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    pub login: String,
    pub user_id: Option<i32>,
    pub addr: Option<String>,
    pub agent: Option<String>,
    pub outcome: String,
});

entity!(api_token, "api_tokens", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    #[sea_orm(unique)]
    pub name: String,
    pub role: String,
    pub unit_id: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub revoked: bool,
});

entity!(evidence, "evidence", {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `value` or `task`.
    pub entity: String,
    /// `INDICATOR/UNIT/PERIOD` for a value, the task code for a task.
    pub entity_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub content: Vec<u8>,
    pub uploaded_by: String,
    pub uploaded_at: DateTimeUtc,
});

entity!(committee_member, "committee_members", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub committee_id: i32,
    pub person: String,
    pub position: String,
    pub office: String,
    pub member_from: Date,
    pub member_to: Option<Date>,
});

entity!(meeting, "meetings", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub committee_id: i32,
    pub held_on: Date,
    pub kind: String,
    pub chair: String,
    pub agenda: String,
    pub attendance: String,
    pub conclusion_number: String,
    pub conclusion_date: Option<Date>,
});

entity!(programme_signoff, "programme_signoffs", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub signed_by: String,
    pub signed_on: Date,
});

entity!(evaluation_rubric, "evaluation_rubrics", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub year: i32,
    pub version: i32,
    pub body: String,
    pub saved_by: String,
    pub saved_at: DateTimeUtc,
});

entity!(evaluation_freeze, "evaluation_freezes", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub year: i32,
    pub body: String,
    pub frozen_by: String,
    pub frozen_at: DateTimeUtc,
});

entity!(evaluation_setting, "evaluation_settings", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub year: i32,
    /// `proposals` or `ties`.
    pub kind: String,
    pub body: String,
    pub saved_by: String,
    pub saved_at: DateTimeUtc,
});

entity!(idempotency_key, "idempotency_keys", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub caller: String,
    pub key: String,
    pub digest: String,
    pub status: i32,
    pub body: String,
    pub created_at: DateTimeUtc,
});

entity!(code_mapping, "code_mappings", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub system: String,
    pub part: String,
    pub code: String,
    pub external: String,
});

entity!(upstream, "upstreams", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub system: String,
    pub url: String,
    pub token: String,
    pub set_by: String,
    pub set_at: DateTimeUtc,
});

entity!(upstream_outbox, "upstream_outbox", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub unit_id: i32,
    pub period: String,
    pub version: i64,
    pub queued_at: DateTimeUtc,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    pub last_error: String,
    pub origin: String,
});
