//! The periodic report as an Excel workbook, for those who rework its tables: the cover
//! (issuer, number, date, title, summary, the count of targets by status), the targets, and one
//! sheet per list (at risk, overdue tasks, late units; a meeting brief's own lists).

use super::{CHART, ENDED_HEADER, Report, TARGET_HEADER};
use crate::workbook::{Cell, Sheet, workbook};

/// The workbook's sheets.
pub fn sheets(r: &Report) -> Vec<Sheet> {
    let mut cover: Vec<Vec<Cell>> = [
        ("Cơ quan ban hành", r.issuer.clone()),
        ("Số", r.number.clone()),
        ("Ngày", r.date_line()),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.into(), v.into()])
    .collect();
    cover.extend(r.summary.iter().map(|s| vec!["".into(), s.clone().into()]));
    if !r.standing.is_empty() {
        cover.push(vec![]);
        cover.push(vec![CHART.into()]);
    }
    cover.extend(
        r.standing
            .iter()
            .map(|(label, n)| vec![label.clone().into(), (*n as f64).into()]),
    );
    let mut out = vec![
        Sheet {
            name: "Báo cáo".into(),
            title: r.title.clone(),
            header: vec!["Mục".into(), "Nội dung".into()],
            rows: cover,
        },
        targets(
            "Chỉ tiêu".into(),
            r.targets_heading(),
            &TARGET_HEADER,
            &r.targets,
        ),
    ];
    for (title, e) in r.ended_titles().into_iter().zip(&r.ended) {
        out.push(targets(
            format!("Năm {}", e.year),
            title,
            &ENDED_HEADER,
            &e.rows,
        ));
    }
    for (section, list) in r.sections().iter().zip(&r.lists) {
        out.push(Sheet {
            name: list.sheet.clone(),
            title: section.title.clone(),
            header: vec!["TT".into(), "Nội dung".into()],
            rows: if section.items.is_empty() {
                vec![vec![Cell::Empty, section.none.into()]]
            } else {
                section
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| vec![Cell::Number(i as f64 + 1.0), s.clone().into()])
                    .collect()
            },
        });
    }
    out
}

/// A sheet of targets, numbered.
fn targets(name: String, title: String, header: &[&str; 4], rows: &[[String; 4]]) -> Sheet {
    Sheet {
        name,
        title,
        header: std::iter::once("TT")
            .chain(header.iter().copied())
            .map(String::from)
            .collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, t)| {
                std::iter::once(Cell::Number(i as f64 + 1.0))
                    .chain(t.iter().map(|c| c.clone().into()))
                    .collect()
            })
            .collect(),
    }
}

/// The workbook's bytes.
pub fn xlsx(r: &Report) -> Result<Vec<u8>, String> {
    workbook(&sheets(r)).map_err(|e| format!("không tạo được tệp Excel: {e}"))
}
