//! The Postman collection and environments in postman/ are the ones the
//! code generates from the OpenAPI document (never edited by hand):
//! `UPDATE_POSTMAN=1 cargo test -p e2e --test postman` rewrites them.
//! `make test` runs the collection's flows with newman (infra/scripts/flows.sh).

use serde_json::Value;

fn root() -> std::path::PathBuf {
    infra::local::project_root()
}

#[test]
fn the_postman_files_are_the_ones_the_code_generates() {
    let update = std::env::var_os("UPDATE_POSTMAN").is_some();
    for (path, text) in infra::postman::files() {
        let file = root().join(&path);
        if update {
            std::fs::write(&file, &text).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == text,
            "{path} is stale: run UPDATE_POSTMAN=1 cargo test -p e2e --test postman"
        );
    }
}

#[test]
fn the_collection_covers_every_operation_with_bearer_auth_and_the_flows_first() {
    let doc = serde_json::to_value(infra::openapi::document()).unwrap();
    let collection = infra::postman::collection(&doc);
    assert_eq!(collection["info"]["schema"], infra::postman::SCHEMA);
    assert_eq!(collection["auth"]["type"], "bearer");
    let folders = collection["item"].as_array().unwrap();
    assert_eq!(folders[0]["name"], infra::postman::FLOWS);
    let requests: Vec<String> = folders[1..]
        .iter()
        .flat_map(|f| f["item"].as_array().unwrap())
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            assert!(
                requests.contains(&name),
                "{name} missing from the collection"
            );
        }
    }
    assert_eq!(requests.len(), operations);
    // Public operations opt out of the collection's bearer.
    let login = folders[1..]
        .iter()
        .flat_map(|f| f["item"].as_array().unwrap())
        .find(|r| r["name"] == "POST /api/auth/login/")
        .unwrap();
    assert_eq!(login["request"]["auth"]["type"], "noauth");
    // Every flow step checks its status.
    let steps: &Vec<Value> = folders[0]["item"].as_array().unwrap();
    assert!(steps.len() >= 12);
    for s in steps {
        let script = s["event"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["listen"] == "test")
            .unwrap()["script"]["exec"]
            .to_string();
        assert!(
            script.contains("pm.response.to.have.status("),
            "{}",
            s["name"]
        );
    }
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.first().unwrap().starts_with("1a.") && names.last().unwrap().starts_with("12"));
    // Logging in sets the collection's bearer token.
    assert!(
        login["event"][0]["script"]["exec"]
            .to_string()
            .contains("collectionVariables.set('access'")
    );
    // The first step makes new accounts for each run.
    assert_eq!(steps[0]["event"][0]["listen"], "prerequest");
    // The environments: one per deployment plus local; no token in any
    // (an environment's value would hide the collection's), and no
    // password or admin account but the local stack's.
    for name in ["local", "dev", "staging", "prod"] {
        let path = root().join(format!("postman/{name}.postman_environment.json"));
        let env: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let values = env["values"].as_array().unwrap();
        assert!(values.iter().all(|v| v["key"] != "access"));
        let value = |k: &str| values.iter().find(|v| v["key"] == k).unwrap()["value"].clone();
        if name != "local" {
            assert_eq!(value("password"), "", "{name}");
            assert_eq!(value("admin_password"), "", "{name}");
        }
    }
}
