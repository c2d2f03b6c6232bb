//! Notices: what the bell counts — reports due, late, returned, approved, accepted.

use super::common::*;

struct NoticeRow {
    message: String,
    link: String,
    at: String,
    read: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notices.html")]
struct NoticesPage {
    c: Chrome,
    csrf: String,
    notices: Vec<NoticeRow>,
}

pub async fn notices(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let notices = s
        .app
        .notices(&u, 200)
        .await
        .or_500(tr)?
        .into_iter()
        .map(|n| NoticeRow {
            // Notices made before they were kept in English have only their Vietnamese.
            message: if tr.is_en() && !n.message_en.is_empty() {
                n.message_en
            } else {
                n.message
            },
            link: n.link,
            at: tr.datetime(&n.created_at),
            read: n.read,
        })
        .collect();
    Ok(NoticesPage {
        c: Chrome::of(&v),
        csrf: u.csrf.clone(),
        notices,
    }
    .into_response())
}

/// Marks every notice read.
pub async fn notices_read(State(s): State<AppState>, v: Viewer, f: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = f.read(tr)?;
    let u = v.check_csrf(&f)?.clone();
    s.app.mark_notices_read(&u).await.or_500(tr)?;
    Ok(Redirect::to("/notices").into_response())
}
