//! The Postman collection (v2.1) and its environments, generated from the
//! OpenAPI document: one folder per tag with every operation, and the
//! "Parcours principal" folder, which walks the main flows in order with
//! test scripts that check statuses and carry ids and tokens forward.
//! A test fails when the files in postman/ are stale
//! (`UPDATE_POSTMAN=1 cargo test -p e2e --test postman` rewrites them);
//! `make test` runs the flows with newman against a fresh local stack.

use serde_json::{Map, Value, json};

pub const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
pub const FLOWS: &str = "Parcours principal";
pub const COLLECTION_FILE: &str = "postman/destinyjobs.postman_collection.json";

/// The environments a collection runs against: (name, base URL).
pub const ENVIRONMENTS: &[(&str, &str)] = &[
    ("local", "http://127.0.0.1:3000"),
    (
        "dev",
        "https://<api-id>.execute-api.eu-west-3.amazonaws.com",
    ),
    (
        "staging",
        "https://<api-id>.execute-api.eu-west-3.amazonaws.com",
    ),
    (
        "prod",
        "https://<api-id>.execute-api.eu-west-3.amazonaws.com",
    ),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// One request of the flows: which operation, as whom, with what, what it
/// must answer, and what it keeps for the next steps.
struct Step {
    name: &'static str,
    method: &'static str,
    /// The OpenAPI path; `{x}` is filled from `params`.
    path: &'static str,
    params: &'static [(&'static str, &'static str)],
    query: &'static str,
    /// The collection variable holding the bearer token; None: anonymous.
    token: Option<&'static str>,
    body: Body,
    status: u16,
    /// JavaScript run after the status check (`body` is the parsed JSON).
    then: &'static str,
}

enum Body {
    None,
    Json(Value),
    /// A multipart form with the file `fichier` (a path under postman/).
    File(&'static str),
}

fn steps() -> Vec<Step> {
    let reg = |role: &str, extra: Value| {
        let mut body = json!({"email": format!("{{{{{role}_email}}}}"), "password": "{{password}}",
            "nom": "Kouassi", "prenom": "Awa", "type_compte": role, "telephone": "+2250700000000"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        Body::Json(body)
    };
    let login = |role: &str| {
        Body::Json(json!({"email": format!("{{{{{role}_email}}}}"), "password": "{{password}}"}))
    };
    let anon = None;
    vec![
        Step {
            name: "1a. Inscription d'un candidat",
            method: "post",
            path: "/api/auth/register/",
            params: &[],
            query: "",
            token: anon,
            body: reg("candidat", json!({})),
            status: 201,
            then: "pm.collectionVariables.set('candidat_id', body.id);",
        },
        Step {
            name: "1b. Connexion du candidat",
            method: "post",
            path: "/api/auth/login/",
            params: &[],
            query: "",
            token: anon,
            body: login("candidat"),
            status: 200,
            then: "pm.collectionVariables.set('candidat_access', body.access);\npm.collectionVariables.set('candidat_refresh', body.refresh);",
        },
        Step {
            name: "1c. Inscription d'un recruteur",
            method: "post",
            path: "/api/auth/register/",
            params: &[],
            query: "",
            token: anon,
            body: reg(
                "recruteur",
                json!({"entreprise": "Ivoire Tech", "secteur_activite": "informatique_telecoms"}),
            ),
            status: 201,
            then: "pm.collectionVariables.set('recruteur_id', body.id);",
        },
        Step {
            name: "1d. Connexion du recruteur",
            method: "post",
            path: "/api/auth/login/",
            params: &[],
            query: "",
            token: anon,
            body: login("recruteur"),
            status: 200,
            then: "pm.collectionVariables.set('recruteur_access', body.access);",
        },
        Step {
            name: "1e. Inscription d'un prestataire",
            method: "post",
            path: "/api/auth/register/",
            params: &[],
            query: "",
            token: anon,
            body: reg("prestataire", json!({"specialite": "Audit comptable"})),
            status: 201,
            then: "pm.test('a prestataire', () => pm.expect(body.type_compte).to.eql('prestataire'));",
        },
        Step {
            name: "1f. Connexion du prestataire",
            method: "post",
            path: "/api/auth/login/",
            params: &[],
            query: "",
            token: anon,
            body: login("prestataire"),
            status: 200,
            then: "pm.collectionVariables.set('prestataire_access', body.access);",
        },
        Step {
            name: "1g. Connexion de l'administrateur",
            method: "post",
            path: "/api/auth/login/",
            params: &[],
            query: "",
            token: anon,
            body: Body::Json(json!({"email": "{{admin_email}}", "password": "{{admin_password}}"})),
            status: 200,
            then: "pm.collectionVariables.set('admin_access', body.access);\npm.test('admin role', () => pm.expect(body.user.type_compte).to.eql('admin'));",
        },
        Step {
            name: "2. L'administrateur valide le recruteur",
            method: "put",
            path: "/api/admin/recruteurs/{id}/valider/",
            params: &[("id", "{{recruteur_id}}")],
            query: "",
            token: Some("admin_access"),
            body: Body::None,
            status: 200,
            then: "pm.test('verified', () => pm.expect(body.statut_verification_admin).to.eql('verifie'));",
        },
        Step {
            name: "3. Le recruteur publie une offre",
            method: "post",
            path: "/api/recruteur/offres/",
            params: &[],
            query: "",
            token: Some("recruteur_access"),
            body: Body::Json(
                json!({"titre": "Développeur {{mot_cle}}", "description": "<p>Poste à Abidjan.</p>",
                "type_contrat": "cdi", "localisation": "Abidjan", "salaire_min": 300000, "salaire_max": 500000,
                "competences_requises": ["Rust"]}),
            ),
            status: 201,
            then: "pm.collectionVariables.set('offre_id', body.id);\npm.test('awaiting validation', () => pm.expect(body.statut_validation).to.eql('en_attente'));",
        },
        Step {
            name: "4. L'administrateur valide l'offre",
            method: "put",
            path: "/api/admin/publications/{id}/valider/",
            params: &[("id", "{{offre_id}}")],
            query: "",
            token: Some("admin_access"),
            body: Body::None,
            status: 200,
            then: "pm.test('validated', () => pm.expect(body.statut_validation).to.eql('validee'));",
        },
        Step {
            name: "5. Recherche de l'offre",
            method: "get",
            path: "/api/recherche/offres/",
            params: &[],
            query: "q={{mot_cle}}",
            token: anon,
            body: Body::None,
            status: 200,
            then: "pm.test('found', () => pm.expect(body.results.map(r => r.id)).to.include(pm.collectionVariables.get('offre_id')));",
        },
        Step {
            name: "6. Le candidat postule",
            method: "post",
            path: "/api/offres/{id}/postuler/",
            params: &[("id", "{{offre_id}}")],
            query: "",
            token: Some("candidat_access"),
            body: Body::Json(json!({"lettre_motivation": "Bonjour, je suis intéressée."})),
            status: 201,
            then: "pm.collectionVariables.set('candidature_id', body.id);",
        },
        Step {
            name: "7. Le recruteur change le statut de la candidature",
            method: "put",
            path: "/api/recruteur/candidatures/{id}/statut/",
            params: &[("id", "{{candidature_id}}")],
            query: "",
            token: Some("recruteur_access"),
            body: Body::Json(
                json!({"statut": "en_cours", "notes_recruteur": "Profil intéressant"}),
            ),
            status: 200,
            then: "pm.test('in progress', () => pm.expect(body.statut).to.eql('en_cours'));",
        },
        Step {
            name: "8. Le recruteur écrit au candidat",
            method: "post",
            path: "/api/messages/",
            params: &[],
            query: "",
            token: Some("recruteur_access"),
            body: Body::Json(
                json!({"destinataire": "{{candidat_id}}", "sujet": "Entretien", "contenu": "<p>Pouvez-vous venir mardi ?</p>"}),
            ),
            status: 201,
            then: "pm.collectionVariables.set('message_id', body.id);",
        },
        Step {
            name: "9. Les notifications du candidat",
            method: "get",
            path: "/api/notifications/",
            params: &[],
            query: "",
            token: Some("candidat_access"),
            body: Body::None,
            status: 200,
            then: "pm.test('a list with its unread count', () => { pm.expect(body.results).to.be.an('array'); pm.expect(body.non_lues).to.be.a('number'); });",
        },
        Step {
            name: "10. Le candidat envoie son CV",
            method: "post",
            path: "/api/upload/cv/",
            params: &[],
            query: "",
            token: Some("candidat_access"),
            body: Body::File("fixtures/cv.pdf"),
            status: 201,
            then: "pm.test('a download link', () => pm.expect(body.url).to.be.a('string'));",
        },
        Step {
            name: "11. Les statistiques du recruteur",
            method: "get",
            path: "/api/recruteur/statistiques/",
            params: &[],
            query: "",
            token: Some("recruteur_access"),
            body: Body::None,
            status: 200,
            then: "",
        },
        Step {
            name: "12. Déconnexion du candidat",
            method: "post",
            path: "/api/auth/logout/",
            params: &[],
            query: "",
            token: Some("candidat_access"),
            body: Body::None,
            status: 200,
            then: "",
        },
        Step {
            name: "12b. Son jeton ne sert plus",
            method: "get",
            path: "/api/auth/profile/",
            params: &[],
            query: "",
            token: Some("candidat_access"),
            body: Body::None,
            status: 401,
            then: "",
        },
    ]
}

/// Runs before the first step: new emails and a new search word for each
/// run of the flows (collection variables outlive a run in the app).
const FLOWS_PRE_REQUEST: &str = "const run = Date.now().toString(36);\npm.collectionVariables.set('run', run);\nfor (const role of ['candidat', 'recruteur', 'prestataire']) {\n  pm.collectionVariables.set(`${role}_email`, `${role}-${run}@example.ci`);\n}\npm.collectionVariables.set('mot_cle', `postman${run}`);";

/// `{{baseUrl}}` + path, with `:name` path variables and optional query.
fn url(path: &str, params: &[(&str, String)], query: &[(String, String, bool)]) -> Value {
    let mut segments: Vec<String> = Vec::new();
    let mut raw = "{{baseUrl}}".to_string();
    for segment in path.trim_start_matches('/').split('/') {
        let segment = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => format!(":{name}"),
            None => segment.to_string(),
        };
        raw.push('/');
        raw.push_str(&segment);
        segments.push(segment);
    }
    let enabled: Vec<String> = query
        .iter()
        .filter(|(_, _, disabled)| !disabled)
        .map(|(k, v, _)| format!("{k}={v}"))
        .collect();
    if !enabled.is_empty() {
        raw.push('?');
        raw.push_str(&enabled.join("&"));
    }
    let mut url = json!({"raw": raw, "host": ["{{baseUrl}}"], "path": segments});
    if !query.is_empty() {
        url["query"] = query
            .iter()
            .map(|(k, v, disabled)| json!({"key": k, "value": v, "disabled": disabled}))
            .collect();
    }
    if !params.is_empty() {
        url["variable"] = params
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
    }
    url
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .map(|s| resolve(doc, s))
            .unwrap_or(schema),
        None => schema,
    }
}

/// A body to start from: the schema's fields with placeholder values.
fn skeleton(doc: &Value, schema: &Value, depth: u8) -> Value {
    let schema = resolve(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = Map::new();
        for part in all {
            if let Value::Object(fields) = skeleton(doc, part, depth) {
                out.extend(fields);
            }
        }
        return Value::Object(out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let chosen = options
                .iter()
                .find(|o| o.get("type").and_then(Value::as_str) != Some("null"));
            return chosen.map_or(Value::Null, |o| skeleton(doc, o, depth));
        }
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.as_array()?.first()) {
        return first.clone();
    }
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        Some(Value::String(t)) => t.as_str(),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match ty {
        "object" if depth < 3 => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| (k.clone(), skeleton(doc, v, depth + 1)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "array" => json!([]),
        "string" => json!(""),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

fn json_body(value: &Value) -> Value {
    json!({"mode": "raw", "raw": serde_json::to_string_pretty(value).unwrap(),
        "options": {"raw": {"language": "json"}}})
}

fn file_body(src: Option<&str>) -> Value {
    let mut part = json!({"key": "fichier", "type": "file"});
    if let Some(src) = src {
        part["src"] = json!(src);
    }
    json!({"mode": "formdata", "formdata": [part]})
}

/// One operation of the document, as a request to fill in.
fn operation(doc: &Value, path: &str, method: &str, op: &Value) -> Value {
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let path_params: Vec<(&str, String)> = params
        .iter()
        .filter(|p| p["in"] == "path")
        .filter_map(|p| p["name"].as_str().map(|n| (n, String::new())))
        .collect();
    let query: Vec<(String, String, bool)> = params
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| {
            p["name"]
                .as_str()
                .map(|n| (n.to_string(), String::new(), true))
        })
        .collect();
    let mut request = json!({"method": method.to_uppercase(), "header": [], "url": url(path, &path_params, &query)});
    let success = op["responses"]
        .as_object()
        .and_then(|r| r.iter().find(|(code, _)| code.starts_with('2')))
        .and_then(|(_, r)| r["description"].as_str())
        .unwrap_or_default();
    request["description"] = json!(
        [op["description"].as_str().unwrap_or_default(), success]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    if let Some(content) = op["requestBody"]["content"].as_object() {
        if let Some(json_schema) = content.get("application/json").map(|c| &c["schema"]) {
            request["header"] = json!([{"key": "Content-Type", "value": "application/json"}]);
            request["body"] = json_body(&skeleton(doc, json_schema, 0));
        } else if content.contains_key("multipart/form-data") {
            request["body"] = file_body(None);
        }
    }
    if op.get("security").is_none() {
        request["auth"] = json!({"type": "noauth"});
    }
    let mut item = json!({"name": format!("{} {path}", method.to_uppercase()), "request": request});
    // Logging in (or refreshing) sets the collection's bearer token.
    let keep = match path {
        "/api/auth/login/" => {
            "pm.collectionVariables.set('access', body.access);\npm.collectionVariables.set('refresh', body.refresh);"
        }
        "/api/auth/refresh/" => "pm.collectionVariables.set('access', body.access);",
        _ => "",
    };
    if !keep.is_empty() {
        let script = format!(
            "if (pm.response.code === 200) {{\n  const body = pm.response.json();\n  {keep}\n}}"
        );
        item["event"] = json!([{"listen": "test", "script": {"type": "text/javascript", "exec": script.lines().collect::<Vec<_>>()}}]);
    }
    item
}

fn step(doc: &Value, s: &Step, first: bool) -> Value {
    assert!(
        doc["paths"][s.path].get(s.method).is_some(),
        "flow step {:?}: {} {} is not in the OpenAPI document",
        s.name,
        s.method,
        s.path
    );
    let params: Vec<(&str, String)> = s.params.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let query: Vec<(String, String, bool)> = s
        .query
        .split('&')
        .filter(|q| !q.is_empty())
        .filter_map(|q| q.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string(), false))
        .collect();
    let mut request = json!({"method": s.method.to_uppercase(), "header": [], "url": url(s.path, &params, &query)});
    match &s.body {
        Body::None => {}
        Body::Json(v) => {
            request["header"] = json!([{"key": "Content-Type", "value": "application/json"}]);
            request["body"] = json_body(v);
        }
        Body::File(src) => request["body"] = file_body(Some(src)),
    }
    request["auth"] = match s.token {
        Some(var) => {
            json!({"type": "bearer", "bearer": [{"key": "token", "value": format!("{{{{{var}}}}}"), "type": "string"}]})
        }
        None => json!({"type": "noauth"}),
    };
    let mut test = format!(
        "pm.test('{} → {}', () => pm.response.to.have.status({}));\n",
        s.name.replace('\'', "\\'"),
        s.status,
        s.status
    );
    if !s.then.is_empty() {
        test.push_str("const body = pm.response.json();\n");
        test.push_str(s.then);
        test.push('\n');
    }
    let mut events = vec![
        json!({"listen": "test", "script": {"type": "text/javascript", "exec": test.lines().collect::<Vec<_>>()}}),
    ];
    if first {
        events.insert(0, json!({"listen": "prerequest", "script": {"type": "text/javascript", "exec": FLOWS_PRE_REQUEST.lines().collect::<Vec<_>>()}}));
    }
    json!({"name": s.name, "event": events, "request": request})
}

/// The collection, from the OpenAPI document.
pub fn collection(doc: &Value) -> Value {
    let mut folders: Vec<(String, Vec<Value>)> = Vec::new();
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let tag = op["tags"][0].as_str().unwrap_or("autres").to_string();
            let request = operation(doc, path, method, op);
            match folders.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, items)) => items.push(request),
                None => folders.push((tag, vec![request])),
            }
        }
    }
    folders.sort_by(|a, b| a.0.cmp(&b.0));
    let flows = json!({
        "name": FLOWS,
        "description": "Les parcours principaux, dans l'ordre : inscription et connexion de chaque rôle, validation du recruteur, publication, validation, recherche, candidature, changement de statut, message, notifications, envoi d'un CV, statistiques, déconnexion. Chaque requête vérifie son statut et garde les ids et les jetons pour les suivantes. Sur la pile locale (AUTO_CONFIRM_EMAIL=true) ; ailleurs, confirmez les e-mails d'abord.",
        "item": steps().iter().enumerate().map(|(i, s)| step(doc, s, i == 0)).collect::<Vec<_>>(),
    });
    let mut items = vec![flows];
    items.extend(
        folders
            .into_iter()
            .map(|(tag, item)| json!({"name": tag, "item": item})),
    );
    let variables = [
        "run",
        "candidat_email",
        "recruteur_email",
        "mot_cle",
        "candidat_id",
        "candidat_access",
        "candidat_refresh",
        "recruteur_id",
        "recruteur_access",
        "admin_access",
        "offre_id",
        "candidature_id",
        "message_id",
    ];
    json!({
        "info": {
            "name": doc["info"]["title"],
            "description": format!(
                "{}\n\nGénérée depuis le document OpenAPI (infra/src/postman.rs) : ne pas modifier à la main. Authentification Bearer au niveau de la collection : la variable `access`. Guide : docs/integration.md.",
                doc["info"]["description"].as_str().unwrap_or_default()
            ),
            "version": doc["info"]["version"],
            "schema": SCHEMA,
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access}}", "type": "string"}]},
        "variable": variables.iter().map(|v| json!({"key": v, "value": ""})).collect::<Vec<_>>(),
        "item": items,
    })
}

/// One environment file: the base URL and the accounts the flows use.
pub fn environment(name: &str, base_url: &str) -> Value {
    let local = name == "local";
    let value = |key: &str, value: &str, secret: bool| json!({"key": key, "value": value, "type": if secret { "secret" } else { "default" }, "enabled": true});
    json!({
        "name": format!("DestinyJobs {name}"),
        "values": [
            value("baseUrl", base_url, false),
            // The flows' accounts' password; fill it in outside local.
            value("password", if local { "Str0ng!Passw0rd" } else { "" }, true),
            value("admin_email", if local { crate::local::DEFAULT_ADMIN_EMAIL } else { "" }, false),
            value("admin_password", if local { crate::local::DEFAULT_ADMIN_PASSWORD } else { "" }, true),
        ],
        "_postman_variable_scope": "environment",
    })
}

/// Every file of postman/ this module writes: (path from the project root, text).
pub fn files() -> Vec<(String, String)> {
    let doc = serde_json::to_value(crate::openapi::document()).expect("OpenAPI as JSON");
    let render = |v: &Value| {
        let mut text = serde_json::to_string_pretty(v).unwrap();
        text.push('\n');
        text
    };
    let mut out = vec![(COLLECTION_FILE.to_string(), render(&collection(&doc)))];
    for (name, base) in ENVIRONMENTS {
        out.push((
            format!("postman/{name}.postman_environment.json"),
            render(&environment(name, base)),
        ));
    }
    out
}
