//! The administration forms' fields, read into the records the actions take.

use super::common::*;

/// An administration form's fields, read into the records the actions take; a field that
/// cannot be read is the 422 page saying which and why.
pub(super) struct AdminForm<'a> {
    pub(super) f: &'a HashMap<String, String>,
    pub(super) tr: Tr,
}

impl AdminForm<'_> {
    pub(super) fn get(&self, k: &str) -> &str {
        self.f.get(k).map(|s| s.trim()).unwrap_or("")
    }

    pub(super) fn invalid(&self, m: impl crate::error::Why) -> PageError {
        PageError::invalid(self.tr, m)
    }

    /// The two-step policy: a checkbox `role_ROLE` per role that must use it, and the days
    /// a device is remembered.
    pub(super) fn two_factor_policy(&self) -> Result<chitieu_app::TwoFactorPolicy, PageError> {
        let days = self.get("remember_days");
        let remember_days = days
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= chitieu_app::two_factor::MAX_REMEMBER_DAYS)
            .ok_or_else(|| {
                self.invalid(chitieu_domain::Refusal::OutOfRange {
                    field: chitieu_domain::Field::RememberDays,
                    value: days.to_string(),
                    min: "0".into(),
                    max: chitieu_app::two_factor::MAX_REMEMBER_DAYS.to_string(),
                })
            })?;
        Ok(chitieu_app::TwoFactorPolicy {
            roles: chitieu_domain::permission::Role::ALL
                .iter()
                .copied()
                .filter(|r| !self.get(&format!("role_{}", r.as_str())).is_empty())
                .collect(),
            remember_days,
        })
    }

    /// A report form: code, name, frequency, days until due, kinds of unit that send it
    /// (checkboxes `by.KIND`), indicator codes separated by commas or spaces.
    pub(super) fn form(&self) -> Result<chitieu_domain::report::Form, PageError> {
        let frequency = self.get("frequency").parse().map_err(|m| self.invalid(m))?;
        let due_days = self.get("due_days").parse::<u32>().map_err(|_| {
            self.invalid(format!(
                "hạn nộp \"{}\": cần số ngày sau kỳ báo cáo (0–366)",
                self.get("due_days")
            ))
        })?;
        let reported_by = ["department", "commune", "ward", "enterprise", "other"]
            .into_iter()
            .filter(|k| self.f.contains_key(&format!("by.{k}")))
            .map(|k| {
                k.parse::<chitieu_domain::UnitKind>()
                    .map_err(|m| self.invalid(m))
            })
            .collect::<Result<_, _>>()?;
        Ok(chitieu_domain::report::Form {
            code: self.get("code").to_string(),
            name: self.get("name").to_string(),
            name_en: self.get("name_en").to_string(),
            frequency,
            due_days,
            reported_by,
            indicators: self
                .get("indicators")
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        })
    }

    pub(super) fn unit(&self, k: &str) -> Result<UnitCode, PageError> {
        UnitCode::parse(self.get(k)).map_err(|m| self.invalid(m))
    }

    pub(super) fn date(&self, k: &str) -> Result<Option<chrono::NaiveDate>, PageError> {
        chitieu_domain::text::parse_date(self.get(k)).map_err(|m| self.invalid(m))
    }

    pub(super) fn role(&self) -> Result<chitieu_domain::permission::Role, PageError> {
        self.get("role").parse().map_err(|m| self.invalid(m))
    }

    pub(super) fn user<'b>(
        &'b self,
        unit: &'b UnitCode,
    ) -> Result<chitieu_app::NewUser<'b>, PageError> {
        Ok(chitieu_app::NewUser {
            login: self.get("login"),
            display_name: if self.get("name").is_empty() {
                self.get("login")
            } else {
                self.get("name")
            },
            role: self.role()?,
            unit,
            // Never trimmed: spaces may belong to a password.
            password: self.f.get("password").map_or("", |p| p),
            email: Some(self.get("email")),
        })
    }

    pub(super) fn head(&self) -> Result<chitieu_domain::Head, PageError> {
        Ok(chitieu_domain::Head {
            unit: self.unit("unit")?,
            person: self.get("person").to_string(),
            title: self.get("title").to_string(),
            term_start: self
                .date("start")?
                .ok_or_else(|| self.invalid("cần ngày bắt đầu nhiệm kỳ"))?,
            term_end: self.date("end")?,
            office: match self.get("office") {
                "" => Default::default(),
                o => o.parse().map_err(|m| self.invalid(m))?,
            },
        })
    }

    /// A target; without a unit, the plan owner's.
    pub(super) fn target(&self, owner: UnitCode) -> Result<chitieu_domain::Target, PageError> {
        let year_field = |name: &str| -> Result<Option<i32>, PageError> {
            let v = self.get(name);
            if v.is_empty() {
                return Ok(None);
            }
            v.parse()
                .map(Some)
                .map_err(|_| self.invalid(format!("năm \"{v}\" không hợp lệ")))
        };
        let every_year = !self.get("every_year").is_empty();
        let (year, every_year) = chitieu_domain::target::years_of(
            year_field("year")?,
            every_year,
            year_field("from")?.filter(|_| every_year),
            year_field("to")?.filter(|_| every_year),
        )
        .map_err(|m| self.invalid(m))?;
        Ok(chitieu_domain::Target {
            every_year,
            indicator: self.get("indicator").to_string(),
            unit: if self.get("unit").is_empty() {
                owner
            } else {
                self.unit("unit")?
            },
            year,
            comparator: self
                .get("comparator")
                .parse()
                .map_err(|m| self.invalid(m))?,
            value: chitieu_domain::value::parse_figure(
                "value",
                self.get("value"),
                chitieu_domain::value::Notation::Vietnamese,
            )
            .map_err(|e| self.invalid(e.reason))?
            .ok_or_else(|| self.invalid("cần giá trị mục tiêu"))?,
            wording: self.get("wording").to_string(),
        })
    }

    pub(super) fn indicator(&self) -> Result<chitieu_app::IndicatorEdit, PageError> {
        Ok(chitieu_app::IndicatorEdit {
            name: self.get("name").to_string(),
            name_en: self.get("name_en").to_string(),
            definition: self.get("definition").to_string(),
            data_source: self.get("data_source").to_string(),
            lead_unit: self.unit("lead_unit")?,
        })
    }

    pub(super) fn unit_record(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<chitieu_domain::Unit, PageError> {
        Ok(chitieu_domain::Unit {
            code: self.unit("code")?,
            name: self.get("name").to_string(),
            kind: self.get("kind").parse().map_err(|m| self.invalid(m))?,
            division_type: None,
            parent: Some(self.unit("parent")?),
            valid_from: self.date("valid_from")?.unwrap_or(today),
            valid_to: self.date("valid_to")?,
            population: None,
            officials: None,
            successors: if self.get("successor").is_empty() {
                vec![]
            } else {
                vec![self.unit("successor")?]
            },
        })
    }
}
