//! "Tải Excel" under every table: the page posts the table it shows, the server writes it as
//! a workbook. Only what the person already sees goes in, so no right beyond being signed in.

use super::common::*;
use crate::xlsx::{PostedTable, download};

pub async fn export_xlsx(v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let fields = form.read(tr)?;
    v.check_csrf(&fields)?;
    let table: PostedTable =
        serde_json::from_str(fields.get("table").map_or("", String::as_str))
            .map_err(|e| PageError::Invalid(tr, format!("bảng gửi lên không đọc được: {e}")))?;
    let file: String = table
        .title
        .chars()
        .map(|c| {
            let folded = chitieu_domain::text::fold(&c.to_string());
            folded.chars().next().unwrap_or('-')
        })
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(60)
        .collect();
    let sheet = table
        .sheet(tr.is_en())
        .map_err(|e| PageError::Invalid(tr, e))?;
    Ok(download(
        &format!("{}.xlsx", if file.is_empty() { "bang" } else { &file }),
        &[sheet],
    ))
}
