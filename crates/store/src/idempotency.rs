//! Batches pushed with an `Idempotency-Key`: the first answer is kept per caller and key, with
//! the digest of the body it answered, for a day.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entities::idempotency_key;
use crate::{Result, Store};

/// How long a key is remembered.
pub const IDEMPOTENCY_HOURS: i64 = 24;

/// The SHA-256 of some bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A kept answer.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptAnswer {
    pub digest: String,
    pub status: u16,
    pub body: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// The answer kept for `caller`'s `key`, if one is and it is under a day old.
    pub async fn kept_answer(&self, caller: &str, key: &str) -> Result<Option<KeptAnswer>> {
        let Some(m) = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Caller.eq(caller))
            .filter(idempotency_key::Column::Key.eq(key))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if m.created_at < self.clock.now() - Duration::hours(IDEMPOTENCY_HOURS) {
            m.delete(&self.db).await?;
            return Ok(None);
        }
        Ok(Some(KeptAnswer {
            digest: m.digest,
            status: u16::try_from(m.status).unwrap_or(500),
            body: m.body,
            at: m.created_at,
        }))
    }

    /// Keeps the first answer to `caller`'s `key`; a second one for the same key (two
    /// retries racing) leaves the first in place and returns it.
    pub async fn keep_answer(
        &self,
        caller: &str,
        key: &str,
        digest: &str,
        status: u16,
        body: &str,
    ) -> Result<KeptAnswer> {
        let txn = self.begin_write().await?;
        if let Some(m) = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Caller.eq(caller))
            .filter(idempotency_key::Column::Key.eq(key))
            .one(&txn)
            .await?
        {
            return Ok(KeptAnswer {
                digest: m.digest,
                status: u16::try_from(m.status).unwrap_or(500),
                body: m.body,
                at: m.created_at,
            });
        }
        let at = self.clock.now_seconds();
        idempotency_key::ActiveModel {
            caller: Set(caller.to_string()),
            key: Set(key.to_string()),
            digest: Set(digest.to_string()),
            status: Set(i32::from(status)),
            body: Set(body.to_string()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(KeptAnswer {
            digest: digest.to_string(),
            status,
            body: body.to_string(),
            at,
        })
    }
}
