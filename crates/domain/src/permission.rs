//! Who may do what, where: roles, and the unit scope of each user (a unit and everything
//! under it). Every route asks these functions; none decides on its own.

use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::unit::{Unit, UnitCode};

/// Roles, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Secretariat,
    Head,
    Reporter,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Secretariat,
        Role::Head,
        Role::Reporter,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretariat => "secretariat",
            Role::Head => "head",
            Role::Reporter => "reporter",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Secretariat => "Cơ quan thường trực Ban Chỉ đạo",
            Role::Head => "Thủ trưởng đơn vị",
            Role::Reporter => "Cán bộ báo cáo",
            Role::Viewer => "Người xem",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Secretariat => "Steering Committee secretariat",
            Role::Head => "Head of unit",
            Role::Reporter => "Reporter",
            Role::Viewer => "Viewer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("vai trò \"{s}\" không hợp lệ (admin, secretariat, head, reporter, viewer)")
            })
    }
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read internal pages and data (anything not on the public page).
    View,
    /// Enter or change values and task progress.
    Enter,
    /// Manage users, units, heads, indicators and targets.
    Administer,
}

pub fn role_allows(role: Role, action: Action) -> bool {
    match action {
        Action::View => true,
        Action::Enter => matches!(
            role,
            Role::Admin | Role::Secretariat | Role::Head | Role::Reporter
        ),
        Action::Administer => matches!(role, Role::Admin | Role::Secretariat),
    }
}

/// Whether `unit` is `scope` or lies under it.
pub fn in_scope(units: &[Unit], scope: &UnitCode, unit: &UnitCode) -> bool {
    let mut cur = Some(unit.clone());
    let mut guard = 0;
    while let Some(c) = cur {
        if &c == scope {
            return true;
        }
        cur = units
            .iter()
            .find(|u| u.code == c)
            .and_then(|u| u.parent.clone());
        guard += 1;
        if guard > 64 {
            return false;
        }
    }
    false
}

/// Whether a user may enter values of `indicator` for `unit`: within the user's scope, or,
/// for the unit that leads the indicator, at the plan owner's level (a department enters
/// the province's figure it is responsible for; coordinating units feed the lead unit).
pub fn may_enter(
    units: &[Unit],
    role: Role,
    user_unit: &UnitCode,
    owner: &UnitCode,
    indicator: &Indicator,
    unit: &UnitCode,
) -> bool {
    if !role_allows(role, Action::Enter) {
        return false;
    }
    if in_scope(units, user_unit, unit) {
        return true;
    }
    unit == owner && &indicator.lead_unit == user_unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_plan::default_plan;
    use crate::unit::{UnitKind, two_tier_start};

    fn ward(code: u32) -> Unit {
        Unit {
            code: UnitCode::commune(code),
            name: "P".into(),
            kind: UnitKind::Ward,
            division_type: None,
            parent: Some(UnitCode::province(19)),
            valid_from: two_tier_start(),
            valid_to: None,
            population: None,
            officials: None,
            successors: vec![],
        }
    }

    #[test]
    fn scope_and_roles() {
        let plan = default_plan();
        let mut units = vec![plan.province_unit(), ward(5443), ward(5500)];
        units.extend(plan.units.iter().cloned());
        let p = UnitCode::province(19);
        let a = UnitCode::commune(5443);
        let b = UnitCode::commune(5500);
        let skhcn = UnitCode::parse("TN.SKHCN").unwrap();
        assert!(in_scope(&units, &p, &a));
        assert!(!in_scope(&units, &a, &b));
        assert!(!in_scope(&units, &a, &p));
        let cbx = plan.indicator("NL-CBX").unwrap();
        let g5 = plan.indicator("HT-5G").unwrap();
        assert!(may_enter(&units, Role::Reporter, &a, &p, cbx, &a));
        assert!(!may_enter(&units, Role::Reporter, &a, &p, cbx, &b));
        assert!(!may_enter(&units, Role::Viewer, &a, &p, cbx, &a));
        // The Department of Science and Technology enters the province's 5G coverage.
        assert!(may_enter(&units, Role::Reporter, &skhcn, &p, g5, &p));
        assert!(!may_enter(&units, Role::Reporter, &skhcn, &p, cbx, &p));
        assert!(role_allows(Role::Secretariat, Action::Administer));
        assert!(!role_allows(Role::Head, Action::Administer));
    }
}
