//! The merge rule: values reported under a unit after it ceased (merged or split) count
//! toward its first successor; values from before stay where they were.

use crate::engine::Engine;
use crate::series::{Cell, EMPTY, IndData, Series, add_opt};

/// The longest chain of mergers followed: the store hands over units without successor
/// cycles, and no walk here recurses further whatever it is given.
pub(crate) const MAX_CHAIN: usize = 64;

impl Engine {
    /// Whether unit `u`'s values at `key` belong to its successor.
    pub(crate) fn moved(&self, u: u32, key: u16) -> bool {
        let m = &self.units[u as usize];
        m.successor.is_some() && m.end_key.is_some_and(|e| key > e)
    }

    /// The unit that a value of `u` at `key` counts toward.
    pub(crate) fn effective(&self, mut u: u32, key: u16) -> u32 {
        let mut guard = 0;
        while self.moved(u, key) && guard < MAX_CHAIN {
            u = self.units[u as usize]
                .successor
                .expect("moved implies a successor");
            guard += 1;
        }
        u
    }

    /// Own values of `u` at `key` and of predecessors whose values moved into it.
    pub(crate) fn contributions(&self, d: &IndData, u: u32, key: u16) -> Option<Cell> {
        self.contributions_within(d, u, key, 0)
    }

    fn contributions_within(&self, d: &IndData, u: u32, key: u16, depth: usize) -> Option<Cell> {
        let mut acc = d.own.get(&u).and_then(|s| s.get(key));
        if depth >= MAX_CHAIN {
            return acc;
        }
        for &p in &self.units[u as usize].absorbed {
            if self.moved(p, key) {
                acc = add_opt(acc, self.contributions_within(d, p, key, depth + 1));
            }
        }
        acc
    }

    /// The one series that holds every value of `u` ([`Engine::v`] at any key), when there
    /// is one: a rolled-up unit's, or the own series of a unit that never ceased and took
    /// in no one's values.
    pub(crate) fn single_series(&self, i: usize, u: u32) -> Option<&Series> {
        let m = &self.units[u as usize];
        let d = &self.data[i];
        let s = if !m.children.is_empty() {
            d.rolled.get(&u)
        } else if m.absorbed.is_empty() && (m.successor.is_none() || m.end_key.is_none()) {
            d.own.get(&u)
        } else {
            return None;
        };
        Some(s.map_or(&EMPTY, |s| &**s))
    }

    pub(crate) fn own_eff(&self, d: &IndData, u: u32, key: u16) -> Option<Cell> {
        if self.moved(u, key) {
            return None;
        }
        self.contributions(d, u, key)
    }
}
