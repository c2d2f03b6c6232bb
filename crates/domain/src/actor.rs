//! Who is acting: the principal every right is checked against and every write is recorded
//! by, whether they signed in on a page or call the API with a token.

use crate::UnitCode;
use crate::permission::Role;

/// A person (or a system with a token) acting with a role at a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: i32,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit: UnitCode,
    /// The token that state-changing forms must carry.
    pub csrf: String,
    /// Notices not read yet (the bell); counted for sessions, 0 for tokens.
    pub unread: u32,
    /// Signed in with a one-time code: nothing but setting a new password until then.
    pub must_change: bool,
    /// The role requires a second factor and none is enrolled: nothing but enrolling.
    pub must_enrol: bool,
}
