//! The HTTP conventions every route shares: DRF-style 4xx bodies for bad
//! requests, size limit, CORS, request ids.

use e2e::*;
use serde_json::Value;

fn is_drf(body: &Value) -> bool {
    body.get("detail").is_some_and(Value::is_string)
        || body.as_object().is_some_and(|o| {
            !o.is_empty()
                && o.values()
                    .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
        })
}

#[tokio::test]
async fn bad_bodies_get_drf_4xx_never_500() {
    let app = TestApp::spawn_with(&[("MAX_BODY_BYTES", "2048")]).await;
    let url = app.url("/api/auth/login/");
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        (
            "malformed",
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body("{\"email\": "),
            400,
        ),
        (
            "not an object",
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body("[1,2]"),
            400,
        ),
        (
            "missing fields",
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body("{}"),
            400,
        ),
        (
            "wrong types",
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body(r#"{"email": 42, "password": ["x"]}"#),
            400,
        ),
        (
            "wrong content type",
            app.http
                .post(&url)
                .header("content-type", "text/plain")
                .body(r#"{"email":"a"}"#),
            415,
        ),
        (
            "no content type",
            app.http.post(&url).body(r#"{"email":"a"}"#),
            415,
        ),
        (
            "too large",
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body(format!(r#"{{"email":"{}"}}"#, "a".repeat(4096))),
            413,
        ),
        (
            "empty",
            app.http
                .post(&url)
                .header("content-type", "application/json"),
            400,
        ),
    ];
    for (name, req, expected) in cases {
        let r = app.send(req).await;
        assert_eq!(r.status, expected, "{name}: {}", r.body);
        assert!(is_drf(&r.body), "{name}: {}", r.body);
    }
    let r = app
        .send(
            app.http
                .post(&url)
                .header("content-type", "application/json")
                .body(r#"{"email": 42}"#),
        )
        .await;
    assert_eq!(r.body["email"][0], "Type invalide : une chaîne attendu.");
    assert_eq!(r.body["password"][0], "Ce champ est obligatoire.");

    let r = app
        .send(
            app.http
                .put(app.url("/api/auth/profile/"))
                .bearer_auth(app.user("candidat").await.1)
                .header("content-type", "application/json")
                .body(r#"{"competences": "Rust"}"#),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.get("competences").is_some(), "{}", r.body);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_drf_shaped() {
    let app = TestApp::spawn().await;
    let r = app.send(app.http.get(app.url("/api/nope/"))).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["detail"], "Pas trouvé.");
    let r = app.send(app.http.delete(app.url("/api/auth/login/"))).await;
    assert_eq!(r.status, 405);
    assert!(r.body["detail"].as_str().unwrap().contains("DELETE"));
}

#[tokio::test]
async fn request_ids_and_cors() {
    let app = TestApp::spawn_with(&[("CORS_ALLOWED_ORIGINS", "https://app.destinyjobs.ci")]).await;
    let r = app.send(app.http.get(app.url("/api/auth/profile/"))).await;
    assert_eq!(r.headers["x-request-id"].len(), 26, "a ULID");
    let r = app
        .send(
            app.http
                .get(app.url("/api/auth/profile/"))
                .header("x-request-id", "trace-me"),
        )
        .await;
    assert_eq!(r.headers["x-request-id"], "trace-me");

    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/auth/login/"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
    };
    let ok = app.send(preflight("https://app.destinyjobs.ci")).await;
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "https://app.destinyjobs.ci"
    );
    let no = app.send(preflight("https://evil.example")).await;
    assert!(!no.headers.contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn server_timing_reports_the_aws_calls_each_request_made() {
    let app = TestApp::spawn_with(&[("SERVER_TIMING", "true")]).await;
    let (_, access, _, _) = app.user("candidat").await;
    let r = app.get_auth("/api/auth/profile/", &access).await;
    assert_eq!(r.status, 200);
    // The session check and the profile read: two GetItems, nothing else.
    assert_eq!(r.headers["x-aws-calls"], "dynamodb.GetItem=2");
    let capacity = r.headers["x-dynamodb-capacity"].to_str().unwrap();
    assert!(
        capacity.starts_with("read=") && !capacity.starts_with("read=0,"),
        "capacity is asked for and reported: {capacity}"
    );
    assert!(capacity.ends_with("write=0"), "{capacity}");
    // By DynamoDB's rules: a consistent read (session) 1 + an eventual read 0.5.
    assert_eq!(r.headers["x-dynamodb-capacity-model"], "read=1.5,write=0");
    let timing = r.headers["server-timing"].to_str().unwrap();
    assert!(
        timing.starts_with("total;dur=") && timing.contains("app;dur="),
        "{timing}"
    );

    let r = app
        .post(
            "/api/auth/login/",
            serde_json::json!({"email": "nobody@example.com", "password": "x"}),
        )
        .await;
    let calls = r.headers["x-aws-calls"].to_str().unwrap().to_string();
    assert!(
        calls.contains("cognito.InitiateAuth=1") && calls.contains("dynamodb.UpdateItem=2"),
        "{calls}"
    );

    let plain = TestApp::spawn().await;
    let r = plain.get_auth("/api/auth/profile/", &access).await;
    assert!(
        !r.headers.contains_key("x-aws-calls"),
        "off unless SERVER_TIMING=true"
    );
}
