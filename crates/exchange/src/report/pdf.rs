//! The periodic report as PDF, typeset by Typst used as a library: a fixed template
//! (`report.typ`, embedded) reads the report's content as JSON, so nothing a user typed is ever
//! read as markup. The font is Liberation Serif (metric-compatible with Times New Roman, every
//! Vietnamese letter), embedded in the binary: no file or network is read at run time.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::{CHART, ENDED_HEADER, KIND, MOTTO, NATION, RECIPIENTS, Report, SUMMARY, TARGET_HEADER};

const TEMPLATE: &str = include_str!("report.typ");

const FONTS: [&[u8]; 4] = [
    include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// What every compilation shares: the standard library and the fonts, built once.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid path"),
    )
    .intern()
}

/// One report's world: the template as the main file and its data as `/data.json`.
struct ReportWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The report's content as the template reads it.
fn data(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "parent": r.parent_line(),
        "issuer": r.issuer,
        "issuer_lines": r.issuer_lines(),
        "number": r.number,
        "nation": NATION,
        "motto": MOTTO,
        "date_line": r.date_line(),
        "kind": KIND,
        "title": r.title,
        "summary_title": SUMMARY,
        "summary": r.summary,
        "targets_title": r.targets_heading(),
        "targets_none": r.targets_none,
        "chart_title": CHART,
        "standing": r.standing.iter().map(|(label, n)| serde_json::json!({"label": label, "count": n})).collect::<Vec<_>>(),
        "target_header": TARGET_HEADER,
        "targets": r.targets,
        "ended_header": ENDED_HEADER,
        "ended": r.ended_titles().iter().zip(&r.ended).map(|(title, e)| serde_json::json!({
            "title": title,
            "rows": e.rows,
        })).collect::<Vec<_>>(),
        "sections": r.sections().iter().map(|s| serde_json::json!({
            "title": s.title,
            "items": s.items,
            "none": s.none,
        })).collect::<Vec<_>>(),
        "closing": r.closing(),
        "recipients_title": RECIPIENTS,
        "recipients": r.recipient_lines(),
        "signer_position": r.signer_position.lines().collect::<Vec<_>>(),
        "signer_name": r.signer_name,
    })
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The typeset pages (what the PDF is written from).
pub fn typeset(r: &Report) -> Result<PagedDocument, String> {
    let world = ReportWorld {
        main: Source::new(file_id("/report.typ"), TEMPLATE.to_string()),
        data: Bytes::new(serde_json::to_vec(&data(r)).map_err(|e| e.to_string())?),
        data_id: file_id("/data.json"),
    };
    let out = typst::compile::<PagedDocument>(&world).output;
    // Typst memoises across compilations; a server typesets many reports, so keep the cache
    // from growing without bound.
    typst::comemo::evict(10);
    out.map_err(|e| format!("không dàn trang được báo cáo: {}", diagnostics(&e)))
}

/// The document's bytes.
pub fn pdf(r: &Report) -> Result<Vec<u8>, String> {
    let doc = typeset(r)?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| format!("không tạo được tệp PDF: {}", diagnostics(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Frame, FrameItem};
    use typst::visualize::Geometry;

    /// The text set on the pages, and the filled rectangles drawn.
    fn walk(frame: &Frame, text: &mut String, bars: &mut usize) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, text, bars),
                FrameItem::Text(t) => {
                    text.push_str(&t.text);
                    text.push(' ');
                }
                FrameItem::Shape(s, _)
                    if matches!(s.geometry, Geometry::Rect(_)) && s.fill.is_some() =>
                {
                    *bars += 1;
                }
                _ => {}
            }
        }
    }

    fn report() -> Report {
        Report {
            issuer: "Ủy ban nhân dân tỉnh Thái Nguyên".into(),
            number: "Số:       /BC-UBND".into(),
            place: "Thái Nguyên".into(),
            date: NaiveDate::from_ymd_opt(2025, 10, 5).unwrap(),
            title: "Kết quả thực hiện Nghị quyết số 57-NQ/TW, quý III năm 2025".into(),
            targets_title: "TIẾN ĐỘ THỰC HIỆN CÁC MỤC TIÊU".into(),
            summary: vec!["Tóm tắt.".into()],
            standing: vec![
                ("Đạt".into(), 3),
                ("Đúng lộ trình".into(), 2),
                ("Có nguy cơ".into(), 1),
                ("Chậm hoặc không đạt".into(), 1),
                ("Chưa đủ số liệu".into(), 0),
            ],
            targets: vec![[
                "CDS-01 Tỷ lệ hồ sơ xử lý trực tuyến toàn trình".into(),
                "≥ 80 (2025)".into(),
                "62,5 (2025Q3)".into(),
                "Có nguy cơ".into(),
            ]],
            recipients: vec!["Bộ Khoa học và Công nghệ (b/c)".into()],
            signer_position: "TM. Ủy ban nhân dân\nChủ tịch".into(),
            signer_name: "Nguyễn Văn A".into(),
            ..Report::default()
        }
    }

    use chrono::NaiveDate;

    fn set(r: &Report) -> (String, usize, usize) {
        let doc = typeset(r).unwrap();
        let (mut text, mut bars) = (String::new(), 0);
        for p in doc.pages() {
            walk(&p.frame, &mut text, &mut bars);
        }
        (text, bars, doc.pages().len())
    }

    #[test]
    fn the_report_is_set_with_its_words_and_a_bar_per_status() {
        let (text, bars, _) = set(&report());
        for w in [
            NATION,
            MOTTO,
            "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
            "Thái Nguyên, ngày 05 tháng 10 năm 2025",
            "Tỷ lệ hồ sơ xử lý trực tuyến toàn trình",
            "./.",
            "Nguyễn Văn A",
        ] {
            let w: Vec<&str> = w.split_whitespace().collect();
            assert!(w.iter().all(|part| text.contains(part)), "{w:?} in {text}");
        }
        // Four bars with a count; the empty status keeps a hairline so its row still reads.
        assert!(bars >= 5, "{bars} filled rectangles");
    }

    #[test]
    fn what_a_user_wrote_is_set_as_text_not_read_as_markup() {
        let mut r = report();
        r.title = "#set page(width: 1pt) *đậm* $x^2$ [a] \\ <b> @c".into();
        r.targets[0][0] = "#panic(\"x\")".into();
        let (text, _, pages) = set(&r);
        assert!(text.contains("#panic"), "{text}");
        assert!(text.contains("*đậm*"), "{text}");
        assert!(pages >= 1);
    }

    #[test]
    fn a_long_report_runs_onto_numbered_pages() {
        let mut r = report();
        r.targets = (0..80)
            .map(|i| {
                [
                    format!("CT-{i:02} Chỉ tiêu số {i}"),
                    "≥ 1".into(),
                    "1".into(),
                    "Đạt".into(),
                ]
            })
            .collect();
        let doc = typeset(&r).unwrap();
        assert!(doc.pages().len() >= 3, "{} pages", doc.pages().len());
        // The number is set in the top margin (20 mm), centred, from page 2 on.
        for (i, page) in doc.pages().iter().enumerate() {
            let mut top = Vec::new();
            in_top_margin(&page.frame, typst::layout::Point::zero(), &mut top);
            let width = page.frame.width().to_mm();
            if i == 0 {
                assert!(top.is_empty(), "page 1 has no number: {top:?}");
            } else {
                assert_eq!(top.len(), 1, "page {}: {top:?}", i + 1);
                let (text, x) = &top[0];
                assert_eq!(text, &(i + 1).to_string());
                // Centred between the margins (30 mm left, 15 mm right).
                let middle = 30.0 + (width - 45.0) / 2.0;
                assert!((x - middle).abs() < 5.0, "page {}: x {x} mm", i + 1);
            }
        }
        let (text, _, _) = set(&r);
        assert!(text.contains("CT-79"), "the last row is set");
    }

    /// Text items set above 20 mm from the top, with their horizontal position in mm.
    fn in_top_margin(frame: &Frame, at: typst::layout::Point, out: &mut Vec<(String, f64)>) {
        for (p, item) in frame.items() {
            let here = at + *p;
            match item {
                FrameItem::Group(g) => in_top_margin(&g.frame, here, out),
                FrameItem::Text(t) if here.y.to_mm() < 20.0 => {
                    out.push((t.text.to_string(), here.x.to_mm() + t.width().to_mm() / 2.0))
                }
                _ => {}
            }
        }
    }
}
