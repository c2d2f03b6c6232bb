//! The demo's heads of units: authorities' heads (with a change at the province and at the
//! Department of Science and Technology) and, beside them, the Party committees' secretaries.

use anyhow::Result;
use chitieu_domain::Head;
use chitieu_store::Store;

use crate::{ACTOR, code, d};

/// Every head's term, written once.
pub(crate) async fn load(store: &Store) -> Result<()> {
    // Heads, with a change at the province and at the Department of Science and Technology.
    let heads = [
        (
            "19",
            "Nguyễn Văn Minh",
            "Chủ tịch UBND tỉnh",
            d(2021, 6, 1),
            Some(d(2025, 6, 30)),
        ),
        (
            "19",
            "Trần Thị Hồng Hạnh",
            "Chủ tịch UBND tỉnh",
            d(2025, 7, 1),
            None,
        ),
        (
            "TN.SKHCN",
            "Lê Quang Huy",
            "Giám đốc Sở",
            d(2025, 3, 1),
            Some(d(2026, 3, 31)),
        ),
        (
            "TN.SKHCN",
            "Phạm Thu Trang",
            "Giám đốc Sở",
            d(2026, 4, 1),
            None,
        ),
        (
            "TN.VPUB",
            "Đỗ Mạnh Cường",
            "Chánh Văn phòng",
            d(2025, 3, 1),
            None,
        ),
        (
            "TN.SNV",
            "Hoàng Thị Lan",
            "Giám đốc Sở",
            d(2025, 3, 1),
            None,
        ),
        ("TN.STC", "Vũ Đức Thắng", "Giám đốc Sở", d(2025, 3, 1), None),
        ("TN.SCT", "Ngô Thị Bích", "Giám đốc Sở", d(2025, 3, 1), None),
        // In Thái Nguyên the Provincial Party Secretary heads the Steering Committee; the
        // People's Committee chairman is its standing deputy head. Names are fictitious.
        (
            "TN.BCD",
            "Nguyễn Đức Thành",
            "Trưởng Ban Chỉ đạo, Bí thư Tỉnh ủy",
            d(2025, 7, 1),
            None,
        ),
        (
            "5443",
            "Đặng Văn Tùng",
            "Chủ tịch UBND phường",
            d(2025, 7, 1),
            None,
        ),
    ];
    // Beside each authority's head, the Party committee's secretary answers for the same
    // results (fictitious names; real offices).
    let party = [
        ("19", "Nguyễn Đức Thành", "Bí thư Tỉnh ủy", d(2025, 7, 1)),
        (
            "5443",
            "Lương Thị Hoa",
            "Bí thư Đảng ủy phường",
            d(2025, 7, 1),
        ),
        (
            "5500",
            "Phan Văn Khải",
            "Bí thư Đảng ủy phường",
            d(2025, 7, 1),
        ),
    ];
    let heads = heads
        .into_iter()
        .map(|(u, p, t, s, e)| (u, p, t, s, e, chitieu_domain::head::Office::Authority))
        .chain(
            party
                .into_iter()
                .map(|(u, p, t, s)| (u, p, t, s, None, chitieu_domain::head::Office::Party)),
        );
    for (u, person, title, start, end, office) in heads {
        store
            .add_head(
                &Head {
                    unit: code(u),
                    person: person.into(),
                    title: title.into(),
                    term_start: start,
                    term_end: end,
                    office,
                },
                ACTOR,
            )
            .await?;
    }
    Ok(())
}
