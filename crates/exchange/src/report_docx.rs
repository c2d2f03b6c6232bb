//! The periodic report (báo cáo định kỳ) as a Word document in the layout of Decree
//! 30/2020/NĐ-CP: A4, Times New Roman 13 pt, margins top and bottom 20 mm, left 30 mm, right
//! 15 mm; page numbers centred at the top from page 2; the two-column header (issuing body and
//! number; national name and motto, place and date); the title; the body ending "./."; the
//! recipients and the signature block.

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, Header, PageMargin, PageNum, Paragraph, Run, RunFonts, Table, TableCell,
    TableRow, WidthType,
};

/// Millimetres in twips (1/1440 inch).
fn mm(x: f64) -> i32 {
    (x * 1440.0 / 25.4).round() as i32
}

/// What the report says; the caller gathers it from official (accepted) figures only.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The body above the issuer, if any ("UBND TỈNH THÁI NGUYÊN" above a department).
    pub parent: String,
    /// "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
    pub issuer: String,
    /// "Số:      /BC-UBND"
    pub number: String,
    pub place: String,
    pub date: NaiveDate,
    /// "Kết quả thực hiện Nghị quyết số 57-NQ/TW … năm 2025"
    pub title: String,
    pub summary: Vec<String>,
    /// Indicator, target, latest official value (with its period), verdict or status.
    pub targets: Vec<[String; 4]>,
    pub at_risk: Vec<String>,
    pub overdue: Vec<String>,
    pub late_units: Vec<String>,
    pub recipients: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    pub signer_position: String,
    pub signer_name: String,
}

fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

fn para(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s))
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

/// The document's bytes.
pub fn docx(r: &Report) -> Result<Vec<u8>, String> {
    let font = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("Times New Roman")
        .cs("Times New Roman");
    let date = format!(
        "{}, ngày {} tháng {} năm {}",
        r.place,
        r.date.day(),
        r.date.month(),
        r.date.year()
    );
    // Header: issuing body and number | national name, motto, place and date.
    let mut left = Vec::new();
    if !r.parent.is_empty() {
        left.push(centred(text(&r.parent.to_uppercase())));
    }
    left.push(centred(text(&r.issuer.to_uppercase()).bold()));
    left.push(centred(text("________")));
    left.push(centred(text(&r.number)));
    let right = vec![
        centred(text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold()),
        centred(text("Độc lập - Tự do - Hạnh phúc").bold()),
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
        .add_paragraph(centred(text("BÁO CÁO").bold().size(28)))
        .add_paragraph(centred(text(&r.title).bold()));
    let heading = |s: &str| Paragraph::new().add_run(text(s).bold());
    doc = doc.add_paragraph(heading("I. TÌNH HÌNH CHUNG"));
    for s in &r.summary {
        doc = doc.add_paragraph(para(s).align(AlignmentType::Both));
    }
    doc = doc.add_paragraph(heading("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"));
    let header_row = TableRow::new(
        [
            "Chỉ tiêu",
            "Mục tiêu",
            "Số liệu chính thức mới nhất",
            "Đánh giá",
        ]
        .iter()
        .zip([3300, 1900, 2300, 1800])
        .map(|(h, w)| cell(vec![centred(text(h).bold())], w))
        .collect(),
    );
    let rows = std::iter::once(header_row).chain(r.targets.iter().map(|t| {
        TableRow::new(
            t.iter()
                .zip([3300, 1900, 2300, 1800])
                .map(|(v, w)| cell(vec![para(v)], w))
                .collect(),
        )
    }));
    doc = doc.add_table(Table::new(rows.collect()).set_grid(vec![3300, 1900, 2300, 1800]));
    let list = |doc: Docx, title: &str, items: &[String], none: &str| {
        let mut d = doc.add_paragraph(heading(title));
        if items.is_empty() {
            d = d.add_paragraph(para(none));
        }
        for i in items {
            d = d.add_paragraph(para(&format!("- {i}")));
        }
        d
    };
    doc = list(
        doc,
        "III. CHỈ TIÊU CÓ NGUY CƠ KHÔNG ĐẠT",
        &r.at_risk,
        "Không có chỉ tiêu nào có nguy cơ không đạt theo tốc độ hiện nay.",
    );
    doc = list(
        doc,
        "IV. NHIỆM VỤ QUÁ HẠN",
        &r.overdue,
        "Không có nhiệm vụ quá hạn.",
    );
    doc = list(
        doc,
        "V. ĐƠN VỊ CHẬM BÁO CÁO",
        &r.late_units,
        "Không có đơn vị chậm báo cáo.",
    );
    doc = doc.add_paragraph(para(&format!(
        "Trên đây là báo cáo {}./.",
        r.title.to_lowercase()
    )));
    // Recipients | signature.
    let mut recipients = vec![Paragraph::new().add_run(text("Nơi nhận:").bold().italic())];
    recipients.extend(
        r.recipients
            .iter()
            .map(|x| Paragraph::new().add_run(text(&format!("- {x};")).size(22))),
    );
    recipients.push(Paragraph::new().add_run(text("- Lưu: VT.").size(22)));
    let mut signature: Vec<Paragraph> = r
        .signer_position
        .lines()
        .map(|l| centred(text(&l.to_uppercase()).bold()))
        .collect();
    signature.push(centred(text("(Đã ký)").italic()));
    signature.push(Paragraph::new());
    signature.push(centred(text(&r.signer_name).bold()));
    doc = doc.add_table(Table::without_borders(vec![TableRow::new(vec![
        cell(recipients, 4600),
        cell(signature, 4700),
    ])]));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
