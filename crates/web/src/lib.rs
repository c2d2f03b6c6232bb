//! The HTTP server: server-rendered pages for people, a JSON API for other systems, both
//! over the same store and engine.

pub mod actions;
pub mod api;
pub mod assets;
pub mod auth;
pub mod i18n;
pub mod live;
pub mod pages;

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use chitieu_store::Store;
use live::Live;
use std::net::SocketAddr;
use std::sync::Arc;

/// Request bodies with files: a few evidence files at most.
const UPLOAD_LIMIT: usize = 3 * chitieu_store::MAX_EVIDENCE_BYTES;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub live: Arc<Live>,
    pub throttle: Arc<auth::Throttle>,
}

/// The application's routes over a store; loads the engine first.
pub async fn app(store: Store) -> Result<Router, chitieu_store::StoreError> {
    let live = Arc::new(Live::load(store.clone()).await?);
    let state = AppState {
        store,
        live,
        throttle: Arc::new(auth::Throttle::default()),
    };
    Ok(Router::new()
        .route("/", get(pages::overview))
        .route("/indicators/{code}", get(pages::indicator))
        .route("/units/{code}", get(pages::unit))
        .route("/my", get(pages::my_work))
        .route(
            "/entry",
            get(pages::entry_form)
                .post(pages::entry_save)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/tasks", get(pages::tasks))
        .route("/tasks/{code}", get(pages::task))
        .route(
            "/tasks/{code}/progress",
            post(pages::task_progress).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/evidence/{id}", get(pages::evidence))
        .route("/admin", get(pages::admin))
        .route("/admin/{what}", post(pages::admin_save))
        .route("/public", get(pages::public))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang/{lang}", get(pages::set_lang))
        .route("/assets/{*path}", get(assets::asset))
        .route("/healthz", get(api::healthz))
        .route("/api/docs", get(api::docs))
        .merge(api::router())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state))
}

/// No inline script, no framing, no sniffing, on every response.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::HeaderValue;
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}

/// Binds `addr` and serves until Ctrl-C. Calls `ready` with the bound address (port 0 in
/// tests picks a free port).
pub async fn serve(
    store: Store,
    addr: &str,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let app = app(store).await.map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    // The peer's address feeds the sign-in throttle.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
