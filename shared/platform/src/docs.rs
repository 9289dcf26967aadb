//! What every area's OpenAPI document shares.

use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

pub const OPENAPI_PATH: &str = "/api/openapi.json";
pub const DOCS_PATH: &str = "/api/docs/";
/// Who answers for this API (the document's `info.contact`).
pub const CONTACT_NAME: &str = "DestinyJobs, équipe backend";
/// `make run`'s address.
pub const LOCAL_SERVER: &str = "http://127.0.0.1:3000";
/// A deployed stack's address: its `ApiUrl` output.
pub const DEPLOYED_SERVER: &str = "https://{api_id}.execute-api.{region}.amazonaws.com";

/// Adds what every area's document shares: title, version, contact,
/// servers, bearer scheme. No licence: the project has not chosen one
/// (utoipa would otherwise put its own crate's author and licence here).
pub fn finish(mut doc: OpenApi) -> OpenApi {
    use utoipa::openapi::{ContactBuilder, ServerBuilder, ServerVariableBuilder};
    doc.info.title = "DestinyJobs API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "API de la plateforme DestinyJobs : offres, financements, bourses, consultations. \
         Guide d'intégration : docs/integration.md ; limites de débit : docs/rate-limits.md."
            .into(),
    );
    // A name only: the project has no public address to give yet.
    doc.info.contact = Some(ContactBuilder::new().name(Some(CONTACT_NAME)).build());
    doc.info.license = None;
    doc.servers = Some(vec![
        ServerBuilder::new()
            .url(LOCAL_SERVER)
            .description(Some("Local : make run"))
            .build(),
        ServerBuilder::new()
            .url(DEPLOYED_SERVER)
            .description(Some(
                "Une pile déployée (dev, staging, prod) : sa sortie ApiUrl (sam list stack-outputs)",
            ))
            .parameter(
                "api_id",
                ServerVariableBuilder::new()
                    .default_value("api-id")
                    .description(Some("L'id de l'API HTTP de la pile")),
            )
            .parameter(
                "region",
                ServerVariableBuilder::new()
                    .default_value("eu-west-3")
                    .description(Some("La région de la pile (samconfig.toml)")),
            )
            .build(),
    ]);
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
    // Handlers of different areas share names (`list`, `postuler`): an
    // operation's id is its tag and its handler, unique in the document.
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let tag = operation
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_default();
            if let Some(id) = operation.operation_id.as_mut()
                && !tag.is_empty()
                && !id.starts_with(&format!("{tag}_"))
            {
                *id = format!("{tag}_{id}");
            }
        }
    }
    doc
}
