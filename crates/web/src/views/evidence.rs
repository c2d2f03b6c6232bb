//! Downloads of evidence files.

use super::common::*;

/// Downloads an evidence file: tasks' to anyone signed in, values' within the unit's scope.
pub async fn evidence(State(s): State<AppState>, v: Viewer, Path(id): Path<i32>) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let (entity, key, name, content_type, bytes) = s
        .store
        .evidence_file(id)
        .await
        .or_500(tr)?
        .ok_or(PageError::NotFound(tr))?;
    if entity == "value" {
        let snap = snapshot(&s, tr).await?;
        let unit = key
            .split('/')
            .nth(1)
            .and_then(|c| UnitCode::parse(c).ok())
            .ok_or(PageError::NotFound(tr))?;
        let owner = snap.plan.as_ref().map(|p| &p.plan.owner);
        if !chitieu_domain::permission::may_read_value_evidence(&snap.units, &u.unit, owner, &unit)
        {
            return Err(PageError::Forbidden(tr));
        }
    }
    // Always a download, never rendered in our origin.
    let disposition = format!(
        "attachment; filename=\"evidence-{id}\"; filename*=UTF-8''{}",
        percent(&name)
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
