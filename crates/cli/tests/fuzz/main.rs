//! Fuzz targets for every importer: the values CSV, the Excel template, DHIS2 dataValueSets, ADX,
//! the units JSON, and the JSON body of `POST /api/v1/values` (parsed and checked as the API
//! does). Each target mutates valid
//! inputs (and grows from nothing) for `CHITIEU_FUZZ_SECS` seconds: 2 by default, so the
//! test suite runs them briefly; `scripts/fuzz` runs them for a minute each. None may panic;
//! an input that makes one panic is saved under `target/fuzz-failures/` and named.
//!
//! A mutation loop on stable Rust rather than `cargo fuzz` (which needs a nightly
//! toolchain): random bit flips, byte and chunk edits, splices between inputs and tokens
//! that importers treat specially (quotes, separators, BOMs, huge and odd numbers, NUL).

use chitieu_domain::Catalog;
use chitieu_domain::default_plan::default_plan;
use chitieu_exchange::{admin_map, adx, dhis2, values_csv, values_xlsx};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

const DICT: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b"\n",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\0",
    b"-",
    b".",
    b"e",
    b"1e999",
    b"-0",
    b"79228162514264337593543950335",
    b"-79228162514264337593543950335",
    b"0.0000000000000000000000000001",
    b"999999999999999999999999999999999999999",
    b"1000000000000000",
    b"NaN",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"\\u0000",
    b"\\ud800",
    b"2025Q3",
    b"2025M13",
    b"9999Q4",
    b"-2025",
    b"NL-CBX",
    b"HT-5G",
    b"5443",
    b"05443",
    b"19",
    b"\xff\xfe",
    b"\xe1\xbb\x87",
    b"\xe2\x80\xae",
];

fn seconds() -> u64 {
    std::env::var("CHITIEU_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2)
}

fn mutate(rng: &mut StdRng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    for _ in 0..rng.random_range(1..=4) {
        let len = input.len();
        match rng.random_range(0..8) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] = rng.random();
            }
            2 => {
                let i = rng.random_range(0..=len);
                input.insert(i, rng.random());
            }
            3 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(1..=16)).min(len);
                input.drain(a..b);
            }
            4 => {
                let tok = DICT[rng.random_range(0..DICT.len())];
                let i = rng.random_range(0..=len);
                input.splice(i..i, tok.iter().copied());
            }
            5 if len > 0 => {
                // Duplicate a chunk: long lines, repeated records.
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(1..=64)).min(len);
                let chunk: Vec<u8> = input[a..b].to_vec();
                let i = rng.random_range(0..=input.len());
                input.splice(i..i, chunk);
            }
            6 if !corpus.is_empty() => {
                // Splice with another input.
                let other = &corpus[rng.random_range(0..corpus.len())];
                if !other.is_empty() {
                    let a = rng.random_range(0..other.len());
                    let b = (a + rng.random_range(1..=128)).min(other.len());
                    let i = rng.random_range(0..=len);
                    input.splice(i..i, other[a..b].iter().copied());
                }
            }
            _ => input.truncate(rng.random_range(0..=len)),
        }
    }
    input.truncate(1 << 16);
}

/// A field value for a well-formed input: a dictionary token, a random number (often at or
/// past the bounds), or random printable text.
fn field(rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        0 => String::from_utf8_lossy(DICT[rng.random_range(0..DICT.len())]).into_owned(),
        1 => {
            let digits = rng.random_range(1..=32);
            let mut n: String = (0..digits)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            if rng.random() {
                let at = rng.random_range(0..=n.len());
                n.insert(at, if rng.random() { '.' } else { ',' });
            }
            if rng.random_range(0..4) == 0 {
                n.insert(0, '-');
            }
            n
        }
        2 => rng.random_range(0..=10i64.pow(15)).to_string(),
        _ => (0..rng.random_range(0..12))
            .map(|_| char::from(rng.random_range(0x20..0x7fu8)))
            .collect(),
    }
}

/// Runs `target` on mutations of `seeds`, and on inputs from `generate` (well-formed, so
/// that the checks behind the parser are reached), until the time is up; panics naming
/// the saved input when the target panics.
fn fuzz(
    name: &str,
    seeds: Vec<Vec<u8>>,
    generate: impl Fn(&mut StdRng) -> Vec<u8>,
    target: impl Fn(&[u8]),
) {
    let seed: u64 = std::env::var("CHITIEU_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut corpus = seeds;
    corpus.push(Vec::new());
    let deadline = Instant::now() + Duration::from_secs(seconds());
    let mut runs = 0u64;
    // The hook would print every caught panic; the failure below says what matters.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while Instant::now() < deadline {
        let mut input = if rng.random_range(0..4) == 0 {
            generate(&mut rng)
        } else {
            corpus[rng.random_range(0..corpus.len())].clone()
        };
        if rng.random_range(0..3) != 0 {
            mutate(&mut rng, &mut input, &corpus);
        }
        if catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
            std::panic::set_hook(hook);
            let dir =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{name}-{seed}-{runs}.bin"));
            std::fs::write(&path, &input).unwrap();
            // Reproduce it, with the panic message this time.
            target(&input);
            panic!("{name}: panic on {} (seed {seed})", path.display());
        }
        runs += 1;
        // Keep some mutants: later rounds mutate them further.
        if corpus.len() < 256 && rng.random_range(0..16) == 0 {
            corpus.push(input);
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "{name}: {runs} inputs in {} s, no panic (seed {seed})",
        seconds()
    );
    assert!(runs > 0);
}

/// Thái Nguyên's plan and units, as an import checks against.
fn catalog() -> Catalog {
    let plan = default_plan();
    let map = admin_map::parse(admin_map::NATIONAL_MAP_2025, "map").unwrap();
    let mut units = admin_map::province(&map, &plan.plan.owner);
    units.extend(plan.units.iter().cloned());
    Catalog::new(&plan.indicators, units)
}

#[test]
fn values_csv_importer_never_panics() {
    let c = catalog();
    let seeds = vec![
        b"indicator,unit,period,value,numerator,denominator,comment\n\
HT-5G,19,2025Q1,55.5,,,\n\
NL-CBX,05443,2025Q3,,40,50,\"ghi ch\xc3\xba, c\xc3\xb3 \"\"ngo\xe1\xba\xb7c\"\"\"\n\
ST-DNKHCN,19,2025Q2,9,,,\n"
            .to_vec(),
        b"\xef\xbb\xbfindicator,unit,period,value,numerator,denominator,comment,version\n\
XH-DVS,5443,2025S2,,8590,15149,,3\n\
DT-GRDP,19,2025,,3460,187000,S\xe1\xbb\x91 li\xe1\xbb\x87u,\n"
            .to_vec(),
    ];
    let generate = |rng: &mut StdRng| {
        let mut out =
            b"indicator,unit,period,value,numerator,denominator,comment,version\n".to_vec();
        for _ in 0..rng.random_range(1..6) {
            let mut w = csv::Writer::from_writer(Vec::new());
            let row: Vec<String> = (0..8).map(|_| field(rng)).collect();
            w.write_record(&row).unwrap();
            out.extend(w.into_inner().unwrap());
        }
        out
    };
    fuzz("values-csv", seeds, generate, |input| {
        let _ = values_csv::parse(input, "fuzz.csv", &c, |_| {});
    });
}

#[test]
fn units_json_importer_never_panics() {
    let seeds = vec![
        br#"[{"name":"T\u1ec9nh Th\u00e1i Nguy\u00ean","code":19,"division_type":"t\u1ec9nh","codename":"thai_nguyen","phone_code":208,"wards":[{"name":"Ph\u01b0\u1eddng Phan \u0110\u00ecnh Ph\u00f9ng","code":5443,"division_type":"ph\u01b0\u1eddng","codename":"phan_dinh_phung","province_code":19}]}]"#
            .to_vec(),
        admin_map::NATIONAL_MAP_2025.as_bytes()[..4096].to_vec(),
    ];
    let generate = |rng: &mut StdRng| {
        let wards: Vec<serde_json::Value> = (0..rng.random_range(0..4))
            .map(|_| {
                serde_json::json!({
                    "name": field(rng),
                    "code": rng.random_range(0..200_000u32),
                    "division_type": (["phường", "xã", "đặc khu", "huyện"][rng.random_range(0..4)]),
                })
            })
            .collect();
        serde_json::to_vec(&serde_json::json!([{
            "name": field(rng),
            "code": rng.random_range(0..120u32),
            "division_type": (["tỉnh", "thành phố trung ương", "quận"][rng.random_range(0..3)]),
            "wards": wards,
        }]))
        .unwrap()
    };
    fuzz("units-json", seeds, generate, |input| {
        let text = String::from_utf8_lossy(input);
        let _ = admin_map::parse(&text, "fuzz.json");
    });
}

#[test]
fn api_values_body_never_panics() {
    let c = catalog();
    let seeds = vec![
        br#"{"state":"draft","values":[{"indicator":"NL-CBX","unit":"5443","period":"2026Q1","numerator":1,"denominator":2,"version":3}]}"#.to_vec(),
        br#"{"state":"submitted","values":[{"indicator":"HT-5G","unit":"19","period":"2025Q4","value":"62,5","comment":"d\u00f2ng 1\n\td\u00f2ng 2"},{"indicator":"ST-NVKH","unit":"19","period":"2025Q4","value":1234567.123456}]}"#.to_vec(),
    ];
    let generate = |rng: &mut StdRng| {
        let figure = |rng: &mut StdRng| -> serde_json::Value {
            let f = field(rng);
            match rng.random_range(0..3) {
                0 => serde_json::Value::String(f),
                1 => f
                    .parse::<serde_json::Number>()
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                _ => serde_json::Value::Null,
            }
        };
        let codes = ["NL-CBX", "HT-5G", "ST-NVKH", "XH-DVS", "DT-GRDP", "KT-SME"];
        let units = ["5443", "05443", "19", "TN.SKHCN", "5500", "1"];
        let periods = ["2025Q3", "2025", "2025S2", "2026Q1", "2025M07"];
        let values: Vec<serde_json::Value> = (0..rng.random_range(1..5))
            .map(|_| {
                serde_json::json!({
                    "indicator": if rng.random() { codes[rng.random_range(0..codes.len())].to_string() } else { field(rng) },
                    "unit": if rng.random() { units[rng.random_range(0..units.len())].to_string() } else { field(rng) },
                    "period": if rng.random() { periods[rng.random_range(0..periods.len())].to_string() } else { field(rng) },
                    "value": figure(rng),
                    "numerator": figure(rng),
                    "denominator": figure(rng),
                    "comment": field(rng),
                    "version": rng.random_range(-2..5i64),
                })
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({"state": (["draft", "submitted", "x"][rng.random_range(0..3)]), "values": values}))
            .unwrap()
    };
    fuzz("api-values", seeds, generate, |input| {
        let Ok(body) = chitieu_web::api::parse_json::<chitieu_web::api::ValuesIn>(input) else {
            return;
        };
        let Ok((items, _)) = chitieu_web::api::value_items(&body) else {
            return;
        };
        for it in &items {
            let _ = chitieu_domain::value::parse_value(&c, &it.text);
        }
    });
}

/// A workbook shaped like the entry template, with `cells` (row, column, text or number)
/// written into its data sheet.
fn workbook(cells: &[(u32, u16, Result<f64, String>)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(values_xlsx::SHEET).unwrap();
    for (r, c, v) in cells {
        match v {
            Ok(x) => ws.write_number(*r, *c, *x).map(|_| ()),
            Err(t) => ws.write_string(*r, *c, t).map(|_| ()),
        }
        .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn values_xlsx_importer_never_panics() {
    let c = catalog();
    let plan = default_plan();
    let form = plan.forms.iter().find(|f| f.code == "BC57-XA-QUY").unwrap();
    let ward = c
        .unit(&chitieu_domain::UnitCode::parse("5443").unwrap())
        .unwrap();
    let period: chitieu_domain::Period = "2025Q3".parse().unwrap();
    let template = values_xlsx::template(&values_xlsx::Template {
        form,
        sender: ward,
        values_unit: ward,
        period,
        indicators: form.indicators_of(&plan.indicators, ward),
    })
    .unwrap();
    let filled = |rows: Vec<(u32, u16, Result<f64, String>)>| {
        let mut cells: Vec<(u32, u16, Result<f64, String>)> =
            vec![(2, 1, Err("5443".into())), (3, 1, Err("2025Q3".into()))];
        cells.extend(
            chitieu_exchange::values_xlsx::COLUMNS
                .iter()
                .enumerate()
                .map(|(k, h)| (6, k as u16, Err(h.to_string()))),
        );
        cells.extend(rows);
        workbook(&cells)
    };
    let seeds = vec![
        template,
        filled(vec![
            (7, 0, Err("NL-CBX".into())),
            (7, 4, Ok(40.0)),
            (7, 5, Ok(50.0)),
            (7, 6, Err("ghi chú".into())),
        ]),
    ];
    let generate = |rng: &mut StdRng| {
        let rows = (0..rng.random_range(1..6))
            .flat_map(|k| {
                (0..7u16)
                    .map(|col| {
                        let v = if rng.random_range(0..2) == 0 {
                            Ok(rng.random_range(-1e20..1e20))
                        } else {
                            Err(field(rng))
                        };
                        (7 + k, col, v)
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        filled(rows)
    };
    fuzz("values-xlsx", seeds, generate, |input| {
        let _ = values_xlsx::parse(input, "fuzz.xlsx", &c);
    });
}

#[test]
fn dhis2_data_value_sets_importer_never_panics() {
    let c = catalog();
    let mapping = dhis2::Mapping::new(&[dhis2::MappingRow {
        part: dhis2::Part::Unit,
        code: "5443".into(),
        external: "DiszpKrYNg8".into(),
    }])
    .unwrap();
    let seeds = vec![
        br#"{"dataSet":"x","period":"2025Q3","orgUnit":"DiszpKrYNg8","dataValues":[{"dataElement":"NL-CBX.numerator","value":"40"},{"dataElement":"NL-CBX.denominator","value":50,"comment":"ghi ch\u00fa"}]}"#.to_vec(),
        br#"{"dataValues":[{"dataElement":"HT-5G","period":"2025Q1","orgUnit":"19","value":55.5},{"dataElement":"DT-GRDP.numerator","period":"2025","orgUnit":"19","value":"3460"}]}"#.to_vec(),
    ];
    let generate = |rng: &mut StdRng| {
        let values: Vec<serde_json::Value> = (0..rng.random_range(1..6))
            .map(|_| {
                serde_json::json!({
                    "dataElement": field(rng),
                    "period": field(rng),
                    "orgUnit": field(rng),
                    "value": field(rng),
                    "comment": field(rng),
                })
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({ "dataValues": values })).unwrap()
    };
    fuzz("dhis2-json", seeds, generate, |input| {
        let _ = dhis2::parse(input, "fuzz.json", &c, &mapping);
    });
}

#[test]
fn adx_importer_never_panics() {
    let c = catalog();
    let mapping = dhis2::Mapping::default();
    let seeds = vec![
        br#"<?xml version="1.0" encoding="UTF-8"?><adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="5443" period="2025-07-01/P3M" dataSet="BC57-XA-QUY"><dataValue dataElement="NL-CBX.numerator" value="40"><annotation>a &amp; b &#233;</annotation></dataValue><dataValue dataElement="NL-CBX.denominator" value="50"/></group></adx>"#.to_vec(),
        br#"<adx><group orgUnit="19" period="2025-01-01/P1Y"><dataValue dataElement="ST-NVKH" value="31"/></group><group orgUnit="19" period="2025-03-01/P1M"/></adx>"#.to_vec(),
    ];
    let generate = |rng: &mut StdRng| {
        let esc = |s: String| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('"', "&quot;")
        };
        let mut out = String::from("<adx>");
        for _ in 0..rng.random_range(1..4) {
            out.push_str(&format!(
                "<group orgUnit=\"{}\" period=\"{}\">",
                esc(field(rng)),
                esc(field(rng))
            ));
            for _ in 0..rng.random_range(0..4) {
                out.push_str(&format!(
                    "<dataValue dataElement=\"{}\" value=\"{}\"><annotation>{}</annotation></dataValue>",
                    esc(field(rng)),
                    esc(field(rng)),
                    esc(field(rng))
                ));
            }
            out.push_str("</group>");
        }
        out.push_str("</adx>");
        out.into_bytes()
    };
    fuzz("adx-xml", seeds, generate, |input| {
        let _ = adx::parse(input, "fuzz.xml", &c, &mapping);
    });
}
