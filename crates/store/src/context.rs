//! Where a change comes from, for the audit log and the history of values: the client's
//! address, set once per request by the web server around its handler, read by every write
//! that request makes (no write path takes it as an argument, so none can forget it).

tokio::task_local! {
    static CLIENT: String;
}

/// Runs `f` with `address` as the origin of the changes it makes.
pub async fn with_client<F: std::future::Future>(address: String, f: F) -> F::Output {
    CLIENT.scope(address, f).await
}

/// The origin of the current change: the client's address, empty outside a request (the
/// command line, the server's own jobs).
pub(crate) fn client() -> String {
    CLIENT.try_with(Clone::clone).unwrap_or_default()
}
