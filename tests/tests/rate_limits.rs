//! Rate limits (spec 12.2, docs/rate-limits.md): on each limited route the
//! first N calls pass, the next gets 429 with Retry-After and a French
//! detail, and another caller is not affected. A reset-password flood
//! against one address mails it at most the limit's codes.
//!
//! Windows of 2,000,000,000 s hold the whole test (a fixed window that
//! ended mid-test would reset the count); each test uses addresses and
//! accounts of its own, since the emulator's table is shared.

use e2e::*;
use serde_json::{Value, json};

/// "N calls per window" that no test outlives.
fn rate(n: u32) -> String {
    format!("{n}/2000000000")
}

/// A client address of its own for each call site.
fn address() -> String {
    let n = ulid::Ulid::new().random() as u32;
    format!("10.{}.{}.{}", n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff)
}

fn assert_throttled(r: &Response) {
    assert_eq!(r.status, 429, "{}", r.body);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("Nouvel essai dans"), "{detail}");
}

async fn post_from(app: &TestApp, ip: &str, path: &str, body: Value) -> Response {
    app.send(
        app.http
            .post(app.url(path))
            .header("X-Forwarded-For", ip)
            .json(&body),
    )
    .await
}

/// Registers a candidate with `email`, from the client address `ip`.
async fn register_from(app: &TestApp, ip: &str, email: &str) -> Response {
    let body = json!({"email": email, "password": PASSWORD, "nom": "Koné", "prenom": "Issa", "type_compte": "candidat"});
    post_from(app, ip, "/api/auth/register/", body).await
}

#[tokio::test]
async fn make_run_applies_the_production_defaults() {
    // The dev server and `make run` read the same local configuration.
    let app = TestApp::spawn_limited(&[]).await;
    assert_eq!(
        app.config.rate_limits,
        shared::throttle::RateLimits::default()
    );
    let defaults = shared::throttle::RateLimits::default();
    assert_eq!(defaults.reset_email.max, 3);
    // And every limit is in the docs, with its default.
    let doc =
        std::fs::read_to_string(infra::local::project_root().join("docs/rate-limits.md")).unwrap();
    for (env, rate) in shared::throttle::RateLimits::DEFAULTS {
        assert!(
            doc.lines()
                .any(|l| l.contains(&format!("`{env}`")) && l.contains(&format!("`{rate}`"))),
            "docs/rate-limits.md lacks `{env}` with its default `{rate}`"
        );
    }
}

#[tokio::test]
async fn registration_is_limited_per_address_and_per_email() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_REGISTER_PER_CLIENT", &rate(3)),
        ("RATE_LIMIT_REGISTER_PER_EMAIL", &rate(2)),
    ])
    .await;
    let (here, elsewhere) = (address(), address());
    for _ in 0..3 {
        let r = register_from(&app, &here, &email("rl")).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let refused = email("rl-refused");
    assert_throttled(&register_from(&app, &here, &refused).await);
    // Nothing was created for the refused one: its email is still free.
    let r = register_from(&app, &elsewhere, &refused).await;
    assert_eq!(r.status, 201, "another address is not affected: {}", r.body);

    // Per email, whatever the address: the second try is a 400 (taken),
    // the third is refused before Cognito is asked.
    let target = email("rl-target");
    let r = register_from(&app, &address(), &target).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = register_from(&app, &address(), &target).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_throttled(&register_from(&app, &address(), &target).await);
}

#[tokio::test]
async fn a_reset_password_flood_mails_one_address_at_most_the_limit() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_RESET_PASSWORD_PER_EMAIL", &rate(3))]).await;
    let (victim, _) = app.register("candidat", json!({})).await;
    let (other, _) = app.register("candidat", json!({})).await;
    // From ten addresses: a botnet, not one client.
    let mut passed = 0;
    for _ in 0..10 {
        let r = post_from(
            &app,
            &address(),
            "/api/auth/reset-password/",
            json!({"email": victim}),
        )
        .await;
        if r.status == 200 {
            passed += 1;
        } else {
            assert_throttled(&r);
        }
    }
    assert_eq!(passed, 3);
    assert_eq!(
        mail_to(&victim).await.len(),
        3,
        "three reset mails, no more"
    );
    // Another address's owner still gets a code.
    let r = post_from(
        &app,
        &address(),
        "/api/auth/reset-password/",
        json!({"email": other}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(mail_to(&other).await.len(), 1);

    // And per address: one client cannot mail many addresses.
    let app = TestApp::spawn_with(&[("RATE_LIMIT_RESET_PASSWORD_PER_CLIENT", &rate(2))]).await;
    let ip = address();
    for _ in 0..2 {
        let r = post_from(
            &app,
            &ip,
            "/api/auth/reset-password/",
            json!({"email": email("nobody")}),
        )
        .await;
        assert_eq!(r.status, 200);
    }
    assert_throttled(
        &post_from(
            &app,
            &ip,
            "/api/auth/reset-password/",
            json!({"email": email("nobody")}),
        )
        .await,
    );
    let r = post_from(
        &app,
        &address(),
        "/api/auth/reset-password/",
        json!({"email": email("nobody")}),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn code_guesses_are_limited_per_email() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_VERIFY_EMAIL_PER_EMAIL", &rate(2)),
        ("RATE_LIMIT_RESET_CONFIRM_PER_EMAIL", &rate(2)),
    ])
    .await;
    // Unknown addresses: a wrong guess is a 400 like any other.
    let (target, other) = (email("guessed"), email("other"));
    let guess = |path: &str, email: &str| {
        let mut body = json!({"email": email, "code": "moto-confirmation-code:000000"});
        if path.contains("reset") {
            body["new_password"] = json!("N3w!Passw0rd-x");
        }
        body
    };
    for (path, wrong) in [
        ("/api/auth/verify-email/", 400),
        ("/api/auth/reset-password/confirm/", 400),
    ] {
        for _ in 0..2 {
            let r = post_from(&app, &address(), path, guess(path, &target)).await;
            assert_eq!(r.status, wrong, "{path}: {}", r.body);
        }
        assert_throttled(&post_from(&app, &address(), path, guess(path, &target)).await);
        let r = post_from(&app, &address(), path, guess(path, &other)).await;
        assert_eq!(r.status, wrong, "{path}, another email: {}", r.body);
    }

    // Per address: one client guessing across many accounts.
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_VERIFY_EMAIL_PER_CLIENT", &rate(2)),
        ("RATE_LIMIT_RESET_CONFIRM_PER_CLIENT", &rate(2)),
    ])
    .await;
    for path in [
        "/api/auth/verify-email/",
        "/api/auth/reset-password/confirm/",
    ] {
        let ip = address();
        for _ in 0..2 {
            let r = post_from(&app, &ip, path, guess(path, &email("many"))).await;
            assert_eq!(r.status, 400, "{path}");
        }
        assert_throttled(&post_from(&app, &ip, path, guess(path, &email("many"))).await);
        let r = post_from(&app, &address(), path, guess(path, &email("many"))).await;
        assert_eq!(r.status, 400, "{path}");
    }
}

#[tokio::test]
async fn messages_announcements_and_mass_mailings_are_limited_per_user() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_MESSAGES_PER_USER", &rate(2)),
        ("RATE_LIMIT_ANNOUNCEMENTS_PER_USER", &rate(1)),
        ("RATE_LIMIT_MASS_MAILING_PER_USER", &rate(1)),
    ])
    .await;
    let (_, admin) = app.admin().await;
    let (_, other_admin) = app.admin().await;
    let (_, _, _, c) = app.user("candidat").await;
    let to = c["id"].as_str().unwrap();
    app.message(&admin, to, "Un").await;
    app.message(&admin, to, "Deux").await;
    let body = json!({"destinataire": to, "sujet": "Trois", "contenu": "Bonjour"});
    assert_throttled(&app.post_auth("/api/messages/", &admin, body.clone()).await);
    // A message known to be wrong is a 400 and counts nothing.
    let (_, third_admin) = app.admin().await;
    for _ in 0..3 {
        let empty = json!({"destinataire": to, "sujet": "Vide", "contenu": ""});
        let r = app.post_auth("/api/messages/", &third_admin, empty).await;
        assert_eq!(r.status, 400, "{}", r.body);
    }
    app.message(&third_admin, to, "Après trois erreurs").await;
    app.message(&other_admin, to, "Un autre expéditeur").await;

    let announcement =
        json!({"type_compte": "candidat", "titre": "Maintenance", "message": "Ce soir"});
    // Neither recipient nor type: a 400 that counts nothing.
    let shapeless = json!({"titre": "Maintenance", "message": "Ce soir"});
    let r = app
        .post_auth("/api/notifications/", &admin, shapeless)
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = app
        .post_auth("/api/notifications/", &admin, announcement.clone())
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_throttled(
        &app.post_auth("/api/notifications/", &admin, announcement.clone())
            .await,
    );
    let r = app
        .post_auth("/api/notifications/", &other_admin, announcement)
        .await;
    assert_eq!(r.status, 202, "{}", r.body);

    let mailing =
        |pid: &str| json!({"publication": pid, "sujet": "Entretiens", "contenu": "Bonjour"});
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, other_recruiter) = app.verified_recruiter(&admin).await;
    let mine = app
        .open_publication(&admin, &recruiter, "offres", "Stage")
        .await;
    let theirs = app
        .open_publication(&admin, &other_recruiter, "offres", "Stage")
        .await;
    let path = "/api/recruteur/messages/envoi-masse/";
    let r = app
        .post_auth(path, &recruiter, mailing(mine["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_throttled(
        &app.post_auth(path, &recruiter, mailing(mine["id"].as_str().unwrap()))
            .await,
    );
    let r = app
        .post_auth(
            path,
            &other_recruiter,
            mailing(theirs["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
}

#[tokio::test]
async fn applications_of_every_kind_share_one_limit_per_user() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_APPLICATIONS_PER_USER", &rate(2))]).await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Comptable")
        .await;
    let bourse = app
        .open_publication(&admin, &recruiter, "bourses", "Master")
        .await;
    let other_offre = app
        .open_publication(&admin, &recruiter, "offres", "Caissier")
        .await;
    let (_, _, candidate) = app.applicant("candidat", json!({})).await;
    let (_, _, other) = app.applicant("candidat", json!({})).await;
    let id = |p: &Value| p["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.apply(&candidate, "offres", &id(&offre), json!({}))
            .await
            .status,
        201
    );
    assert_eq!(
        app.apply(&candidate, "bourses", &id(&bourse), json!({}))
            .await
            .status,
        201
    );
    assert_throttled(
        &app.apply(&candidate, "offres", &id(&other_offre), json!({}))
            .await,
    );
    // The candidate route is the same rule.
    let r = app
        .post_auth(
            "/api/candidat/candidatures/",
            &candidate,
            json!({"offre": id(&other_offre)}),
        )
        .await;
    assert_throttled(&r);
    assert_eq!(
        app.apply(&other, "offres", &id(&other_offre), json!({}))
            .await
            .status,
        201
    );
    // The refused application was not written.
    let mine = app
        .get_auth("/api/candidat/candidatures/", &candidate)
        .await;
    assert_eq!(mine.body["results"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn uploads_are_limited_per_user() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_UPLOADS_PER_USER", &rate(2))]).await;
    let (_, token, _, _) = app.user("candidat").await;
    let (_, other, _, _) = app.user("candidat").await;
    let pdf = |n: u32| -> Vec<u8> {
        format!("%PDF-1.4\n% {n}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").into_bytes()
    };
    let upload = |token: String, kind: &'static str, n: u32| {
        let app = &app;
        async move {
            let part = reqwest::multipart::Part::bytes(pdf(n))
                .file_name(format!("{kind}.pdf"))
                .mime_str("application/pdf")
                .unwrap();
            let form = reqwest::multipart::Form::new().part("fichier", part);
            let url = app.url(&format!("/api/upload/{kind}/"));
            app.send(app.http.post(url).bearer_auth(token).multipart(form))
                .await
        }
    };
    // One counter for every kind of file.
    for (n, kind) in ["cv", "lettre"].into_iter().enumerate() {
        let r = upload(token.clone(), kind, n as u32).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    assert_throttled(&upload(token.clone(), "cv", 3).await);
    assert_throttled(&upload(token.clone(), "lettre", 5).await);
    assert_eq!(upload(other.clone(), "cv", 4).await.status, 201);
    let mine = app.get_auth("/api/upload/", &token).await;
    assert_eq!(
        mine.body["results"].as_array().unwrap().len(),
        2,
        "nothing stored for the refused one"
    );
}

#[tokio::test]
async fn search_is_limited_per_client() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_SEARCH_PER_CLIENT", &rate(3))]).await;
    let (here, elsewhere) = (address(), address());
    let search = |ip: String, path: &'static str| {
        let app = &app;
        async move {
            app.send(app.http.get(app.url(path)).header("X-Forwarded-For", ip))
                .await
        }
    };
    assert_eq!(
        search(here.clone(), "/api/recherche/offres/?q=comptable")
            .await
            .status,
        200
    );
    assert_eq!(
        search(here.clone(), "/api/recherche/bourses/").await.status,
        200
    );
    // The alias counts as the same search.
    assert_eq!(
        search(here.clone(), "/api/offres/recherche/").await.status,
        200
    );
    assert_throttled(&search(here.clone(), "/api/recherche/financements/").await);
    assert_eq!(
        search(elsewhere, "/api/recherche/offres/").await.status,
        200
    );

    // Candidate search: per user.
    let (_, admin) = app.admin().await;
    let (_, other_admin) = app.admin().await;
    for _ in 0..3 {
        assert_eq!(
            app.get_auth("/api/recherche/candidats/", &admin)
                .await
                .status,
            200
        );
    }
    assert_throttled(&app.get_auth("/api/recherche/candidats/", &admin).await);
    assert_eq!(
        app.get_auth("/api/recherche/candidats/", &other_admin)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn public_pages_share_the_search_limit_per_client() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_SEARCH_PER_CLIENT", &rate(2))]).await;
    let (here, elsewhere) = (address(), address());
    let page = |ip: String, path: &'static str| {
        let app = &app;
        async move {
            app.send(app.http.get(app.url(path)).header("X-Forwarded-For", ip))
                .await
        }
    };
    assert_eq!(
        page(here.clone(), "/api/profils/recruteurs/nobody/")
            .await
            .status,
        404
    );
    assert_eq!(
        page(here.clone(), "/api/profils/candidats/nobody/")
            .await
            .status,
        404
    );
    assert_throttled(&page(here.clone(), "/api/profils/prestataires/nobody/").await);
    assert_eq!(
        page(elsewhere, "/api/profils/prestataires/nobody/")
            .await
            .status,
        404,
        "another address is not limited"
    );
}
