//! The periodic report (báo cáo định kỳ) as a Word document in the layout of Decree
//! 30/2020/NĐ-CP: A4, Times New Roman 13 pt, margins top and bottom 20 mm, left 30 mm, right
//! 15 mm; page numbers centred at the top from page 2; the two-column header (issuing body and
//! number; national name and motto, place and date); the title; the body ending "./."; the
//! recipients and the signature block.

use docx_rs::{
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

use super::{ENDED_HEADER, KIND, MOTTO, NATION, RECIPIENTS, Report, SUMMARY, TARGET_HEADER};

/// The widths of the targets' columns, in twips.
const COLUMNS: [usize; 4] = [3300, 1900, 2300, 1800];

/// Millimetres in twips (1/1440 inch).
fn mm(x: f64) -> i32 {
    (x * 1440.0 / 25.4).round() as i32
}

fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

fn para(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s))
}

/// A body paragraph: justified, its first line indented 1 cm, 6 pt before the next (the
/// decree asks for at least 6 pt between paragraphs).
fn body(s: &str) -> Paragraph {
    para(s)
        .align(AlignmentType::Both)
        .line_spacing(LineSpacing::new().after(120))
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(mm(10.0))),
            None,
            None,
        )
}

fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), |c, p| c.add_paragraph(p))
        .width(width, WidthType::Dxa)
}

/// A table of targets under its header row.
fn table(header: &[&str; 4], rows: &[[String; 4]]) -> Table {
    let header_row = TableRow::new(
        header
            .iter()
            .zip(COLUMNS)
            .map(|(h, w)| cell(vec![centred(text(h).bold())], w))
            .collect(),
    );
    let rows = std::iter::once(header_row).chain(rows.iter().map(|t| {
        TableRow::new(
            t.iter()
                .zip(COLUMNS)
                .map(|(v, w)| cell(vec![para(v)], w))
                .collect(),
        )
    }));
    Table::new(rows.collect()).set_grid(COLUMNS.to_vec())
}

/// The document's bytes.
pub fn docx(r: &Report) -> Result<Vec<u8>, String> {
    let font = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("Times New Roman")
        .cs("Times New Roman");
    let date = r.date_line();
    // Header: issuing body and number | national name, motto, place and date.
    let mut left = Vec::new();
    if !r.parent.is_empty() {
        left.push(centred(text(&r.parent_line())));
    }
    left.extend(r.issuer_lines().iter().map(|l| centred(text(l).bold())));
    left.push(centred(text("________")));
    left.push(centred(text(&r.number)));
    let right = vec![
        centred(text(NATION).bold()),
        centred(text(MOTTO).bold()),
        centred(text("________________________")),
        centred(text(&date).italic()),
    ];
    let head = Table::without_borders(vec![TableRow::new(vec![
        cell(left, 3600),
        cell(right, 5700),
    ])]);
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(20.0))
                .bottom(mm(20.0))
                .left(mm(30.0))
                .right(mm(15.0))
                .header(mm(10.0))
                .footer(mm(10.0)),
        )
        .default_fonts(font)
        .default_size(26)
        .title_pg()
        .first_header(Header::new().add_paragraph(Paragraph::new()))
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .add_page_num(PageNum::new())
                    .align(AlignmentType::Center),
            ),
        )
        .add_table(head)
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(text(KIND).bold().size(28)))
        .add_paragraph(centred(text(&r.title).bold()))
        // The rule under the subject line, as under the header's names.
        .add_paragraph(centred(text("__________")).line_spacing(LineSpacing::new().after(240)));
    let heading = |s: &str| {
        Paragraph::new()
            .add_run(text(s).bold())
            .line_spacing(LineSpacing::new().before(120).after(120))
    };
    doc = doc.add_paragraph(heading(SUMMARY));
    for s in &r.summary {
        doc = doc.add_paragraph(body(s));
    }
    doc = doc.add_paragraph(heading(&r.targets_heading()));
    doc = if r.targets.is_empty() {
        doc.add_paragraph(body(&r.targets_none))
    } else {
        doc.add_table(table(&TARGET_HEADER, &r.targets))
    };
    for (title, ended) in r.ended_titles().iter().zip(&r.ended) {
        doc = doc
            .add_paragraph(heading(title))
            .add_table(table(&ENDED_HEADER, &ended.rows));
    }
    for section in r.sections() {
        doc = doc.add_paragraph(heading(&section.title));
        if section.items.is_empty() {
            doc = doc.add_paragraph(body(section.none));
        }
        for i in section.items {
            doc = doc.add_paragraph(body(&format!("- {i}")));
        }
    }
    doc = doc.add_paragraph(body(&r.closing()));
    // Recipients | signature.
    let mut recipients = vec![Paragraph::new().add_run(text(RECIPIENTS).bold().italic().size(24))];
    recipients.extend(
        r.recipient_lines()
            .iter()
            .map(|x| Paragraph::new().add_run(text(x).size(22))),
    );
    let mut signature: Vec<Paragraph> = r
        .signer_position
        .lines()
        .map(|l| centred(text(&l.to_uppercase()).bold()))
        .collect();
    // The space where the signer signs: nothing here says the document is signed.
    signature.extend((0..4).map(|_| Paragraph::new()));
    signature.push(centred(text(&r.signer_name).bold()));
    doc = doc.add_table(Table::without_borders(vec![TableRow::new(vec![
        cell(recipients, 4600),
        cell(signature, 4700),
    ])]));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
