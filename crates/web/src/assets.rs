//! Static files, embedded in the binary: the app works on a closed network.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "vendor/htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/htmx-2.0.11.min.js"),
    ),
    (
        "vendor/echarts-6.1.0.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/echarts-6.1.0.min.js"),
    ),
    (
        "fonts/noto-sans-latin-400-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/noto-sans-latin-400-normal.woff2"),
    ),
    (
        "fonts/noto-sans-latin-700-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/noto-sans-latin-700-normal.woff2"),
    ),
    (
        "fonts/noto-sans-latin-ext-400-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/noto-sans-latin-ext-400-normal.woff2"),
    ),
    (
        "fonts/noto-sans-latin-ext-700-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/noto-sans-latin-ext-700-normal.woff2"),
    ),
    (
        "fonts/noto-sans-vietnamese-400-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/noto-sans-vietnamese-400-normal.woff2"),
    ),
    (
        "fonts/noto-sans-vietnamese-700-normal.woff2",
        "font/woff2",
        include_bytes!("../assets/fonts/noto-sans-vietnamese-700-normal.woff2"),
    ),
];

pub async fn asset(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
