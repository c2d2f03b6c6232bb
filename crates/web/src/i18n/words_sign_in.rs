//! The words of two-step sign-in, one's own sessions and the sign-in log.

pub(super) const SIGN_IN_WORDS: &[(&str, &str, &str)] = &[
    ("second_step", "Xác thực hai bước", "Two-step sign-in"),
    (
        "second_step_help",
        "Nhập mã 6 chữ số ứng dụng xác thực trên điện thoại của bạn đang hiện.",
        "Type the 6-digit code your phone's authenticator app shows now.",
    ),
    (
        "recovery_hint",
        "Mất điện thoại? Nhập một trong các mã dự phòng đã lưu khi bật xác thực hai bước (mỗi mã dùng một lần), hoặc nhờ quản trị viên tắt xác thực hai bước của bạn.",
        "Lost your phone? Type one of the recovery codes you kept when you turned two-step sign-in on (each works once), or ask an administrator to turn it off for you.",
    ),
    (
        "remember_device",
        "Ghi nhớ trình duyệt này trong {n} ngày",
        "Remember this browser for {n} days",
    ),
    ("confirm", "Xác nhận", "Confirm"),
    (
        "bad_code",
        "Mã không đúng hoặc đã dùng. Còn {n} lần thử trước khi phải nhập lại mật khẩu.",
        "The code is not right or was already used. {n} tries left before the password is asked again.",
    ),
    (
        "code_expired",
        "Phiên chờ mã xác thực đã hết hạn hoặc đã nhập sai quá số lần: hãy đăng nhập lại.",
        "The wait for the code has ended (too long, or too many wrong codes): sign in again.",
    ),
    (
        "two_factor_on",
        "Đang bật: mỗi lần đăng nhập trên trình duyệt lạ cần mã từ ứng dụng xác thực.",
        "On: each sign-in on a browser not remembered asks for the app's code.",
    ),
    (
        "two_factor_off",
        "Chưa bật. Khi bật, đăng nhập cần thêm mã từ ứng dụng xác thực trên điện thoại (Google Authenticator, Microsoft Authenticator, FreeOTP…).",
        "Off. When on, signing in also asks for a code from an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, FreeOTP…).",
    ),
    (
        "two_factor_required",
        "Vai trò của bạn bắt buộc xác thực hai bước: hãy bật để tiếp tục làm việc.",
        "Your role requires two-step sign-in: turn it on to continue.",
    ),
    (
        "turn_on",
        "Bật xác thực hai bước",
        "Turn two-step sign-in on",
    ),
    (
        "turn_off",
        "Tắt xác thực hai bước",
        "Turn two-step sign-in off",
    ),
    (
        "recovery_left",
        "Mã dự phòng chưa dùng",
        "Unused recovery codes",
    ),
    (
        "new_recovery_codes",
        "Tạo mã dự phòng mới",
        "New recovery codes",
    ),
    (
        "enrol_scan",
        "1. Mở ứng dụng xác thực trên điện thoại và quét mã QR này (hoặc nhập khóa bên dưới).",
        "1. Open the authenticator app on your phone and scan this QR code (or type the key below).",
    ),
    ("enrol_key", "Khóa", "Key"),
    (
        "enrol_confirm",
        "2. Nhập mã 6 chữ số ứng dụng hiện ra để xác nhận.",
        "2. Type the 6-digit code the app shows to confirm.",
    ),
    (
        "recovery_codes_once",
        "Mã dự phòng (chỉ hiện lần này): in hoặc lưu ở nơi an toàn. Mỗi mã thay cho mã của ứng dụng một lần khi mất điện thoại.",
        "Recovery codes (shown only now): print them or keep them somewhere safe. Each stands in once for the app's code if you lose your phone.",
    ),
    (
        "two_factor_enabled_done",
        "Đã bật xác thực hai bước.",
        "Two-step sign-in is on.",
    ),
    (
        "two_factor_disabled_done",
        "Đã tắt xác thực hai bước.",
        "Two-step sign-in is off.",
    ),
    (
        "back_to_account",
        "Về trang tài khoản",
        "Back to the account",
    ),
    ("sessions_open", "Các phiên đăng nhập", "Open sessions"),
    ("session_started", "Bắt đầu", "Started"),
    ("session_ends", "Hết hạn", "Ends"),
    ("address", "Địa chỉ IP", "Address"),
    ("browser", "Trình duyệt", "Browser"),
    ("this_session", "Phiên này", "This session"),
    ("end_session", "Đăng xuất phiên", "Sign out"),
    (
        "session_ended",
        "Đã kết thúc phiên đăng nhập.",
        "The session has ended.",
    ),
    ("sign_in_log", "Nhật ký đăng nhập", "Sign-in log"),
    ("time", "Thời điểm", "Time"),
    ("outcome", "Kết quả", "Outcome"),
    ("outcome_ok", "Thành công", "Signed in"),
    (
        "outcome_ok_recovery",
        "Thành công (mã dự phòng)",
        "Signed in (recovery code)",
    ),
    (
        "outcome_code_due",
        "Đúng mật khẩu, chờ mã",
        "Password right, code due",
    ),
    ("outcome_bad_password", "Sai mật khẩu", "Wrong password"),
    ("outcome_bad_code", "Sai mã xác thực", "Wrong code"),
    ("outcome_throttled", "Bị chặn tạm thời", "Throttled"),
    ("unknown_login", "không có tài khoản này", "no such account"),
    ("older", "Cũ hơn", "Older"),
    (
        "two_factor_policy",
        "Vai trò bắt buộc xác thực hai bước",
        "Roles that must use two-step sign-in",
    ),
    (
        "remember_days",
        "Số ngày ghi nhớ thiết bị (0: không ghi nhớ)",
        "Days a device is remembered (0: never)",
    ),
    (
        "reset_two_factor",
        "Tắt xác thực hai bước",
        "Turn two-step off",
    ),
    ("two_factor_short", "2 bước", "2-step"),
    (
        "two_factor_reset_done",
        "Đã tắt xác thực hai bước của tài khoản; các phiên của tài khoản đã kết thúc.",
        "The account's two-step sign-in is off; its sessions have ended.",
    ),
];
