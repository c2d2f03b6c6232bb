//! The entry form as posted: what the person typed laid over the stored fields, which
//! fields to write, and the refusals and conflicts shown back on them.

use super::*;

/// The entry form as posted.
pub(super) struct Posted<'a> {
    pub(super) form: &'a HashMap<String, String>,
    pub(super) unit: UnitCode,
    pub(super) period: Period,
    pub(super) submit: bool,
}

impl<'a> Posted<'a> {
    pub(super) fn read(form: &'a MultiForm, tr: Tr) -> Result<Posted<'a>, PageError> {
        let f = &form.fields;
        Ok(Posted {
            form: f,
            unit: UnitCode::parse(f.get("unit").map_or("", |s| s))
                .map_err(|_| PageError::NotFound(tr))?,
            period: f
                .get("period")
                .map_or("", |s| s)
                .parse()
                .map_err(|_| PageError::NotFound(tr))?,
            submit: f.get("action").map(String::as_str) == Some("submit"),
        })
    }

    /// A posted input of a field: `v.HT-5G`, `ver.HT-5G`, ...
    pub(super) fn get(&self, part: &str, code: &str) -> String {
        self.form
            .get(&format!("{part}.{code}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// Puts what the person typed over the fields as stored (locked ones stay as stored) and
    /// checks the files; returns the good files and whether any was refused.
    pub(super) fn overlay(
        &self,
        fields: &mut [Field],
        files: &[(String, String, Vec<u8>)],
        tr: Tr,
    ) -> (Vec<NewEvidence>, bool) {
        let mut evidence = Vec::new();
        let mut refused = false;
        for f in fields.iter_mut().filter(|f| !f.locked) {
            f.value = self.get("v", &f.code);
            f.numerator = self.get("n", &f.code);
            f.denominator = self.get("d", &f.code);
            f.comment = self.get("c", &f.code);
            f.version = self.get("ver", &f.code).parse().unwrap_or(0);
            f.orig = ["ov", "on", "od", "oc"].map(|k| self.get(k, &f.code));
            for (_, name, bytes) in files
                .iter()
                .filter(|(k, _, _)| *k == format!("e.{}", f.code))
            {
                let name = chitieu_app::safe_file_name(name);
                match chitieu_app::check_file(&name, bytes) {
                    Ok(_) => evidence.push(NewEvidence {
                        indicator: f.code.clone(),
                        unit: self.unit.clone(),
                        period: self.period,
                        file_name: name,
                        bytes: bytes.clone(),
                    }),
                    Err(e) => {
                        refused = true;
                        f.error = Some(tr.refusal(&e));
                    }
                }
            }
        }
        (evidence, refused)
    }

    /// The fields to write: those the person changed, every filled one on "submit", and
    /// those where they chose to keep their figures over someone else's.
    pub(super) fn chosen(&self, fields: &[Field]) -> Vec<usize> {
        let mut chosen = Vec::new();
        for (k, f) in fields.iter().enumerate() {
            if f.locked || f.error.is_some() {
                continue;
            }
            let filled =
                !(f.value.is_empty() && f.numerator.is_empty() && f.denominator.is_empty());
            let changed = [&f.value, &f.numerator, &f.denominator, &f.comment]
                != [&f.orig[0], &f.orig[1], &f.orig[2], &f.orig[3]];
            match self.get("keep", &f.code).as_str() {
                "theirs" => continue,
                "mine" => chosen.push(k),
                _ if filled && (changed || self.submit) => chosen.push(k),
                _ => {}
            }
        }
        chosen
    }

    /// Writes the chosen fields and the files through the one write path.
    pub(super) async fn write(
        &self,
        s: &AppState,
        u: &Actor,
        fields: &[Field],
        chosen: &[usize],
        evidence: Vec<NewEvidence>,
    ) -> Result<u64, ActionError> {
        if chosen.is_empty() && evidence.is_empty() {
            return Ok(0);
        }
        let unit = self.unit.to_string();
        let period = self.period.to_string();
        let items: Vec<ValueItem> = chosen
            .iter()
            .map(|&k| {
                let f = &fields[k];
                ValueItem {
                    text: chitieu_domain::value::ValueText {
                        notation: chitieu_domain::value::Notation::Vietnamese,
                        indicator: &f.code,
                        unit: &unit,
                        period: &period,
                        value: if f.ratio { "" } else { &f.value },
                        numerator: if f.ratio { &f.numerator } else { "" },
                        denominator: if f.ratio { &f.denominator } else { "" },
                        comment: &f.comment,
                    },
                    version: Some(f.version),
                }
            })
            .collect();
        // Figures are saved as drafts; "submit" then sends the report they belong to.
        let state = ValueState::Draft;
        // The history is the figure's own (unit and period): the channel is enough.
        let what = "nhập trên web".to_string();
        actions::write_values(&s.app, u, &items, evidence, state, &what).await
    }

    /// Back to the form, saying what was done: `saved=1` (kept as a draft) or `saved=sent`.
    pub(super) fn saved_url(&self, sent: bool) -> String {
        let what = if sent { "sent" } else { "1" };
        format!(
            "/entry?unit={}&period={}&saved={what}",
            self.unit, self.period
        )
    }
}

/// Each refused value's reason, on its field, with the field's label.
pub(super) fn show_errors(
    fields: &mut [Field],
    chosen: &[usize],
    errors: Vec<chitieu_app::actions::ItemError>,
    tr: Tr,
) {
    for e in errors {
        let f = &mut fields[chosen[e.index]];
        // The label the person sees on the field, not the generic "Tử số".
        let label = match e.field {
            "numerator" => f.num_label.clone(),
            "denominator" => f.den_label.clone(),
            "value" | "comment" => tr.t(e.field).to_string(),
            other => other.to_string(),
        };
        let reason = if tr.is_en() && !e.reason_en.is_empty() {
            &e.reason_en
        } else {
            &e.reason
        };
        f.error = Some(format!("{label}: {reason}"));
    }
}

/// Each value someone else changed: both figures and the version to go on from; a locked
/// one shows what was accepted, with nothing to choose.
pub(super) fn show_conflicts(fields: &mut [Field], conflicts: Vec<chitieu_app::actions::Conflict>) {
    for c in conflicts {
        let Some(f) = fields.iter_mut().find(|f| f.code == c.indicator) else {
            continue;
        };
        f.version = c.current.version;
        f.conflict = Some((c.reason.clone(), c.current.figures_vi()));
        if c.kind == chitieu_app::ConflictKind::Locked {
            let dec = |d: &Option<rust_decimal::Decimal>| {
                d.map(|d| chitieu_domain::text::format_decimal_vi(&d))
                    .unwrap_or_default()
            };
            f.locked = true;
            f.value = if f.ratio {
                String::new()
            } else {
                dec(&Some(c.current.value))
            };
            f.numerator = dec(&c.current.numerator);
            f.denominator = dec(&c.current.denominator);
            f.comment = c.current.comment.clone();
        }
    }
}
