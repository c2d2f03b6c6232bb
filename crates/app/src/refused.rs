//! Why a write did not happen, as the front ends receive it: a rule's refusal (worded at the
//! edge), a right missing, a batch's items, or a fault.

use chitieu_store::StoreError;

use crate::actions::{Conflict, ItemError};

/// Why a write did not happen.
#[derive(Debug)]
pub enum ActionError {
    /// The user may not do this here.
    Forbidden,
    /// A rule refused the input or the move; the front end words it.
    Refused(chitieu_domain::Refusal),
    /// A file the input parsers refused (a code mapping), in their words (Vietnamese): the
    /// last refusal not yet typed.
    Invalid(String),
    /// Some values of a batch cannot be used; nothing was written.
    InvalidItems(Vec<ItemError>),
    /// No such thing, by the code the request names (a 404).
    NotFound(chitieu_domain::Refusal),
    /// Values changed by someone else, or locked; nothing was written.
    Conflict(Vec<Conflict>),
    Internal(StoreError),
}

impl From<StoreError> for ActionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(r) => ActionError::Refused(r),
            StoreError::NotFound(m) => ActionError::NotFound(m),
            other => ActionError::Internal(other),
        }
    }
}

impl From<chitieu_domain::Refusal> for ActionError {
    fn from(r: chitieu_domain::Refusal) -> Self {
        ActionError::Refused(r)
    }
}
