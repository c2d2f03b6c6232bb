//! The national administrative map in the format of `vn-admin-units-2025.json`
//! (the `vietnam-provinces` package, GSO codes, data version 2025-08-02).

use chitieu_domain::unit::{earliest, two_tier_start};
use chitieu_domain::{Unit, UnitCode, UnitKind};
use serde::Deserialize;
use std::collections::HashSet;

use chitieu_domain::text::{NAME_MAX, TextKind, clean_text};

use crate::{InputError, nfc};

/// The 2025 national map, shipped with the binary.
pub const NATIONAL_MAP_2025: &str = include_str!("../../../data/vn-admin-units-2025.json");

#[derive(Deserialize)]
struct Province {
    name: String,
    code: u32,
    division_type: String,
    wards: Vec<Ward>,
}

#[derive(Deserialize)]
struct Ward {
    name: String,
    code: u32,
    division_type: String,
}

/// Reads the file into units: provinces (valid since before our records, as each kept its
/// code through the 2025 merger) and their communes, wards and special zones (valid from
/// 1 July 2025, when the two-tier government began).
pub fn parse(text: &str, file: &str) -> Result<Vec<Unit>, InputError> {
    let err = |location: String, field: Option<&str>, reason: String| InputError {
        file: file.to_string(),
        location,
        field: field.map(str::to_string),
        reason,
    };
    // Editors on Windows save UTF-8 with a byte-order mark; the CSV importer accepts it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let name = |loc: &str, s: &str| {
        clean_text(chitieu_domain::Field::Name, s, NAME_MAX, TextKind::Line).map_err(|r| {
            let (vi, _) = chitieu_domain::text::clean_text_words(&r);
            err(loc.to_string(), Some("name"), vi)
        })
    };
    let provinces: Vec<Province> = serde_json::from_str(text).map_err(|e| {
        err(
            format!("dòng {}, cột {}", e.line(), e.column()),
            None,
            format!("JSON không đúng định dạng danh mục hành chính: {e}"),
        )
    })?;
    let mut out = Vec::new();
    let mut seen_p = HashSet::new();
    let mut seen_w = HashSet::new();
    for (pi, p) in provinces.iter().enumerate() {
        let ploc = format!("tỉnh thứ {} (mã {}, \"{}\")", pi + 1, p.code, p.name);
        let pname = name(&ploc, &p.name)?;
        if pname.is_empty() {
            return Err(err(ploc, Some("name"), "tên trống".into()));
        }
        if p.code == 0 || p.code > 99 {
            return Err(err(ploc, Some("code"), "mã tỉnh phải từ 1 đến 99".into()));
        }
        if !seen_p.insert(p.code) {
            return Err(err(ploc, Some("code"), "mã tỉnh trùng".into()));
        }
        let dt = nfc(&p.division_type);
        if !matches!(dt.as_str(), "tỉnh" | "thành phố trung ương") {
            return Err(err(
                ploc,
                Some("division_type"),
                format!("loại \"{dt}\" không phải tỉnh/thành phố"),
            ));
        }
        let pcode = UnitCode::province(p.code);
        out.push(Unit {
            code: pcode.clone(),
            name: pname,
            kind: UnitKind::Province,
            division_type: Some(dt),
            parent: None,
            valid_from: earliest(),
            valid_to: None,
            population: None,
            officials: None,
            successors: vec![],
        });
        for (wi, w) in p.wards.iter().enumerate() {
            let wloc = format!("{ploc}, xã thứ {} (mã {}, \"{}\")", wi + 1, w.code, w.name);
            let wname = name(&wloc, &w.name)?;
            if wname.is_empty() {
                return Err(err(wloc, Some("name"), "tên trống".into()));
            }
            if w.code == 0 || w.code > 99_999 {
                return Err(err(wloc, Some("code"), "mã xã phải từ 1 đến 99999".into()));
            }
            if !seen_w.insert(w.code) {
                return Err(err(
                    wloc,
                    Some("code"),
                    "mã xã trùng với một xã khác".into(),
                ));
            }
            let dt = nfc(&w.division_type);
            let kind = match dt.as_str() {
                "phường" => UnitKind::Ward,
                "xã" | "đặc khu" => UnitKind::Commune,
                other => {
                    return Err(err(
                        wloc,
                        Some("division_type"),
                        format!("loại \"{other}\" không phải xã, phường hay đặc khu"),
                    ));
                }
            };
            out.push(Unit {
                code: UnitCode::commune(w.code),
                name: wname,
                kind,
                division_type: Some(dt),
                parent: Some(pcode.clone()),
                valid_from: two_tier_start(),
                valid_to: None,
                population: None,
                officials: None,
                successors: vec![],
            });
        }
    }
    Ok(out)
}

/// One province and its communes from a parsed map.
pub fn province(units: &[Unit], code: &UnitCode) -> Vec<Unit> {
    units
        .iter()
        .filter(|u| &u.code == code || u.parent.as_ref() == Some(code))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_map_has_34_provinces_and_3321_communes() {
        let units = parse(NATIONAL_MAP_2025, "map.json").unwrap();
        let provinces = units
            .iter()
            .filter(|u| u.kind == UnitKind::Province)
            .count();
        assert_eq!(provinces, 34);
        assert_eq!(units.len() - provinces, 3321);
        let tn = province(&units, &UnitCode::province(19));
        assert_eq!(tn.len(), 93);
        assert!(
            tn.iter()
                .any(|u| u.code.as_str() == "5443" && u.name == "Phường Phan Đình Phùng")
        );
        // Ba Đình (00004) and Cao Bằng (4) stay distinct.
        assert!(
            units
                .iter()
                .any(|u| u.code.as_str() == "00004" && u.kind == UnitKind::Ward)
        );
        assert!(
            units
                .iter()
                .any(|u| u.code.as_str() == "4" && u.kind == UnitKind::Province)
        );
    }

    #[test]
    fn broken_record_is_named() {
        let bad = r#"[{"name":"Tỉnh A","code":1,"division_type":"tỉnh","wards":[
            {"name":"Xã B","code":10,"division_type":"xã"},
            {"name":"","code":11,"division_type":"xã"}]}]"#;
        let e = parse(bad, "f.json").unwrap_err();
        assert!(e.to_string().contains("xã thứ 2 (mã 11"), "{e}");
        assert_eq!(e.field.as_deref(), Some("name"));
        let missing = r#"[{"name":"Tỉnh A","code":1,"division_type":"tỉnh","wards":[{"name":"X","division_type":"xã"}]}]"#;
        let e = parse(missing, "f.json").unwrap_err();
        assert!(e.to_string().contains("code"), "{e}");
        assert!(e.location.starts_with("dòng 1"), "{e}");
    }
}
