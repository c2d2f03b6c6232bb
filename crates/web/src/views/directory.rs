//! The units directory: the province, its Steering Committee and departments, its communes
//! and wards, each with its head in office; a search that ignores Vietnamese marks.

use super::common::*;
use chitieu_domain::UnitKind;
use chitieu_domain::text::fold;

/// One unit as the directory lists it.
struct Entry {
    code: String,
    name: String,
    head: String,
    head_title: String,
}

/// Units of one kind, under a heading.
struct Group {
    id: &'static str,
    title: &'static str,
    entries: Vec<Entry>,
}

#[derive(Template, WebTemplate)]
#[template(path = "units.html")]
struct DirectoryPage {
    c: Chrome,
    q: String,
    found: usize,
    groups: Vec<Group>,
    /// The viewer's own unit: first thing they look for.
    mine: Option<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct DirectoryQuery {
    #[serde(default)]
    q: String,
}

/// Which kinds of unit a section of the directory holds.
type Wanted = fn(UnitKind) -> bool;

/// Longest search text: a unit's name at most.
const QUERY_MAX: usize = chitieu_domain::text::NAME_MAX;

/// The directory's sections: (kind filter, anchor, heading).
const SECTIONS: [(Wanted, &str, &str); 4] = [
    (|k| k == UnitKind::Province, "province", "dir_province"),
    (|k| k == UnitKind::Other, "other", "dir_other"),
    (
        |k| k == UnitKind::Department,
        "departments",
        "dir_departments",
    ),
    (UnitKind::is_commune_level, "communes", "dir_communes"),
];

pub async fn units(
    State(s): State<AppState>,
    v: Viewer,
    Query(dq): Query<DirectoryQuery>,
) -> PageResult {
    let tr = v.tr;
    let u = v.user()?;
    let snap = s.live.snapshot();
    let day = snap.today();
    let q: String = dq.q.trim().chars().take(QUERY_MAX).collect();
    let needle = fold(&q);
    let owner = snap.plan.as_ref().map(|p| p.plan.owner.clone());
    let current = |un: &chitieu_domain::Unit| {
        un.valid_from <= day
            && un.valid_to.is_none_or(|end| day <= end)
            && owner.as_ref().is_none_or(|o| snap.within(o, &un.code))
    };
    let mut groups = Vec::new();
    let mut found = 0;
    for (wanted, id, title) in SECTIONS {
        let mut entries: Vec<Entry> = snap
            .units
            .iter()
            .filter(|un| wanted(un.kind) && current(un))
            .filter(|un| {
                needle.is_empty() || fold(&un.name).contains(&needle) || un.code.as_str() == needle
            })
            .map(|un| entry(&snap, un, day))
            .collect();
        entries.sort_by_key(|e| fold(&e.name));
        found += entries.len();
        groups.push(Group {
            id,
            title: tr.t(title),
            entries,
        });
    }
    Ok(DirectoryPage {
        mine: snap
            .unit(&u.unit)
            .map(|un| (un.code.to_string(), un.name.clone())),
        c: Chrome::of(&v),
        q,
        found,
        groups,
    }
    .into_response())
}

/// A unit as the directory lists it, with its heads in office on `day`.
fn entry(snap: &Snapshot, un: &chitieu_domain::Unit, day: chrono::NaiveDate) -> Entry {
    let heads = snap.heads_on(&un.code, day);
    let join = |f: &dyn Fn(&chitieu_domain::Head) -> String| {
        heads.iter().map(|h| f(h)).collect::<Vec<_>>().join(" · ")
    };
    Entry {
        code: un.code.to_string(),
        name: un.name.clone(),
        head: join(&|h| h.person.clone()),
        head_title: join(&|h| h.title.clone()),
    }
}

/// Units as `<option>`s of a form's datalist.
#[derive(Template)]
#[template(path = "unit_choices.html")]
struct UnitChoices {
    units: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct ChoicesQuery {
    /// `plan`: every unit of the plan's owner; otherwise those within the reader's unit.
    of: Option<String>,
}

/// Units in force to pick from, for the datalist of a form: those within the reader's unit
/// (the administration page) or, with `of=plan`, within the plan's owner (a task's
/// coordinating units). Fetched after the page: a nation's 4,036 units are about 180 kB,
/// the same for every reader of a role and unit, rendered once per snapshot; the browser
/// asks again with its ETag and gets 304 until something changes.
pub async fn unit_choices(
    State(s): State<AppState>,
    v: Viewer,
    headers: axum::http::HeaderMap,
    Query(q): Query<ChoicesQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let snap = snapshot(&s, tr).await?;
    let plan = q.of.as_deref() == Some("plan");
    let key = part_key(&snap, tr, &me, &format!("unit-choices|{plan}"));
    let etag = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (snap.seqs(), &key).hash(&mut h);
        format!("\"{:016x}\"", h.finish())
    };
    let cache = [
        (
            axum::http::header::CACHE_CONTROL,
            "private, no-cache".to_string(),
        ),
        (axum::http::header::ETAG, etag.clone()),
    ];
    if headers
        .get(axum::http::header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == etag.as_bytes())
    {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let within = match (plan, snap.plan.as_ref()) {
        (true, Some(p)) => p.plan.owner.clone(),
        _ => me.unit.clone(),
    };
    let body = match kept_part(&snap, &me, &key) {
        Some(body) => body,
        None => {
            let units = snap
                .units
                .iter()
                .filter(|u| u.valid_to.is_none() && snap.within(&within, &u.code))
                .map(|u| (u.code.to_string(), u.name.clone()))
                .collect();
            let text = UnitChoices { units }.render().or_500(tr)?;
            keep_part(&snap, tr, &me, key, text)?
        }
    };
    Ok((cache, axum::response::Html(body.to_string())).into_response())
}
