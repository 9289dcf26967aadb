//! What every area's OpenAPI document shares.

use std::collections::BTreeMap;

use serde_json::{Value, json};
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
    let mut value = serde_json::to_value(&doc).expect("the document serializes");
    complete_responses(&mut value);
    serde_json::from_value(value).expect("the completed document reads back")
}

/// The document as it is served: `finish`'s, with its links
/// (`link_created`). Links are added to the JSON, not to utoipa's
/// `Link`, which 5.5 writes as `operation_id` where OpenAPI says
/// `operationId`.
pub fn served(doc: &OpenApi) -> Value {
    let mut value = serde_json::to_value(doc).expect("the document serializes");
    link_created(&mut value);
    value
}

/// What an error answer's body is, by status: DRF's shapes (error.rs).
fn error_schema(status: &str) -> Value {
    if status == "400" {
        json!({"$ref": "#/components/schemas/ErreurValidation"})
    } else {
        json!({"$ref": "#/components/schemas/Erreur"})
    }
}

/// The statuses any operation may answer by the conventions every route
/// shares (http.rs, error.rs, json.rs), with their bodies, added where a
/// handler did not list them (#20: the document lists every status an
/// operation can answer):
/// - 400: a body or a query string to validate;
/// - 401: a bearer token required;
/// - 404: an object named in the path;
/// - 413, 415: a body (too large, not of the type the route reads);
/// - 429: a write (a transaction that keeps colliding asks to retry);
/// - 503: always (a dependency failed, or the request ran out of time).
///
/// Every error answer gets its body's schema; 429 and 503 their
/// Retry-After header. 405 belongs to no operation: it is the answer to a
/// method the path does not list.
fn complete_responses(doc: &mut Value) {
    let components = &mut doc["components"]["schemas"];
    components["Erreur"] = json!({
        "description": "Une erreur : `detail` en français ; `code` pour certaines (`token_not_valid`, `quota_depasse`, `service_indisponible`...).",
        "type": "object", "required": ["detail"],
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "example": {"detail": "Service momentanément indisponible. Réessayez dans quelques secondes.", "code": "service_indisponible"},
    });
    components["ErreurValidation"] = json!({
        "type": "object", "minProperties": 1,
        "description": "Erreurs par champ (`{\"champ\": [\"message\"]}`) ou `{\"detail\": \"...\"}`, comme DRF.",
        "additionalProperties": true,
        "example": {"email": ["Ce champ est obligatoire."]},
    });
    let retry_after = json!({
        "description": "Secondes à attendre avant un nouvel essai",
        "schema": {"type": "integer", "minimum": 0},
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
            let located = |place: &str| parameters.iter().any(|p| p["in"] == place);
            let body = op.get("requestBody").is_some();
            let secured = op
                .get("security")
                .is_some_and(|s| s.as_array().is_some_and(|s| !s.is_empty()));
            let write = method != "get";
            let responses = op["responses"].as_object_mut().expect("responses");
            let mut add = |status: &str, description: &str, when: bool| {
                if when && !responses.contains_key(status) {
                    responses.insert(status.into(), json!({"description": description}));
                }
            };
            add(
                "400",
                "Requête invalide (erreurs par champ)",
                body || located("query"),
            );
            add(
                "401",
                "Non authentifié, ou jeton invalide ou expiré",
                secured,
            );
            add("404", "Introuvable", located("path"));
            add("413", "Corps trop volumineux", body);
            add("415", "Type de contenu non pris en charge", body);
            add(
                "429",
                "Trop de requêtes : réessayer après Retry-After secondes",
                write,
            );
            add(
                "503",
                "Service momentanément indisponible : réessayer après Retry-After secondes",
                true,
            );
            for (status, response) in responses.iter_mut() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                if response.get("content").is_none() {
                    response["content"] =
                        json!({"application/json": {"schema": error_schema(status)}});
                }
                if status == "429" || status == "503" {
                    response["headers"]["Retry-After"] = retry_after.clone();
                }
            }
        }
    }
}

/// The path parameters of a path template: `/a/{id}/b/` → `["id"]`.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// OpenAPI links, for clients and for stateful fuzzing: what a 201
/// creates (its `id`) feeds the operations on it, found by the paths
/// alone: those under the creating path with one parameter more
/// (`POST /api/messages/` → `/api/messages/{id}/...`), and those under a
/// path whose GET reads the same schema (`POST /api/offres/{id}/postuler/`
/// answers a Candidature, which `GET /api/candidat/candidatures/{id}/`
/// reads).
fn link_created(doc: &mut Value) {
    let schema_of = |op: &Value, status: &str| {
        op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .map(String::from)
    };
    let Some(paths) = doc["paths"].as_object() else {
        return;
    };
    // Paths with one parameter whose GET reads a schema: schema → paths.
    let mut readers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, item) in paths {
        if path_parameters(path).len() == 1
            && let Some(schema) = schema_of(&item["get"], "200")
        {
            readers.entry(schema).or_default().push(path.clone());
        }
    }
    let mut links: Vec<(String, String, String, Value)> = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Some(schema) = schema_of(op, "201") else {
                continue;
            };
            let mut roots: Vec<String> = readers.get(&schema).cloned().unwrap_or_default();
            if path_parameters(path).is_empty() {
                roots.extend(
                    paths
                        .keys()
                        .filter(|p| {
                            p.strip_prefix(path.as_str()).is_some_and(|rest| {
                                rest.starts_with('{') && path_parameters(p).len() == 1
                            })
                        })
                        .cloned(),
                );
            }
            for (target, target_item) in paths {
                let Some(root) = roots.iter().find(|r| target.starts_with(r.as_str())) else {
                    continue;
                };
                if path_parameters(target).len() != 1
                    || !path_parameters(target).contains(&path_parameters(root)[0])
                {
                    continue;
                }
                let parameter = path_parameters(target)[0];
                for target_op in target_item.as_object().into_iter().flat_map(|o| o.values()) {
                    if let Some(id) = target_op["operationId"].as_str() {
                        links.push((
                            path.clone(),
                            method.clone(),
                            id.to_string(),
                            json!({"operationId": id, "parameters": {parameter: "$response.body#/id"}}),
                        ));
                    }
                }
            }
        }
    }
    for (path, method, name, link) in links {
        doc["paths"][&path][&method]["responses"]["201"]["links"][name] = link;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "components": {"schemas": {"Message": {"type": "object"}}},
            "paths": {
                "/api/messages/": {
                    "get": {"operationId": "m_list", "security": [{"bearer": []}],
                        "parameters": [{"name": "page", "in": "query"}],
                        "responses": {"200": {"description": "ok"}}},
                    "post": {"operationId": "m_send", "security": [{"bearer": []}],
                        "requestBody": {"content": {}},
                        "responses": {"201": {"description": "sent",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                            "403": {"description": "refused"}}}
                },
                "/api/messages/{id}/": {
                    "get": {"operationId": "m_read", "security": [{"bearer": []}],
                        "parameters": [{"name": "id", "in": "path"}],
                        "responses": {"200": {"description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}}}}
                },
                "/api/messages/{id}/lu/": {
                    "put": {"operationId": "m_read_mark", "security": [{"bearer": []}],
                        "parameters": [{"name": "id", "in": "path"}],
                        "responses": {"200": {"description": "ok"}}}
                },
                "/api/public/": {"get": {"operationId": "p", "responses": {"200": {"description": "ok"}}}}
            }
        })
    }

    #[test]
    fn every_operation_lists_the_statuses_the_conventions_answer() {
        let mut d = doc();
        complete_responses(&mut d);
        let statuses = |path: &str, method: &str| -> Vec<String> {
            d["paths"][path][method]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(
            statuses("/api/messages/", "get"),
            ["200", "400", "401", "503"]
        );
        assert_eq!(
            statuses("/api/messages/", "post"),
            ["201", "400", "401", "403", "413", "415", "429", "503"]
        );
        assert_eq!(
            statuses("/api/messages/{id}/lu/", "put"),
            ["200", "401", "404", "429", "503"]
        );
        assert_eq!(statuses("/api/public/", "get"), ["200", "503"]);
        let post = &d["paths"]["/api/messages/"]["post"]["responses"];
        assert_eq!(
            post["403"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Erreur"
        );
        assert_eq!(
            post["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErreurValidation"
        );
        assert!(post["503"]["headers"]["Retry-After"].is_object());
        assert!(post["429"]["headers"]["Retry-After"].is_object());
        assert!(post["201"].get("content").is_some() && post["201"].get("headers").is_none());
    }

    #[test]
    fn what_a_201_creates_links_to_the_operations_on_it() {
        let mut d = doc();
        link_created(&mut d);
        let links = d["paths"]["/api/messages/"]["post"]["responses"]["201"]["links"]
            .as_object()
            .unwrap();
        let mut names: Vec<&String> = links.keys().collect();
        names.sort();
        assert_eq!(names, ["m_read", "m_read_mark"]);
        assert_eq!(
            links["m_read"],
            json!({"operationId": "m_read", "parameters": {"id": "$response.body#/id"}})
        );
        assert!(
            d["paths"]["/api/messages/"]["get"]["responses"]["200"]
                .get("links")
                .is_none()
        );
    }
}
