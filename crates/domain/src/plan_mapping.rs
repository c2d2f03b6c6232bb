//! Code mappings a plan file ships: another system's codes for the plan's indicators and
//! units, such as the national plan's codes for a province's indicators (system `central`),
//! loaded with the plan and edited afterwards like any other mapping.

use serde::Deserialize;
use std::collections::HashSet;

use crate::indicator::Indicator;
use crate::refusal::{Field, Refusal, Thing};

/// What a mapping row maps, as written in a plan file and in the mapping's CSV.
pub const PARTS: [&str; 4] = ["unit", "value", "numerator", "denominator"];

/// One row: in `system`, our `code` of `part` is `external`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMapping {
    pub system: String,
    pub part: String,
    pub code: String,
    pub external: String,
}

/// Refuses a row of an unknown part, of an indicator the plan lacks, with an empty or long
/// code, or mapped twice, naming it.
pub fn check(rows: &[PlanMapping], indicators: &[Indicator]) -> Result<(), Refusal> {
    let mut seen = HashSet::new();
    for m in rows {
        let name = format!("{} {} {}", m.system, m.part, m.code);
        let at = |r: Refusal| r.of(Thing::Mapping, &name);
        if !PARTS.contains(&m.part.as_str()) {
            return Err(at(Refusal::not_one_of(Field::Part, &m.part, PARTS)));
        }
        for (field, s) in [
            (Field::System, &m.system),
            (Field::Code, &m.code),
            (Field::Code, &m.external),
        ] {
            if s.trim().is_empty() || s.len() > 100 || s.chars().any(char::is_control) {
                return Err(at(Refusal::malformed(field, s)));
            }
        }
        if m.part != "unit" && !indicators.iter().any(|i| i.code == m.code) {
            return Err(at(Refusal::unknown(Thing::Indicator, &m.code)));
        }
        if !seen.insert((&m.system, &m.part, &m.code)) {
            return Err(Refusal::Duplicate {
                what: Thing::Mapping,
                code: name,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::default_plan::{PlanFile, default_plan, national_plan};
    use crate::indicator::Measure;

    /// Thái Nguyên's `central` mapping names national indicators that exist, in the part
    /// their measure has: a number's value, a ratio's numerator and denominator.
    #[test]
    fn the_province_plans_central_codes_are_the_national_plans() {
        let (tn, vn) = (default_plan(), national_plan());
        let rows: Vec<_> = tn
            .mappings
            .iter()
            .filter(|m| m.system == "central")
            .collect();
        assert!(rows.len() >= 5);
        for m in rows {
            let (code, part) = m
                .external
                .split_once('.')
                .unwrap_or((m.external.as_str(), "value"));
            let theirs = vn
                .indicator(code)
                .unwrap_or_else(|| panic!("{} not in the national plan", m.external));
            let ours = tn.indicator(&m.code).expect("the province's indicator");
            assert_eq!(part, m.part, "{m:?}");
            assert_eq!(theirs.measure, ours.measure, "{m:?}");
            assert_eq!(theirs.frequency, ours.frequency, "{m:?}");
            let parts: &[&str] = match theirs.measure {
                Measure::Number => &["value"],
                Measure::Ratio => &["numerator", "denominator"],
            };
            assert!(parts.contains(&part), "{m:?}");
        }
    }

    /// The national plan: the country owns it, every target quotes its sentence, and the
    /// years reach the 2045 vision.
    #[test]
    fn the_national_plan_holds_the_resolutions_targets() {
        let vn = national_plan();
        assert_eq!(vn.plan.owner.as_str(), "VN");
        assert_eq!(vn.plan.end_year, 2045);
        assert!(vn.targets.iter().all(|t| !t.wording.trim().is_empty()));
        let years = |code: &str| -> Vec<i32> {
            vn.targets
                .iter()
                .filter(|t| t.indicator == code)
                .map(|t| t.year)
                .collect()
        };
        assert_eq!(years("NQ57-KTS"), vec![2030, 2045]);
        assert_eq!(years("NQ57-RD"), vec![2030]);
        assert_eq!(years("NQ57-NSNN"), (2025..=2030).collect::<Vec<_>>());
        assert!(
            vn.indicators
                .iter()
                .any(|i| i.reported_by.contains(&crate::UnitKind::Province))
        );
    }

    #[test]
    fn a_bad_mapping_row_is_refused_by_name() {
        let text = include_str!("../plan/thai-nguyen-nq57.toml");
        for (row, why) in [
            ("part = \"entity\"", "entity"),
            ("code = \"KHONG-CO\"", "KHONG-CO"),
        ] {
            let broken = text.replacen(
                if row.starts_with("part") {
                    "part = \"value\"\ncode = \"HT-5G\""
                } else {
                    "code = \"HT-5G\"\nexternal"
                },
                &if row.starts_with("part") {
                    format!("{row}\ncode = \"HT-5G\"")
                } else {
                    format!("{row}\nexternal")
                },
                1,
            );
            assert_ne!(broken, text, "{row}");
            let e = PlanFile::parse(&broken).expect_err(row);
            assert!(format!("{e:?}").contains(why), "{row}: {e:?}");
        }
    }
}
