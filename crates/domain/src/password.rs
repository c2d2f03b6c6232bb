//! What a password must be: long enough, not blank, not one that people commonly choose,
//! not the login itself. The hash is the store's business (argon2).

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 10;
/// The longest, in bytes (argon2 takes any length; this bounds the work a sign-in costs).
pub const MAX_BYTES: usize = 1024;

const COMMON: &str = include_str!("common-passwords.txt");

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    Length,
    Blank,
    Common,
    SameAsLogin,
    OneCharacter,
    /// The current password (or one-time code) typed is not right.
    WrongCurrent,
    /// The new password and its repetition differ.
    Mismatch,
    /// The new password is the one in use.
    Unchanged,
    /// The code of the authenticator app (or a recovery code) is not right or was used.
    WrongCode,
    /// The second factor cannot be turned off: the account's role requires it.
    SecondFactorRequired,
}

impl PasswordError {
    pub fn message_en(self) -> &'static str {
        match self {
            PasswordError::Length => {
                "a password needs at least 10 characters (and at most 1,024 bytes)"
            }
            PasswordError::Blank => "a password cannot be only spaces",
            PasswordError::Common => "this password is among the most common ones; choose another",
            PasswordError::SameAsLogin => "a password cannot be the login name",
            PasswordError::OneCharacter => "a password cannot be one character repeated",
            PasswordError::WrongCurrent => "the current password (or one-time code) is not right",
            PasswordError::Mismatch => "the new password and its repetition differ",
            PasswordError::Unchanged => "the new password must differ from the current one",
            PasswordError::WrongCode => {
                "the code is not right, or was already used: type the 6 digits the authenticator app shows now, or an unused recovery code"
            }
            PasswordError::SecondFactorRequired => {
                "two-step sign-in is required for this account's role and cannot be turned off"
            }
        }
    }
}

impl std::fmt::Display for PasswordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PasswordError::Length => "mật khẩu phải có từ 10 ký tự (và không quá 1.024 byte)",
            PasswordError::Blank => "mật khẩu không thể chỉ gồm khoảng trắng",
            PasswordError::Common => "mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ đoán: hãy chọn mật khẩu khác",
            PasswordError::SameAsLogin => "mật khẩu không được trùng tên đăng nhập",
            PasswordError::OneCharacter => "mật khẩu không thể chỉ lặp lại một ký tự",
            PasswordError::WrongCurrent => "mật khẩu hiện tại (hoặc mã dùng một lần) không đúng",
            PasswordError::Mismatch => "mật khẩu mới và mật khẩu nhập lại không khớp",
            PasswordError::Unchanged => "mật khẩu mới phải khác mật khẩu đang dùng",
            PasswordError::WrongCode => "mã không đúng hoặc đã dùng: nhập 6 chữ số ứng dụng xác thực đang hiện, hoặc một mã dự phòng chưa dùng",
            PasswordError::SecondFactorRequired => "vai trò của tài khoản này bắt buộc xác thực hai bước, không thể tắt",
        })
    }
}

impl std::error::Error for PasswordError {}

/// Checks a new password for the account `login`.
pub fn check(password: &str, login: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_CHARS || password.len() > MAX_BYTES {
        return Err(PasswordError::Length);
    }
    if password.trim().is_empty() {
        return Err(PasswordError::Blank);
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(PasswordError::OneCharacter);
    }
    let lower = password.trim().to_lowercase();
    if lower == login.trim().to_lowercase() {
        return Err(PasswordError::SameAsLogin);
    }
    if COMMON
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == lower)
    {
        return Err(PasswordError::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_short_common_and_repeated_passwords_are_refused() {
        assert_eq!(check("          ", "a"), Err(PasswordError::Blank));
        assert_eq!(
            check("\t\t\t\t\t\t\t\t\t\t", "a"),
            Err(PasswordError::Blank)
        );
        assert_eq!(check("ngan", "a"), Err(PasswordError::Length));
        assert_eq!(check("Password123", "a"), Err(PasswordError::Common));
        assert_eq!(check("1234567890", "a"), Err(PasswordError::Common));
        assert_eq!(check("aaaaaaaaaaaa", "a"), Err(PasswordError::OneCharacter));
        assert_eq!(
            check("nguyen.van.an", "Nguyen.Van.An"),
            Err(PasswordError::SameAsLogin)
        );
        assert_eq!(check("mat-khau-du-dai-123", "a"), Ok(()));
        assert!(check(&"x".repeat(1025), "a").is_err());
        assert!(
            COMMON
                .lines()
                .filter(|l| !l.starts_with('#'))
                .all(|l| l.chars().count() >= MIN_CHARS)
        );
    }
}
