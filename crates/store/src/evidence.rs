//! Evidence behind values and task progress: files with checked size and type, kept in the
//! database.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::entities::{evidence, task, task_update};
use crate::{Result, Store, StoreError, audit};

/// The largest file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// Accepted kinds: the extension and the first bytes must agree.
const KINDS: &[(&str, &str, &[u8])] = &[
    ("pdf", "application/pdf", b"%PDF-"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
];

/// A stored file, without its content.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvidenceInfo {
    pub id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
}

/// Checks a file and returns its content type; the message says what is wrong.
pub fn check_file(
    file_name: &str,
    bytes: &[u8],
) -> std::result::Result<&'static str, chitieu_domain::Refusal> {
    use chitieu_domain::refusal::FileFlaw;
    let bad = |reason: FileFlaw| chitieu_domain::Refusal::BadFile {
        name: file_name.chars().take(120).collect(),
        reason,
    };
    if bytes.is_empty() {
        return Err(bad(FileFlaw::Empty));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(chitieu_domain::Refusal::TooBig {
            what: chitieu_domain::Thing::Evidence,
            max_bytes: MAX_EVIDENCE_BYTES,
        });
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = KINDS
        .iter()
        .find(|(e, _, _)| *e == ext)
        .ok_or_else(|| bad(FileFlaw::Kind))?;
    if !bytes.starts_with(kind.2) {
        return Err(bad(FileFlaw::Content));
    }
    Ok(kind.1)
}

/// Keeps only the last path component and plain characters of a name given by a browser.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "tep".into()
    } else {
        cleaned
    }
}

/// Checks and stores a file inside the caller's transaction, with its audit entry.
pub(crate) async fn insert_evidence<C: sea_orm::ConnectionTrait>(
    c: &C,
    entity: &str,
    key: &str,
    file_name: &str,
    bytes: Vec<u8>,
    actor: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<i32> {
    let name = safe_file_name(file_name);
    let content_type = check_file(&name, &bytes)?;
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let m = evidence::ActiveModel {
        entity: Set(entity.to_string()),
        entity_key: Set(key.to_string()),
        file_name: Set(name.clone()),
        content_type: Set(content_type.to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(sha.clone()),
        content: Set(bytes),
        uploaded_by: Set(actor.to_string()),
        uploaded_at: Set(at),
        ..Default::default()
    }
    .insert(c)
    .await?;
    audit(
        c,
        actor,
        "evidence.add",
        entity,
        &format!("{key}: {name} sha256 {sha}"),
    )
    .await?;
    Ok(m.id)
}

/// A progress report on a task: the day, the progress, what was done and what stands in
/// the way, the completion date when declared, and the files that back it.
pub struct TaskUpdate<'a> {
    pub on: chrono::NaiveDate,
    pub progress: u8,
    pub report: &'a chitieu_domain::task::ReportText<'a>,
    pub completed_on: Option<chrono::NaiveDate>,
    pub files: Vec<(String, Vec<u8>)>,
}

impl Store {
    /// Stores a checked file for a value, a task or a committee's conclusion notice. Pages
    /// list files: the records counter moves, so that pages kept per snapshot are made again.
    pub async fn add_evidence(
        &self,
        entity: &str,
        key: &str,
        file_name: &str,
        bytes: Vec<u8>,
        actor: &str,
    ) -> Result<i32> {
        let txn = self.begin_write().await?;
        let id =
            insert_evidence(&txn, entity, key, file_name, bytes, actor, self.clock.now()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(id)
    }

    pub async fn evidence_list(&self, entity: &str, key: &str) -> Result<Vec<EvidenceInfo>> {
        let rows: Vec<(i32, String, String, i64, String)> = evidence::Entity::find()
            .select_only()
            .columns([
                evidence::Column::Id,
                evidence::Column::FileName,
                evidence::Column::ContentType,
            ])
            .columns([evidence::Column::Size, evidence::Column::UploadedBy])
            .filter(evidence::Column::Entity.eq(entity))
            .filter(evidence::Column::EntityKey.eq(key))
            .order_by_asc(evidence::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, file_name, content_type, size, uploaded_by)| EvidenceInfo {
                    id,
                    file_name,
                    content_type,
                    size,
                    uploaded_by,
                },
            )
            .collect())
    }

    /// A file with what it belongs to: (entity, key, name, content type, bytes).
    pub async fn evidence_file(
        &self,
        id: i32,
    ) -> Result<Option<(String, String, String, String, Vec<u8>)>> {
        Ok(evidence::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(|m| {
                (
                    m.entity,
                    m.entity_key,
                    m.file_name,
                    m.content_type,
                    m.content,
                )
            }))
    }

    /// Records progress on a task (and its completion date when given).
    pub async fn add_task_update(
        &self,
        code: &str,
        update: TaskUpdate<'_>,
        actor: &str,
    ) -> Result<()> {
        let TaskUpdate {
            on,
            progress,
            report,
            completed_on,
            files,
        } = update;
        if progress > 100 {
            return Err(StoreError::Refused(chitieu_domain::Refusal::OutOfRange {
                field: chitieu_domain::Field::Progress,
                value: progress.to_string(),
                min: "0".into(),
                max: "100".into(),
            }));
        }
        let long = |what: chitieu_domain::Field, s: &str| {
            crate::clean(
                what,
                s,
                chitieu_domain::text::COMMENT_MAX,
                chitieu_domain::text::TextKind::Multiline,
            )
        };
        let note = long(chitieu_domain::Field::Note, report.note)?;
        let difficulties = long(chitieu_domain::Field::Difficulties, report.difficulties)?;
        let proposals = long(chitieu_domain::Field::Proposals, report.proposals)?;
        let txn = self.begin_write().await?;
        let t = task::Entity::find()
            .filter(task::Column::Code.eq(code))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Task,
                    code,
                ))
            })?;
        let before = t.completed_on;
        task_update::ActiveModel {
            task_id: Set(t.id),
            on_date: Set(on),
            progress: Set(i32::from(progress)),
            note: Set(note.clone()),
            author: Set(actor.to_string()),
            difficulties: Set(difficulties),
            proposals: Set(proposals),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        if let Some(done) = completed_on {
            if t.start_date > done {
                return Err(StoreError::Refused(
                    chitieu_domain::Refusal::DateBefore {
                        field: chitieu_domain::Field::CompletedOn,
                        date: done,
                        other: chitieu_domain::Field::Start,
                        other_date: t.start_date,
                    }
                    .of(chitieu_domain::Thing::Task, code),
                ));
            }
            let mut am: task::ActiveModel = t.into();
            am.completed_on = Set(Some(done));
            am.update(&txn).await?;
        }
        // A completion date decides on time or late: its every change is in the audit log.
        let completion = match (before, completed_on) {
            (_, None) => String::new(),
            (None, Some(d)) => format!("; hoàn thành ngày {d}"),
            (Some(b), Some(d)) if b == d => String::new(),
            (Some(b), Some(d)) => format!("; ngày hoàn thành đổi từ {b} thành {d}"),
        };
        audit(
            &txn,
            actor,
            "tasks.progress",
            "tasks",
            &format!("{code}: {progress}% {note}{completion}"),
        )
        .await?;
        // The report's evidence in the same transaction: a refused file leaves no report.
        for (name, bytes) in files {
            insert_evidence(&txn, "task", code, &name, bytes, actor, self.clock.now()).await?;
        }
        crate::values::bump_counter(&txn, "tasks").await?;
        txn.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_checked_by_extension_and_content() {
        assert_eq!(
            check_file("bao-cao.pdf", b"%PDF-1.7 ...").unwrap(),
            "application/pdf"
        );
        assert!(
            check_file("bao-cao.pdf", b"MZ\x90\x00").is_err(),
            "an executable renamed .pdf"
        );
        assert!(check_file("script.html", b"<html>").is_err());
        assert!(check_file("empty.pdf", b"").is_err());
        assert!(check_file("big.pdf", &vec![b'%'; MAX_EVIDENCE_BYTES + 1]).is_err());
    }

    #[test]
    fn names_lose_their_paths() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("C:\\Users\\a\\Báo cáo quý.pdf"),
            "Báo cáo quý.pdf"
        );
        assert_eq!(safe_file_name("..."), "tep");
        assert_eq!(safe_file_name("a<b>.pdf"), "ab.pdf");
    }
}
