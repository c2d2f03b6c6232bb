//! Tasks of the work programmes: the filtered list, one task with its progress and evidence, and progress reports.

use super::common::*;

pub(super) struct TaskRow {
    pub(super) code: String,
    pub(super) title: String,
    pub(super) lead: String,
    /// The lead unit's head in office: who answers for it.
    pub(super) head: String,
    pub(super) deadline: String,
    pub(super) year: i32,
    /// The latest progress reported ("70%"), and how long ago ("12 ngày trước").
    pub(super) progress: String,
    pub(super) updated: String,
    pub(super) status_code: &'static str,
    pub(super) status: &'static str,
}

pub(super) fn task_rows(snap: &Snapshot, tr: Tr, tasks: &[chitieu_domain::Task]) -> Vec<TaskRow> {
    let day = snap.today();
    tasks
        .iter()
        .map(|t| {
            let st = t.status_on(day);
            TaskRow {
                code: t.code.clone(),
                title: t.title.clone(),
                lead: unit_name(snap, &t.lead_unit),
                head: head_text(snap, &t.lead_unit, day),
                deadline: tr.date(&t.deadline),
                year: t.year,
                progress: t
                    .updates
                    .iter()
                    .max_by_key(|u| u.on)
                    .map(|u| format!("{}%", u.progress))
                    .unwrap_or_else(|| "—".into()),
                updated: t
                    .updates
                    .iter()
                    .map(|u| u.on)
                    .max()
                    .map(|on| tr.days_ago((day - on).num_days()))
                    .unwrap_or_default(),
                status_code: st.as_str(),
                status: tr.task_status(st),
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    pager: Pager,
    unit_options: Vec<(String, String)>,
    status_options: Vec<(String, &'static str)>,
    f_unit: String,
    f_year: String,
    f_status: String,
    tasks: Vec<TaskRow>,
    /// The viewer assigns work: the link to a new task.
    assigns: bool,
}

#[derive(Deserialize)]
pub struct TaskFilter {
    unit: Option<String>,
    year: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

/// Just the list and its pages, for htmx to swap in when a filter changes.
#[derive(Template, WebTemplate)]
#[template(path = "task_list.html")]
struct TaskList {
    c: Chrome,
    tasks: Vec<TaskRow>,
    pager: Pager,
}

/// The task list; to an htmx request (a filter changed) only the list itself.
/// The units the filter offers: departments and other bodies lead tasks; a commune is listed
/// when it is the one chosen (thousands of communes would drown the list).
fn unit_options(snap: &Snapshot, chosen: &str) -> Vec<(String, String)> {
    snap.units
        .iter()
        .filter(|u| u.parent.is_some() && (!u.kind.is_commune_level() || u.code.as_str() == chosen))
        .map(|u| (u.code.to_string(), u.name.clone()))
        .collect()
}

pub async fn tasks(
    State(s): State<AppState>,
    v: Viewer,
    headers: axum::http::HeaderMap,
    Query(f): Query<TaskFilter>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let snap = snapshot(&s, tr).await?;
    let day = snap.today();
    let f_unit = f.unit.unwrap_or_default();
    let f_year = f.year.unwrap_or_default();
    let f_status = f.status.unwrap_or_default();
    let filter = chitieu_domain::task::TaskFilter::parse(&f_unit, &f_year, &f_status)
        .map_err(|e| PageError::invalid(tr, e))?;
    let list: Vec<&chitieu_domain::Task> = snap
        .tasks
        .iter()
        .filter(|t| filter.matches(t, day))
        .collect();
    let filters = [
        ("unit", &*f_unit),
        ("year", &*f_year),
        ("status", &*f_status),
    ];
    let pager = Pager::new(tr, "/tasks", &filters, f.page.as_deref(), 100, list.len());
    let shown: Vec<chitieu_domain::Task> =
        list[pager.range()].iter().map(|t| (*t).clone()).collect();
    let tasks = task_rows(&snap, tr, &shown);
    // A history restore wants the whole page back.
    if headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request") {
        return Ok(TaskList {
            c: Chrome::of(&v),
            tasks,
            pager,
        }
        .into_response());
    }
    let page = TasksPage {
        c: Chrome::of(&v),
        unit_options: unit_options(&snap, &f_unit),
        status_options: TaskStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), tr.task_status(*s)))
            .collect(),
        f_unit,
        f_year,
        f_status,
        tasks,
        pager,
        assigns: v.user().is_ok_and(chitieu_app::tasks::may_assign_any),
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "task.html")]
struct TaskPage {
    c: Chrome,
    code: String,
    title: String,
    status_code: &'static str,
    status: &'static str,
    lead: String,
    lead_code: String,
    lead_head: String,
    year: i32,
    coordinating: String,
    deadline: String,
    product: String,
    /// Linked indicators: (code, name).
    indicators: Vec<(String, String)>,
    /// (day, %, result, who, difficulties, proposals)
    updates: Vec<(String, u8, String, String, String, String)>,
    can_update: bool,
    /// The lead unit's head or the standing office: may declare the task completed.
    can_complete: bool,
    /// The completion date as the form starts from it (today, dd/mm/yyyy).
    today: String,
    /// The task's start, when it has not begun: nothing to declare completed yet.
    not_begun: Option<String>,
    csrf: String,
    evidence: Vec<chitieu_app::EvidenceInfo>,
    /// The document the task comes from, as a citation; empty when not given.
    source: String,
    /// When and why it was withdrawn.
    cancelled: Option<(String, String)>,
    /// When and why its product was found below requirements.
    defect: Option<(String, String)>,
    /// "Ngân sách tỉnh: giao 1.200, đã giải ngân 450 (37,5%) triệu đồng"; empty: none recorded.
    funding: String,
    /// The viewer may change or cancel it.
    can_assign: bool,
    saved: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn task(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let t = s
        .live
        .snapshot()
        .task(&code)
        .cloned()
        .ok_or(PageError::NotFound(tr))?;
    let evidence = s.app.evidence_list("task", &t.code).await.or_500(tr)?;
    let authors: Vec<String> = t.updates.iter().map(|u| u.author.clone()).collect();
    let names = s.app.display_names(&authors).await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let me = v.user()?;
    // What the last action did, in its own words.
    let saved = q.saved.as_deref().map(|w| match w {
        "progress" => tr.t("progress_recorded"),
        _ => tr.t("task_saved"),
    });
    let page = TaskPage::new(&v, me, &snap, &t, evidence, &names, saved);
    Ok(page.into_response())
}

pub async fn task_progress(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    let signed_in = v.user()?.clone();
    let t = s
        .live
        .snapshot()
        .task(&code)
        .cloned()
        .ok_or(PageError::NotFound(tr))?;
    // Who is asking comes first; the body (with its files) is read only for them.
    if !actions::may_report(&s.live.snapshot(), &signed_in, &t) {
        return Err(PageError::Forbidden(tr));
    }
    let form = read_multipart(mp, tr).await?;
    let u = v.check_csrf(&form.fields)?.clone();
    let (progress, completed_on, note) = progress_form(&form, tr, s.today())?;
    let field = |k: &str| form.fields.get(k).map_or("", String::as_str);
    let report = chitieu_domain::task::ReportText {
        note,
        difficulties: field("difficulties"),
        proposals: field("proposals"),
    };
    let files = form
        .files
        .iter()
        .map(|(_, n, b)| (n.clone(), b.clone()))
        .collect();
    actions::task_progress(&s.app, &u, &t, progress, &report, completed_on, files)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/tasks/{}?saved=progress", t.code)).into_response())
}

/// A progress report as posted: the progress (100 when completed), the completion date
/// (today unless given) and the note; the files checked first, so that a refused file
/// leaves the task untouched.
fn progress_form(
    form: &MultiForm,
    tr: Tr,
    today: chrono::NaiveDate,
) -> Result<(u8, Option<chrono::NaiveDate>, &str), PageError> {
    let field = |k: &str| form.fields.get(k).map_or("", |s| s.trim());
    let completed = field("completed") == "on";
    let progress: u8 = if completed {
        100
    } else {
        field("progress")
            .parse()
            .ok()
            .filter(|p| *p <= 100)
            .ok_or_else(|| {
                PageError::Invalid(
                    tr,
                    format!("tiến độ \"{}\" phải là số từ 0 đến 100", field("progress")),
                )
            })?
    };
    let completed_on = if completed {
        Some(
            chitieu_domain::text::parse_date(field("completed_on"))
                .map_err(|e| PageError::invalid(tr, e))?
                .unwrap_or(today),
        )
    } else {
        None
    };
    for (_, name, bytes) in &form.files {
        let name = chitieu_app::safe_file_name(name);
        chitieu_app::check_file(&name, bytes).map_err(|e| PageError::invalid(tr, e))?;
    }
    Ok((progress, completed_on, field("note")))
}

impl TaskPage {
    fn new(
        v: &Viewer,
        me: &Actor,
        snap: &Snapshot,
        t: &chitieu_domain::Task,
        evidence: Vec<chitieu_app::EvidenceInfo>,
        names: &HashMap<String, String>,
        saved: Option<&'static str>,
    ) -> TaskPage {
        let tr = v.tr;
        let st = t.status_on(snap.today());
        TaskPage {
            source: t.source.cite_vi(),
            funding: t
                .funding
                .as_ref()
                .map(|f| funding_text(tr, f))
                .unwrap_or_default(),
            cancelled: t
                .cancelled
                .as_ref()
                .map(|c| (tr.date(&c.on), c.reason.clone())),
            defect: t
                .product_defect
                .as_ref()
                .map(|c| (tr.date(&c.on), c.reason.clone())),
            can_assign: chitieu_app::tasks::may_assign(snap, me, &t.lead_unit),
            saved,
            can_update: actions::may_report(snap, me, t) && t.cancelled.is_none(),
            // Not begun: a completion would have to be dated before its start.
            can_complete: actions::may_complete(snap, me, t) && t.start <= snap.today(),
            not_begun: (t.start > snap.today()).then(|| tr.date(&t.start)),
            today: snap.today().format("%d/%m/%Y").to_string(),
            csrf: me.csrf.clone(),
            evidence,
            c: Chrome::of(v),
            code: t.code.clone(),
            title: t.title.clone(),
            status_code: st.as_str(),
            status: tr.task_status(st),
            lead: unit_name(snap, &t.lead_unit),
            lead_code: t.lead_unit.to_string(),
            lead_head: head_text(snap, &t.lead_unit, snap.today()),
            year: t.year,
            coordinating: t
                .coordinating_units
                .iter()
                .map(|c| unit_name(snap, c))
                .collect::<Vec<_>>()
                .join(", "),
            deadline: tr.date(&t.deadline),
            product: t.expected_product.clone(),
            indicators: t
                .indicators
                .iter()
                .map(|code| {
                    let name = snap
                        .plan
                        .as_ref()
                        .and_then(|p| p.indicator(code))
                        .map_or_else(
                            || code.clone(),
                            |i| tr.pick(&i.name, &i.name_en).to_string(),
                        );
                    (code.clone(), name)
                })
                .collect(),
            updates: update_rows(tr, t, names),
        }
    }
}

/// "Ngân sách tỉnh: giao 1.200, đã giải ngân 450 (37,5%) triệu đồng".
fn funding_text(tr: Tr, f: &chitieu_domain::task::Funding) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let (a, d) = (
        f.allocated.to_f64().unwrap_or(0.0),
        f.disbursed.to_f64().unwrap_or(0.0),
    );
    let share = if a > 0.0 {
        format!(" ({}%)", tr.num(d / a * 100.0, 1))
    } else {
        String::new()
    };
    format!(
        "{}: {} {}, {} {}{share} {}",
        tr.label(f.source),
        tr.t("allocated"),
        tr.num(a, 2),
        tr.t("disbursed"),
        tr.num(d, 2),
        tr.t("million_dong")
    )
}

/// Progress reports: (day, %, result, who, difficulties, proposals).
fn update_rows(
    tr: Tr,
    t: &chitieu_domain::Task,
    names: &HashMap<String, String>,
) -> Vec<(String, u8, String, String, String, String)> {
    t.updates
        .iter()
        .map(|u| {
            let who = match names.get(&u.author) {
                Some(n) => format!("{n} ({})", u.author),
                None => u.author.clone(),
            };
            (
                tr.date(&u.on),
                u.progress,
                u.note.clone(),
                who,
                u.difficulties.clone(),
                u.proposals.clone(),
            )
        })
        .collect()
}
