//! A plan file (TOML): the plan, its groups, indicators, targets and the province's own
//! units. Thái Nguyên's plan ships embedded; another province loads its own file.

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
}

impl PlanFile {
    /// Parses and checks a plan file; the error names the item and the reason.
    pub fn parse(text: &str) -> Result<PlanFile, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let owner = raw.plan.owner.clone();
        let mut targets = Vec::new();
        for t in raw.targets {
            let (year, every_year) = years_of(t.year, t.every_year, t.from, t.to)
                .map_err(|m| format!("mục tiêu {}: {m}", t.indicator))?;
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
        };
        let file = file.within_bounds()?;
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), String> {
        let mut groups = HashSet::new();
        for g in &self.groups {
            if !groups.insert(g.code.as_str()) {
                return Err(format!("nhóm {}: mã trùng", g.code));
            }
        }
        let mut units: HashSet<&UnitCode> = HashSet::new();
        units.insert(&self.plan.owner);
        for u in &self.units {
            if !units.insert(&u.code) {
                return Err(format!("đơn vị {}: mã trùng", u.code));
            }
            if u.name.trim().is_empty() {
                return Err(format!("đơn vị {}: thiếu tên", u.code));
            }
        }
        let mut codes = HashSet::new();
        for i in &self.indicators {
            let at = |m: &str| format!("chỉ tiêu {}: {m}", i.code);
            if !codes.insert(i.code.as_str()) {
                return Err(at("mã trùng"));
            }
            if !groups.contains(i.group.as_str()) {
                return Err(at(&format!("không có nhóm \"{}\"", i.group)));
            }
            for u in std::iter::once(&i.lead_unit).chain(&i.coordinating_units) {
                if !units.contains(u) {
                    return Err(at(&format!("không có đơn vị \"{u}\" trong kế hoạch")));
                }
            }
            match i.measure {
                Measure::Ratio if i.factor.is_none() => {
                    return Err(at("chỉ tiêu tỷ lệ cần hệ số (factor)"));
                }
                Measure::Number if i.unit_aggregation == UnitAggregation::RatioOfSums => {
                    return Err(at(
                        "chỉ tiêu không phải tỷ lệ không thể cộng dồn theo tỷ lệ",
                    ));
                }
                _ => {}
            }
            if i.reported_by.is_empty() {
                return Err(at("cần ít nhất một loại đơn vị báo cáo"));
            }
        }
        let mut seen = HashSet::new();
        for t in &self.targets {
            let at = |m: &str| format!("mục tiêu {} năm {}: {m}", t.indicator, t.year);
            if !codes.contains(t.indicator.as_str()) {
                return Err(at("không có chỉ tiêu này"));
            }
            if !seen.insert((t.indicator.as_str(), t.unit.clone(), t.year)) {
                return Err(at("trùng mục tiêu"));
            }
        }
        let mut forms = HashSet::new();
        for f in &self.forms {
            if !forms.insert(f.code.as_str()) {
                return Err(format!("biểu mẫu {}: mã trùng", f.code));
            }
            f.check(&self.indicators)?;
        }
        if !(self.outlier_z.is_finite() && (1.0..=100.0).contains(&self.outlier_z)) {
            return Err(format!(
                "validation.outlier_z = {}: cần một số từ 1 đến 100",
                self.outlier_z
            ));
        }
        Ok(())
    }

    /// A plan file's texts and figures within the same bounds as what people type: names
    /// short, no control characters, factors and targets within the figures' bounds.
    fn within_bounds(mut self) -> Result<PlanFile, String> {
        use crate::text::{COMMENT_MAX, NAME_MAX, TextKind, clean_text};
        let line = |what: String, field: &'static str, s: &mut String, max: usize| {
            *s = clean_text(field, s, max, TextKind::Line).map_err(|e| format!("{what}: {e}"))?;
            Ok::<(), String>(())
        };
        let years = [
            ("baseline_year", self.plan.baseline_year),
            ("start_year", self.plan.start_year),
            ("end_year", self.plan.end_year),
        ];
        for (field, y) in years {
            if !PLAN_YEARS.contains(&y) {
                return Err(format!(
                    "kế hoạch: {field}: năm {y} nằm ngoài {}–{}",
                    PLAN_YEARS.start(),
                    PLAN_YEARS.end()
                ));
            }
        }
        if !(self.plan.baseline_year <= self.plan.start_year
            && self.plan.start_year <= self.plan.end_year)
        {
            return Err("kế hoạch: cần baseline_year ≤ start_year ≤ end_year".to_string());
        }
        line("kế hoạch".into(), "name", &mut self.plan.name, NAME_MAX)?;
        line(
            "kế hoạch".into(),
            "name_en",
            &mut self.plan.name_en,
            NAME_MAX,
        )?;
        line(
            "kế hoạch".into(),
            "source",
            &mut self.plan.source,
            COMMENT_MAX,
        )?;
        for g in &mut self.groups {
            line(format!("nhóm {}", g.code), "name", &mut g.name, NAME_MAX)?;
            line(
                format!("nhóm {}", g.code),
                "name_en",
                &mut g.name_en,
                NAME_MAX,
            )?;
        }
        for u in &mut self.units {
            line(format!("đơn vị {}", u.code), "name", &mut u.name, NAME_MAX)?;
        }
        for i in &mut self.indicators {
            let at = || format!("chỉ tiêu {}", i.code);
            line(at(), "name", &mut i.name, NAME_MAX)?;
            line(at(), "name_en", &mut i.name_en, NAME_MAX)?;
            line(at(), "unit_of_measure", &mut i.unit_of_measure, NAME_MAX)?;
            line(
                at(),
                "unit_of_measure_en",
                &mut i.unit_of_measure_en,
                NAME_MAX,
            )?;
            line(at(), "data_source", &mut i.data_source, NAME_MAX)?;
            i.definition = clean_text(
                "definition",
                &i.definition,
                COMMENT_MAX,
                TextKind::Multiline,
            )
            .map_err(|e| format!("{}: {e}", at()))?;
            i.definition_en = clean_text(
                "definition_en",
                &i.definition_en,
                COMMENT_MAX,
                TextKind::Multiline,
            )
            .map_err(|e| format!("{}: {e}", at()))?;
            line(
                at(),
                "numerator_label_en",
                &mut i.numerator_label_en,
                NAME_MAX,
            )?;
            line(
                at(),
                "denominator_label_en",
                &mut i.denominator_label_en,
                NAME_MAX,
            )?;
            if let Some(f) = i.factor {
                crate::value::check_bounds("factor", f).map_err(|e| format!("{}: {e}", at()))?;
                if f <= Decimal::ZERO {
                    return Err(format!("{}: factor: hệ số phải lớn hơn 0", at()));
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
        Unit {
            code: self.plan.owner.clone(),
            name: "Tỉnh".into(),
            kind: UnitKind::Province,
            division_type: None,
            parent: None,
            valid_from: crate::unit::earliest(),
            valid_to: None,
            population: None,
            officials: None,
            successors: vec![],
        }
    }
}

/// Thái Nguyên's plan for Resolution 57, as shipped.
pub fn default_plan() -> PlanFile {
    PlanFile::parse(THAI_NGUYEN).expect("the embedded plan is checked by tests")
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
        // 14 dated targets and "every year > 60" for 2025–2030.
        assert_eq!(p.targets.len(), 20);
        let spdm: Vec<i32> = p
            .targets
            .iter()
            .filter(|t| t.indicator == "ST-SPDM")
            .map(|t| t.year)
            .collect();
        assert_eq!(spdm, (2025..=2030).collect::<Vec<_>>());
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
        assert!(e.contains("KT-XYZ"), "{e}");
    }

    /// A plan file is held to the same bounds as a form or the API: a province's own file
    /// cannot carry a figure the engine cannot add up, nor text that breaks a page or a log.
    #[test]
    fn a_plan_file_within_the_bounds_of_typed_input() {
        let refused = |from: &str, to: &str, says: &[&str]| {
            let text = THAI_NGUYEN.replacen(from, to, 1);
            assert_ne!(text, THAI_NGUYEN, "{from} is in the plan");
            let e = PlanFile::parse(&text).unwrap_err();
            for s in says {
                assert!(e.contains(s), "{to}: {e}");
            }
        };
        refused(
            "value = \"60\"",
            "value = \"79228162514264337593543950335\"",
            &["HT-5G", "2025", "value"],
        );
        refused(
            "indicator = \"HT-5G\"\nyear = 2025",
            "indicator = \"HT-5G\"\nyear = 20250",
            &["HT-5G", "20250", "2000–2100"],
        );
        refused(
            "start_year = 2025",
            "start_year = 20250",
            &["kế hoạch", "start_year"],
        );
        refused(
            "end_year = 2030",
            "end_year = 2020",
            &["kế hoạch", "end_year"],
        );
        refused(
            "wording = \"Đến năm 2025, tỷ lệ phủ sóng 5G trên toàn tỉnh đạt trên 60%\"",
            &format!("wording = \"{}\"", "x".repeat(5000)),
            &["HT-5G", "4000"],
        );
        refused(
            "wording = \"Đến năm 2025",
            "wording = \"\u{202e}Đến năm 2025",
            &["HT-5G", "U+202E"],
        );
        refused(
            "name = \"Sở Nội vụ\"",
            "name = \"Sở Nội vụ\\u0000\"",
            &["name", "U+0000"],
        );
        refused(
            "factor = \"100\"",
            "factor = \"0\"",
            &["factor", "lớn hơn 0"],
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
        let e = PlanFile::parse(&base).unwrap_err();
        assert!(e.contains("HT-5G") && e.contains("from và to"), "{e}");
        let both = default_plan_text_with(
            "[[targets]]\nindicator = \"HT-5G\"\nyear = 2027\nfrom = 2026\nto = 2028\ncomparator = \">\"\nvalue = \"1\"\nwording = \"x\"\n",
        );
        assert!(PlanFile::parse(&both).unwrap_err().contains("every_year"));
        // A recurring span that covers a year with its own target is a duplicate.
        let dup = default_plan_text_with(
            "[[targets]]\nindicator = \"HT-5G\"\nevery_year = true\nfrom = 2024\nto = 2026\ncomparator = \">\"\nvalue = \"1\"\nwording = \"x\"\n",
        );
        assert!(PlanFile::parse(&dup).unwrap_err().contains("2025: trùng"));
    }

    fn default_plan_text_with(extra: &str) -> String {
        format!("{THAI_NGUYEN}\n{extra}")
    }
}
