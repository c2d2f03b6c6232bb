//! What the pages share: imports, the form readers, and the helpers that turn figures and
//! statuses into words. Each page's module takes them with `use super::common::*`.

pub(super) use crate::chrome::Chrome;
pub(super) use askama::Template;
pub(super) use askama_web::WebTemplate;
pub(super) use axum::extract::{Form, Path, Query, State};
pub(super) use axum::http::StatusCode;
pub(super) use axum::response::{IntoResponse, Redirect, Response};
pub(super) use chitieu_analytics::assess::Row;
pub(super) use chitieu_app::{NewEvidence, ValueFilter};
pub(super) use chitieu_domain::Actor;
pub(super) use chitieu_domain::permission::{Action, may_enter, role_allows};
pub(super) use chitieu_domain::{
    Indicator, Period, PeriodKind, Status, TaskStatus, UnitCode, ValueState,
};
pub(super) use serde::Deserialize;
pub(super) use std::collections::HashMap;

pub(super) use crate::AppState;
pub(super) use crate::auth::{LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer};
pub(super) use crate::error::{Or500, PageError, PageResult};
pub(super) use crate::i18n::Tr;
pub(super) use chitieu_app::actions::{self, ActionError, ValueItem};
pub(super) use chitieu_app::live::Snapshot;

/// A URL-encoded form, read only when the handler asks, after it has checked who is asking:
/// someone who may not post learns nothing from how the body was refused. A body that
/// cannot be read becomes the 422 page, one over the size limit the 413 page.
pub struct LazyForm(Result<HashMap<String, String>, StatusCode>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for LazyForm {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(LazyForm(
            Form::<HashMap<String, String>>::from_request(req, state)
                .await
                .map(|Form(f)| f)
                .map_err(|e| e.status()),
        ))
    }
}

/// An irreversible action goes ahead only with its confirmation ticked.
pub(super) fn confirmed(tr: Tr, fields: &HashMap<String, String>) -> Result<(), PageError> {
    if fields.contains_key("confirm") {
        Ok(())
    } else {
        Err(PageError::invalid(tr, tr.t("confirm_needed")))
    }
}

impl LazyForm {
    pub(super) fn read(self, tr: Tr) -> Result<HashMap<String, String>, PageError> {
        self.0.map_err(|status| {
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                PageError::TooLarge(tr)
            } else {
                PageError::invalid(tr, tr.t("bad_form").to_string())
            }
        })
    }
}

impl Chrome {
    /// The chrome for whoever is asking.
    pub fn of(v: &Viewer) -> Chrome {
        Chrome {
            owner: v.owner.clone(),
            national: v.national,
            ..Chrome::new(v.tr, v.user.clone())
        }
    }
}

/// A code mapping as the pages' tables show it: CSV rows `part,code,external`, no header.
pub(super) async fn mapping_table(s: &AppState, system: &str, tr: Tr) -> Result<String, PageError> {
    Ok(s.app
        .mappings(system)
        .await
        .map_err(|e| PageError::action(tr, e.into()))?
        .iter()
        .map(|(p, c, e)| format!("{p},{c},{e}"))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// A mapping table typed on a page, as the CSV the import reads: the header added when
/// the rows come without it.
pub(super) fn mapping_csv(rows: &str) -> String {
    if rows.to_ascii_lowercase().starts_with("part,code,external") {
        rows.to_string()
    } else {
        format!("part,code,external\n{rows}")
    }
}

/// The current snapshot; never waits for a write.
pub(super) async fn snapshot(s: &AppState, _tr: Tr) -> Result<std::sync::Arc<Snapshot>, PageError> {
    Ok(s.live.snapshot())
}

pub(super) fn status_class(s: Status) -> &'static str {
    s.standing().as_str()
}

pub(super) fn fmt_value(t: &Tr, v: Option<f64>) -> String {
    v.map(|v| t.num(v, 2)).unwrap_or_else(|| "—".into())
}

/// A target in the plan's own words: "Trên 60 % (2025)", "Đạt 100 % (2030)".
pub(super) fn target_text(t: &Tr, r: &Row, unit_of_measure: &str) -> String {
    let sign = comparator_words(t, r.comparator);
    format!(
        "{sign} {} {unit_of_measure} ({})",
        t.num(r.target_value, 2),
        target_year_text(t, r)
    )
}

/// The head in office at `unit` today, as lists name them: "Phạm Thu Trang (Giám đốc Sở)";
/// empty when there is none on record.
pub(super) fn head_text(snap: &Snapshot, unit: &UnitCode, day: chrono::NaiveDate) -> String {
    snap.heads_on(unit, day)
        .iter()
        .map(|h| format!("{} ({})", h.person, h.title))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An indicator's unit of measure in the reader's language.
pub(super) fn uom<'a>(tr: &Tr, ind: &'a Indicator) -> &'a str {
    tr.pick(&ind.unit_of_measure, &ind.unit_of_measure_en)
}

/// "Trên", "Tối thiểu", "Đạt": how a target's wording begins.
pub(super) fn comparator_words(t: &Tr, c: chitieu_domain::Comparator) -> String {
    chitieu_domain::text::upper_first(if t.is_en() {
        c.label_en()
    } else {
        c.label_vi()
    })
}

/// A recurring target's years in words: "mỗi năm 2025–2030".
pub(super) fn span_text(t: &Tr, span: chitieu_domain::EveryYear) -> String {
    format!(
        "{} {}–{}",
        t.t("every_year").to_lowercase(),
        span.from,
        span.to
    )
}

/// A row's target year in words: "2025", or "2026, mỗi năm 2025–2030" for a recurring one.
pub(super) fn target_year_text(t: &Tr, r: &Row) -> String {
    match r.every_year {
        None => r.target_year.to_string(),
        Some(span) => format!("{}, {}", r.target_year, span_text(t, span)),
    }
}

/// The period a yearly figure stands for: the last period of a stock, the year of a flow.
pub(super) fn figure_period(
    tr: &Tr,
    ind: &Indicator,
    year: i32,
    f: &chitieu_analytics::Figure,
) -> String {
    if ind.time_aggregation == chitieu_domain::TimeAggregation::Last {
        tr.period(&f.last_period)
    } else {
        tr.period(&chitieu_domain::Period::year(year))
    }
}

/// A target with where it stands, as a card lists it.
pub(super) struct TargetLine {
    pub(super) text: String,
    pub(super) class: &'static str,
    pub(super) status: String,
}

impl TargetLine {
    /// A target on a card: a year that is over stands with its own year's figure ("Trên
    /// 80 % (2025) — 75,43 % (quý IV/2025)"), not beside a later one; a verdict only then.
    pub(super) fn of(t: &Tr, r: &Row, unit_of_measure: &str) -> TargetLine {
        let own_figure = match (r.is_final, r.latest_value, &r.latest_period) {
            (true, Some(v), Some(p)) => format!(
                " — {}{} ({})",
                t.num(v, 2),
                if unit_of_measure.trim().is_empty() {
                    String::new()
                } else {
                    format!(" {unit_of_measure}")
                },
                p.parse::<chitieu_domain::Period>().map_or(p.clone(), |p| {
                    chitieu_domain::text::lower_first(&t.period(&p))
                })
            ),
            _ => String::new(),
        };
        TargetLine {
            text: format!("{}{own_figure}", target_text(t, r, unit_of_measure)),
            class: status_class(r.status),
            status: standing_words(t, r),
        }
    }
}

/// A target's standing in words: "Đạt" and "Không đạt" are verdicts on a year that is over;
/// a target ahead already met says it waits for its year.
pub(super) fn standing_words(t: &Tr, r: &Row) -> String {
    if t.is_en() {
        r.status.words_en(r.is_final, r.target_year)
    } else {
        r.status.words_vi(r.is_final, r.target_year)
    }
}

/// How many targets have one status, with the status's words and a link to the list.
pub(super) struct Counter {
    pub(super) code: &'static str,
    pub(super) class: &'static str,
    pub(super) label: &'static str,
    pub(super) n: usize,
}

/// One counter per status that occurs, in the vocabulary's order: verdicts, then progress.
pub(super) fn status_counts(rows: &[Row], t: Tr) -> Vec<Counter> {
    Status::ALL
        .into_iter()
        .filter_map(|s| {
            let n = rows.iter().filter(|r| r.status == s).count();
            (n > 0).then(|| Counter {
                code: s.as_str(),
                class: status_class(s),
                label: t.status(s),
                n,
            })
        })
        .collect()
}

/// The targets of a unit (the plan owner's by default) as pages show them, as of `day`.
pub(super) fn assessed(
    snap: &Snapshot,
    unit: Option<&str>,
    day: chrono::NaiveDate,
    tr: Tr,
) -> Result<Vec<Row>, PageError> {
    assessed_rows(snap, unit, day).or_500(tr)
}

/// [`assessed`], for work that reports its own errors.
pub(super) fn assessed_rows(
    snap: &Snapshot,
    unit: Option<&str>,
    day: chrono::NaiveDate,
) -> Result<Vec<Row>, chitieu_app::live::BadInput> {
    assessed_data(snap, unit, day, chitieu_app::live::Data::Provisional)
}

/// [`assessed_rows`] on the figures asked for (the public page: official ones).
pub(super) fn assessed_data(
    snap: &Snapshot,
    unit: Option<&str>,
    day: chrono::NaiveDate,
    data: chitieu_app::live::Data,
) -> Result<Vec<Row>, chitieu_app::live::BadInput> {
    let rows = snap.assess_data(unit, Some(day), Some("unsd2022"), data)?;
    Ok(chitieu_analytics::assess::in_sight(rows, day))
}

/// A target with the latest figure and where it stands, as the unit and public pages list
/// them.
pub(super) struct StandingRow {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) latest: String,
    pub(super) target: String,
    pub(super) class: &'static str,
    pub(super) status: String,
    pub(super) status_code: &'static str,
    /// The latest figure is not yet accepted.
    pub(super) provisional: bool,
}

/// One [`StandingRow`] per assessment row, the latest figure with its unit of measure
/// (a ward's page once showed "87,5" for a share).
pub(super) fn standing_rows(
    plan: &chitieu_domain::default_plan::PlanFile,
    rows: &[Row],
    tr: Tr,
) -> Vec<StandingRow> {
    rows.iter()
        .filter_map(|r| {
            let ind = plan.indicator(&r.indicator)?;
            let mut latest = fmt_value(&tr, r.latest_value);
            if r.latest_value.is_some() {
                latest = format!("{latest} {}", uom(&tr, ind));
            }
            // The period the figure is for: what a verdict was decided on.
            if let Some(p) = &r.latest_period {
                let p = p
                    .parse::<chitieu_domain::Period>()
                    .map(|p| tr.period(&p))
                    .unwrap_or_else(|_| p.clone());
                latest = format!("{latest} ({p})");
            }
            Some(StandingRow {
                code: r.indicator.clone(),
                name: if tr.is_en() {
                    ind.name_en.clone()
                } else {
                    ind.name.clone()
                },
                latest,
                target: target_text(&tr, r, uom(&tr, ind)),
                class: status_class(r.status),
                status: standing_words(&tr, r),
                status_code: r.status.as_str(),
                provisional: r.provisional,
            })
        })
        .collect()
}

pub(super) fn unit_name(snap: &Snapshot, code: &UnitCode) -> String {
    snap.unit_name(code)
}

/// A multipart form: its text fields and its files (field, file name, bytes).
pub struct MultiForm {
    pub fields: HashMap<String, String>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// Reads a multipart form. A body over the upload limit is a 413; one that cannot be read
/// is a 422 saying so.
pub async fn read_multipart(
    mut mp: axum::extract::Multipart,
    tr: Tr,
) -> Result<MultiForm, PageError> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            PageError::TooLarge(tr)
        } else {
            PageError::invalid(tr, tr.t("bad_form").to_string())
        }
    };
    let mut out = MultiForm {
        fields: HashMap::new(),
        files: Vec::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file) => {
                let bytes = field.bytes().await.map_err(refused)?;
                if !file.is_empty() && !bytes.is_empty() {
                    out.files.push((name, file, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(refused)?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

/// Any path that is not a route: the 404 page, or for the API its JSON error.
pub async fn not_found(v: Viewer, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::not_found_json();
    }
    PageError::NotFound(v.tr).into_response()
}

/// The figures a page shows: `?data=official` for accepted ones only, else every figure
/// entered (those not yet accepted marked).
pub(super) fn data_of(q: Option<&str>, tr: Tr) -> Result<chitieu_app::live::Data, PageError> {
    match q.filter(|d| !d.is_empty()) {
        Some(d) => d
            .parse()
            .map_err(|e: chitieu_app::live::BadInput| PageError::invalid(tr, e)),
        None => Ok(chitieu_app::live::Data::Provisional),
    }
}

/// One page of a long list: which rows it shows and the links to the pages beside it, with
/// the list's filters kept in the URL.
pub(super) struct Pager {
    /// 1-based, as shown: "101–200 / 3.321".
    pub(super) from: usize,
    pub(super) to: usize,
    /// "101–200 / 3.321" in the viewer's notation.
    pub(super) shown: String,
    pub(super) prev: Option<String>,
    pub(super) next: Option<String>,
}

impl Pager {
    /// Page `page` (1-based; past the end shows the last; not a number, the first: a link
    /// typed by hand is a page, never an error) of `total` rows, `size` a page,
    /// for the list at `path` with `filters` (empty ones left out of the URL).
    pub(super) fn new(
        tr: Tr,
        path: &str,
        filters: &[(&str, &str)],
        page: Option<&str>,
        size: usize,
        total: usize,
    ) -> Pager {
        let pages = total.div_ceil(size).max(1);
        let page = page.and_then(|p| p.trim().parse::<usize>().ok());
        let page = page.unwrap_or(1).clamp(1, pages);
        let link = |p: usize| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (k, v) in filters.iter().filter(|(_, v)| !v.is_empty()) {
                q.append_pair(k, v);
            }
            q.append_pair("page", &p.to_string());
            format!("{path}?{}", q.finish())
        };
        let from = ((page - 1) * size + 1).min(total);
        let to = (page * size).min(total);
        let n = |x: usize| tr.num(x as f64, 0);
        Pager {
            from,
            to,
            shown: format!("{}–{} / {}", n(from), n(to), n(total)),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// The rows of this page, as indices into the list.
    pub(super) fn range(&self) -> std::ops::Range<usize> {
        self.from.saturating_sub(1)..self.to
    }

    /// More than one page: the pager is shown.
    pub(super) fn paged(&self) -> bool {
        self.prev.is_some() || self.next.is_some()
    }
}

/// Stands for the reader's CSRF token in a page part kept for many readers ([`shared_part`]).
pub(super) const CSRF_SLOT: &str = "\u{1}csrf\u{1}";

/// A page part rendered once for many readers, written out with this reader's CSRF token
/// where the part has [`CSRF_SLOT`].
pub(super) struct Part {
    text: std::sync::Arc<str>,
    csrf: String,
}

impl Part {
    /// A part rendered for `me` only, not kept.
    pub(super) fn fresh(text: String, me: &Actor) -> Part {
        Part {
            text: std::sync::Arc::from(text),
            csrf: me.csrf.clone(),
        }
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut pieces = self.text.split(CSRF_SLOT);
        if let Some(first) = pieces.next() {
            f.write_str(first)?;
        }
        for piece in pieces {
            f.write_str(&self.csrf)?;
            f.write_str(piece)?;
        }
        Ok(())
    }
}

/// The part of a page that `render` makes, rendered the first time this snapshot is asked
/// for it by `key` and kept with the snapshot: a national list costs its rendering once per
/// change, not once per reader. `render` puts [`CSRF_SLOT`] where the reader's token goes.
/// A failure is not kept: the next reader tries again.
pub(super) fn shared_part(
    snap: &Snapshot,
    tr: Tr,
    me: &Actor,
    key: &str,
    render: impl FnOnce() -> Result<String, PageError>,
) -> Result<Part, PageError> {
    let key = part_key(snap, tr, me, key);
    match kept_part(snap, me, &key) {
        Some(part) => Ok(part),
        None => keep_part(snap, tr, me, key, render()?),
    }
}

/// `key` completed with what else a kept part may depend on: the language, the day, and the
/// reader's role and unit (which actions and links it shows). `key` names the rest: the page
/// and what was asked of it.
pub(super) fn part_key(snap: &Snapshot, tr: Tr, me: &Actor, key: &str) -> String {
    format!(
        "{key}|{}|{}|{}|{}",
        tr.lang.code(),
        snap.today(),
        me.role.as_str(),
        me.unit
    )
}

/// The part kept under `key` (from [`part_key`]), if this snapshot has one.
pub(super) fn kept_part(snap: &Snapshot, me: &Actor, key: &str) -> Option<Part> {
    snap.kept_text(key).map(|text| Part {
        text,
        csrf: me.csrf.clone(),
    })
}

/// Keeps `text` under `key` (from [`part_key`]) with the snapshot, or the text another
/// reader kept first.
pub(super) fn keep_part(
    snap: &Snapshot,
    tr: Tr,
    me: &Actor,
    key: String,
    text: String,
) -> Result<Part, PageError> {
    let text = snap.remember_text(key, || Ok(text)).or_500(tr)?;
    Ok(Part {
        text,
        csrf: me.csrf.clone(),
    })
}
