//! The whole API's OpenAPI document, generated from every area's code.
//! The docs function serves it from `functions/docs/openapi.json`, written
//! from here; a test fails when that file is stale
//! (`UPDATE_OPENAPI=1 cargo test -p e2e --test openapi` rewrites it).

/// Each area's own document (add new areas here).
pub fn areas() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        auth::openapi(),
        admin::openapi(),
        messages::openapi(),
        notifications::openapi(),
        offres::openapi(),
        financements::openapi(),
        bourses::openapi(),
        consultations::openapi(),
        candidatures::openapi(),
        uploads::openapi(),
        recherche::openapi(),
        statistiques::openapi(),
    ]
}

/// Every area's document, merged.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut areas = areas().into_iter();
    let mut doc = areas.next().expect("an area");
    for area in areas {
        doc.merge(area);
    }
    shared::docs::finish(doc)
}

pub fn file() -> std::path::PathBuf {
    crate::local::project_root().join("functions/docs/openapi.json")
}

/// The document as the docs function serves it.
pub fn render() -> String {
    let mut text = serde_json::to_string_pretty(&shared::docs::served(&document()))
        .expect("the OpenAPI document serializes");
    text.push('\n');
    text
}
