//! Downloads of evidence files.

use super::common::*;

/// Downloads an evidence file: tasks' to anyone signed in, values' within the unit's scope.
pub async fn evidence(State(s): State<AppState>, v: Viewer, Path(id): Path<i32>) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let (_, _, name, content_type, bytes) = s
        .app
        .evidence_file(&u, id)
        .await
        .map_err(|e| PageError::action(tr, e))?
        .ok_or(PageError::NotFound(tr))?;
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
