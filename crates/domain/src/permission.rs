//! Who may do what, where: roles, and the unit scope of each user (a unit and everything
//! under it). Every route asks these functions; none decides on its own.

use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::task::Task;
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

impl Role {
    /// How far a role reaches: a user may give others a role up to their own, never above.
    pub fn rank(self) -> u8 {
        match self {
            Role::Admin => 4,
            Role::Secretariat => 3,
            Role::Head => 2,
            Role::Reporter => 1,
            Role::Viewer => 0,
        }
    }
}

impl std::str::FromStr for Role {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::Role,
                    s,
                    Role::ALL.iter().map(|x| x.as_str()),
                )
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
    /// Issue and revoke bearer tokens for other systems.
    IssueTokens,
}

pub fn role_allows(role: Role, action: Action) -> bool {
    match action {
        Action::View => true,
        Action::Enter => matches!(
            role,
            Role::Admin | Role::Secretariat | Role::Head | Role::Reporter
        ),
        Action::Administer => matches!(role, Role::Admin | Role::Secretariat),
        Action::IssueTokens => role == Role::Admin,
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

/// Whether an administrator (admin or secretariat) may change `unit`'s records (its heads,
/// its accounts, its targets, the unit itself): only within their own unit's subtree. The
/// province's administrators reach the whole province; a commune's reach that commune.
pub fn may_administer(units: &[Unit], role: Role, scope: &UnitCode, unit: &UnitCode) -> bool {
    role_allows(role, Action::Administer) && in_scope(units, scope, unit)
}

/// Whether an administrator may move `unit` from parent `from` to parent `to`: both parents
/// within their scope, and never the unit their scope hangs from (a ward's administrator
/// cannot lift the ward out of the province, nor hang it under something of their own).
pub fn may_move_unit(
    units: &[Unit],
    role: Role,
    scope: &UnitCode,
    unit: &UnitCode,
    from: Option<&UnitCode>,
    to: &UnitCode,
) -> bool {
    unit != scope
        && from.is_some_and(|f| may_administer(units, role, scope, f))
        && may_administer(units, role, scope, to)
}

/// Whether a user may create an account with `new_role` at `new_unit`: never a role above
/// their own, never a unit outside their scope.
pub fn may_grant(
    units: &[Unit],
    role: Role,
    scope: &UnitCode,
    new_role: Role,
    new_unit: &UnitCode,
) -> bool {
    may_administer(units, role, scope, new_unit) && may_grant_role(role, new_role)
}

/// Whether a user may give `new_role` to someone (within their scope): never a role above
/// their own. The administration form offers these roles only.
pub fn may_grant_role(role: Role, new_role: Role) -> bool {
    new_role.rank() <= role.rank()
}

/// Whether a user may create or revoke a bearer token with `new_role` at `new_unit`: only
/// administrators, within the same limits as accounts.
pub fn may_issue_token(
    units: &[Unit],
    role: Role,
    scope: &UnitCode,
    new_role: Role,
    new_unit: &UnitCode,
) -> bool {
    role_allows(role, Action::IssueTokens) && may_grant(units, role, scope, new_role, new_unit)
}

/// Whether a user may download the evidence behind a value of `unit`: within their scope,
/// or the plan owner's own figures (which every official reads).
pub fn may_read_value_evidence(
    units: &[Unit],
    scope: &UnitCode,
    owner: Option<&UnitCode>,
    unit: &UnitCode,
) -> bool {
    in_scope(units, scope, unit) || Some(unit) == owner
}

/// Whether a user may change the plan itself (indicators' descriptions, lead units): the
/// plan belongs to its owner (the province), so only the owner's administrators.
pub fn may_edit_plan(units: &[Unit], role: Role, scope: &UnitCode, owner: &UnitCode) -> bool {
    may_administer(units, role, scope, owner)
}

/// Whether a user may report progress on a task: an entering role, in the lead or a
/// coordinating unit's scope.
pub fn may_report_progress(units: &[Unit], role: Role, scope: &UnitCode, task: &Task) -> bool {
    role_allows(role, Action::Enter)
        && std::iter::once(&task.lead_unit)
            .chain(&task.coordinating_units)
            .any(|u| in_scope(units, scope, u))
}

/// Whether a user may declare a task completed, or change its completion date: the head of
/// the lead unit (who answers for it) or the standing office (secretariat, and the system's
/// administrators) over the lead unit. A reporter reports progress, not completion.
pub fn may_complete_task(units: &[Unit], role: Role, scope: &UnitCode, task: &Task) -> bool {
    match role {
        Role::Head => scope == &task.lead_unit,
        Role::Admin | Role::Secretariat => in_scope(units, scope, &task.lead_unit),
        Role::Reporter | Role::Viewer => false,
    }
}

/// Whether a user may create, change or cancel a task led by `lead`: the standing office
/// (secretariat, and the system's administrators) for any unit in its scope, a unit's head for
/// its own unit. Reporters and viewers never assign work.
pub fn may_assign_task(units: &[Unit], role: Role, scope: &UnitCode, lead: &UnitCode) -> bool {
    match role {
        Role::Admin | Role::Secretariat => in_scope(units, scope, lead),
        Role::Head => scope == lead,
        Role::Reporter | Role::Viewer => false,
    }
}

/// Whether a role assigns work to some unit at all (the task list's "new task" and the API's
/// refusal before anything else is read).
pub fn may_assign_any(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Secretariat | Role::Head)
}

/// Whether a user signs `unit`'s annual work programme off: its own head, and no one else.
pub fn may_sign_programme(role: Role, scope: &UnitCode, unit: &UnitCode) -> bool {
    role == Role::Head && scope == unit
}

/// Whether a user runs the year's evaluation (rubric, proposals, freezing): the plan owner's
/// standing office and administrators.
pub fn may_evaluate(units: &[Unit], role: Role, scope: &UnitCode, owner: &UnitCode) -> bool {
    matches!(role, Role::Admin | Role::Secretariat) && may_edit_plan(units, role, scope, owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_plan::{default_plan, units_with_two_wards};

    fn units() -> Vec<Unit> {
        units_with_two_wards(&default_plan())
    }

    #[test]
    fn scope_and_roles() {
        let plan = default_plan();
        let units = units();
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

    /// The review's finding: an admin or secretariat of a commune acted on the province.
    #[test]
    fn a_unit_moves_only_between_parents_the_administrator_holds_and_never_their_own() {
        let us = units();
        let ward = UnitCode::commune(5443);
        let province = UnitCode::province(19);
        let office = UnitCode::parse("P5443.VP").unwrap();
        // The ward's administrator: not the ward itself, not out of the ward.
        assert!(!may_move_unit(
            &us,
            Role::Admin,
            &ward,
            &ward,
            Some(&province),
            &ward
        ));
        assert!(!may_move_unit(
            &us,
            Role::Admin,
            &ward,
            &office,
            Some(&ward),
            &province
        ));
        assert!(may_move_unit(
            &us,
            Role::Admin,
            &ward,
            &office,
            Some(&ward),
            &ward
        ));
        // The province's administrator moves a ward's office within the province.
        assert!(may_move_unit(
            &us,
            Role::Admin,
            &province,
            &office,
            Some(&ward),
            &province
        ));
        assert!(!may_move_unit(
            &us,
            Role::Reporter,
            &province,
            &office,
            Some(&ward),
            &province
        ));
    }

    #[test]
    fn administrators_act_within_their_unit() {
        let units = units();
        let p = UnitCode::province(19);
        let a = UnitCode::commune(5443);
        let b = UnitCode::commune(5500);
        for role in [Role::Admin, Role::Secretariat] {
            assert!(may_administer(&units, role, &p, &a));
            assert!(may_administer(&units, role, &a, &a));
            assert!(!may_administer(&units, role, &a, &b));
            assert!(!may_administer(&units, role, &a, &p));
            assert!(!may_edit_plan(&units, role, &a, &p));
            assert!(may_edit_plan(&units, role, &p, &p));
        }
        assert!(!may_administer(&units, Role::Head, &a, &a));
        // Never a role above one's own, never a unit outside one's scope.
        assert!(may_grant(&units, Role::Admin, &a, Role::Admin, &a));
        assert!(!may_grant(&units, Role::Admin, &a, Role::Admin, &p));
        assert!(!may_grant(&units, Role::Secretariat, &p, Role::Admin, &p));
        assert!(may_grant(&units, Role::Secretariat, &p, Role::Reporter, &a));
        assert!(!may_issue_token(
            &units,
            Role::Secretariat,
            &p,
            Role::Viewer,
            &a
        ));
        assert!(may_issue_token(&units, Role::Admin, &p, Role::Viewer, &a));
        assert!(!may_issue_token(&units, Role::Admin, &a, Role::Admin, &p));
    }

    #[test]
    fn completion_is_declared_by_the_head_or_the_standing_office() {
        let units = units();
        let a = UnitCode::commune(5443);
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let task = Task {
            edition: Default::default(),
            code: "NV".into(),
            title: "T".into(),
            plan: "P".into(),
            year: 2026,
            lead_unit: a.clone(),
            coordinating_units: vec![UnitCode::commune(5500)],
            start: d,
            deadline: d,
            expected_product: String::new(),
            indicators: vec![],
            completed_on: None,
            updates: vec![],
            source: Default::default(),
            cancelled: None,
            product_defect: None,
            funding: None,
        };
        let p = UnitCode::province(19);
        let b = UnitCode::commune(5500);
        // Assigning: the standing office within its scope, a head for its own unit only.
        assert!(may_assign_task(&units, Role::Secretariat, &p, &a));
        assert!(!may_assign_task(&units, Role::Secretariat, &b, &a));
        assert!(may_assign_task(&units, Role::Head, &a, &a));
        assert!(!may_assign_task(&units, Role::Head, &p, &a));
        assert!(!may_assign_task(&units, Role::Reporter, &a, &a));
        assert!(may_complete_task(&units, Role::Head, &a, &task));
        assert!(!may_complete_task(&units, Role::Head, &b, &task));
        assert!(!may_complete_task(&units, Role::Reporter, &a, &task));
        assert!(may_complete_task(&units, Role::Secretariat, &p, &task));
        assert!(!may_complete_task(&units, Role::Secretariat, &b, &task));
        assert!(may_report_progress(&units, Role::Reporter, &b, &task));
        assert!(!may_report_progress(&units, Role::Viewer, &a, &task));
    }

    #[test]
    fn who_assigns_signs_and_evaluates() {
        let units = units_with_two_wards(&default_plan());
        let province = UnitCode::province(19);
        let ward = UnitCode::commune(5443);
        for (role, assigns, signs_own, evaluates) in [
            (Role::Admin, true, false, true),
            (Role::Secretariat, true, false, true),
            (Role::Head, true, true, false),
            (Role::Reporter, false, false, false),
            (Role::Viewer, false, false, false),
        ] {
            assert_eq!(may_assign_any(role), assigns, "{role:?}");
            assert_eq!(
                may_sign_programme(role, &ward, &ward),
                signs_own,
                "{role:?}"
            );
            assert!(!may_sign_programme(role, &province, &ward), "{role:?}");
            assert_eq!(
                may_evaluate(&units, role, &province, &province),
                evaluates,
                "{role:?}"
            );
            assert!(!may_evaluate(&units, role, &ward, &province), "{role:?}");
        }
    }
}
