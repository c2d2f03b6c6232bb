//! The meeting brief (báo cáo phục vụ phiên họp): what the Steering Committee meets to act on,
//! as of a day, in the periodic report's layout and from its code: the province's targets off
//! track and missed, overdue tasks with the heads who answer for them, the difficulties and
//! proposals units reported since the last meeting, and how far the previous conclusions got.

use chitieu_analytics::assess::Row;
use chitieu_domain::committee::{ConclusionProgress, Meeting, Member, Position};
use chitieu_domain::text::lower_first;
use chitieu_domain::{Standing, TaskStatus, UnitCode};
use chitieu_exchange::report::{List, Report};
use chrono::{Datelike, NaiveDate};

use super::{Line, letterhead, scope_rows};
use crate::live::Snapshot;

use chitieu_domain::text::date_vi as vn;

/// The unit that prepares the brief: the committee's standing body serving on `day`, found
/// among the units by its name ("Sở Khoa học và Công nghệ"); the committee itself without one.
fn preparer<'a>(
    snap: &'a Snapshot,
    committee: &'a chitieu_domain::Unit,
    members: &[Member],
    day: NaiveDate,
) -> &'a chitieu_domain::Unit {
    members
        .iter()
        .filter(|m| m.position == Position::StandingBody && m.serving_on(day))
        .find_map(|m| {
            snap.units
                .iter()
                .find(|u| u.is_valid_on(day) && u.name.eq_ignore_ascii_case(m.person.trim()))
        })
        .unwrap_or(committee)
}

/// "NV-03 Xây dựng … (Sở Tài chính; người đứng đầu: Vũ Đức Thắng, Giám đốc Sở Tài chính;
/// hạn 30/06/2026, quá hạn 158 ngày)", the longest overdue first.
fn overdue_tasks(snap: &Snapshot, owner: &UnitCode, day: NaiveDate) -> Vec<String> {
    let mut late: Vec<_> = snap
        .tasks
        .iter()
        .filter(|t| snap.within(owner, &t.lead_unit) && t.status_on(day) == TaskStatus::Overdue)
        .collect();
    late.sort_by_key(|t| (t.deadline, t.code.clone()));
    late.iter()
        .map(|t| {
            let unit = snap.unit_name(&t.lead_unit);
            let head = snap.head_on(&t.lead_unit, day).map_or_else(
                || "chưa ghi nhận người đứng đầu".to_string(),
                |h| format!("người đứng đầu: {}, {}", h.person, h.title),
            );
            format!(
                "{} {} ({unit}; {head}; hạn {}, quá hạn {} ngày).",
                t.code,
                t.title,
                vn(t.deadline),
                (day - t.deadline).num_days()
            )
        })
        .collect()
}

/// Each conclusion notice of the committee's meetings, newest first, with its tasks by state
/// and the ones not done named.
fn conclusions(snap: &Snapshot, meetings: &[Meeting], day: NaiveDate) -> Vec<String> {
    let mut notices: Vec<&Meeting> = meetings
        .iter()
        .filter(|m| !m.conclusion_number.trim().is_empty())
        .collect();
    notices.sort_by_key(|m| std::cmp::Reverse(m.held_on));
    notices
        .iter()
        .map(|m| {
            let number = &m.conclusion_number;
            let p = ConclusionProgress::of(&snap.tasks, number, day);
            let mut s = format!(
                "Thông báo kết luận số {number} ngày {} (phiên họp ngày {}): ",
                vn(m.conclusion_date.unwrap_or(m.held_on)),
                vn(m.held_on)
            );
            if p.items == 0 {
                s.push_str("chưa giao nhiệm vụ nào theo kết luận.");
                return s;
            }
            s.push_str(&format!(
                "{} nhiệm vụ, {} đã hoàn thành ({} đúng hạn), {} đang thực hiện trong hạn, {} quá hạn chưa hoàn thành",
                p.items,
                p.done(),
                p.done_on_time,
                p.in_progress,
                p.overdue
            ));
            let pending: Vec<String> = snap
                .tasks
                .iter()
                .filter(|t| t.source.number.trim() == number.trim())
                .filter(|t| {
                    matches!(
                        t.status_on(day),
                        TaskStatus::Overdue | TaskStatus::InProgress
                    )
                })
                .map(|t| {
                    format!(
                        "{} ({}, {})",
                        t.code,
                        snap.unit_name(&t.lead_unit),
                        lower_first(t.status_on(day).label_vi())
                    )
                })
                .collect();
            if pending.is_empty() {
                s.push('.');
            } else {
                s.push_str(&format!("; chưa hoàn thành: {}.", pending.join("; ")));
            }
            s
        })
        .collect()
}

/// The brief for `committee` as of `today`, from its records (members, meetings).
pub fn brief_of(
    snap: &Snapshot,
    committee: &UnitCode,
    members: &[Member],
    meetings: &[Meeting],
    today: NaiveDate,
) -> Result<Report, chitieu_domain::Refusal> {
    let plan = snap.plan.as_ref().ok_or(chitieu_domain::Refusal::NoPlan)?;
    let unit = snap.unit(committee).ok_or_else(|| {
        chitieu_domain::Refusal::unknown(chitieu_domain::Thing::Unit, committee.as_str())
    })?;
    let owner = &plan.plan.owner;
    let province = snap.unit(owner).ok_or_else(|| {
        chitieu_domain::Refusal::unknown(chitieu_domain::Thing::Unit, owner.as_str())
    })?;
    let rows = scope_rows(snap, province, owner, today)?;
    let behind = |r: &&Row| {
        matches!(
            r.status.standing(),
            Standing::AtRisk | Standing::OffTrack | Standing::Missed
        )
    };
    let targets: Vec<[String; 4]> = rows
        .iter()
        .filter(|r| r.current && !r.is_final)
        .filter(behind)
        .map(|r| Line::of(plan, r).cells(true))
        .collect();
    let missed = rows
        .iter()
        .filter(|r| r.status.standing() == Standing::Missed);
    let ended = super::ended_years(plan, missed, today.year());
    let last = meetings
        .iter()
        .map(|m| m.held_on)
        .filter(|d| *d <= today)
        .max();
    let raised: Vec<String> = crate::committee::raised_since(snap, last)
        .into_iter()
        .map(|r| {
            let mut s = format!(
                "{} (nhiệm vụ {} {}, báo cáo ngày {}",
                r.unit_name,
                r.task,
                r.title,
                vn(r.on)
            );
            if !r.notice.trim().is_empty() {
                s.push_str(&format!(", theo Thông báo kết luận số {}", r.notice));
            }
            s.push_str("): ");
            let said: Vec<String> = [
                ("khó khăn, vướng mắc", &r.difficulties),
                ("đề xuất", &r.proposals),
            ]
            .into_iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(what, t)| format!("{what}: {}", t.trim().trim_end_matches('.')))
            .collect();
            s.push_str(&said.join("; "));
            match &r.handled {
                Some(h) => s.push_str(&format!(
                    ". Đã xử lý ngày {}: {}",
                    vn(h.on),
                    h.note.trim().trim_end_matches('.')
                )),
                None => s.push_str(". Chưa xử lý"),
            }
            s.push('.');
            s
        })
        .collect();
    let overdue = overdue_tasks(snap, owner, today);
    let progress = conclusions(snap, meetings, today);
    let missed: usize = ended.iter().map(|e| e.rows.len()).sum();
    let since = last.map_or_else(
        || "từ đầu kế hoạch".to_string(),
        |d| format!("từ phiên họp ngày {}", vn(d)),
    );
    let summary = vec![
        format!(
            "Tính đến ngày {}, theo số liệu chính thức (đã được tiếp nhận): {} mục tiêu đang theo dõi chậm tiến độ hoặc có nguy cơ không đạt; {} mục tiêu của các năm đã kết thúc không đạt.",
            vn(today),
            targets.len(),
            missed
        ),
        format!(
            "{} nhiệm vụ quá hạn chưa hoàn thành; {since}, các đơn vị nêu {} ý kiến khó khăn, vướng mắc và đề xuất khi báo cáo tiến độ nhiệm vụ.",
            overdue.len(),
            raised.len()
        ),
        "Kính trình Ban Chỉ đạo xem xét, cho ý kiến chỉ đạo đối với các nội dung dưới đây tại phiên họp tới.".into(),
    ];
    let base = letterhead(snap, preparer(snap, unit, members, today), today, today);
    Ok(Report {
        title: format!(
            "Tình hình thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị {since} đến nay, phục vụ phiên họp của {}",
            unit.name
        ),
        summary,
        targets_title: "CÁC MỤC TIÊU CHẬM TIẾN ĐỘ, CÓ NGUY CƠ KHÔNG ĐẠT".into(),
        targets_none: "Không có mục tiêu nào chậm tiến độ hoặc có nguy cơ không đạt.".into(),
        targets,
        ended_title: "CÁC MỤC TIÊU KHÔNG ĐẠT NĂM".into(),
        ended,
        lists: vec![
            List {
                key: "overdue".into(),
                title: "NHIỆM VỤ QUÁ HẠN VÀ NGƯỜI ĐỨNG ĐẦU CHỊU TRÁCH NHIỆM".into(),
                sheet: "Nhiệm vụ quá hạn".into(),
                items: overdue,
                none: "Không có nhiệm vụ quá hạn.".into(),
            },
            List {
                key: "raised".into(),
                title: "KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT CỦA CÁC ĐƠN VỊ".into(),
                sheet: "Khó khăn, đề xuất".into(),
                items: raised,
                none: format!("Các đơn vị không nêu khó khăn, vướng mắc hay đề xuất {since}."),
            },
            List {
                key: "conclusions".into(),
                title: "TIẾN ĐỘ THỰC HIỆN CÁC KẾT LUẬN CỦA BAN CHỈ ĐẠO".into(),
                sheet: "Thực hiện kết luận".into(),
                items: progress,
                none: "Ban Chỉ đạo chưa có thông báo kết luận nào được ghi nhận.".into(),
            },
        ],
        recipients: vec![
            format!("Các thành viên {} (để họp)", unit.name),
            format!("Thường trực {} (b/c)", province_issuer(&base)),
        ],
        ..base
    })
}

/// "Ủy ban nhân dân tỉnh Thái Nguyên" from a letterhead's parent ("UBND tỉnh Thái Nguyên").
fn province_issuer(base: &Report) -> String {
    match base.parent.strip_prefix("UBND ") {
        Some(rest) => format!("Ủy ban nhân dân {rest}"),
        None if base.parent.is_empty() => base.issuer.clone(),
        None => base.parent.clone(),
    }
}
