//! The units form a tree, always: no unit is its own ancestor or its own successor (directly
//! or through others), a parent is of a kind that may hold the child, dates run forward, and
//! no chain of parents is deeper than [`MAX_DEPTH`].
//!
//! Every write of units is checked with [`faults`] against the graph it would leave; a graph
//! stored with a fault anyway (edited by hand in the database) is cut back to a tree at load
//! by [`repair`], each cut named, so that no walk over units can loop or recurse for ever.

use crate::unit::{Unit, UnitCode, UnitKind};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt;

/// The deepest chain of parents allowed: a province's department's office's team is 4;
/// walks over parents stop here whatever the data say.
pub const MAX_DEPTH: usize = 16;

/// Why a graph of units is not a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// The unit names itself as its parent.
    OwnParent { unit: UnitCode },
    /// Following parents from the first unit comes back to it.
    ParentCycle { units: Vec<UnitCode> },
    /// More than [`MAX_DEPTH`] parents above the unit.
    TooDeep { unit: UnitCode },
    /// A parent of a kind that does not hold units of the child's kind.
    ParentKind {
        unit: UnitCode,
        kind: UnitKind,
        parent: UnitCode,
        parent_kind: UnitKind,
    },
    /// The unit names itself as its successor.
    OwnSuccessor { unit: UnitCode },
    /// Following successors from the first unit comes back to it.
    SuccessorCycle { units: Vec<UnitCode> },
    /// The unit's last day comes before its first.
    EndsBeforeStart {
        unit: UnitCode,
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl TreeError {
    /// The form field or JSON member at fault.
    pub fn field(&self) -> &'static str {
        match self {
            TreeError::OwnParent { .. }
            | TreeError::ParentCycle { .. }
            | TreeError::TooDeep { .. }
            | TreeError::ParentKind { .. } => "parent",
            TreeError::OwnSuccessor { .. } | TreeError::SuccessorCycle { .. } => "successor",
            TreeError::EndsBeforeStart { .. } => "valid_to",
        }
    }

    /// The units the fault involves.
    pub fn units(&self) -> Vec<&UnitCode> {
        match self {
            TreeError::OwnParent { unit }
            | TreeError::TooDeep { unit }
            | TreeError::OwnSuccessor { unit }
            | TreeError::EndsBeforeStart { unit, .. } => vec![unit],
            TreeError::ParentKind { unit, parent, .. } => vec![unit, parent],
            TreeError::ParentCycle { units } | TreeError::SuccessorCycle { units } => {
                units.iter().collect()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            TreeError::OwnParent { unit } => format!("unit {unit} cannot be its own parent"),
            TreeError::ParentCycle { units } => {
                format!("parents would go round in a circle: {}", chain(units))
            }
            TreeError::TooDeep { unit } => {
                format!("unit {unit} would sit more than {MAX_DEPTH} levels deep")
            }
            TreeError::ParentKind {
                unit,
                kind,
                parent,
                parent_kind,
            } => format!(
                "a {} ({unit}) cannot be placed under a {} ({parent})",
                kind.label_en().to_lowercase(),
                parent_kind.label_en().to_lowercase()
            ),
            TreeError::OwnSuccessor { unit } => {
                format!("unit {unit} cannot be its own successor")
            }
            TreeError::SuccessorCycle { units } => {
                format!("successors would go round in a circle: {}", chain(units))
            }
            TreeError::EndsBeforeStart { unit, from, to } => {
                format!("unit {unit} would end ({to}) before it starts ({from})")
            }
        }
    }
}

fn chain(units: &[UnitCode]) -> String {
    let mut s: Vec<&str> = units.iter().map(|u| u.as_str()).collect();
    if let Some(first) = units.first() {
        s.push(first.as_str());
    }
    s.join(" → ")
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::OwnParent { unit } => {
                write!(
                    f,
                    "đơn vị cấp trên: đơn vị {unit} không thể là cấp trên của chính nó"
                )
            }
            TreeError::ParentCycle { units } => write!(
                f,
                "đơn vị cấp trên: các đơn vị sẽ làm cấp trên của nhau thành vòng ({})",
                chain(units)
            ),
            TreeError::TooDeep { unit } => write!(
                f,
                "đơn vị cấp trên: đơn vị {unit} sẽ nằm sâu quá {MAX_DEPTH} cấp"
            ),
            TreeError::ParentKind {
                unit,
                kind,
                parent,
                parent_kind,
            } => write!(
                f,
                "đơn vị cấp trên: {} ({unit}) không thể trực thuộc {} ({parent})",
                kind.label_vi().to_lowercase(),
                parent_kind.label_vi().to_lowercase()
            ),
            TreeError::OwnSuccessor { unit } => {
                write!(
                    f,
                    "đơn vị kế thừa: đơn vị {unit} không thể kế thừa chính nó"
                )
            }
            TreeError::SuccessorCycle { units } => write!(
                f,
                "đơn vị kế thừa: các đơn vị sẽ kế thừa nhau thành vòng ({})",
                chain(units)
            ),
            TreeError::EndsBeforeStart { unit, from, to } => write!(
                f,
                "ngày kết thúc: đơn vị {unit} kết thúc ({}) trước ngày bắt đầu ({})",
                to.format("%d/%m/%Y"),
                from.format("%d/%m/%Y")
            ),
        }
    }
}

impl std::error::Error for TreeError {}

/// Whether a unit of kind `child` may sit under one of kind `parent`. Communes and wards
/// belong to a province; a province stands alone or under a central body (`other`);
/// departments sit under a province, a department or another body; enterprises and other
/// bodies (an office, a school) may sit anywhere.
pub fn may_hold(parent: UnitKind, child: UnitKind) -> bool {
    use UnitKind::*;
    match child {
        Commune | Ward => parent == Province,
        Province => parent == Other,
        Department => matches!(parent, Province | Department | Other),
        Enterprise | Other => true,
    }
}

/// A fault, and the link [`repair`] cuts for it (none for faults that cannot make a walk
/// loop: a parent of the wrong kind, dates out of order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub error: TreeError,
    cut: Cut,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Cut {
    None,
    Parent(usize),
    Successor(usize, UnitCode),
}

/// Every fault of the graph `units`, in the order of the units. Parents and successors that
/// name no unit of the list are not faults here (the store refuses them).
pub fn faults(units: &[Unit]) -> Vec<Fault> {
    let pos: HashMap<&UnitCode, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (&u.code, i))
        .collect();
    let mut out = Vec::new();
    for u in units {
        if let Some(to) = u.valid_to
            && to < u.valid_from
        {
            out.push(Fault {
                error: TreeError::EndsBeforeStart {
                    unit: u.code.clone(),
                    from: u.valid_from,
                    to,
                },
                cut: Cut::None,
            });
        }
        if let Some(p) = u.parent.as_ref().and_then(|p| pos.get(p))
            && units[*p].code != u.code
            && !may_hold(units[*p].kind, u.kind)
        {
            out.push(Fault {
                error: TreeError::ParentKind {
                    unit: u.code.clone(),
                    kind: u.kind,
                    parent: units[*p].code.clone(),
                    parent_kind: units[*p].kind,
                },
                cut: Cut::None,
            });
        }
    }
    parent_faults(units, &pos, &mut out);
    successor_faults(units, &pos, &mut out);
    out
}

/// Cycles and chains too deep, found by walking up from each unit once: O(units × depth).
fn parent_faults(units: &[Unit], pos: &HashMap<&UnitCode, usize>, out: &mut Vec<Fault>) {
    // 0: not seen; 1: on the walk now; 2: known to reach a root.
    let mut state = vec![0u8; units.len()];
    let mut depth = vec![0usize; units.len()];
    let parent = |i: usize| units[i].parent.as_ref().and_then(|p| pos.get(p)).copied();
    for start in 0..units.len() {
        if state[start] != 0 {
            continue;
        }
        let mut path = Vec::new();
        let mut cur = Some(start);
        // The walk stops at a root, a unit already settled, or a unit on this walk (a cycle).
        let mut cut_at = None;
        while let Some(i) = cur {
            match state[i] {
                2 => break,
                1 => {
                    let from = path.iter().position(|&k| k == i).unwrap_or(0);
                    let cycle: Vec<usize> = path[from..].to_vec();
                    let last = *cycle.last().unwrap_or(&i);
                    out.push(Fault {
                        error: if cycle.len() == 1 {
                            TreeError::OwnParent {
                                unit: units[i].code.clone(),
                            }
                        } else {
                            TreeError::ParentCycle {
                                units: cycle.iter().map(|&k| units[k].code.clone()).collect(),
                            }
                        },
                        cut: Cut::Parent(last),
                    });
                    cut_at = Some(last);
                    break;
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    cur = parent(i);
                }
            }
        }
        // Depths from the top of the walk down: a unit cut from a cycle becomes a root.
        let mut above = match (cur, cut_at) {
            (Some(i), None) if state[i] == 2 => depth[i] + 1,
            _ => 0,
        };
        let below_cut = cut_at.map(|c| path.iter().position(|&k| k == c).unwrap_or(0));
        for (n, &i) in path.iter().enumerate().rev() {
            if below_cut == Some(n) {
                above = 0;
            }
            depth[i] = above;
            if above > MAX_DEPTH {
                out.push(Fault {
                    error: TreeError::TooDeep {
                        unit: units[i].code.clone(),
                    },
                    cut: Cut::Parent(i),
                });
                depth[i] = 0;
            }
            above = depth[i] + 1;
            state[i] = 2;
        }
    }
}

/// Successor cycles, by an iterative depth-first walk: each back edge is one cycle.
fn successor_faults(units: &[Unit], pos: &HashMap<&UnitCode, usize>, out: &mut Vec<Fault>) {
    let next = |i: usize| -> Vec<usize> {
        units[i]
            .successors
            .iter()
            .filter_map(|s| pos.get(s).copied())
            .collect()
    };
    let mut state = vec![0u8; units.len()];
    for start in 0..units.len() {
        if state[start] != 0 {
            continue;
        }
        // (unit, its successors, how many of them were walked)
        let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, next(start), 0)];
        state[start] = 1;
        while let Some((i, succ, k)) = stack.last_mut() {
            let i = *i;
            if *k == succ.len() {
                state[i] = 2;
                stack.pop();
                continue;
            }
            let s = succ[*k];
            *k += 1;
            match state[s] {
                0 => {
                    state[s] = 1;
                    let n = next(s);
                    stack.push((s, n, 0));
                }
                1 => {
                    let from = stack.iter().position(|(u, _, _)| *u == s).unwrap_or(0);
                    let cycle: Vec<UnitCode> = stack[from..]
                        .iter()
                        .map(|(u, _, _)| units[*u].code.clone())
                        .collect();
                    out.push(Fault {
                        error: if s == i {
                            TreeError::OwnSuccessor {
                                unit: units[i].code.clone(),
                            }
                        } else {
                            TreeError::SuccessorCycle { units: cycle }
                        },
                        cut: Cut::Successor(i, units[s].code.clone()),
                    });
                }
                _ => {}
            }
        }
    }
}

/// The graph cut back to a tree: each link that closes a cycle or goes too deep is removed
/// (the unit keeps existing, at the top level or without that successor), and the faults
/// are returned so that the caller names them.
pub fn repair(mut units: Vec<Unit>) -> (Vec<Unit>, Vec<TreeError>) {
    let found = faults(&units);
    let mut named = Vec::new();
    for f in found {
        match &f.cut {
            Cut::None => continue,
            Cut::Parent(i) => units[*i].parent = None,
            Cut::Successor(i, s) => units[*i].successors.retain(|x| x != s),
        }
        named.push(f.error);
    }
    (units, named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::{earliest, two_tier_start};

    fn unit(code: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
        Unit {
            code: UnitCode::parse(code).unwrap(),
            name: code.into(),
            kind,
            division_type: None,
            parent: parent.map(|p| UnitCode::parse(p).unwrap()),
            valid_from: earliest(),
            valid_to: None,
            population: None,
            officials: None,
            successors: vec![],
        }
    }

    fn province() -> Vec<Unit> {
        vec![
            unit("19", UnitKind::Province, None),
            unit("5443", UnitKind::Ward, Some("19")),
            unit("5500", UnitKind::Commune, Some("19")),
            unit("TN.SKHCN", UnitKind::Department, Some("19")),
            unit("P.VP", UnitKind::Other, Some("5443")),
        ]
    }

    fn errors(units: &[Unit]) -> Vec<TreeError> {
        faults(units).into_iter().map(|f| f.error).collect()
    }

    #[test]
    fn a_tree_has_no_faults() {
        assert!(errors(&province()).is_empty());
    }

    #[test]
    fn a_unit_is_not_its_own_parent_nor_in_a_circle_of_parents() {
        let mut us = province();
        us[4].parent = Some(us[4].code.clone());
        let e = errors(&us);
        assert_eq!(
            e,
            vec![TreeError::OwnParent {
                unit: us[4].code.clone()
            }]
        );
        assert_eq!(e[0].field(), "parent");

        let mut us = province();
        us.push(unit("P.A", UnitKind::Other, Some("P.B")));
        us.push(unit("P.B", UnitKind::Other, Some("P.A")));
        let e = errors(&us);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(matches!(&e[0], TreeError::ParentCycle { units } if units.len() == 2));
        assert!(e[0].to_string().contains("P.A"), "{}", e[0]);
    }

    #[test]
    fn a_unit_is_not_its_own_successor_nor_in_a_circle_of_successors() {
        let mut us = province();
        us[4].successors = vec![us[4].code.clone()];
        assert_eq!(
            errors(&us),
            vec![TreeError::OwnSuccessor {
                unit: us[4].code.clone()
            }]
        );
        let mut us = province();
        us[1].successors = vec![us[2].code.clone()];
        us[2].successors = vec![us[1].code.clone()];
        let e = errors(&us);
        assert!(
            matches!(&e[..], [TreeError::SuccessorCycle { units }] if units.len() == 2),
            "{e:?}"
        );
        assert_eq!(e[0].field(), "successor");
        // A merge (two units into one) is no cycle.
        let mut us = province();
        us[1].successors = vec![us[3].code.clone()];
        us[2].successors = vec![us[3].code.clone()];
        us[3].kind = UnitKind::Department;
        assert!(errors(&us).is_empty());
    }

    #[test]
    fn parents_are_of_a_kind_that_holds_the_child() {
        let mut us = province();
        us[2].parent = Some(us[1].code.clone()); // a commune under a ward
        let e = errors(&us);
        assert!(matches!(&e[..], [TreeError::ParentKind { .. }]), "{e:?}");
        assert!(
            e[0].to_string().contains("không thể trực thuộc"),
            "{}",
            e[0]
        );
        assert!(may_hold(UnitKind::Ward, UnitKind::Other));
        assert!(!may_hold(UnitKind::Commune, UnitKind::Department));
        assert!(may_hold(UnitKind::Other, UnitKind::Province));
    }

    #[test]
    fn dates_run_forward() {
        let mut us = province();
        us[4].valid_from = two_tier_start();
        us[4].valid_to = two_tier_start().pred_opt();
        assert!(matches!(
            &errors(&us)[..],
            [TreeError::EndsBeforeStart { .. }]
        ));
    }

    #[test]
    fn a_chain_deeper_than_the_limit_is_cut() {
        let mut us = province();
        for k in 0..=MAX_DEPTH {
            let parent = if k == 0 {
                "P.VP".to_string()
            } else {
                format!("D{}", k - 1)
            };
            us.push(unit(&format!("D{k}"), UnitKind::Other, Some(&parent)));
        }
        let (fixed, named) = repair(us);
        assert!(!named.is_empty());
        assert!(named.iter().all(|e| matches!(e, TreeError::TooDeep { .. })));
        assert!(errors(&fixed).is_empty(), "{:?}", errors(&fixed));
    }

    #[test]
    fn repair_cuts_each_cycle_once_and_leaves_a_tree() {
        let mut us = province();
        us[1].parent = Some(us[1].code.clone());
        us.push(unit("P.A", UnitKind::Other, Some("P.B")));
        us.push(unit("P.B", UnitKind::Other, Some("P.C")));
        us.push(unit("P.C", UnitKind::Other, Some("P.A")));
        us[2].successors = vec![us[3].code.clone()];
        us[3].successors = vec![us[2].code.clone()];
        let (fixed, named) = repair(us);
        assert_eq!(named.len(), 3, "{named:?}");
        assert!(errors(&fixed).is_empty(), "{:?}", errors(&fixed));
        assert_eq!(fixed.len(), 8, "no unit is dropped");
    }

    #[test]
    fn a_large_tree_is_walked_without_recursion() {
        let mut us = vec![unit("19", UnitKind::Province, None)];
        for k in 0..50_000 {
            us.push(unit(&format!("X{k}"), UnitKind::Other, Some("19")));
        }
        // A long chain of successors: a recursive walk would overflow the stack.
        for k in 0..49_999 {
            us[k + 1].successors = vec![UnitCode::parse(&format!("X{}", k + 1)).unwrap()];
        }
        assert!(errors(&us).is_empty());
    }
}
