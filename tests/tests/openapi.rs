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
