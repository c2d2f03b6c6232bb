//! The periodic report's content for a period and a unit, from official (accepted) figures:
//! what the Word document (and the pages' download) says.

mod brief;
pub use brief::brief_of;

use chitieu_analytics::assess::{Row, in_sight};
use chitieu_domain::Unit;
use chitieu_domain::default_plan::PlanFile;
use chitieu_domain::documents::Documents;
use chitieu_domain::text::{lower_first, upper_first};
use chitieu_domain::{Period, PeriodKind, Standing, TaskStatus, UnitCode, UnitKind};
use chitieu_exchange::report::{EndedYear, List, Report, roman};
use chrono::Datelike;

use crate::App;
use crate::actions::ActionError;
use crate::evaluation::{broken, short as figure};
use crate::live::{Data, Snapshot};
use crate::per_snapshot::PerSnapshot;
use crate::reports::{Query, list_within};
use chitieu_exchange::report::Format;
use chrono::NaiveDate;
use std::sync::Arc;

/// The report as a file in `format`, typeset on a blocking thread so that the threads that
/// answer other requests never wait for it, and at most two at a time: a burst of downloads
/// queues instead of taking every core and the memory of as many documents.
pub async fn render(
    report: Arc<Report>,
    format: chitieu_exchange::report::Format,
) -> Result<Vec<u8>, String> {
    static TYPESETTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _turn = TYPESETTING.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || format.render(&report))
        .await
        .map_err(|e| e.to_string())?
}

/// Periodic reports and their files, each computed once per snapshot (and day) and shared:
/// in the reporting week many people download the same province's report.
pub struct DocumentCache {
    reports: PerSnapshot<(Period, UnitCode, NaiveDate), Report>,
    /// A file is up to a few MB: fewer kept.
    files: PerSnapshot<(Period, UnitCode, NaiveDate, Format), Vec<u8>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache {
            reports: PerSnapshot::new(256),
            files: PerSnapshot::new(64),
        }
    }
}

/// The report of `unit` for `period` as of today, computed on a blocking thread once per
/// snapshot.
pub async fn shared_report(
    app: &App,
    period: Period,
    unit: &UnitCode,
) -> Result<Arc<Report>, ActionError> {
    report_on(app, app.live.snapshot(), period, unit).await
}

/// [`shared_report`] on one snapshot, so that a file keyed by a snapshot holds its report.
async fn report_on(
    app: &App,
    snap: Arc<Snapshot>,
    period: Period,
    unit: &UnitCode,
) -> Result<Arc<Report>, ActionError> {
    let day = snap.today();
    let key = (period, unit.clone(), day);
    let seqs = snap.seqs;
    app.documents
        .reports
        .get_or_try_init(seqs, key, || {
            let unit = unit.clone();
            async move {
                tokio::task::spawn_blocking(move || report_of(&snap, period, &unit, day))
                    .await
                    .map_err(broken)?
                    .map_err(ActionError::Refused)
            }
        })
        .await
}

/// The report of `unit` for `period` as a file: typeset once per snapshot.
pub async fn report_file(
    app: &App,
    period: Period,
    unit: &UnitCode,
    format: Format,
) -> Result<Arc<Vec<u8>>, ActionError> {
    let snap = app.live.snapshot();
    let key = (period, unit.clone(), snap.today(), format);
    let seqs = snap.seqs;
    app.documents
        .files
        .get_or_try_init(seqs, key, || async {
            let report = report_on(app, snap, period, unit).await?;
            render(report, format).await.map_err(ActionError::Invalid)
        })
        .await
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

/// The rows a unit's report covers, from official figures: the province's every target; a
/// commune's its own (and the province's percentages it is held to); a department's the
/// province's targets of the indicators it leads, with any assigned to it.
fn scope_rows(
    snap: &Snapshot,
    u: &Unit,
    owner: &UnitCode,
    as_of: chrono::NaiveDate,
) -> Result<Vec<Row>, chitieu_domain::Refusal> {
    let rows_of = |code: &UnitCode| {
        snap.assess_data(Some(code.as_str()), Some(as_of), None, Data::Official)
            .map(|rows| in_sight(rows, as_of))
            .map_err(|e| e.0)
    };
    let mut rows = rows_of(&u.code)?;
    if u.kind != UnitKind::Province && !u.kind.is_commune_level() && &u.code != owner {
        let leads = |i: &str| {
            snap.plan
                .as_ref()
                .and_then(|p| p.indicator(i))
                .is_some_and(|ind| ind.lead_unit == u.code)
        };
        let own: std::collections::HashSet<(String, i32)> = rows
            .iter()
            .map(|r| (r.indicator.clone(), r.target_year))
            .collect();
        rows.extend(
            rows_of(owner)?
                .into_iter()
                .filter(|r| leads(&r.indicator))
                .filter(|r| !own.contains(&(r.indicator.clone(), r.target_year))),
        );
    }
    Ok(rows)
}

const NO_FIGURE: &str = "chưa có số liệu chính thức";

/// A target's line in the plan's words (the report's tables, the evaluation's scorecards).
pub(crate) struct Line {
    pub(crate) name: String,
    /// "Trên 60 %"
    pub(crate) target: String,
    /// "87,7 % (Quý IV/2025)", or "chưa có số liệu chính thức"
    pub(crate) figure: String,
    /// "Không đạt", "Đúng lộ trình", "Đã đạt mức mục tiêu, chờ kết quả năm 2030"
    pub(crate) verdict: String,
    pub(crate) year: i32,
}

impl Line {
    pub(crate) fn of(plan: &PlanFile, r: &Row) -> Line {
        let ind = plan.indicator(&r.indicator);
        let uom = ind.map_or("", |i| i.unit_of_measure.as_str());
        let with_uom = |x: f64| Line::with_uom(uom, figure(x));
        let period = |p: &str| {
            p.parse::<Period>()
                .map_or(p.to_string(), |p| lower_first(&p.label_vi()))
        };
        Line {
            name: ind.map_or(r.indicator.clone(), |i| i.name.clone()),
            target: format!(
                "{} {}",
                upper_first(r.comparator.label_vi()),
                with_uom(r.target_value)
            ),
            figure: match (r.latest_value, &r.latest_period) {
                (Some(v), Some(p)) => format!("{} ({})", with_uom(v), period(p)),
                (Some(v), None) => with_uom(v),
                _ => NO_FIGURE.into(),
            },
            verdict: r.status.words_vi(r.is_final, r.target_year),
            year: r.target_year,
        }
    }

    /// "87,7 %", "44 sản phẩm/năm": a figure with its unit of measure.
    fn with_uom(uom: &str, figure: String) -> String {
        match uom.trim() {
            "" => figure,
            u => format!("{figure} {u}"),
        }
    }

    /// The table's cells; a target in progress names its year beside the target.
    fn cells(self, with_year: bool) -> [String; 4] {
        let target = if with_year {
            format!("{} (năm {})", self.target, self.year)
        } else {
            self.target
        };
        [self.name, target, self.figure, self.verdict]
    }
}

/// The targets of the years over by `year` among `rows`, a table a year, oldest first, each
/// row with the figure of its own year and the final verdict.
fn ended_years<'a>(
    plan: &PlanFile,
    rows: impl Iterator<Item = &'a Row>,
    year: i32,
) -> Vec<EndedYear> {
    let mut ended: Vec<EndedYear> = Vec::new();
    for r in rows.filter(|r| r.is_final && r.target_year <= year) {
        let cells = Line::of(plan, r).cells(false);
        match ended.iter_mut().find(|e| e.year == r.target_year) {
            Some(e) => e.rows.push(cells),
            None => ended.push(EndedYear {
                year: r.target_year,
                rows: vec![cells],
            }),
        }
    }
    ended.sort_by_key(|e| e.year);
    ended
}

/// The abbreviation after "BC-" in the document's number: the one the plan sets for the unit;
/// else a People's Committee's "UBND" and another unit's the last part of its code
/// ("TN.SKHCN" → "SKHCN").
fn abbreviation(docs: Option<&Documents>, u: &Unit) -> String {
    if let Some(a) = docs.and_then(|d| d.abbreviation(&u.code)) {
        return a.to_string();
    }
    if u.kind == UnitKind::Province || u.kind.is_commune_level() {
        return "UBND".into();
    }
    let code = u.code.as_str();
    code.rsplit('.').next().unwrap_or(code).to_uppercase()
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
    let rows = scope_rows(snap, u, &plan.plan.owner, as_of)?;
    let line = |r: &Row| Line::of(plan, r);
    let mut targets = Vec::new();
    let mut at_risk = Vec::new();
    let mut standing = std::collections::BTreeMap::new();
    for r in rows.iter().filter(|r| r.current && !r.is_final) {
        *standing
            .entry(r.status.standing().as_str())
            .or_insert(0usize) += 1;
        let l = line(r);
        if matches!(r.status.standing(), Standing::AtRisk | Standing::OffTrack) {
            at_risk.push(format!(
                "{}: mục tiêu năm {} {}, số liệu mới nhất {}; {}.",
                l.name,
                r.target_year,
                lower_first(&l.target),
                l.figure,
                lower_first(&l.verdict)
            ));
        }
        targets.push(l.cells(true));
    }
    let tracked = targets.len();
    // Indicators in scope with no target for the unit are still reported, with their figure.
    if u.kind == UnitKind::Province || !u.kind.is_commune_level() {
        let engine = snap.engine_of(Data::Official);
        for ind in plan.indicators.iter().filter(|i| {
            (u.kind == UnitKind::Province || i.lead_unit == u.code)
                && !rows.iter().any(|r| r.indicator == i.code)
        }) {
            let latest = engine
                .yearly(&ind.code, &plan.plan.owner, as_of)
                .unwrap_or_default()
                .into_iter()
                .next_back();
            let figure = latest.map(|(year, fig)| {
                let p = if ind.time_aggregation == chitieu_domain::TimeAggregation::Last {
                    fig.last_period
                } else {
                    Period::year(year)
                };
                Line::with_uom(
                    &ind.unit_of_measure,
                    figure(chitieu_domain::text::decimal_f64(fig.value)),
                ) + &format!(" ({})", lower_first(&p.label_vi()))
            });
            targets.push([
                ind.name.clone(),
                "Không giao mục tiêu định lượng".into(),
                figure.unwrap_or_else(|| NO_FIGURE.into()),
                "Theo dõi".into(),
            ]);
        }
    }
    // Years that are over, each with its verdicts, in every report until the plan ends.
    let ended = ended_years(plan, rows.iter(), as_of.year());
    let ended_counts: Vec<String> = ended
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let of = |st: Standing| {
                rows.iter()
                    .filter(|r| r.is_final && r.target_year == e.year)
                    .filter(|r| r.status.standing() == st)
                    .count()
            };
            let (met, missed) = (of(Standing::Achieved), of(Standing::Missed));
            let unknown = e.rows.len() - met - missed;
            let mut s = format!(
                "Năm {} đã kết thúc: trong {} mục tiêu của năm, {} đạt, {} không đạt",
                e.year,
                e.rows.len(),
                met,
                missed
            );
            if unknown > 0 {
                s.push_str(&format!(", {unknown} chưa có số liệu để kết luận"));
            }
            s.push_str(&format!(" (chi tiết tại mục {}).", roman(3 + i)));
            s
        })
        .collect();
    let overdue: Vec<String> = snap
        .tasks
        .iter()
        .filter(|t| snap.within(code, &t.lead_unit) && t.status_on(as_of) == TaskStatus::Overdue)
        .map(|t| {
            format!(
                "{} {} ({}, hạn {})",
                t.code,
                t.title,
                snap.unit_name(&t.lead_unit),
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
        ("Đã đạt mức mục tiêu".to_string(), count("achieved")),
        ("Đúng lộ trình".to_string(), count("on_track")),
        ("Có nguy cơ".to_string(), count("at_risk")),
        ("Chậm".to_string(), count("off_track") + count("missed")),
        ("Chưa đủ số liệu".to_string(), count("none")),
    ];
    let mut summary = vec![
        format!(
            "Báo cáo tổng hợp kết quả {} theo số liệu chính thức (đã được tiếp nhận) đến ngày {}.",
            lower_first(&period.label_vi()),
            as_of.format("%d/%m/%Y")
        ),
        format!(
            "Trong {} mục tiêu đang theo dõi: {} đã đạt mức mục tiêu, {} đúng lộ trình, {} có nguy cơ, {} chậm, {} chưa đủ số liệu.",
            tracked,
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
    summary.splice(2..2, ended_counts);
    let title = format!(
        "Kết quả thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, {}",
        lower_first(&period.label_vi())
    );
    Ok(Report {
        title,
        summary,
        standing,
        targets_title: "TIẾN ĐỘ THỰC HIỆN CÁC MỤC TIÊU".into(),
        targets_none: "Không có mục tiêu nào trong phạm vi báo cáo.".into(),
        targets,
        ended_title: "KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU NĂM".into(),
        ended,
        lists: vec![
            List {
                key: "at_risk".into(),
                title: "MỤC TIÊU CÓ NGUY CƠ KHÔNG ĐẠT".into(),
                sheet: "Nguy cơ không đạt".into(),
                items: at_risk,
                none: "Không có mục tiêu nào có nguy cơ không đạt theo tốc độ hiện nay.".into(),
            },
            List {
                key: "overdue".into(),
                title: "NHIỆM VỤ QUÁ HẠN".into(),
                sheet: "Nhiệm vụ quá hạn".into(),
                items: overdue,
                none: "Không có nhiệm vụ quá hạn.".into(),
            },
            List {
                key: "late_units".into(),
                title: "ĐƠN VỊ CHẬM BÁO CÁO".into(),
                sheet: "Đơn vị chậm báo cáo".into(),
                items: late_units,
                none: "Không có đơn vị chậm báo cáo.".into(),
            },
        ],
        ..letterhead(snap, u, as_of.max(today.min(period.end())), today)
    })
}

/// The document's head and foot for `u` as of `day`: the issuer (and the body above it), the
/// number, place and date, the recipients by level and the signature.
fn letterhead(
    snap: &Snapshot,
    u: &Unit,
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Report {
    let code = &u.code;
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
        home = snap
            .plan
            .as_ref()
            .and_then(|p| snap.unit(&p.plan.owner))
            .unwrap_or(u);
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
    let head = snap.head_on(code, day);
    let docs = snap.plan.as_ref().map(|p| &p.documents);
    let signature = docs.and_then(|d| d.signature(u.kind));
    Report {
        // A commune's or ward's People's Committee issues in its own name; a department under
        // its province's People's Committee.
        parent: if province || commune {
            String::new()
        } else {
            format!("UBND {province_title}")
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
        number: format!("Số:       /BC-{}", abbreviation(docs, u)),
        place,
        date: today,
        // The province reports up to the centre; a department or a commune to the province.
        recipients: if province {
            vec![
                "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số (b/c)".into(),
                "Bộ Khoa học và Công nghệ (b/c)".into(),
                "Thường trực Tỉnh ủy (b/c)".into(),
                "Các sở, ban, ngành; UBND các xã, phường".into(),
            ]
        } else {
            // A unit never sends its report to itself.
            let steering = crate::committee::steering(snap, &home.code)
                .map_or("Ban Chỉ đạo của tỉnh".to_string(), |b| {
                    b.name.clone()
                });
            [
                format!("Ủy ban nhân dân {province_title} (b/c)"),
                format!("{steering} (b/c)"),
                "Sở Khoa học và Công nghệ, cơ quan thường trực Ban Chỉ đạo (b/c)".to_string(),
            ]
            .into_iter()
            .filter(|x| {
                !x.starts_with(&format!("{} ", u.name)) && !x.starts_with(&format!("{},", u.name))
            })
            .collect()
        },
        // A People's Committee signs collectively (TM.), by its chairman.
        signer_position: match signature {
            Some(s) => s.to_string(),
            None if province || commune => "TM. Ủy ban nhân dân\nChủ tịch".into(),
            None => head.map_or("Thủ trưởng đơn vị".into(), |h| h.title.clone()),
        },
        // Signed for the head (KT.), by order (TL.) or by authority (TUQ.): someone the
        // system does not know signs, so the name is left to be written.
        signer_name: match signature {
            Some(s) if ["KT.", "TL.", "TUQ."].iter().any(|p| s.starts_with(p)) => String::new(),
            _ => head.map_or(String::new(), |h| h.person.clone()),
        },
        ..Report::default()
    }
}
