//! Static files, embedded in the binary: the app works on a closed network.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
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
        "apidocs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/apidocs.js"),
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

/// A digest of every embedded file: pages ask for `/assets/app.css?v=VERSION`, so a new build
/// with changed files gets new URLs and browsers may keep the old ones for a year. (A cache
/// key, not a security measure: std's hasher is enough.)
pub fn version() -> &'static str {
    static V: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        for (name, _, body) in FILES {
            name.hash(&mut h);
            body.hash(&mut h);
        }
        format!("{:016x}", h.finish())
    });
    &V
}

pub async fn asset(
    Path(path): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, body)) => {
            // Versioned in the URL (by the digest, or in the file name): never changes.
            let pinned = query.is_some_and(|q| q == format!("v={}", version()))
                || path.starts_with("vendor/");
            let cache = if pinned {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=86400"
            };
            (
                [
                    (header::CONTENT_TYPE, *mime),
                    (header::CACHE_CONTROL, cache),
                ],
                *body,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `/favicon.ico`, which browsers ask for on their own: the same icon.
pub async fn favicon() -> Response {
    asset(Path("favicon.svg".into()), axum::extract::RawQuery(None)).await
}

#[cfg(test)]
mod tests {
    /// Every `/assets/…` a template or the API viewer refers to is served: `/api/docs` was
    /// blank because its script was not in the list.
    #[test]
    fn every_referenced_asset_is_served() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("templates"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        sources.push(dir.join("assets/apidocs.html"));
        let mut checked = 0;
        for path in sources {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("\"/assets/").skip(1) {
                let name = part.split(['"', '?']).next().unwrap();
                assert!(
                    super::FILES.iter().any(|(p, _, _)| *p == name),
                    "{} refers to /assets/{name}, which is not served",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 3);
    }
}
