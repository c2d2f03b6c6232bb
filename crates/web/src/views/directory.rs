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
