//! A plan file (TOML): the plan, its groups, indicators, targets and the province's own
//! units. Thái Nguyên's plan ships embedded; another province loads its own file.

use crate::refusal::{Field, Refusal, Thing};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashSet;

use crate::comparator::Comparator;
use crate::indicator::{Group, Indicator, Measure, Plan, UnitAggregation};
use crate::report::Form;
use crate::target::{PLAN_YEARS, Target, years_of};
use crate::unit::{Unit, UnitCode, UnitKind};
use crate::validation::{RawRule, Rule};

const THAI_NGUYEN: &str = include_str!("../plan/thai-nguyen-nq57.toml");
const NATIONAL: &str = include_str!("../plan/national-nq57.toml");

#[derive(Debug, Clone, PartialEq)]
pub struct PlanFile {
    pub plan: Plan,
    pub groups: Vec<Group>,
    pub units: Vec<Unit>,
    pub indicators: Vec<Indicator>,
    pub targets: Vec<Target>,
    /// The report forms through which the indicators are reported.
    pub forms: Vec<Form>,
    /// Rules a report's figures must meet (errors) or explain (warnings).
    pub rules: Vec<Rule>,
    /// The modified z-score above which a figure is flagged for review.
    pub outlier_z: f64,
    /// How documents name their issuers and who signs them.
    pub documents: crate::documents::Documents,
    /// Other systems' codes for the plan's indicators and units, loaded with the plan
    /// (never read back from the database: the mappings live on as the store's).
    pub mappings: Vec<crate::plan_mapping::PlanMapping>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValidation {
    #[serde(default = "default_outlier_z")]
    outlier_z: f64,
}

fn default_outlier_z() -> f64 {
    crate::validation::OUTLIER_Z
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    indicator: String,
    #[serde(default)]
    unit: Option<UnitCode>,
    /// The target year; for a target that holds every year, `every_year = true` with
    /// `from` and `to` instead.
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    every_year: bool,
    #[serde(default)]
    from: Option<i32>,
    #[serde(default)]
    to: Option<i32>,
    comparator: Comparator,
    value: Decimal,
    wording: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    plan: Plan,
    groups: Vec<Group>,
    #[serde(default)]
    units: Vec<Unit>,
    indicators: Vec<Indicator>,
    #[serde(default)]
    targets: Vec<RawTarget>,
    #[serde(default)]
    forms: Vec<Form>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    validation: Option<RawValidation>,
    #[serde(default)]
    documents: crate::documents::Documents,
    #[serde(default)]
    mappings: Vec<crate::plan_mapping::PlanMapping>,
}

impl PlanFile {
    /// Parses and checks a plan file; the error names the item and the reason.
    pub fn parse(text: &str) -> Result<PlanFile, Refusal> {
        let raw: RawFile = toml::from_str(text).map_err(|e| Refusal::Syntax {
            detail: e.to_string(),
        })?;
        let owner = raw.plan.owner.clone();
        let mut targets = Vec::new();
        for t in raw.targets {
            let (year, every_year) = years_of(t.year, t.every_year, t.from, t.to)
                .map_err(|r| r.of(Thing::Target, &t.indicator))?;
            targets.extend(
                Target {
                    indicator: t.indicator,
                    unit: t.unit.unwrap_or_else(|| owner.clone()),
                    year,
                    comparator: t.comparator,
                    value: t.value,
                    wording: t.wording,
                    every_year,
                }
                .each_year(),
            );
        }
        let rules = raw
            .rules
            .iter()
            .map(|r| Rule::parse(r, &raw.indicators))
            .collect::<Result<_, _>>()?;
        let file = PlanFile {
            plan: raw.plan,
            groups: raw.groups,
            units: raw.units,
            indicators: raw.indicators,
            targets,
            forms: raw.forms,
            rules,
            outlier_z: raw
                .validation
                .map_or(crate::validation::OUTLIER_Z, |v| v.outlier_z),
            documents: raw.documents.checked()?,
            mappings: raw.mappings,
        };
        let file = file.within_bounds()?;
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), Refusal> {
        let duplicate = |what: Thing, code: &str| Refusal::Duplicate {
            what,
            code: code.to_string(),
        };
        let mut groups = HashSet::new();
        for g in &self.groups {
            if !groups.insert(g.code.as_str()) {
                return Err(duplicate(Thing::Group, &g.code));
            }
        }
        let mut units: HashSet<&UnitCode> = HashSet::new();
        units.insert(&self.plan.owner);
        for u in &self.units {
            if !units.insert(&u.code) {
                return Err(duplicate(Thing::Unit, u.code.as_str()));
            }
            if u.name.trim().is_empty() {
                return Err(
                    Refusal::Required { field: Field::Name }.of(Thing::Unit, u.code.as_str())
                );
            }
        }
        let mut codes = HashSet::new();
        for i in &self.indicators {
            let at = |r: Refusal| r.of(Thing::Indicator, &i.code);
            if !codes.insert(i.code.as_str()) {
                return Err(duplicate(Thing::Indicator, &i.code));
            }
            if !groups.contains(i.group.as_str()) {
                return Err(at(Refusal::Unknown {
                    what: Thing::Group,
                    code: i.group.clone(),
                }));
            }
            for u in std::iter::once(&i.lead_unit).chain(&i.coordinating_units) {
                if !units.contains(u) {
                    return Err(at(Refusal::Unknown {
                        what: Thing::Unit,
                        code: u.to_string(),
                    }));
                }
            }
            match i.measure {
                Measure::Ratio if i.factor.is_none() => {
                    return Err(at(Refusal::Required {
                        field: Field::Factor,
                    }));
                }
                Measure::Number if i.unit_aggregation == UnitAggregation::RatioOfSums => {
                    return Err(at(Refusal::Inconsistent {
                        field: Field::UnitAggregation,
                        other: Field::Measure,
                    }));
                }
                _ => {}
            }
            if i.reported_by.is_empty() {
                return Err(at(Refusal::Required {
                    field: Field::ReportedBy,
                }));
            }
        }
        let mut seen = HashSet::new();
        for t in &self.targets {
            let code = format!("{} ({})", t.indicator, t.year);
            if !codes.contains(t.indicator.as_str()) {
                return Err(Refusal::Unknown {
                    what: Thing::Indicator,
                    code: t.indicator.clone(),
                }
                .of(Thing::Target, code));
            }
            if !seen.insert((t.indicator.as_str(), t.unit.clone(), t.year)) {
                return Err(duplicate(Thing::Target, &code));
            }
        }
        crate::plan_mapping::check(&self.mappings, &self.indicators)?;
        let mut forms = HashSet::new();
        for f in &self.forms {
            if !forms.insert(f.code.as_str()) {
                return Err(duplicate(Thing::Form, &f.code));
            }
            f.check(&self.indicators)?;
        }
        if !(self.outlier_z.is_finite() && (1.0..=100.0).contains(&self.outlier_z)) {
            return Err(Refusal::OutOfRange {
                field: Field::OutlierZ,
                value: self.outlier_z.to_string(),
                min: "1".into(),
                max: "100".into(),
            });
        }
        Ok(())
    }

    /// A plan file's texts and figures within the same bounds as what people type: names
    /// short, no control characters, factors and targets within the figures' bounds.
    fn within_bounds(mut self) -> Result<PlanFile, Refusal> {
        use crate::text::{COMMENT_MAX, NAME_MAX, TextKind, clean_text};
        let text = |s: &mut String, field: Field, max: usize, kind: TextKind| {
            *s = clean_text(field, s, max, kind)?;
            Ok::<(), Refusal>(())
        };
        let years = [
            (Field::BaselineYear, self.plan.baseline_year),
            (Field::StartYear, self.plan.start_year),
            (Field::EndYear, self.plan.end_year),
        ];
        for (field, y) in years {
            if !PLAN_YEARS.contains(&y) {
                return Err(Refusal::OutOfRange {
                    field,
                    value: y.to_string(),
                    min: PLAN_YEARS.start().to_string(),
                    max: PLAN_YEARS.end().to_string(),
                });
            }
        }
        if self.plan.baseline_year > self.plan.start_year {
            return Err(Refusal::Inconsistent {
                field: Field::BaselineYear,
                other: Field::StartYear,
            });
        }
        if self.plan.start_year > self.plan.end_year {
            return Err(Refusal::Inconsistent {
                field: Field::StartYear,
                other: Field::EndYear,
            });
        }
        let plan = self.plan.code.clone();
        let at_plan = |r: Refusal| r.of(Thing::Plan, &plan);
        text(&mut self.plan.name, Field::Name, NAME_MAX, TextKind::Line).map_err(at_plan)?;
        text(
            &mut self.plan.name_en,
            Field::NameEn,
            NAME_MAX,
            TextKind::Line,
        )
        .map_err(at_plan)?;
        text(
            &mut self.plan.source,
            Field::Source,
            COMMENT_MAX,
            TextKind::Line,
        )
        .map_err(at_plan)?;
        for g in &mut self.groups {
            let at = |r: Refusal| r.of(Thing::Group, &g.code);
            text(&mut g.name, Field::Name, NAME_MAX, TextKind::Line).map_err(at)?;
            text(&mut g.name_en, Field::NameEn, NAME_MAX, TextKind::Line).map_err(at)?;
        }
        for u in &mut self.units {
            let code = u.code.to_string();
            text(&mut u.name, Field::Name, NAME_MAX, TextKind::Line)
                .map_err(|r| r.of(Thing::Unit, code))?;
        }
        for i in &mut self.indicators {
            let code = i.code.clone();
            let at = |r: Refusal| r.of(Thing::Indicator, &code);
            use TextKind::{Line, Multiline};
            for (s, field, max, kind) in [
                (&mut i.name, Field::Name, NAME_MAX, Line),
                (&mut i.name_en, Field::NameEn, NAME_MAX, Line),
                (&mut i.unit_of_measure, Field::UnitOfMeasure, NAME_MAX, Line),
                (
                    &mut i.unit_of_measure_en,
                    Field::UnitOfMeasureEn,
                    NAME_MAX,
                    Line,
                ),
                (&mut i.data_source, Field::DataSource, NAME_MAX, Line),
                (&mut i.definition, Field::Definition, COMMENT_MAX, Multiline),
                (
                    &mut i.definition_en,
                    Field::DefinitionEn,
                    COMMENT_MAX,
                    Multiline,
                ),
                (
                    &mut i.numerator_label_en,
                    Field::NumeratorLabelEn,
                    NAME_MAX,
                    Line,
                ),
                (
                    &mut i.denominator_label_en,
                    Field::DenominatorLabelEn,
                    NAME_MAX,
                    Line,
                ),
            ] {
                text(s, field, max, kind).map_err(at)?;
            }
            if let Some(f) = i.factor {
                crate::value::bounded(Field::Factor, f).map_err(at)?;
                if f <= Decimal::ZERO {
                    return Err(at(Refusal::NotPositive {
                        field: Field::Factor,
                        value: f.to_string(),
                    }));
                }
            }
        }
        self.targets = self
            .targets
            .into_iter()
            .map(Target::checked)
            .collect::<Result<_, _>>()?;
        Ok(self)
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The owner as a unit record (its details come from the national map).
    pub fn province_unit(&self) -> Unit {
        top_unit(&self.plan.owner, "Tỉnh", UnitKind::Province)
    }
}

/// Thái Nguyên's plan for Resolution 57, as shipped.
pub fn default_plan() -> PlanFile {
    PlanFile::parse(THAI_NGUYEN).expect("the embedded plan is checked by tests")
}

/// Resolution 57's national plan, for a central instance: owned by the country (`VN`), its
/// reporting units the 34 provinces (`init --plan national`).
pub fn national_plan() -> PlanFile {
    PlanFile::parse(NATIONAL).expect("the embedded plan is checked by tests")
}

/// The country: the national plan's owner, above the 34 provinces of the map.
pub fn country_unit(code: &UnitCode) -> Unit {
    top_unit(code, "Việt Nam", UnitKind::Other)
}

/// A unit at the top of the tree, there from the beginning.
fn top_unit(code: &UnitCode, name: &str, kind: UnitKind) -> Unit {
    Unit {
        code: code.clone(),
        name: name.into(),
        kind,
        division_type: None,
        parent: None,
        valid_from: crate::unit::earliest(),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    }
}

/// For tests: the default plan's province, its departments and two wards (5443, 5500).
#[cfg(test)]
pub(crate) fn units_with_two_wards(plan: &PlanFile) -> Vec<Unit> {
    let ward = |code: u32| Unit {
        code: UnitCode::commune(code),
        name: "P".into(),
        kind: UnitKind::Ward,
        division_type: None,
        parent: Some(UnitCode::province(19)),
        valid_from: crate::unit::two_tier_start(),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    };
    let mut units = vec![plan.province_unit(), ward(5443), ward(5500)];
    units.extend(plan.units.iter().cloned());
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::{Refusal, Thing};
    use crate::text::parse_decimal;

    #[test]
    fn default_plan_has_every_indicator_and_target() {
        let p = default_plan();
        let codes: Vec<&str> = p.indicators.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "HT-5G",
                "HT-CD1G",
                "DT-GRDP",
                "NL-CBX",
                "ST-DNKHCN",
                "ST-NVKH",
                "ST-SPDM",
                "ST-UDKQ",
                "CQ-PDG",
                "CQ-TTR",
                "XH-DVS",
                "KT-SME",
                "KT-KTS"
            ]
        );
        // 14 dated targets and "every year > 60" for 2026–2030 (the 2030 vision's span).
        assert_eq!(p.targets.len(), 19);
        let spdm: Vec<i32> = p
            .targets
            .iter()
            .filter(|t| t.indicator == "ST-SPDM")
            .map(|t| t.year)
            .collect();
        assert_eq!(spdm, (2026..=2030).collect::<Vec<_>>());
        let t = |code: &str, year: i32| {
            p.targets
                .iter()
                .find(|t| t.indicator == code && t.year == year)
                .map(|t| (t.comparator.symbol(), t.value.to_string()))
                .unwrap()
        };
        assert_eq!(t("HT-5G", 2025), (">", "60".into()));
        assert_eq!(t("HT-5G", 2030), ("=", "100".into()));
        assert_eq!(t("DT-GRDP", 2025), (">=", "2".into()));
        assert_eq!(t("DT-GRDP", 2030), (">=", "3".into()));
        assert_eq!(t("ST-NVKH", 2025), (">", "25".into()));
        assert_eq!(t("ST-UDKQ", 2030), (">=", "60".into()));
        assert_eq!(t("KT-KTS", 2030), ("=", "40".into()));
        assert_eq!(t("ST-SPDM", 2027), (">", "60".into()));
        assert!(p.targets.iter().all(|t| t.unit.as_str() == "19"));
        let cbx = p.indicator("NL-CBX").unwrap();
        assert_eq!(cbx.unit_aggregation, UnitAggregation::RatioOfSums);
        assert_eq!(cbx.natural_limit, parse_decimal("100"));
        assert!(p.indicator("ST-UDKQ").unwrap().derived_from.is_some());
    }

    #[test]
    fn broken_plan_names_the_item() {
        let bad = THAI_NGUYEN.replace("indicator = \"KT-KTS\"", "indicator = \"KT-XYZ\"");
        let e = PlanFile::parse(&bad).unwrap_err();
        assert!(format!("{e:?}").contains("KT-XYZ"), "{e:?}");
    }

    /// A plan file is held to the same bounds as a form or the API: a province's own file
    /// cannot carry a figure the engine cannot add up, nor text that breaks a page or a log.
    #[test]
    fn a_plan_file_within_the_bounds_of_typed_input() {
        let refused = |from: &str, to: &str, says: &[&str]| {
            let text = THAI_NGUYEN.replacen(from, to, 1);
            assert_ne!(text, THAI_NGUYEN, "{from} is in the plan");
            // The refusal's data, as its debug form shows them.
            let e = format!("{:?}", PlanFile::parse(&text).unwrap_err());
            for s in says {
                assert!(e.contains(s), "{to}: {e}");
            }
        };
        refused(
            "value = \"60\"",
            "value = \"79228162514264337593543950335\"",
            &["HT-5G (2025)", "OutOfRange", "Value"],
        );
        refused(
            "indicator = \"HT-5G\"\nyear = 2025",
            "indicator = \"HT-5G\"\nyear = 20250",
            &["HT-5G", "year: 20250", "first: 2000", "last: 2100"],
        );
        refused(
            "start_year = 2025",
            "start_year = 20250",
            &["StartYear", "20250"],
        );
        refused(
            "end_year = 2030",
            "end_year = 2020",
            &["Inconsistent", "StartYear", "EndYear"],
        );
        refused(
            "wording = \"Đến năm 2025, tỷ lệ phủ sóng 5G trên toàn tỉnh đạt trên 60%\"",
            &format!("wording = \"{}\"", "x".repeat(5000)),
            &["HT-5G", "TooLong", "4000"],
        );
        refused(
            "wording = \"Đến năm 2025",
            "wording = \"\u{202e}Đến năm 2025",
            &["HT-5G", "code_point: 8238"],
        );
        refused(
            "name = \"Sở Nội vụ\"",
            "name = \"Sở Nội vụ\\u0000\"",
            &["Name", "code_point: 0"],
        );
        refused(
            "factor = \"100\"",
            "factor = \"0\"",
            &["Factor", "NotPositive"],
        );
        // Texts are stored as typed input is: NFC, trimmed.
        let p = PlanFile::parse(&THAI_NGUYEN.replacen(
            "name = \"Sở Nội vụ\"",
            "name = \"  Sở Nội vụ  \"",
            1,
        ))
        .unwrap();
        assert!(p.units.iter().any(|u| u.name == "Sở Nội vụ"));
    }

    #[test]
    fn a_recurring_target_needs_its_span() {
        let base = default_plan_text_with(
            "[[targets]]\nindicator = \"HT-5G\"\nevery_year = true\nfrom = 2026\ncomparator = \">\"\nvalue = \"1\"\nwording = \"x\"\n",
        );
        let e = format!("{:?}", PlanFile::parse(&base).unwrap_err());
        assert!(e.contains("HT-5G") && e.contains("ToYear"), "{e}");
        let both = default_plan_text_with(
            "[[targets]]\nindicator = \"HT-5G\"\nyear = 2027\nfrom = 2026\nto = 2028\ncomparator = \">\"\nvalue = \"1\"\nwording = \"x\"\n",
        );
        assert!(format!("{:?}", PlanFile::parse(&both).unwrap_err()).contains("FromYear"));
        // A recurring span that covers a year with its own target is a duplicate.
        let dup = default_plan_text_with(
            "[[targets]]\nindicator = \"HT-5G\"\nevery_year = true\nfrom = 2024\nto = 2026\ncomparator = \">\"\nvalue = \"1\"\nwording = \"x\"\n",
        );
        assert_eq!(
            PlanFile::parse(&dup).unwrap_err(),
            Refusal::Duplicate {
                what: Thing::Target,
                code: "HT-5G (2025)".into()
            }
        );
    }

    fn default_plan_text_with(extra: &str) -> String {
        format!("{THAI_NGUYEN}\n{extra}")
    }
}
