//! The OpenAPI document and an offline docs page (vendored Swagger UI).

use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_swagger_ui::SwaggerUi;

pub const OPENAPI_PATH: &str = "/api/openapi.json";
pub const DOCS_PATH: &str = "/api/docs";

/// Adds what every area's document shares: title, bearer scheme.
pub fn finish(mut doc: OpenApi) -> OpenApi {
    doc.info.title = "DestinyJobs API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "API de la plateforme DestinyJobs : offres, financements, bourses, consultations.".into(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc
}

/// `/api/openapi.json` and the docs page at `/api/docs/`.
pub fn router(doc: OpenApi) -> Router {
    Router::new().merge(SwaggerUi::new(DOCS_PATH).url(OPENAPI_PATH, finish(doc)))
}
