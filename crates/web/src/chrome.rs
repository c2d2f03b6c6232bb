//! What every page shows around its content.

use chitieu_domain::Actor;
use chitieu_domain::permission::{Action, role_allows};

use crate::i18n::Tr;

/// What every page shows around its content: the language, who is signed in, and whether
/// they see the administration link.
pub struct Chrome {
    pub t: Tr,
    pub user: Option<Actor>,
    pub admin: bool,
    /// The user enters figures and sends reports (not a viewer): the entry form and My work.
    pub enters: bool,
    /// Whose system this is ("UBND tỉnh Thái Nguyên"); empty where unknown.
    pub owner: String,
    /// The page draws charts: only then is the chart library (1.1 MB) loaded.
    pub charts: bool,
    /// A central instance: the provinces' page is in the menu.
    pub national: bool,
}

impl Chrome {
    /// For `user`; the administration link only for a role that administers.
    pub fn new(t: Tr, user: Option<Actor>) -> Chrome {
        let admin = user
            .as_ref()
            .is_some_and(|u| role_allows(u.role, Action::Administer));
        let enters = user
            .as_ref()
            .is_some_and(|u| role_allows(u.role, Action::Enter));
        Chrome {
            t,
            user,
            admin,
            enters,
            owner: String::new(),
            charts: false,
            national: false,
        }
    }

    /// A page with charts.
    pub fn with_charts(mut self) -> Chrome {
        self.charts = true;
        self
    }

    /// The digest that versions the embedded assets' URLs.
    pub fn asset_version(&self) -> &'static str {
        crate::assets::version()
    }

    /// For pages shown without a session (sign-in, errors).
    pub fn anonymous(t: Tr) -> Chrome {
        Chrome {
            t,
            user: None,
            admin: false,
            enters: false,
            owner: String::new(),
            charts: false,
            national: false,
        }
    }
}
