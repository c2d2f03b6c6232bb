//! What an authenticator app shows: the tests of two-step sign-in compute the code from the
//! key the page showed, as the person's phone does.

/// The code for `key` (base32, spaces allowed, as the page groups it) at `secs` from now.
pub fn code_at(key: &str, secs: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(key.replace(' ', "")).unwrap();
    let t = totp_rs::Builder::new()
        .with_secret(secret.to_vec())
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    t.generate(now.saturating_add_signed(secs)).to_string()
}
