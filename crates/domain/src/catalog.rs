//! What a write is checked against: the plan's indicators and the known units, by code.

use std::collections::HashMap;

use crate::indicator::Indicator;
use crate::unit::{Unit, UnitCode};

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub indicators: HashMap<String, Indicator>,
    pub units: HashMap<UnitCode, Unit>,
}

impl Catalog {
    pub fn new(indicators: &[Indicator], units: impl IntoIterator<Item = Unit>) -> Catalog {
        Catalog {
            indicators: indicators
                .iter()
                .map(|i| (i.code.clone(), i.clone()))
                .collect(),
            units: units.into_iter().map(|u| (u.code.clone(), u)).collect(),
        }
    }

    /// Indicator codes are matched without regard to case: `ht-5g` is `HT-5G`.
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        let c = code.trim();
        self.indicators
            .get(c)
            .or_else(|| self.indicators.get(&c.to_ascii_uppercase()))
    }

    pub fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.units.get(code)
    }
}
