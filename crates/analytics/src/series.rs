//! One indicator × unit series of elementary values, and the cell arithmetic (checked).

use chitieu_domain::Decimal;
use std::collections::HashMap;

/// One elementary cell: `a` is the value (or the numerator), `b` the denominator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub a: Decimal,
    pub b: Decimal,
}

impl Cell {
    /// Checked: entry points bound every figure (`chitieu_domain::value::MAX_MAGNITUDE`), so
    /// sums stay far from overflow; should a database hold something else, the figure it
    /// feeds is unavailable rather than the process gone.
    pub(crate) fn add(self, o: Cell) -> Option<Cell> {
        Some(Cell {
            a: self.a.checked_add(o.a)?,
            b: self.b.checked_add(o.b)?,
        })
    }

    /// The value a cell stands for: the ratio × factor, or the value itself.
    pub(crate) fn ratio(self, factor: Decimal) -> Option<Decimal> {
        self.a.checked_div(self.b)?.checked_mul(factor)
    }
}

pub(crate) fn add_opt(x: Option<Cell>, y: Option<Cell>) -> Option<Cell> {
    match (x, y) {
        (Some(x), Some(y)) => x.add(y),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Values of one indicator × unit, sorted by period key; `b` is empty unless a ratio.
#[derive(Debug, Default, Clone)]
pub(crate) struct Series {
    pub(crate) keys: Vec<u16>,
    pub(crate) a: Vec<Decimal>,
    pub(crate) b: Vec<Decimal>,
}

impl Series {
    pub(crate) fn get(&self, key: u16) -> Option<Cell> {
        let i = self.keys.binary_search(&key).ok()?;
        Some(Cell {
            a: self.a[i],
            b: self.b.get(i).copied().unwrap_or(Decimal::ONE),
        })
    }

    /// The cells at keys `first`, `first + step`, … before `end`, in order.
    pub(crate) fn within(
        &self,
        first: u16,
        step: u16,
        end: u16,
    ) -> impl Iterator<Item = (u16, Cell)> + '_ {
        let lo = self.keys.partition_point(|&k| k < first);
        self.keys[lo..]
            .iter()
            .enumerate()
            .take_while(move |&(_, &k)| k < end)
            .filter(move |&(_, &k)| (k - first).is_multiple_of(step))
            .map(move |(j, &k)| {
                let c = Cell {
                    a: self.a[lo + j],
                    b: self.b.get(lo + j).copied().unwrap_or(Decimal::ONE),
                };
                (k, c)
            })
    }

    pub(crate) fn set(&mut self, key: u16, c: Cell, ratio: bool) {
        match self.keys.binary_search(&key) {
            Ok(i) => {
                self.a[i] = c.a;
                if ratio {
                    self.b[i] = c.b;
                }
            }
            Err(i) => {
                self.keys.insert(i, key);
                self.a.insert(i, c.a);
                if ratio {
                    self.b.insert(i, c.b);
                }
            }
        }
    }

    pub(crate) fn remove(&mut self, key: u16) {
        if let Ok(i) = self.keys.binary_search(&key) {
            self.keys.remove(i);
            self.a.remove(i);
            if !self.b.is_empty() {
                self.b.remove(i);
            }
        }
    }

    pub(crate) fn shrink(&mut self) {
        self.keys.shrink_to_fit();
        self.a.shrink_to_fit();
        self.b.shrink_to_fit();
    }
}

/// One indicator's series by unit: each shared with older snapshots until a write changes
/// it, so a write copies one unit's series and a table of pointers, not the indicator's
/// values.
#[derive(Debug, Default, Clone)]
pub(crate) struct IndData {
    pub(crate) own: HashMap<u32, std::sync::Arc<Series>>,
    pub(crate) rolled: HashMap<u32, std::sync::Arc<Series>>,
}

/// A series with no values, for a unit with none.
pub(crate) static EMPTY: Series = Series {
    keys: Vec::new(),
    a: Vec::new(),
    b: Vec::new(),
};
