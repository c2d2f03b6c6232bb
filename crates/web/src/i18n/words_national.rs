//! The words of the centre's page of the provinces.

pub(super) const NATIONAL_WORDS: &[(&str, &str, &str)] = &[
    ("provinces", "Các tỉnh, thành phố", "Provinces"),
    (
        "national_help",
        "Số liệu chính thức các tỉnh, thành phố đã gửi lên (báo cáo tỉnh đã tiếp nhận); kỳ đã kết thúc gần nhất của mỗi loại kỳ.",
        "Official figures the provinces have delivered (reports they accepted); the latest ended period of each kind.",
    ),
    ("national_map", "Bản đồ gửi số liệu", "Who has delivered"),
    (
        "national_full_count",
        "tỉnh, thành phố đã gửi đủ số liệu kỳ gần nhất",
        "provinces delivered all of the latest periods' figures",
    ),
    ("national_full", "Đã gửi đủ", "All delivered"),
    ("national_missing_codes", "còn thiếu", "missing"),
    ("national_part", "Gửi một phần", "Some delivered"),
    ("national_none", "Chưa gửi", "None delivered"),
    (
        "national_completeness",
        "Mức đầy đủ theo tỉnh (chỉ tiêu đã gửi / phải gửi)",
        "Completeness by province (indicators delivered / due)",
    ),
    ("province", "Tỉnh, thành phố", "Province"),
    (
        "national_rankings",
        "Xếp hạng các tỉnh theo từng chỉ tiêu",
        "Provinces ranked per indicator",
    ),
    ("national_target", "Mục tiêu quốc gia", "National target"),
    ("national_meets", "Đạt mức mục tiêu", "At the target"),
    ("national_below", "Chưa đạt", "Below the target"),
    (
        "national_no_figures",
        "Chưa tỉnh nào gửi số liệu chính thức.",
        "No province has delivered an official figure yet.",
    ),
    (
        "national_missing",
        "tỉnh, thành phố chưa có số liệu chính thức",
        "provinces without an official figure",
    ),
];
