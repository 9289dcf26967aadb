//! The API's OpenAPI document, merged from every area, and its offline
//! docs page. Each area describes its own routes; this crate only merges
//! (`doc.merge(area::openapi())` for each new area).

use axum::Router;

/// The whole API's document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let doc = auth::openapi();
    shared::docs::finish(doc)
}

/// `/api/openapi.json` and `/api/docs/`.
pub fn router() -> Router {
    shared::docs::router(openapi())
}
