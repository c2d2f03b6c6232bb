//! What the front ends ask of the database beyond the snapshot, and the few writes that are
//! theirs alone (sessions, notices read, a kept idempotent answer): every one through here,
//! so that the front ends never hold the store.

use chitieu_domain::{Actor, Period, UnitCode};
use chitieu_store::{
    Client, EvidenceInfo, KeptAnswer, Notice, Outcome, ReportEvent, ReportFilter, ReportRow,
    Result, SecondFactor, SignIn, ValueChange, ValueFilter, ValueRow,
};
use std::collections::HashMap;

use crate::App;
use crate::actions::ActionError;

/// An evidence file: what it backs (`value` or `task`) and its key, its name, its content
/// type and its bytes.
pub type EvidenceFile = (String, String, String, String, Vec<u8>);

impl App {
    /// Who holds this session, if it is still open.
    pub async fn session_user(&self, sid: &str) -> Result<Option<Actor>> {
        self.store.session_user(sid).await
    }

    /// Who holds this bearer token, unless it is revoked.
    pub async fn token_user(&self, token: &str) -> Result<Option<Actor>> {
        self.store.token_user(token).await
    }

    /// A right password opens a session, or one waiting for the second factor.
    pub async fn sign_in(&self, login: &str, password: &str, client: &Client) -> Result<SignIn> {
        self.store.sign_in(login, password, client).await
    }

    /// The second factor of a session waiting for it.
    pub async fn second_factor(
        &self,
        token: &str,
        code: &str,
        remember: bool,
        client: &Client,
    ) -> Result<SecondFactor> {
        self.store
            .second_factor(token, code, remember, client)
            .await
    }

    /// Whose session waits for its second factor on `token`.
    pub async fn waiting_login(&self, token: &str) -> Result<Option<String>> {
        self.store.waiting_login(token).await
    }

    /// Logs a sign-in refused before its password was checked.
    pub async fn record_sign_in(
        &self,
        login: &str,
        client: &Client,
        outcome: Outcome,
    ) -> Result<()> {
        self.store.record_sign_in(login, client, outcome).await
    }

    pub async fn sign_out(&self, sid: &str) -> Result<()> {
        self.store.sign_out(sid).await
    }

    /// People's names by login, for lists that record logins.
    pub async fn display_names(&self, logins: &[String]) -> Result<HashMap<String, String>> {
        self.store.display_names(logins).await
    }

    /// `me`'s latest notices.
    pub async fn notices(&self, me: &Actor, limit: u64) -> Result<Vec<Notice>> {
        self.store.notices(me.user_id, limit).await
    }

    pub async fn mark_notices_read(&self, me: &Actor) -> Result<()> {
        self.store.mark_notices_read(me.user_id).await
    }

    /// The files backing a value or a task.
    pub async fn evidence_list(&self, entity: &str, key: &str) -> Result<Vec<EvidenceInfo>> {
        self.store.evidence_list(entity, key).await
    }

    /// An evidence file for `me`: a task's to anyone signed in, a value's within the unit's
    /// scope (or to the plan owner's people).
    pub async fn evidence_file(
        &self,
        me: &Actor,
        id: i32,
    ) -> std::result::Result<Option<EvidenceFile>, ActionError> {
        let Some(file) = self.store.evidence_file(id).await? else {
            return Ok(None);
        };
        if file.0 == "value" {
            let snap = self.live.snapshot();
            let Some(unit) = file
                .1
                .split('/')
                .nth(1)
                .and_then(|c| UnitCode::parse(c).ok())
            else {
                return Ok(None);
            };
            let owner = snap.plan.as_ref().map(|p| &p.plan.owner);
            if !chitieu_domain::permission::may_read_value_evidence(
                &snap.units,
                &me.unit,
                owner,
                &unit,
            ) {
                return Err(ActionError::Forbidden);
            }
        }
        Ok(Some(file))
    }

    /// A committee's memberships and meetings.
    pub async fn committee_records(
        &self,
        committee: &UnitCode,
    ) -> Result<(
        Vec<chitieu_domain::committee::Member>,
        Vec<chitieu_domain::committee::Meeting>,
    )> {
        Ok((
            self.store.members(committee).await?,
            self.store.meetings(committee).await?,
        ))
    }

    /// Stored values, provisional ones included.
    pub async fn values(&self, filter: &ValueFilter) -> Result<Vec<ValueRow>> {
        self.store.values(filter).await
    }

    /// A value's changes: who, when, from where, what.
    pub async fn value_history(
        &self,
        indicator: &str,
        unit: &UnitCode,
        period: &Period,
    ) -> Result<Vec<ValueChange>> {
        self.store.value_history(indicator, unit, period).await
    }

    /// Reports as stored (one never moved is not there: a draft).
    pub async fn report_rows(&self, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
        self.store.reports(filter).await
    }

    /// A report's moves, oldest first.
    pub async fn report_history(
        &self,
        form: &str,
        unit: &UnitCode,
        period: &Period,
    ) -> Result<Vec<ReportEvent>> {
        self.store.report_history(form, unit, period).await
    }

    /// The answer kept for a caller's idempotency key, if any.
    pub async fn kept_answer(&self, caller: &str, key: &str) -> Result<Option<KeptAnswer>> {
        self.store.kept_answer(caller, key).await
    }

    /// Keeps an answer under a caller's key; the one kept first when two raced.
    pub async fn keep_answer(
        &self,
        caller: &str,
        key: &str,
        digest: &str,
        status: u16,
        body: &str,
    ) -> Result<KeptAnswer> {
        self.store
            .keep_answer(caller, key, digest, status, body)
            .await
    }

    /// A system's code mapping as rows (part, code, external code).
    pub async fn mappings(&self, system: &str) -> Result<Vec<(String, String, String)>> {
        self.store.mappings(system).await
    }

    /// A system's code mapping, read for an import.
    pub async fn mapping_of(
        &self,
        system: &str,
    ) -> std::result::Result<chitieu_exchange::dhis2::Mapping, String> {
        crate::exchange::mapping_of(&self.store, system).await
    }

    /// Replaces a system's code mapping from a CSV table (`part,code,external`), by the plan
    /// owner's administrators only.
    pub async fn replace_mapping(
        &self,
        me: &Actor,
        system: &str,
        csv: &[u8],
        label: &str,
    ) -> std::result::Result<usize, ActionError> {
        let snap = self.live.snapshot();
        let owner = snap
            .plan
            .as_ref()
            .map(|p| p.plan.owner.clone())
            .ok_or_else(|| ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
        if !chitieu_domain::permission::may_edit_plan(&snap.units, me.role, &me.unit, &owner) {
            return Err(ActionError::Forbidden);
        }
        let n =
            crate::exchange::replace_mapping(&self.store, &*snap, system, csv, label, &me.login)
                .await?;
        self.live.sync().await?;
        Ok(n)
    }

    /// Whether the database answers.
    /// Official figures waiting to go to the central instance, and those it refused.
    pub async fn upstream_counts(&self) -> Result<(u64, u64)> {
        let st = self.store.upstream_status().await?;
        Ok((st.pending, st.rejected))
    }

    /// Notices waiting to be mailed.
    pub async fn mail_queue(&self) -> Result<u64> {
        self.store.mail_queue().await
    }

    pub async fn health(&self) -> Result<()> {
        self.store.meta("health-check").await.map(|_| ())
    }
}
