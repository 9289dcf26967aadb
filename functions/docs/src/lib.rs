//! The API's OpenAPI document and its docs page (Swagger UI, served from
//! the binary: no internet needed). The document is generated from every
//! area's code by `infra::openapi` into `openapi.json` beside this crate,
//! and embedded here, so this function links no area code and builds no
//! document at start-up. A test keeps the file in step with the code.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
const OPENAPI_PATH: &str = "/api/openapi.json";
const DOCS_PATH: &str = "/api/docs/";

/// The whole API's document, as generated from the code.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

const INDEX: &str = r##"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>DestinyJobs API</title>
<link rel="icon" href="favicon-32x32.png">
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });</script>
</body>
</html>
"##;

fn asset(content_type: &'static str, bytes: &'static [u8]) -> impl IntoResponse + Clone {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
}

/// `/api/openapi.json` and the docs page at `/api/docs/`.
pub fn router() -> Router {
    Router::new()
        .route(
            OPENAPI_PATH,
            get(|| async { ([(CONTENT_TYPE, "application/json")], OPENAPI_JSON) }),
        )
        .route(
            "/api/docs",
            get(|| async { Redirect::permanent(DOCS_PATH) }),
        )
        .route(
            DOCS_PATH,
            get(|| async { ([(CONTENT_TYPE, "text/html; charset=utf-8")], INDEX) }),
        )
        .route(
            "/api/docs/swagger-ui-bundle.js",
            get(|| async {
                asset(
                    "text/javascript",
                    include_bytes!(concat!(env!("OUT_DIR"), "/swagger-ui-bundle.js")),
                )
            }),
        )
        .route(
            "/api/docs/swagger-ui.css",
            get(|| async {
                asset(
                    "text/css",
                    include_bytes!(concat!(env!("OUT_DIR"), "/swagger-ui.css")),
                )
            }),
        )
        .route(
            "/api/docs/favicon-32x32.png",
            get(|| async {
                asset(
                    "image/png",
                    include_bytes!(concat!(env!("OUT_DIR"), "/favicon-32x32.png")),
                )
            }),
        )
}
