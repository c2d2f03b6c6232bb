//! The words of a province's delivery to the central instance.

pub(super) const UPSTREAM_WORDS: &[(&str, &str, &str)] = &[
    (
        "upstream",
        "Gửi số liệu lên trung ương",
        "Delivery to the centre",
    ),
    (
        "upstream_help",
        "Số liệu chính thức (báo cáo đã tiếp nhận, tệp nhập ở trạng thái đã tiếp nhận) được tự động gửi lên hệ thống trung ương; khi trung ương không trả lời, số liệu chờ và được gửi lại sau. Địa chỉ phải là http: khi trung ương dùng https, đi qua proxy của trung tâm dữ liệu.",
        "Official figures (accepted reports, files imported as accepted) go to the central system by themselves; while the centre does not answer, they wait and are sent again later. The address must be http: reach an https centre through the data centre's proxy.",
    ),
    (
        "upstream_none",
        "Chưa khai báo hệ thống trung ương.",
        "No central system is set.",
    ),
    (
        "upstream_url",
        "Địa chỉ hệ thống trung ương",
        "The central system's address",
    ),
    (
        "upstream_token",
        "Token do trung ương cấp",
        "Token issued by the centre",
    ),
    ("upstream_system", "Bảng ánh xạ mã", "Code mapping"),
    (
        "upstream_mapping",
        "Mã của trung ương cho chỉ tiêu và đơn vị",
        "The centre's codes for indicators and units",
    ),
    (
        "upstream_mapping_help",
        "Loại: unit, value, numerator, denominator. Chỉ số liệu của các chỉ tiêu có trong bảng được gửi lên; bảng trống: mọi chỉ tiêu, giữ nguyên mã. Đơn vị không có dòng giữ nguyên mã.",
        "Parts: unit, value, numerator, denominator. Only the figures of indicators in the table go up; an empty table sends every indicator under its own code. A unit without a row keeps its code.",
    ),
    (
        "upstream_mapping_rows",
        "Bảng mã (CSV: loại,mã của tỉnh,mã của trung ương)",
        "Codes (CSV: part,province's code,centre's code)",
    ),
    (
        "upstream_mapping_saved",
        "Đã lưu bảng mã; số liệu chính thức từ nay được gửi theo bảng mới.",
        "The codes are saved; official figures go up in them from now on.",
    ),
    ("upstream_pending", "Đang chờ gửi", "Waiting to go"),
    (
        "upstream_oldest",
        "Chờ lâu nhất (giây)",
        "Longest wait (seconds)",
    ),
    (
        "upstream_last_success",
        "Gửi thành công gần nhất",
        "Last delivered",
    ),
    ("upstream_last_error", "Lỗi gần nhất", "Last error"),
    (
        "upstream_rejected",
        "Bị trung ương từ chối",
        "Refused by the centre",
    ),
    (
        "upstream_resend",
        "Gửi lại các số liệu bị từ chối",
        "Send the refused figures again",
    ),
    (
        "upstream_saved",
        "Đã lưu; số liệu chính thức đã có được đưa vào hàng đợi gửi.",
        "Saved; the official figures already there are queued to go.",
    ),
    (
        "upstream_resent",
        "Các số liệu bị từ chối sẽ được gửi lại.",
        "The refused figures will be sent again.",
    ),
];
