//! The HTTP server: server-rendered pages for people, a JSON API for other systems, both
//! over the same store and engine.

pub mod api;
pub mod assets;
pub mod auth;
pub use auth::TrustedProxies;
pub mod chrome;
pub mod error;
pub mod i18n;
pub mod listen;
pub mod metrics;
#[cfg(feature = "testing")]
pub mod testing;
pub mod views;
pub mod xlsx;

use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::routing::{get, post};
use chitieu_app::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies with files: a few evidence files at most.
const UPLOAD_LIMIT: usize = 3 * chitieu_app::MAX_EVIDENCE_BYTES;

#[derive(Clone)]
pub struct AppState {
    pub app: chitieu_app::App,
    pub throttle: Arc<auth::Throttle>,
    pub metrics: Arc<metrics::Metrics>,
}

/// The parts of the service, so that handlers say `s.store` and `s.live`.
impl std::ops::Deref for AppState {
    type Target = chitieu_app::App;
    fn deref(&self) -> &chitieu_app::App {
        &self.app
    }
}

/// The application's routes over a store; loads the engine first. Only this machine's
/// proxies are trusted.
pub async fn app(store: Store) -> Result<Router, chitieu_app::StoreError> {
    app_trusting(store, auth::TrustedProxies::default()).await
}

/// [`app`], believing the forwarded addresses of `trusted` proxies too.
pub async fn app_trusting(
    store: Store,
    trusted: auth::TrustedProxies,
) -> Result<Router, chitieu_app::StoreError> {
    let state = AppState {
        app: chitieu_app::App::load(store).await?,
        throttle: Arc::new(auth::Throttle::default()),
        metrics: Arc::new(metrics::Metrics::new()),
    };
    // Other processes' writes (another instance, an import) reach the snapshot from here.
    state.app.live.watch();
    // Reminders of reports due soon or late, and mail when the server has SMTP.
    chitieu_app::notify::start(state.app.clone());
    // Official figures to the central instance, when one is set.
    chitieu_app::upstream::start_sender(state.app.clone());
    let router = Router::new()
        .route("/", get(views::overview))
        .route("/indicators/{code}", get(views::indicator))
        .route("/units", get(views::units))
        .route("/unit-choices", get(views::unit_choices))
        .route("/units/{code}", get(views::unit))
        .route("/provinces", get(views::provinces))
        .route(
            "/units/{code}/notice-file",
            post(views::notice_file).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/units/{code}/{what}", post(views::committee_save))
        .route("/my", get(views::my_work))
        .route(
            "/entry",
            get(views::entry_form)
                .post(views::entry_save)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/entry/template", get(views::entry_template))
        .route(
            "/entry/upload",
            post(views::entry_upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/export/xlsx",
            post(views::export_xlsx).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/brief.docx", get(views::brief_file))
        .route("/brief.pdf", get(views::brief_file))
        .route("/brief.xlsx", get(views::brief_file))
        .route("/report.docx", get(views::report_file))
        .route("/report.pdf", get(views::report_file))
        .route("/report.xlsx", get(views::report_file))
        .route("/reports", get(views::reports))
        .route("/notices", get(views::notices).post(views::notices_read))
        .route("/reports/act", post(views::report_act))
        .route("/reports/matrix", get(views::matrix))
        .route("/reports/view", get(views::report_view))
        .route("/targets", get(views::targets))
        .route("/evaluation", get(views::evaluation_page))
        .route("/evaluation/freeze", post(views::evaluation_freeze))
        .route("/evaluation/rubric", post(views::evaluation_rubric))
        .route("/evaluation/proposals", post(views::evaluation_proposals))
        .route("/evaluation/ties", post(views::evaluation_ties))
        .route("/evaluation/heads", get(views::evaluation_head))
        .route("/evaluation/{code}", get(views::evaluation_unit))
        .route("/programmes", get(views::programme))
        .route("/programmes/sign", post(views::programme_sign))
        .route("/tasks", get(views::tasks))
        .route(
            "/tasks/new",
            get(views::task_new_form).post(views::task_new),
        )
        .route("/tasks/{code}", get(views::task))
        .route(
            "/tasks/{code}/edit",
            get(views::task_edit_form).post(views::task_edit),
        )
        .route(
            "/tasks/{code}/progress",
            post(views::task_progress).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/evidence/{id}", get(views::evidence))
        .route("/admin", get(views::admin))
        .route("/admin/sign-ins", get(views::sign_ins))
        .route(
            "/admin/upstream",
            get(views::admin_upstream).post(views::admin_upstream_save),
        )
        .route("/admin/upstream/resend", post(views::admin_upstream_resend))
        .route(
            "/admin/upstream/mapping",
            post(views::admin_upstream_mapping),
        )
        .route("/admin/{what}", post(views::admin_save))
        .route("/public", get(views::public))
        .route("/login", get(views::login_form).post(views::login))
        .route(
            "/login/code",
            get(views::login_code_form).post(views::login_code),
        )
        .route("/logout", post(views::logout))
        .route("/account", get(views::account))
        .route("/account/password", post(views::account_password))
        .route(
            "/account/two-factor",
            get(views::two_factor_form).post(views::two_factor_enable),
        )
        .route("/account/two-factor/off", post(views::two_factor_off))
        .route("/account/recovery-codes", post(views::recovery_codes))
        .route("/account/sessions/end", post(views::end_session))
        .route("/lang/{lang}", get(views::set_lang))
        .route("/assets/{*path}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/api/docs", get(api::docs))
        .merge(api::router())
        .fallback(views::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::error_pages_know_the_viewer,
        ))
        .layer(axum::middleware::from_fn(changes_know_their_origin))
        // Outside the middleware above, so that it (and every extractor) knows whom to trust.
        .layer(axum::Extension(trusted));
    Ok(http_layers(router).with_state(state))
}

/// Every change a request makes (audit log, history of values) records the client's address.
async fn changes_know_their_origin(
    addr: auth::ClientAddr,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let origin = addr.0.map(|a| a.to_string()).unwrap_or_default();
    chitieu_app::with_client(origin, next.run(req)).await
}

/// Numbers requests in the order they arrive (with the process's start time, so that ids
/// from several instances or restarts do not collide in the logs).
#[derive(Clone)]
struct RequestIds {
    start: u64,
    next: Arc<AtomicU64>,
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:x}-{n}", self.start))
            .ok()
            .map(RequestId::new)
    }
}

/// How long one request may take before it is answered 408; an import of a million rows
/// goes through the command line, not through one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The security headers: no inline script, no framing, no sniffing.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
];

/// What every response goes through: a request id (the client's `X-Request-Id`, or one made
/// here; returned on the response), a span per request in the log, a timeout, and the
/// security headers.
fn http_layers(router: Router<AppState>) -> Router<AppState> {
    let ids = RequestIds {
        start: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        next: Arc::new(AtomicU64::new(1)),
    };
    // Pages, JSON, scripts and styles compressed (echarts: 1.1 MB → about 360 kB with br);
    // fonts and images are compressed already.
    use tower_http::compression::Predicate as _;
    let compress = tower_http::compression::CompressionLayer::new().compress_when(
        tower_http::compression::predicate::DefaultPredicate::new()
            .and(tower_http::compression::predicate::NotForContentType::const_new("font/")),
    );
    let mut router = router
        .layer(compress)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                // The path only: a query string may carry what does not belong in a log.
                tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(ids));
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// Ctrl-C, or SIGTERM (what service managers send to stop a service).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("đang dừng: chờ các yêu cầu đang xử lý xong (shutting down)");
}

/// Binds `addr` and serves until Ctrl-C or SIGTERM, letting requests in flight finish.
/// Calls `ready` with the bound address (port 0 in tests picks a free port). Connection
/// limits come from the environment ([`listen::Limits::from_env`]).
pub async fn serve(
    store: Store,
    addr: &str,
    trusted: auth::TrustedProxies,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let limits = listen::Limits::from_env()
        .map_err(std::io::Error::other)?
        .within_open_files();
    let app = app_trusting(store, trusted)
        .await
        .map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    listen::serve(listener, app, limits, shutdown_signal()).await
}

/// As [`serve`] with the default limits, until `shutdown` completes.
pub async fn serve_until(
    store: Store,
    addr: &str,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_limited(store, addr, listen::Limits::default(), ready, shutdown).await
}

/// As [`serve_until`], within `limits`.
pub async fn serve_limited(
    store: Store,
    addr: &str,
    limits: listen::Limits,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(store).await.map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    listen::serve(listener, app, limits, shutdown).await
}
