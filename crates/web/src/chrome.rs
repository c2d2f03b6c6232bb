//! What every page shows around its content.

use chitieu_store::SessionUser;

use crate::i18n::Tr;

/// What every page shows around its content: the language, who is signed in, and whether
/// they see the administration link.
pub struct Chrome {
    pub t: Tr,
    pub user: Option<SessionUser>,
    pub admin: bool,
}

impl Chrome {
    /// For pages shown without a session (sign-in, errors).
    pub fn anonymous(t: Tr) -> Chrome {
        Chrome {
            t,
            user: None,
            admin: false,
        }
    }
}
