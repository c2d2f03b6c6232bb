//! Notices and reminders: who is told what when a report moves; the server's own job that
//! reminds units of reports due soon or late (no external cron); and mail through SMTP when
//! the server has it. Every notice is made once (its `dedup` key names the occasion) and
//! mailed at most once, however many servers share the database.

use chitieu_domain::permission::Role;
use chitieu_domain::report::received;
use chitieu_domain::text::date_vi;
use chitieu_domain::{Period, UnitCode, ValueState};
use chitieu_store::{NewNotice, StoreError};
use chrono::NaiveDate;
use std::time::Duration;

use crate::App;
use crate::live::Snapshot;
use crate::reports::{Listed, Query, list_within};

/// How many days before its due day a report not yet sent is reminded of.
pub const DUE_SOON_DAYS: i64 = 3;

/// How often the job looks (reminders are made once each, so looking often is harmless).
pub const JOB_EVERY: Duration = Duration::from_secs(3600);

/// SMTP settings, from the environment: `CHITIEU_SMTP` (`smtp://HOST:PORT`, plain SMTP to the
/// agency's relay), `CHITIEU_MAIL_FROM`, and `CHITIEU_PUBLIC_URL` for the links in mails.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp: String,
    pub from: String,
    pub public_url: String,
}

impl MailConfig {
    /// The relay's host and port: `smtp://HOST:PORT` or `HOST:PORT` (port 25 when left out).
    pub fn relay(&self) -> Option<(&str, u16)> {
        let rest = self.smtp.strip_prefix("smtp://").unwrap_or(&self.smtp);
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (rest, 25),
        };
        (!host.is_empty() && !host.contains('/')).then_some((host, port))
    }

    pub fn from_env() -> Option<MailConfig> {
        let smtp = std::env::var("CHITIEU_SMTP")
            .ok()
            .filter(|s| !s.is_empty())?;
        Some(MailConfig {
            smtp,
            from: std::env::var("CHITIEU_MAIL_FROM")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "chitieu <chitieu@localhost>".into()),
            public_url: std::env::var("CHITIEU_PUBLIC_URL")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
        })
    }
}

/// The accounts of `roles` at `unit`.
fn at_unit(users: &[(String, Role, UnitCode)], unit: &UnitCode, roles: &[Role]) -> Vec<String> {
    users
        .iter()
        .filter(|(_, r, u)| u == unit && roles.contains(r))
        .map(|(l, ..)| l.clone())
        .collect()
}

/// The secretariat accounts of the levels above `unit`.
fn above(snap: &Snapshot, users: &[(String, Role, UnitCode)], unit: &UnitCode) -> Vec<String> {
    users
        .iter()
        .filter(|(_, r, u)| *r == Role::Secretariat && u != unit && snap.within(u, unit))
        .map(|(l, ..)| l.clone())
        .collect()
}

/// The report in words: "Báo cáo quý … quý III/2026 của Phường Phan Đình Phùng".
fn what(r: &Listed) -> String {
    format!(
        "{} {} của {}",
        r.form_name,
        chitieu_domain::text::lower_first(&r.period.label_vi()),
        r.unit_name
    )
}

/// [`what`] in English: "The quarterly report … for Q3 2026 of Phường Phan Đình Phùng".
fn what_en(r: &Listed) -> String {
    let form = if r.form_name_en.is_empty() {
        &r.form
    } else {
        &r.form_name_en
    };
    format!("{form} for {} of {}", r.period.label_en(), r.unit_name)
}

/// The notices a report's move makes: the head is told of a report to approve; the
/// reporters of its approval and the secretariat above of one to accept; the unit of a
/// return (with the reason), an acceptance or a reopening.
pub fn on_transition(
    snap: &Snapshot,
    users: &[(String, Role, UnitCode)],
    r: &Listed,
    to: ValueState,
    reason: &str,
    at: i64,
) -> Vec<NewNotice> {
    let unit_people = at_unit(users, &r.unit, &[Role::Reporter, Role::Head]);
    let (kind, people, message, message_en) = match to {
        ValueState::Submitted => (
            "submitted",
            at_unit(users, &r.unit, &[Role::Head]),
            format!("{} đã được gửi: chờ thủ trưởng duyệt.", what(r)),
            format!("{} was sent: it awaits the head's approval.", what_en(r)),
        ),
        ValueState::Approved => {
            let mut people = unit_people;
            people.extend(above(snap, users, &r.unit));
            (
                "approved",
                people,
                format!(
                    "{} đã được thủ trưởng duyệt: chờ cơ quan thường trực tiếp nhận.",
                    what(r)
                ),
                format!(
                    "{} was approved by the head: it awaits acceptance by the standing office.",
                    what_en(r)
                ),
            )
        }
        ValueState::Returned => (
            "returned",
            unit_people,
            format!("{} bị trả lại. Lý do: {reason}", what(r)),
            format!("{} was returned. Reason: {reason}", what_en(r)),
        ),
        ValueState::Accepted => (
            "accepted",
            unit_people,
            format!("{} đã được tiếp nhận.", what(r)),
            format!("{} was accepted.", what_en(r)),
        ),
        ValueState::Draft => return Vec::new(),
    };
    people
        .into_iter()
        .map(|login| NewNotice {
            dedup: format!("{kind}:{}:{}:{}:{at}:{login}", r.form, r.unit, r.period),
            login,
            kind,
            message: message.clone(),
            message_en: message_en.clone(),
            link: "/reports".into(),
        })
        .collect()
}

/// Reminders as of `day`: each report of the last complete periods not yet sent, to its
/// unit's reporters and head, once when due within [`DUE_SOON_DAYS`] and once when late.
pub fn reminders(
    snap: &Snapshot,
    users: &[(String, Role, UnitCode)],
    day: NaiveDate,
) -> Vec<NewNotice> {
    let Some(plan) = snap.plan.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in list_within(snap, &plan.plan.owner, &Query::default(), day) {
        if received(r.state) {
            continue;
        }
        let days_left = (r.due - day).num_days();
        let (kind, message, message_en) = if days_left < 0 {
            (
                "late",
                format!("Quá hạn nộp {} (hạn {}).", what(&r), date_vi(r.due)),
                format!("{} is overdue (due {}).", what_en(&r), date_vi(r.due)),
            )
        } else if days_left <= DUE_SOON_DAYS {
            (
                "due",
                format!("Sắp đến hạn nộp {}: hạn {}.", what(&r), date_vi(r.due)),
                format!("{} is due soon: by {}.", what_en(&r), date_vi(r.due)),
            )
        } else {
            continue;
        };
        for login in at_unit(users, &r.unit, &[Role::Reporter, Role::Head]) {
            out.push(NewNotice {
                dedup: format!("{kind}:{}:{}:{}:{login}", r.form, r.unit, r.period),
                login,
                kind,
                message: message.clone(),
                message_en: message_en.clone(),
                link: "/my".into(),
            });
        }
    }
    out.extend(task_reminders(snap, users, day));
    out
}

/// How many days before its deadline a task's lead unit is reminded.
pub const TASK_DUE_SOON_DAYS: i64 = 7;

/// Escalation of tasks: within [`TASK_DUE_SOON_DAYS`] of its deadline, the lead unit's
/// reporters and head are reminded, once; once overdue, its head and the standing office
/// above it are told, once. Done and cancelled tasks say nothing.
pub fn task_reminders(
    snap: &Snapshot,
    users: &[(String, Role, UnitCode)],
    day: NaiveDate,
) -> Vec<NewNotice> {
    use chitieu_domain::task::TaskStatus;
    let mut out = Vec::new();
    for t in snap.tasks.iter() {
        let (kind, message, message_en, to) = match t.status_on(day) {
            TaskStatus::InProgress if (t.deadline - day).num_days() <= TASK_DUE_SOON_DAYS => (
                "task_due",
                format!(
                    "Nhiệm vụ {} \"{}\" sắp đến hạn: {}.",
                    t.code,
                    t.title,
                    date_vi(t.deadline)
                ),
                format!(
                    "Task {} \"{}\" is due soon: {}.",
                    t.code,
                    t.title,
                    date_vi(t.deadline)
                ),
                at_unit(users, &t.lead_unit, &[Role::Reporter, Role::Head]),
            ),
            TaskStatus::Overdue => (
                "task_overdue",
                format!(
                    "Nhiệm vụ {} \"{}\" quá hạn chưa hoàn thành (hạn {}).",
                    t.code,
                    t.title,
                    date_vi(t.deadline)
                ),
                format!(
                    "Task {} \"{}\" is overdue and not completed (due {}).",
                    t.code,
                    t.title,
                    date_vi(t.deadline)
                ),
                at_unit(users, &t.lead_unit, &[Role::Head])
                    .into_iter()
                    .chain(above(snap, users, &t.lead_unit))
                    .collect(),
            ),
            _ => continue,
        };
        for login in to {
            out.push(NewNotice {
                dedup: format!("{kind}:{}:{login}", t.code),
                login,
                kind,
                message: message.clone(),
                message_en: message_en.clone(),
                link: format!("/tasks/{}", t.code),
            });
        }
    }
    out
}

/// The report (form × unit × period) as listed now, for the notices of its move.
pub fn listed(
    snap: &Snapshot,
    form: &str,
    unit: &UnitCode,
    period: Period,
    day: NaiveDate,
) -> Option<Listed> {
    let plan = snap.plan.as_ref()?;
    list_within(
        snap,
        &plan.plan.owner,
        &Query {
            period: Some(period),
            unit: Some(unit.clone()),
            form: Some(form.to_string()),
            state: None,
        },
        day,
    )
    .into_iter()
    .next()
}

/// Mails the notices not mailed yet, when the server has SMTP; returns how many went. A
/// mail that fails is given back and tried in the next round.
pub async fn send_mail(app: &App, cfg: &MailConfig) -> Result<usize, StoreError> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let Some((host, port)) = cfg.relay() else {
        tracing::error!("CHITIEU_SMTP không dùng được: cần dạng smtp://HOST:PORT");
        return Ok(0);
    };
    // Plain SMTP to the agency's relay (no TLS stack is built in).
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let Ok(from) = cfg.from.parse::<lettre::message::Mailbox>() else {
        tracing::error!("CHITIEU_MAIL_FROM không phải một địa chỉ thư");
        return Ok(0);
    };
    let mut sent = 0;
    loop {
        let batch = app.store.claim_mail(100).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for m in batch {
            let subject = match m.kind.as_str() {
                "due" => "Nhắc hạn nộp báo cáo",
                "late" => "Báo cáo quá hạn",
                "returned" => "Báo cáo bị trả lại",
                "submitted" => "Báo cáo chờ duyệt",
                "approved" => "Báo cáo đã được duyệt",
                "accepted" => "Báo cáo đã được tiếp nhận",
                _ => "Thông báo",
            };
            let body = format!("{}\n\n{}{}\n", m.message, cfg.public_url, m.link);
            // The Message-ID names the notice and its occasion (kind, form, unit, period),
            // so that mail filters and the recipients' tools can tell them apart.
            let occasion: String = m
                .dedup
                .split(':')
                .take(4)
                .collect::<Vec<_>>()
                .join(".")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
                .collect();
            let mail = m.to.parse().map(|to| {
                Message::builder()
                    .from(from.clone())
                    .to(to)
                    .message_id(Some(format!("<{}.{occasion}@chitieu>", m.id)))
                    .subject(format!("[chitieu] {subject}"))
                    .body(body)
            });
            let ok = match mail {
                Ok(Ok(mail)) => match transport.send(mail).await {
                    Ok(_) => true,
                    Err(e) => {
                        tracing::warn!(error = %e, notice = m.id, "gửi thư không được, sẽ thử lại");
                        app.store.unclaim_mail(m.id).await?;
                        // The relay is down: the rest waits for the next round.
                        return Ok(sent);
                    }
                },
                // An address the mail library refuses stays unsent, and is not retried.
                _ => {
                    tracing::warn!(notice = m.id, "địa chỉ thư không dùng được");
                    false
                }
            };
            sent += usize::from(ok);
        }
    }
}

/// One round of the job: reminders as of today, then the mail.
pub async fn run_once(app: &App, mail: Option<&MailConfig>) -> Result<(), StoreError> {
    let snap = app.live.snapshot();
    let users = app.store.users().await?;
    app.store
        .add_notices(&reminders(&snap, &users, app.today()))
        .await?;
    if let Some(cfg) = mail {
        send_mail(app, cfg).await?;
    }
    Ok(())
}

/// Starts the job: a round now and every [`JOB_EVERY`]; a failed round is logged.
pub fn start(app: App) -> tokio::task::JoinHandle<()> {
    let mail = MailConfig::from_env();
    tokio::spawn(async move {
        loop {
            if let Err(e) = run_once(&app, mail.as_ref()).await {
                tracing::warn!(error = %e, "nhắc việc không chạy được lần này");
            }
            tokio::time::sleep(JOB_EVERY).await;
        }
    })
}

/// After a move, in the background: the notices it makes, then the mail.
pub fn after_transition(
    app: &App,
    form: &str,
    unit: &UnitCode,
    period: Period,
    to: ValueState,
    reason: &str,
) {
    let (app, form, unit, reason) = (
        app.clone(),
        form.to_string(),
        unit.clone(),
        reason.to_string(),
    );
    let at = app.clock().now().timestamp();
    tokio::spawn(async move {
        let run = async {
            let snap = app.live.snapshot();
            let users = app.store.users().await?;
            if let Some(r) = listed(&snap, &form, &unit, period, app.today()) {
                app.store
                    .add_notices(&on_transition(&snap, &users, &r, to, &reason, at))
                    .await?;
            }
            if let Some(cfg) = MailConfig::from_env() {
                send_mail(&app, &cfg).await?;
            }
            Ok::<_, StoreError>(())
        };
        if let Err(e) = run.await {
            tracing::warn!(error = %e, "không tạo được thông báo");
        }
    });
}
