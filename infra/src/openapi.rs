//! The whole API's OpenAPI document, generated from every area's code.
//! The docs function serves it from `functions/docs/openapi.json`, written
//! from here; a test fails when that file is stale
//! (`UPDATE_OPENAPI=1 cargo test -p e2e --test openapi` rewrites it).

/// Every area's document, merged (`doc.merge(area::openapi())` for each
/// new area).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = auth::openapi();
    doc.merge(admin::openapi());
    doc.merge(messages::openapi());
    doc.merge(notifications::openapi());
    shared::docs::finish(doc)
}

pub fn file() -> std::path::PathBuf {
    crate::local::project_root().join("functions/docs/openapi.json")
}

/// The document as the docs function serves it.
pub fn render() -> String {
    let mut text =
        serde_json::to_string_pretty(&document()).expect("the OpenAPI document serializes");
    text.push('\n');
    text
}
