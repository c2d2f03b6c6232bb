//! Reports: what waits for me (to submit, approve, accept), every report in my scope with
//! its state, due day and lateness, and the actions each allows me; the report boxes on the
//! entry form.

use super::common::*;
use chitieu_domain::report::{ReportAction, may_act_placed};

/// An action button: the action and its label.
#[derive(Clone)]
pub(super) struct ActButton {
    pub(super) action: &'static str,
    pub(super) label: &'static str,
    pub(super) needs_reason: bool,
}

#[derive(Clone)]
pub(super) struct ReportLine {
    pub(super) form: String,
    pub(super) form_name: String,
    pub(super) unit: String,
    pub(super) unit_name: String,
    pub(super) period: String,
    /// "Quý III/2026": what people read; `period` is the code forms send.
    pub(super) period_label: String,
    pub(super) state: &'static str,
    pub(super) state_code: &'static str,
    pub(super) due: String,
    pub(super) late: bool,
    pub(super) reason: String,
    pub(super) actions: Vec<ActButton>,
    /// Where its figures are opened: the entry form for those who enter figures, the
    /// read-only view for everyone else (a leader's link once gave 403).
    pub(super) entry_url: String,
    /// The read-only view of its figures, beside the previous period's.
    pub(super) view_url: String,
    /// Figures far from the unit's own history, for whoever reviews the report.
    pub(super) flags: Vec<String>,
}

/// The actions `u` may take on a report in `state` now.
pub(super) fn buttons(
    snap: &Snapshot,
    u: &Actor,
    unit: &UnitCode,
    state: ValueState,
    tr: Tr,
) -> Vec<ActButton> {
    let own = u.unit == *unit;
    let above = !own && snap.within(&u.unit, unit);
    ReportAction::ALL
        .into_iter()
        .filter(|a| a.next(state).is_some() && may_act_placed(u.role, own, above, *a))
        .map(|a| ActButton {
            action: a.as_str(),
            label: tr.label(a),
            needs_reason: a.needs_reason(),
        })
        .collect()
}

pub(super) fn state_label(tr: Tr, s: ValueState) -> &'static str {
    tr.label(s)
}

/// What a report's move did, said after it: sent is not accepted.
fn done_words(tr: Tr, done: Option<&str>) -> Option<&'static str> {
    let a = ReportAction::ALL
        .into_iter()
        .find(|a| Some(a.as_str()) == done)?;
    Some(tr.t(match a {
        ReportAction::Submit => "saved_sent",
        ReportAction::Approve => "done_approve",
        ReportAction::Accept => "done_accept",
        ReportAction::Return => "done_return",
        ReportAction::Reopen => "done_reopen",
    }))
}

pub(super) fn line(
    snap: &Snapshot,
    u: &Actor,
    r: &chitieu_app::reports::Listed,
    tr: Tr,
) -> ReportLine {
    let owner = snap.plan.as_ref().map(|p| p.plan.owner.clone());
    // A department's report holds the province's figures it leads.
    let entry_unit = match snap.unit(&r.unit) {
        Some(unit) if unit.kind == chitieu_domain::UnitKind::Department => {
            owner.unwrap_or_else(|| r.unit.clone())
        }
        _ => r.unit.clone(),
    };
    let view_url = format!(
        "/reports/view?form={}&unit={}&period={}",
        r.form, r.unit, r.period
    );
    ReportLine {
        form: r.form.clone(),
        form_name: tr.pick(&r.form_name, &r.form_name_en).to_string(),
        unit: r.unit.to_string(),
        unit_name: r.unit_name.clone(),
        period: r.period.to_string(),
        period_label: tr.period(&r.period),
        state: state_label(tr, r.state),
        state_code: r.state.as_str(),
        due: tr.date(&r.due),
        late: r.late,
        reason: r.reason.clone(),
        actions: buttons(snap, u, &r.unit, r.state, tr),
        flags: if chitieu_domain::report::received(r.state) {
            super::report_flags::flags(snap, r, &entry_unit, tr)
        } else {
            Vec::new()
        },
        entry_url: if chitieu_domain::permission::role_allows(
            u.role,
            chitieu_domain::permission::Action::Enter,
        ) {
            format!("/entry?unit={entry_unit}&period={}", r.period)
        } else {
            view_url.clone()
        },
        view_url,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports.html")]
struct ReportsPage {
    c: Chrome,
    done: Option<&'static str>,
    /// The rest: the same for every reader of a role and unit, kept per snapshot.
    body: Part,
}

#[derive(Template)]
#[template(path = "reports_body.html")]
struct ReportsBody {
    /// Words only.
    c: Chrome,
    csrf: &'static str,
    period: String,
    form: String,
    state: String,
    late: bool,
    forms: Vec<(String, String)>,
    states: Vec<(&'static str, &'static str)>,
    waiting: Vec<ReportLine>,
    waiting_total: usize,
    /// Waiting beyond those shown.
    more_waiting: usize,
    /// This page of the list.
    all: Vec<ReportLine>,
    pager: Pager,
    /// Received and on-time shares of the reports listed.
    summary: String,
}

#[derive(Deserialize)]
pub struct ReportsQuery {
    period: Option<String>,
    form: Option<String>,
    state: Option<String>,
    late: Option<String>,
    done: Option<String>,
    page: Option<String>,
}

impl ReportsQuery {
    /// The list's filters, read.
    fn filters(&self, tr: Tr) -> Result<Filters, PageError> {
        let period = chitieu_app::live::optional_period(self.period.as_deref())
            .map_err(|e| PageError::invalid(tr, e))?;
        let state = self
            .state
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|st| {
                st.parse::<ValueState>()
                    .map_err(|e| PageError::invalid(tr, e))
            })
            .transpose()?;
        let form = self.form.clone().filter(|f| !f.is_empty());
        let late = self
            .late
            .as_deref()
            .is_some_and(|l| !l.is_empty() && l != "0");
        Ok(Filters {
            period,
            state,
            form,
            late,
        })
    }
}

/// The filters of the list of reports: a period, a state, a form, late ones only.
struct Filters {
    period: Option<Period>,
    state: Option<ValueState>,
    form: Option<String>,
    late: bool,
}

pub async fn reports(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ReportsQuery>,
) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let f = q.filters(tr)?;
    let snap = snapshot(&s, tr).await?;
    let key = format!(
        "reports|{:?}|{:?}|{:?}|{}|{:?}",
        f.period, f.form, f.state, f.late, q.page
    );
    let body = shared_part(&snap, tr, &u, &key, || {
        ReportsBody::build(&snap, &u, f, q.page.as_deref(), tr)
            .render()
            .or_500(tr)
    })?;
    Ok(ReportsPage {
        c: Chrome::of(&v),
        done: done_words(tr, q.done.as_deref()),
        body,
    }
    .into_response())
}

impl ReportsBody {
    /// The filters, the queue and this page of the list, for `u`.
    fn build(snap: &Snapshot, u: &Actor, f: Filters, page: Option<&str>, tr: Tr) -> ReportsBody {
        let query = chitieu_app::reports::Query {
            period: f.period,
            form: f.form.clone(),
            state: f.state,
            ..Default::default()
        };
        let shared = chitieu_app::reports::list_shared(snap, &u.unit, &query, snap.today());
        let mut list: Vec<&chitieu_app::reports::Listed> =
            shared.iter().filter(|r| !f.late || r.late).collect();
        // Typed back as words: the filter reads words and codes alike.
        let period = f.period.map(|p| tr.period(&p)).unwrap_or_default();
        let form = f.form.unwrap_or_default();
        let state = f.state.map(|s| s.as_str().to_string()).unwrap_or_default();
        let filters = [
            ("period", period.as_str()),
            ("form", form.as_str()),
            ("state", state.as_str()),
            ("late", if f.late { "1" } else { "" }),
        ];
        let pager = Pager::new(tr, "/reports", &filters, page, PAGE_ROWS, list.len());
        let (waiting_total, waiting) = waiting_first(snap, u, &mut list, tr);
        ReportsBody {
            c: Chrome::new(tr, None),
            csrf: CSRF_SLOT,
            forms: form_choices(snap, tr),
            states: REPORT_STATES
                .into_iter()
                .map(|st| (st.as_str(), state_label(tr, st)))
                .collect(),
            summary: completeness_summary(
                tr,
                &chitieu_app::reports::completeness(list.iter().copied()),
            ),
            waiting,
            more_waiting: waiting_total.saturating_sub(QUEUE_SHOWN),
            waiting_total,
            all: list[pager.range()]
                .iter()
                .map(|r| line(snap, u, r, tr))
                .collect(),
            pager,
            period,
            form,
            state,
            late: f.late,
        }
    }
}

/// Rows of the list a page shows: the list of a province's every commune would otherwise be
/// megabytes.
const PAGE_ROWS: usize = 100;
/// Reports of the queue shown at the top; the rest are counted.
const QUEUE_SHOWN: usize = 50;

/// What waits for `u` (an action without a reason: send, approve, accept) comes first in
/// the list, in the order it came; returns how many wait and the queue: the first
/// [`QUEUE_SHOWN`] of them, worded (their figures checked). The standing office finds what it
/// must accept on the first page, whatever the province's size.
fn waiting_first(
    snap: &Snapshot,
    u: &Actor,
    list: &mut [&chitieu_app::reports::Listed],
    tr: Tr,
) -> (usize, Vec<ReportLine>) {
    let waits = |r: &&chitieu_app::reports::Listed| {
        buttons(snap, u, &r.unit, r.state, tr)
            .iter()
            .any(|a| !a.needs_reason)
    };
    list.sort_by_cached_key(|r| !waits(r));
    let total = list.partition_point(waits);
    let shown: Vec<ReportLine> = list[..total.min(QUEUE_SHOWN)]
        .iter()
        .map(|r| line(snap, u, r, tr))
        .collect();
    (total, waiting(&shown))
}

/// A report action from a page: the form, unit, period, action, reason, and where to go
/// back to.
pub async fn report_act(State(s): State<AppState>, v: Viewer, f: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = f.read(tr)?;
    let u = v.check_csrf(&f)?.clone();
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let action: ReportAction = get("action")
        .parse()
        .map_err(|m| PageError::invalid(tr, m))?;
    actions::act_on_report(
        &s.app,
        &u,
        &actions::ReportRequest {
            form: get("form"),
            unit: get("unit"),
            period: get("period"),
            action,
            reason: get("reason"),
        },
    )
    .await
    .map_err(|e| PageError::action(tr, e))?;
    let back = safe_back(get("back"));
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}done={}", action.as_str())).into_response())
}

/// One cell of the completeness matrix.
pub(super) struct Cell {
    pub(super) state_code: &'static str,
    pub(super) label: &'static str,
    pub(super) late: bool,
}

pub(super) struct MatrixRow {
    pub(super) unit: String,
    pub(super) unit_name: String,
    /// `None` where the unit was not expected (not existing at that period's end).
    pub(super) cells: Vec<Option<Cell>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "matrix.html")]
struct MatrixPage {
    c: Chrome,
    form: String,
    forms: Vec<(String, String)>,
    periods: Vec<String>,
    /// Per period: received and on-time shares.
    totals: Vec<(String, String)>,
    /// This page's rows: a nation has thousands of communes.
    rows: Vec<MatrixRow>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct MatrixQuery {
    form: Option<String>,
    page: Option<String>,
}

/// How many periods the matrix shows, the last complete one last.
const MATRIX_PERIODS: usize = 6;

/// Units a page of the matrix shows: a province's communes fit on one.
const MATRIX_ROWS: usize = 200;

/// Completeness and timeliness, unit × period, for one form, over the units in scope.
pub async fn matrix(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<MatrixQuery>,
) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let form = match q.form.as_deref().filter(|f| !f.is_empty()) {
        Some(code) => plan
            .forms
            .iter()
            .find(|f| f.code == code)
            .ok_or(PageError::NotFound(tr))?,
        None => plan.forms.first().ok_or(PageError::NotFound(tr))?,
    };
    let day = snap.today();
    let periods = last_periods(form.frequency, day);
    let (mut rows, totals) = matrix_rows(&snap, &u.unit, &form.code, &periods, tr);
    let filters = [("form", form.code.as_str())];
    let pager = Pager::new(
        tr,
        "/reports/matrix",
        &filters,
        q.page.as_deref(),
        MATRIX_ROWS,
        rows.len(),
    );
    let rows = rows.drain(pager.range()).collect();
    Ok(MatrixPage {
        c: Chrome::of(&v),
        form: form.code.clone(),
        forms: plan
            .forms
            .iter()
            .map(|f| (f.code.clone(), tr.pick(&f.name, &f.name_en).to_string()))
            .collect(),
        periods: periods.iter().map(|p| tr.period(p)).collect(),
        totals,
        rows,
        pager,
    }
    .into_response())
}

/// Where a page action goes back to: a path of this site only (`/entry?…`), else the
/// reports page; never another host (`//evil.example`, `https://…`, `/\\evil.example`).
fn safe_back(back: &str) -> &str {
    if back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control)
    {
        back
    } else {
        "/reports"
    }
}

/// The states a report can be listed by.
const REPORT_STATES: [ValueState; 5] = [
    ValueState::Draft,
    ValueState::Submitted,
    ValueState::Approved,
    ValueState::Accepted,
    ValueState::Returned,
];

/// The plan's report forms to choose from: (code, name in the reader's language).
fn form_choices(snap: &Snapshot, tr: Tr) -> Vec<(String, String)> {
    snap.plan
        .iter()
        .flat_map(|p| p.forms.iter())
        .map(|f| (f.code.clone(), tr.pick(&f.name, &f.name_en).to_string()))
        .collect()
}

/// "Phải nộp: 12 · Đã nhận: 10 (83%) · Đúng hạn: 9 (75%)".
fn completeness_summary(tr: Tr, counts: &chitieu_domain::report::Completeness) -> String {
    let pct = |p| percent(tr, p);
    format!(
        "{}: {} · {}: {} ({}) · {}: {} ({})",
        tr.t("expected"),
        counts.expected,
        tr.t("received"),
        counts.received,
        pct(counts.received_pct()),
        tr.t("on_time"),
        counts.on_time,
        pct(counts.on_time_pct()),
    )
}

/// A share as the pages print it: "83%", or "—" when there is nothing to count.
fn percent(tr: Tr, p: Option<f64>) -> String {
    p.map_or("—".to_string(), |p| format!("{}%", tr.num(p, 0)))
}

/// The last [`MATRIX_PERIODS`] complete periods of a kind as of `day`, oldest first.
fn last_periods(kind: PeriodKind, day: chrono::NaiveDate) -> Vec<Period> {
    let mut periods = vec![Period::last_complete(kind, day)];
    while periods.len() < MATRIX_PERIODS {
        let Some(p) = periods.last().map(|p| p.start().pred_opt()) else {
            break;
        };
        let Some(prev) = p.map(|d| Period::containing(d, kind)) else {
            break;
        };
        periods.push(prev);
    }
    periods.reverse();
    periods
}

/// Each unit's report per period (a row per unit, by name), and per period the shares
/// received and on time.
fn matrix_rows(
    snap: &Snapshot,
    unit: &UnitCode,
    form: &str,
    periods: &[Period],
    tr: Tr,
) -> (Vec<MatrixRow>, Vec<(String, String)>) {
    let day = snap.today();
    let mut rows: Vec<MatrixRow> = Vec::new();
    // Each unit's row, found by its code rather than by scanning the rows.
    let mut row_of: HashMap<UnitCode, usize> = HashMap::new();
    let mut totals = Vec::new();
    for (k, p) in periods.iter().enumerate() {
        let list = chitieu_app::reports::list_shared(
            snap,
            unit,
            &chitieu_app::reports::Query {
                period: Some(*p),
                form: Some(form.to_string()),
                ..Default::default()
            },
            day,
        );
        let c = chitieu_app::reports::completeness(list.iter());
        totals.push((percent(tr, c.received_pct()), percent(tr, c.on_time_pct())));
        for r in list.iter() {
            let i = *row_of.entry(r.unit.clone()).or_insert_with(|| {
                rows.push(MatrixRow {
                    unit: r.unit.to_string(),
                    unit_name: r.unit_name.clone(),
                    cells: (0..periods.len()).map(|_| None).collect(),
                });
                rows.len() - 1
            });
            rows[i].cells[k] = Some(Cell {
                state_code: r.state.as_str(),
                label: state_label(tr, r.state),
                late: r.late,
            });
        }
    }
    rows.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
    (rows, totals)
}

/// What waits for me: anything I can move forward (returning alone is not waiting), with
/// the forward actions only; returning (with its reason) is in the table.
fn waiting(all: &[ReportLine]) -> Vec<ReportLine> {
    all.iter()
        .filter(|l| l.actions.iter().any(|a| !a.needs_reason))
        .map(|l| ReportLine {
            actions: l
                .actions
                .iter()
                .filter(|a| !a.needs_reason)
                .cloned()
                .collect(),
            ..l.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn a_page_action_goes_back_to_this_site_only() {
        assert_eq!(
            safe_back("/entry?unit=19&period=2026Q3"),
            "/entry?unit=19&period=2026Q3"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "reports",
            "/\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_back(bad), "/reports", "{bad:?}");
        }
    }
}
