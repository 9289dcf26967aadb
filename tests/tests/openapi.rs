//! The OpenAPI document covers every route, and the docs page works
//! without the internet (Swagger UI is served from the binary).

use e2e::*;

#[tokio::test]
async fn openapi_lists_every_auth_route_and_the_docs_page_is_served_locally() {
    let app = TestApp::spawn().await;
    let r = app.send(app.http.get(app.url("/api/openapi.json"))).await;
    assert_eq!(r.status, 200);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = r.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/auth/register/", "post"),
        ("/api/auth/verify-email/", "post"),
        ("/api/auth/login/", "post"),
        ("/api/auth/logout/", "post"),
        ("/api/auth/refresh/", "post"),
        ("/api/auth/reset-password/", "post"),
        ("/api/auth/reset-password/confirm/", "post"),
        ("/api/auth/profile/", "get"),
        ("/api/auth/profile/", "put"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
        // And the route really exists: anything but 404/405.
        let status = app
            .send(
                app.http
                    .request(method.to_uppercase().parse().unwrap(), app.url(path)),
            )
            .await
            .status;
        assert!(status != 404 && status != 405, "{method} {path}: {status}");
    }
    let schemas = r.body["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Profile") && schemas.contains_key("TailleEntreprise"));
    assert!(r.body["components"]["securitySchemes"]["bearer"].is_object());

    let page = app.http.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("swagger-ui") && !html.contains("cdn"),
        "the page loads its assets locally"
    );
    let js = app
        .http
        .get(app.url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
}

/// Routes of `[workspace.metadata.lambda.watch.router]` in Cargo.toml:
/// (path pattern, function).
fn watch_routes() -> Vec<(String, String)> {
    let manifest =
        std::fs::read_to_string(infra::local::project_root().join("Cargo.toml")).unwrap();
    let section = manifest
        .split("[workspace.metadata.lambda.watch.router]")
        .nth(1)
        .expect("watch router section");
    section
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().trim_matches('"').to_string(),
                v.trim().trim_matches('"').to_string(),
            )
        })
        .collect()
}

/// matchit's rules, as cargo-lambda uses them: a `{*rest}` catch-all needs
/// at least one character; otherwise the path must be equal.
fn matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once("{*") {
        Some((prefix, _)) => path.len() > prefix.len() && path.starts_with(prefix),
        None => pattern == path,
    }
}

#[tokio::test]
async fn cargo_lambda_watch_routes_every_documented_path_to_a_built_function() {
    let routes = watch_routes();
    let template =
        infra::bootstrap::load(&infra::local::project_root().join("template.yaml")).unwrap();
    let binaries = infra::bootstrap::function_binaries(&template).unwrap();
    for (pattern, function) in &routes {
        assert!(
            binaries.contains(function),
            "{pattern} → {function}, which template.yaml does not build"
        );
    }
    let doc = infra::openapi::document();
    let mut paths: Vec<String> = doc.paths.paths.keys().cloned().collect();
    paths.extend([
        "/api/openapi.json".to_string(),
        "/api/docs/".to_string(),
        "/api/docs/index.css".to_string(),
    ]);
    for path in paths {
        assert!(
            routes.iter().any(|(p, _)| matches(p, &path)),
            "{path} is not routed by cargo lambda watch"
        );
    }
}

#[test]
fn the_served_openapi_json_is_the_one_the_code_generates() {
    let fresh = infra::openapi::render();
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(infra::openapi::file(), &fresh).unwrap();
        return;
    }
    let served: serde_json::Value = serde_json::from_str(docs::OPENAPI_JSON).unwrap();
    let generated: serde_json::Value = serde_json::from_str(&fresh).unwrap();
    assert!(
        served == generated,
        "functions/docs/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p e2e --test openapi` and commit it"
    );
}

#[test]
fn no_two_areas_give_one_schema_name_to_different_types() {
    let merged = infra::openapi::document().components.unwrap().schemas;
    for area in infra::openapi::areas() {
        for (name, schema) in area.components.map(|c| c.schemas).unwrap_or_default() {
            assert_eq!(
                serde_json::to_value(&merged[&name]).unwrap(),
                serde_json::to_value(&schema).unwrap(),
                "two types are documented as {name}"
            );
        }
    }
}

#[test]
fn operation_ids_are_unique() {
    let doc: serde_json::Value = serde_json::from_str(&infra::openapi::render()).unwrap();
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str();
            assert!(id.is_some(), "{method} {path} has no operationId");
            ids.push(id.unwrap().to_string());
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds repeat");
}

/// The document's `info` names this project, not the library that wrote
/// it, and `servers` says where the API runs.
#[tokio::test]
async fn info_is_the_projects_own_and_servers_are_listed() {
    let app = TestApp::spawn().await;
    let doc = app
        .send(app.http.get(app.url("/api/openapi.json")))
        .await
        .body;
    let info = &doc["info"];
    assert_eq!(
        info["contact"]["name"],
        shared::docs::CONTACT_NAME,
        "{info}"
    );
    assert!(info["contact"].get("email").is_none(), "{info}");
    assert!(
        info.get("license").is_none(),
        "no licence was chosen: {info}"
    );
    assert!(!doc.to_string().contains("Kukkonen"));
    let servers: Vec<&str> = doc["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        servers,
        [shared::docs::LOCAL_SERVER, shared::docs::DEPLOYED_SERVER]
    );
    assert_eq!(
        doc["servers"][1]["variables"]["region"]["default"],
        "eu-west-3"
    );
}
