//! The words of accounts over their life: one's own account page, resets, disabling.

pub(super) const ACCOUNT_WORDS: &[(&str, &str, &str)] = &[
    ("account", "Tài khoản", "Account"),
    ("change_password", "Đổi mật khẩu", "Change password"),
    ("current_password", "Mật khẩu hiện tại", "Current password"),
    ("one_time_code", "Mã dùng một lần", "One-time code"),
    ("new_password", "Mật khẩu mới", "New password"),
    (
        "new_password_again",
        "Nhập lại mật khẩu mới",
        "New password again",
    ),
    (
        "password_changed",
        "Đã đổi mật khẩu; các phiên đăng nhập khác của tài khoản đã kết thúc.",
        "Password changed; the account's other sessions have ended.",
    ),
    (
        "must_change",
        "Bạn đăng nhập bằng mã dùng một lần: hãy đặt mật khẩu mới để tiếp tục.",
        "You signed in with a one-time code: set a new password to continue.",
    ),
    (
        "password_rules",
        "Mật khẩu cần ít nhất 10 ký tự, không trùng tên đăng nhập và không nằm trong danh sách mật khẩu phổ biến; không bắt buộc chữ hoa hay ký tự đặc biệt: một câu dài dễ nhớ là mật khẩu tốt.",
        "A password needs at least 10 characters, must not be the login or a common password; no capitals or symbols are required: a long sentence you remember is a good password.",
    ),
    ("account_state", "Trạng thái", "State"),
    ("account_active", "Đang hoạt động", "Active"),
    ("account_disabled", "Đã vô hiệu hóa", "Disabled"),
    (
        "account_must_change",
        "Chờ đặt mật khẩu mới",
        "Awaiting a new password",
    ),
    (
        "reset_password",
        "Cấp mã đặt lại mật khẩu",
        "Reset password",
    ),
    ("disable", "Vô hiệu hóa", "Disable"),
    (
        "confirm_reset_password",
        "Mật khẩu hiện tại sẽ không dùng được nữa. Cấp mã đặt lại mật khẩu cho tài khoản",
        "The current password will stop working. Reset the password of",
    ),
    (
        "confirm_disable",
        "Người dùng sẽ bị đăng xuất ngay và không đăng nhập được. Vô hiệu hóa tài khoản",
        "The person is signed out at once and cannot sign in. Disable",
    ),
    (
        "confirm_reset_two_factor",
        "Người dùng sẽ phải đăng ký lại ứng dụng xác thực. Xóa xác thực hai bước của tài khoản",
        "The person will have to enrol an authenticator app again. Remove two-step sign-in of",
    ),
    ("enable", "Kích hoạt lại", "Enable"),
    (
        "reset_code",
        "Mã dùng một lần cho tài khoản (chỉ hiện lần này; trao trực tiếp cho người dùng, họ đăng nhập bằng mã rồi đặt mật khẩu mới):",
        "One-time code for the account (shown only now; hand it to the person, who signs in with it and sets a new password):",
    ),
    (
        "account_disabled_done",
        "Đã vô hiệu hóa tài khoản; mọi phiên đăng nhập của tài khoản đã kết thúc.",
        "Account disabled; all its sessions have ended.",
    ),
    (
        "account_enabled_done",
        "Đã kích hoạt lại tài khoản.",
        "Account enabled again.",
    ),
];
