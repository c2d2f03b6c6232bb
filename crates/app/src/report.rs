//! The periodic report's content for a period and a unit, from official (accepted) figures:
//! what the Word document (and the pages' download) says.

use chitieu_domain::text::lower_first;
use chitieu_domain::{Period, PeriodKind, Standing, TaskStatus, UnitCode, UnitKind};
use chitieu_exchange::report::Report;

use crate::evaluation::short as figure;
use crate::live::{Data, Snapshot};
use crate::reports::{Query, list_within};

/// The report as a file in `format`, typeset on a blocking thread so that the threads that
/// answer other requests never wait for it, and at most two at a time: a burst of downloads
/// queues instead of taking every core and the memory of as many documents.
pub async fn render(
    report: Report,
    format: chitieu_exchange::report::Format,
) -> Result<Vec<u8>, String> {
    static TYPESETTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _turn = TYPESETTING.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || format.render(&report))
        .await
        .map_err(|e| e.to_string())?
}

/// Why a report asked for cannot be made.
#[derive(Debug, Clone, PartialEq)]
pub enum Unasked {
    /// The period written is not one (the refusal says why).
    Period(chitieu_domain::Refusal),
    /// No such unit, or no plan to name a default one.
    Unit(String),
}

/// The period and unit a report is asked for: the period written (default the last complete
/// quarter) and the unit (default the plan's owner), which must exist.
pub fn which(
    snap: &Snapshot,
    period: Option<&str>,
    unit: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<(Period, UnitCode), Unasked> {
    let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p
            .parse()
            .map_err(|e: chitieu_domain::PeriodError| Unasked::Period(e.into()))?,
        None => Period::last_complete(PeriodKind::Quarter, today),
    };
    let code = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(|_| Unasked::Unit(u.to_string()))?,
        None => snap
            .plan
            .as_ref()
            .map(|p| p.plan.owner.clone())
            .ok_or_else(|| Unasked::Unit(String::new()))?,
    };
    if snap.unit(&code).is_none() {
        return Err(Unasked::Unit(code.to_string()));
    }
    Ok((period, code))
}

/// The report of `code` for `period`, as of `today`; the error says why there is none.
pub fn report_of(
    snap: &Snapshot,
    period: Period,
    code: &UnitCode,
    today: chrono::NaiveDate,
) -> Result<Report, chitieu_domain::Refusal> {
    let plan = snap.plan.as_ref().ok_or(chitieu_domain::Refusal::NoPlan)?;
    let u = snap.unit(code).ok_or_else(|| {
        chitieu_domain::Refusal::unknown(chitieu_domain::Thing::Unit, code.as_str())
    })?;
    let as_of = period.end().min(today);
    let rows = snap
        .assess_data(Some(code.as_str()), Some(as_of), None, Data::Official)
        .map_err(|e| e.0)?;
    let name_of = |i: &str| {
        plan.indicator(i)
            .map_or(i.to_string(), |ind| format!("{i} {}", ind.name))
    };
    let mut targets = Vec::new();
    let mut at_risk = Vec::new();
    let mut standing = std::collections::BTreeMap::new();
    for r in rows.iter().filter(|r| r.current) {
        *standing
            .entry(r.status.standing().as_str())
            .or_insert(0usize) += 1;
        targets.push([
            name_of(&r.indicator),
            format!(
                "{} {} ({})",
                r.comparator.sign(),
                figure(r.target_value),
                r.target_year
            ),
            match (r.latest_value, &r.latest_period) {
                (Some(v), Some(p)) => format!("{} ({p})", figure(v)),
                _ => "chưa có".into(),
            },
            r.status.label_vi().to_string(),
        ]);
        if matches!(r.status.standing(), Standing::AtRisk | Standing::OffTrack) {
            at_risk.push(format!(
                "{}: mục tiêu {} {} năm {}, {}",
                name_of(&r.indicator),
                r.comparator.sign(),
                figure(r.target_value),
                r.target_year,
                r.status.label_vi().to_lowercase()
            ));
        }
    }
    let overdue: Vec<String> = snap
        .tasks
        .iter()
        .filter(|t| snap.within(code, &t.lead_unit) && t.status_on(as_of) == TaskStatus::Overdue)
        .map(|t| {
            format!(
                "{} {} ({}, hạn {})",
                t.code,
                t.title,
                snap.unit(&t.lead_unit)
                    .map_or(t.lead_unit.to_string(), |u| u.name.clone()),
                t.deadline.format("%d/%m/%Y")
            )
        })
        .collect();
    let listed = list_within(
        snap,
        code,
        &Query {
            period: Some(period),
            ..Query::default()
        },
        today,
    );
    let mut late_units: Vec<String> = listed
        .iter()
        .filter(|r| r.late)
        .map(|r| format!("{} ({})", r.unit_name, r.form_name))
        .collect();
    late_units.sort();
    late_units.dedup();
    let count = |k: &str| standing.get(k).copied().unwrap_or(0);
    let standing = vec![
        ("Đạt".to_string(), count("achieved")),
        ("Đúng lộ trình".to_string(), count("on_track")),
        ("Có nguy cơ".to_string(), count("at_risk")),
        (
            "Chậm hoặc không đạt".to_string(),
            count("off_track") + count("missed"),
        ),
        ("Chưa đủ số liệu".to_string(), count("none")),
    ];
    let summary = vec![
        format!(
            "Báo cáo tổng hợp kết quả {} theo số liệu chính thức (đã được tiếp nhận) đến ngày {}.",
            lower_first(&period.label_vi()),
            as_of.format("%d/%m/%Y")
        ),
        format!(
            "Trong {} mục tiêu đang theo dõi: {} đạt, {} đúng lộ trình, {} có nguy cơ, {} chậm hoặc không đạt, {} chưa đủ số liệu.",
            targets.len(),
            count("achieved"),
            count("on_track"),
            count("at_risk"),
            count("off_track") + count("missed"),
            count("none")
        ),
        format!(
            "{} nhiệm vụ quá hạn; {} báo cáo của kỳ chưa gửi đúng hạn trên {} báo cáo phải gửi.",
            overdue.len(),
            listed.iter().filter(|r| r.late).count(),
            listed.len()
        ),
    ];
    let province = u.kind == UnitKind::Province;
    let commune = u.kind.is_commune_level();
    // The province the unit belongs to (itself for a province): its People's Committee, its
    // name as the place. A unit of another province on the national map reports as that
    // province's, not as the plan owner's.
    let mut home = u;
    while home.kind != UnitKind::Province {
        match home.parent.as_ref().and_then(|p| snap.unit(p)) {
            Some(parent) => home = parent,
            None => break,
        }
    }
    if home.kind != UnitKind::Province {
        home = snap.unit(&plan.plan.owner).unwrap_or(u);
    }
    // "Thái Nguyên" and "tỉnh Thái Nguyên", "Hà Nội" and "thành phố Hà Nội": the plan names
    // its province without the type, the national map with it ("Thành phố Hà Nội", of the kind
    // "thành phố trung ương").
    let place = home
        .name
        .trim_start_matches("Tỉnh ")
        .trim_start_matches("Thành phố ")
        .to_string();
    let province_title = if place.len() < home.name.len() {
        lower_first(&home.name)
    } else {
        let kind = home
            .division_type
            .as_deref()
            .unwrap_or("tỉnh")
            .to_lowercase();
        let kind = if kind.starts_with("thành phố") {
            "thành phố"
        } else {
            "tỉnh"
        };
        format!("{kind} {place}")
    };
    let head = snap.head_on(code, as_of.max(today.min(period.end())));
    let r = Report {
        // A commune's or ward's People's Committee issues in its own name; a department under
        // its province's People's Committee.
        parent: if province || commune {
            String::new()
        } else {
            format!("Ủy ban nhân dân {province_title}")
        },
        issuer: if province {
            format!("Ủy ban nhân dân {province_title}")
        } else if commune {
            // "Phường Phan Đình Phùng" → "Ủy ban nhân dân phường Phan Đình Phùng".
            let name = lower_first(&u.name);
            format!("Ủy ban nhân dân {name}")
        } else {
            u.name.clone()
        },
        number: if province || commune {
            "Số:       /BC-UBND".into()
        } else {
            "Số:       /BC".into()
        },
        place,
        date: today,
        title: format!(
            "Kết quả thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, {}",
            lower_first(&period.label_vi())
        ),
        summary,
        standing,
        targets,
        at_risk,
        overdue,
        late_units,
        // The province reports up to the centre; a department or a commune to the province.
        recipients: if province {
            vec![
                "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số (b/c)".into(),
                "Bộ Khoa học và Công nghệ (b/c)".into(),
                "Thường trực Tỉnh ủy (b/c)".into(),
                "Các sở, ban, ngành; UBND các xã, phường".into(),
            ]
        } else {
            vec![
                format!("Ủy ban nhân dân {province_title} (b/c)"),
                "Sở Khoa học và Công nghệ (b/c)".into(),
            ]
        },
        // A People's Committee signs collectively (TM.), by its chairman.
        signer_position: if province || commune {
            "TM. Ủy ban nhân dân\nChủ tịch".into()
        } else {
            head.map_or("Thủ trưởng đơn vị".into(), |h| h.title.clone())
        },
        signer_name: head.map_or(String::new(), |h| h.person.clone()),
    };
    Ok(r)
}
