//! The words of a tie at the cut of "excellent" and of the council's decision on it, for
//! the pages and the command line.

use super::Tr;
use chitieu_app::evaluation::{CouncilNote, GroupCut};

/// A peer group's cut in words: what stands (places left and who decides, or the council's
/// decision), and a decision that no longer answers the tie. `score` is the tied score as
/// shown.
pub fn cut(tr: Tr, c: &GroupCut, score: Option<&str>) -> (String, Option<String>) {
    let group = tr.label(c.group);
    let score = score.unwrap_or("—");
    let state = match &c.decision {
        None if tr.is_en() => format!(
            "{group}: {} units tied on {score} points at the cut of excellent for {} place(s) left — awaiting the emulation council's decision.",
            c.tied.len(),
            c.places_left
        ),
        None => format!(
            "{group}: {} đơn vị đồng điểm ({score} điểm) tại ngưỡng xếp loại xuất sắc, còn {} suất — chờ Hội đồng thi đua quyết định.",
            c.tied.len(),
            c.places_left
        ),
        Some(d) if tr.is_en() => format!(
            "{group}: the emulation council gave the {} place(s) left to {} of the {} tied units (decision No. {} of {}; recorded by {}).",
            d.places_left,
            d.chosen.len(),
            c.tied.len(),
            d.number,
            tr.date(&d.date),
            d.recorded_by
        ),
        Some(d) => format!(
            "{group}: Hội đồng thi đua đã chọn {} trong {} đơn vị đồng điểm cho {} suất còn lại (Quyết định số {} ngày {}; {} ghi nhận).",
            d.chosen.len(),
            c.tied.len(),
            d.places_left,
            d.number,
            tr.date(&d.date),
            d.recorded_by
        ),
    };
    let outdated = c.outdated.as_ref().map(|d| {
        if tr.is_en() {
            format!(
                "Decision No. {} of {} no longer applies: later figures changed which units are tied; the council has to decide again.",
                d.number,
                tr.date(&d.date)
            )
        } else {
            format!(
                "Quyết định số {} ngày {} không còn áp dụng: số liệu mới đã làm thay đổi các đơn vị đồng điểm; cần Hội đồng thi đua quyết định lại.",
                d.number,
                tr.date(&d.date)
            )
        }
    });
    (state, outdated)
}

/// What a tied unit's rating owes to the council, in words.
pub fn council(tr: Tr, note: &CouncilNote) -> String {
    match (note, tr.is_en()) {
        (CouncilNote::Pending { places_left, tied }, false) => format!(
            "đồng điểm tại ngưỡng xuất sắc cùng {} đơn vị khác, còn {places_left} suất: chờ Hội đồng thi đua quyết định",
            tied.saturating_sub(1)
        ),
        (CouncilNote::Pending { places_left, tied }, true) => format!(
            "tied at the cut of excellent with {} other units, {places_left} place(s) left: awaiting the emulation council",
            tied.saturating_sub(1)
        ),
        (CouncilNote::Chosen { number, date }, false) => format!(
            "đồng điểm tại ngưỡng xuất sắc, được Hội đồng thi đua chọn (Quyết định số {number} ngày {})",
            tr.date(date)
        ),
        (CouncilNote::Chosen { number, date }, true) => format!(
            "tied at the cut of excellent, chosen by the emulation council (decision No. {number} of {})",
            tr.date(date)
        ),
        (CouncilNote::NotChosen { number, date }, false) => format!(
            "đồng điểm tại ngưỡng xuất sắc, không được Hội đồng thi đua chọn (Quyết định số {number} ngày {})",
            tr.date(date)
        ),
        (CouncilNote::NotChosen { number, date }, true) => format!(
            "tied at the cut of excellent, not chosen by the emulation council (decision No. {number} of {})",
            tr.date(date)
        ),
    }
}
