//! IHE ADX (Aggregate Data Exchange) XML, in and out, through the same code mapping and the
//! same checks as DHIS2 JSON.
//!
//! A `group` holds the data values of one org unit, period and data set; the period is ADX's
//! start/duration form (`2025-07-01/P3M`, `2025-07-01/P6M`, `2025-01-01/P1Y`,
//! `2025-03-01/P1M`). A ratio indicator's numerator and denominator are separate data
//! elements, as in [`crate::dhis2`]: the form DHIS2's ADX import takes them in. A data
//! value's `annotation` is its comment.

use chitieu_domain::value::Lookup;
use chitieu_domain::{Period, PeriodKind};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::BTreeMap;

use crate::dhis2::{Mapping, Part, Raw, gather, period_out};
use crate::values_csv::{ExportRow, ParsedValue};
use crate::{InputError, InputErrors};

pub const NAMESPACE: &str = "urn:ihe:qrph:adx:2015";

/// A group's key: org unit, ADX period, data set.
type GroupKey = (String, String, String);
/// A data value as written: data element, value, comment.
type ValueOut = (String, String, String);

/// ADX's period of ours: `2025Q3` → `2025-07-01/P3M`.
pub fn period_to_adx(p: &Period) -> String {
    let duration = match p.kind() {
        PeriodKind::Month => "P1M",
        PeriodKind::Quarter => "P3M",
        PeriodKind::Semester => "P6M",
        PeriodKind::Year => "P1Y",
    };
    format!("{}/{duration}", p.start().format("%Y-%m-%d"))
}

/// Ours (as DHIS2 writes it) of an ADX period; `None` when it is none of ours.
pub fn period_from_adx(s: &str) -> Option<String> {
    let (start, duration) = s.trim().split_once('/')?;
    let day = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").ok()?;
    let kind = match duration {
        "P1M" => PeriodKind::Month,
        "P3M" => PeriodKind::Quarter,
        "P6M" => PeriodKind::Semester,
        "P1Y" | "P12M" => PeriodKind::Year,
        _ => return None,
    };
    let p = Period::containing(day, kind);
    (p.start() == day).then(|| period_out(&p))
}

/// Values as an ADX document; `data_set` names the data set (our form) of an indicator.
pub fn export<'a>(
    rows: impl IntoIterator<Item = ExportRow<'a>>,
    mapping: &Mapping,
    data_set: impl Fn(&str) -> String,
) -> Result<String, String> {
    let text = chitieu_domain::text::format_decimal;
    // (org unit, period, data set) → data values (element, value, comment).
    let mut groups: BTreeMap<GroupKey, Vec<ValueOut>> = BTreeMap::new();
    for r in rows {
        let key = (
            mapping.org_unit(r.unit),
            period_to_adx(&r.period),
            data_set(r.indicator),
        );
        let g = groups.entry(key).or_default();
        match (r.numerator, r.denominator) {
            (Some(n), Some(d)) => {
                g.push((
                    mapping.element(Part::Numerator, r.indicator),
                    text(n),
                    r.comment.to_string(),
                ));
                g.push((
                    mapping.element(Part::Denominator, r.indicator),
                    text(d),
                    String::new(),
                ));
            }
            _ => g.push((
                mapping.element(Part::Value, r.indicator),
                text(r.value),
                r.comment.to_string(),
            )),
        }
    }
    // The ADX schema asks for at least one group: an empty document would not validate.
    if groups.is_empty() {
        return Err(
            "không có giá trị nào để xuất: tệp ADX phải có ít nhất một nhóm số liệu (group)".into(),
        );
    }
    let mut w = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    let err = |e: std::io::Error| e.to_string();
    w.write_event(Event::Decl(quick_xml::events::BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        None,
    )))
    .map_err(err)?;
    let mut adx = BytesStart::new("adx");
    adx.push_attribute(("xmlns", NAMESPACE));
    adx.push_attribute((
        "exported",
        chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
            .as_str(),
    ));
    w.write_event(Event::Start(adx)).map_err(err)?;
    for ((org, period, set), values) in &groups {
        let mut g = BytesStart::new("group");
        g.push_attribute(("orgUnit", org.as_str()));
        g.push_attribute(("period", period.as_str()));
        g.push_attribute(("dataSet", set.as_str()));
        w.write_event(Event::Start(g)).map_err(err)?;
        for (element, value, comment) in values {
            let mut dv = BytesStart::new("dataValue");
            dv.push_attribute(("dataElement", element.as_str()));
            dv.push_attribute(("value", value.as_str()));
            if comment.is_empty() {
                w.write_event(Event::Empty(dv)).map_err(err)?;
            } else {
                w.write_event(Event::Start(dv)).map_err(err)?;
                w.write_event(Event::Start(BytesStart::new("annotation")))
                    .map_err(err)?;
                w.write_event(Event::Text(BytesText::new(comment)))
                    .map_err(err)?;
                w.write_event(Event::End(BytesEnd::new("annotation")))
                    .map_err(err)?;
                w.write_event(Event::End(BytesEnd::new("dataValue")))
                    .map_err(err)?;
            }
        }
        w.write_event(Event::End(BytesEnd::new("group")))
            .map_err(err)?;
    }
    w.write_event(Event::End(BytesEnd::new("adx")))
        .map_err(err)?;
    String::from_utf8(w.into_inner()).map_err(|e| e.to_string())
}

/// Reads an ADX document, all or nothing; each error names the group and data value by
/// position, the field and the reason.
pub fn parse(
    bytes: &[u8],
    file: &str,
    lookup: &impl Lookup,
    mapping: &Mapping,
) -> Result<Vec<ParsedValue>, InputErrors> {
    let fail = |location: String, field: Option<&str>, reason: String| {
        InputErrors(vec![InputError {
            file: file.to_string(),
            location,
            field: field.map(str::to_string),
            reason,
        }])
    };
    let mut reader = Reader::from_reader(bytes);
    // Text is kept whole: an annotation split around an entity keeps its spaces.
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut raws: Vec<Raw> = Vec::new();
    // The current group's org unit and period, and its position.
    let mut group: Option<(String, String)> = None;
    let (mut groups, mut in_group_values) = (0usize, 0usize);
    let mut in_annotation = false;
    let mut seen_adx = false;
    // Attributes other than these are disaggregations (`sex="M"`) or an attribute option
    // combination: a figure chitieu cannot hold, refused rather than taken as the total.
    let unknown = |e: &BytesStart<'_>, known: &[&str]| -> Option<String> {
        e.attributes().flatten().find_map(|a| {
            let key = a.key.0.to_string();
            let local = a.key.local_name().into_inner().to_string();
            let namespaced = key.starts_with("xmlns") || key.contains(':');
            (!namespaced && !known.contains(&local.as_str())).then_some(local)
        })
    };
    let attr = |e: &BytesStart<'_>, name: &str| -> Result<Option<String>, String> {
        for a in e.attributes() {
            let a = a.map_err(|err| format!("thuộc tính hỏng: {err}"))?;
            if a.key.local_name().as_ref() == name {
                return a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map(|v| Some(v.trim().to_string()))
                    .map_err(|err| format!("thuộc tính {name}: {err}"));
            }
        }
        Ok(None)
    };
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            fail(
                format!("byte {position}"),
                None,
                format!("không phải XML đọc được: {e}"),
            )
        })?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let empty = matches!(event, Event::Empty(_));
                match name.as_ref() {
                    "adx" => seen_adx = true,
                    "group" => {
                        groups += 1;
                        in_group_values = 0;
                        let here = format!("group {groups}");
                        if let Some(a) =
                            unknown(e, &["orgUnit", "period", "dataSet", "completeDate"])
                        {
                            return Err(fail(
                                here,
                                Some(&a),
                                format!(
                                    "thuộc tính phân tổ \"{a}\" không nhận được: chitieu chỉ nhận số tổng"
                                ),
                            ));
                        }
                        let org = attr(e, "orgUnit")
                            .map_err(|r| fail(here.clone(), Some("orgUnit"), r))?
                            .ok_or_else(|| {
                                fail(here.clone(), Some("orgUnit"), "thiếu đơn vị".into())
                            })?;
                        let period = attr(e, "period")
                            .map_err(|r| fail(here.clone(), Some("period"), r))?
                            .ok_or_else(|| fail(here.clone(), Some("period"), "thiếu kỳ".into()))?;
                        let ours = period_from_adx(&period).ok_or_else(|| {
                            fail(
                                here.clone(),
                                Some("period"),
                                format!(
                                    "kỳ \"{period}\" không hợp lệ (dạng 2025-07-01/P3M, 2025-07-01/P6M, 2025-01-01/P1Y, 2025-03-01/P1M)"
                                ),
                            )
                        })?;
                        group = (!empty).then_some((org, ours));
                    }
                    "dataValue" => {
                        in_group_values += 1;
                        let here = format!("group {groups}, dataValue {in_group_values}");
                        let Some((org, period)) = &group else {
                            return Err(fail(here, None, "dataValue nằm ngoài group".into()));
                        };
                        if let Some(a) = unknown(e, &["dataElement", "value"]) {
                            return Err(fail(
                                here,
                                Some(&a),
                                format!(
                                    "thuộc tính phân tổ \"{a}\" không nhận được: chitieu chỉ nhận số tổng"
                                ),
                            ));
                        }
                        let element = attr(e, "dataElement")
                            .map_err(|r| fail(here.clone(), Some("dataElement"), r))?
                            .ok_or_else(|| {
                                fail(here.clone(), Some("dataElement"), "thiếu mã".into())
                            })?;
                        let value = attr(e, "value")
                            .map_err(|r| fail(here.clone(), Some("value"), r))?
                            .unwrap_or_default();
                        raws.push(Raw {
                            location: here,
                            element,
                            org_unit: org.clone(),
                            period: period.clone(),
                            value,
                            comment: None,
                        });
                        if raws.len() > crate::dhis2::MAX_VALUES {
                            return Err(fail(
                                String::new(),
                                None,
                                format!(
                                    "quá {} giá trị trong một tệp: chia nhỏ tệp",
                                    crate::dhis2::MAX_VALUES
                                ),
                            ));
                        }
                    }
                    "annotation" => {
                        in_annotation = !empty;
                        if let Some(last) = raws.last_mut() {
                            last.comment = Some(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_annotation => {
                let text = quick_xml::escape::unescape(&t.xml_content(XmlVersion::Implicit1_0))
                    .map_err(|e| fail(format!("group {groups}"), None, e.to_string()))?
                    .into_owned();
                if let Some(c) = raws.last_mut().and_then(|r| r.comment.as_mut()) {
                    c.push_str(&text);
                }
            }
            Event::GeneralRef(r) if in_annotation => {
                let entity = format!("&{};", r.xml_content(XmlVersion::Implicit1_0));
                let text = quick_xml::escape::unescape(&entity)
                    .map_err(|e| fail(format!("group {groups}"), None, e.to_string()))?
                    .into_owned();
                if let Some(c) = raws.last_mut().and_then(|r| r.comment.as_mut()) {
                    c.push_str(&text);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "group" => group = None,
                "annotation" => {
                    in_annotation = false;
                    if let Some(c) = raws.last_mut().and_then(|r| r.comment.as_mut()) {
                        *c = c.trim().to_string();
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_adx {
        return Err(fail(
            String::new(),
            None,
            "không có phần tử <adx>: không phải tệp ADX".into(),
        ));
    }
    gather(&raws, file, lookup, mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> chitieu_domain::Catalog {
        let plan = chitieu_domain::default_plan::default_plan();
        let mut units = plan.units.clone();
        units.push(plan.province_unit());
        chitieu_domain::Catalog::new(&plan.indicators, units)
    }

    /// [D] 7: an ADX disaggregation (`sex="M"`) was taken as the total; an export with no
    /// data was `<adx/>`, which the ADX schema refuses (a group is required).
    #[test]
    fn disaggregations_are_refused_and_an_empty_export_is_no_file() {
        let doc = |group_attr: &str, value_attr: &str| {
            format!(
                r#"<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="19" period="2025-01-01/P3M" dataSet="X"{group_attr}><dataValue dataElement="ST-NVKH" value="7"{value_attr}/></group></adx>"#
            )
        };
        let m = Mapping::new(&[]).unwrap();
        assert!(parse(doc("", "").as_bytes(), "t.xml", &catalog(), &m).is_ok());
        let e = parse(doc("", r#" sex="M""#).as_bytes(), "t.xml", &catalog(), &m).unwrap_err();
        assert_eq!(e.0[0].field.as_deref(), Some("sex"));
        assert_eq!(e.0[0].location, "group 1, dataValue 1");
        let e = parse(
            doc(r#" AGE="Y15_49""#, "").as_bytes(),
            "t.xml",
            &catalog(),
            &m,
        )
        .unwrap_err();
        assert_eq!(e.0[0].field.as_deref(), Some("AGE"));
        // Schema-valid shape: at least one group, or a message instead of a file.
        let none: Vec<ExportRow<'_>> = vec![];
        let e = export(none, &m, |_| "X".into()).unwrap_err();
        assert!(e.contains("ít nhất một"), "{e}");
    }

    #[test]
    fn periods_in_the_adx_form() {
        let p = |s: &str| s.parse::<Period>().unwrap();
        assert_eq!(period_to_adx(&p("2025Q3")), "2025-07-01/P3M");
        assert_eq!(period_to_adx(&p("2025S2")), "2025-07-01/P6M");
        assert_eq!(period_to_adx(&p("2025")), "2025-01-01/P1Y");
        assert_eq!(period_to_adx(&p("2025M03")), "2025-03-01/P1M");
        assert_eq!(period_from_adx("2025-07-01/P3M").as_deref(), Some("2025Q3"));
        assert_eq!(period_from_adx("2025-03-01/P1M").as_deref(), Some("202503"));
        assert_eq!(
            period_from_adx("2025-02-01/P3M"),
            None,
            "not a quarter's start"
        );
        assert_eq!(period_from_adx("2025-07-01/P2W"), None);
        assert_eq!(period_from_adx("hôm qua"), None);
    }
}
