//! Spec 1.2 over HTTP: registration, login, tokens, logout, password
//! reset, profiles, and every way a request can be refused.

use e2e::*;
use serde_json::{Value, json};

fn field_error(body: &Value, field: &str) -> String {
    body[field]
        .as_array()
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no error for {field} in {body}"))
        .to_string()
}

#[tokio::test]
async fn each_account_type_registers_with_a_flat_profile() {
    let app = TestApp::spawn().await;
    let (email, p) = app
        .register("candidat", json!({"competences": ["Rust", "SQL"], "experience": 3, "disponibilite": "immediate", "telephone": "+22501020304"}))
        .await;
    assert_eq!(p["email"], email);
    assert_eq!(p["type_compte"], "candidat");
    assert_eq!(p["competences"], json!(["Rust", "SQL"]));
    assert_eq!(p["experience"], 3);
    assert_eq!(p["telephone"], "+22501020304");
    assert!(p.get("password").is_none() && p.get("entreprise").is_none());

    let (_, r) = app.register("recruteur", json!({"secteur_activite": "btp", "taille_entreprise": "11-50", "site_web": "https://acme.ci"})).await;
    assert_eq!(r["type_compte"], "recruteur");
    assert_eq!(
        r["secteur_activite"],
        json!({"id": "btp", "nom": "BTP et construction"})
    );
    assert_eq!(r["entreprise"], "Acme CI");
    assert_eq!(r["statut_verification_admin"], "en_attente");
    assert_eq!(r["quota_publications_mensuel"], 10);
    assert_eq!(r["documents_verification"], json!([]));

    let (_, s) = app
        .register(
            "prestataire",
            json!({"services_offerts": ["Audit SI"], "portfolio": "https://awa.dev"}),
        )
        .await;
    assert_eq!(s["type_compte"], "prestataire");
    assert_eq!(s["specialite"], "Audit");
    assert_eq!(s["statut_verification_admin"], "en_attente");
}

#[tokio::test]
async fn registration_refuses_bad_input_with_field_errors() {
    let app = TestApp::spawn().await;
    let (email, _) = app.register("candidat", json!({})).await;
    let base = |email: &str| json!({"email": email, "password": PASSWORD, "nom": "N", "prenom": "P", "type_compte": "candidat"});

    let dup = app
        .post("/api/auth/register/", base(&email.to_uppercase()))
        .await;
    assert_eq!(dup.status, 400);
    assert!(field_error(&dup.body, "email").contains("existe déjà"));

    let mut weak = base(&e2e::email("weak"));
    weak["password"] = json!("password");
    let r = app.post("/api/auth/register/", weak).await;
    assert_eq!(r.status, 400);
    assert!(field_error(&r.body, "password").contains("trop faible"));

    for t in ["admin", "superuser"] {
        let mut b = base(&e2e::email("admin"));
        b["type_compte"] = json!(t);
        let r = app.post("/api/auth/register/", b).await;
        assert_eq!(r.status, 400, "{t}");
        assert!(
            field_error(&r.body, "type_compte").contains("n'est pas un choix valide"),
            "{}",
            r.body
        );
    }

    // Every missing field is listed at once.
    let r = app
        .post("/api/auth/register/", json!({"type_compte": "recruteur"}))
        .await;
    assert_eq!(r.status, 400);
    for f in ["email", "password", "nom", "prenom", "entreprise"] {
        assert_eq!(
            field_error(&r.body, f),
            "Ce champ est obligatoire.",
            "{f}: {}",
            r.body
        );
    }

    let mut b = base(&e2e::email("bad"));
    b["telephone"] = json!("0102");
    b["experience"] = json!("beaucoup");
    let r = app.post("/api/auth/register/", b).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body.get("telephone").is_some() && r.body.get("experience").is_some(),
        "{}",
        r.body
    );

    // Nothing was left behind by the refused attempts: the email is free.
    let r = app
        .post("/api/auth/register/", base(&e2e::email("weak")))
        .await;
    assert_eq!(r.status, 201);
}

#[tokio::test]
async fn login_gives_tokens_and_refuses_wrong_passwords() {
    let app = TestApp::spawn().await;
    let (email, profile) = app.register("candidat", json!({})).await;

    let bad = app.login(&email, "Wrong-Passw0rd!").await;
    assert_eq!(bad.status, 401);
    assert!(
        bad.body["detail"]
            .as_str()
            .unwrap()
            .contains("identifiants")
    );

    let unknown = app.login(&e2e::email("nobody"), PASSWORD).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        unknown.body["detail"], bad.body["detail"],
        "unknown accounts look like wrong passwords"
    );

    let ok = app.login(&email.to_uppercase(), PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body["access"].as_str().unwrap().len() > 20);
    assert!(ok.body["refresh"].as_str().unwrap().len() > 10);
    assert_eq!(ok.body["user"], profile);
}

#[tokio::test]
async fn unconfirmed_accounts_are_told_to_verify_their_email() {
    let app = TestApp::spawn_with(&[("AUTO_CONFIRM_EMAIL", "false")]).await;
    let (email, profile) = app.register("candidat", json!({})).await;
    assert_eq!(profile["statut_verification"], "en_attente");

    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 403);
    assert!(
        r.body["detail"].as_str().unwrap().contains("non vérifiée"),
        "{}",
        r.body
    );

    let r = app
        .post("/api/auth/verify-email/", json!({"email": email}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(field_error(&r.body, "code"), "Ce champ est obligatoire.");

    let r = app
        .post(
            "/api/auth/verify-email/",
            json!({"email": email, "code": "123456"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["statut_verification"], "verifie");

    // Verifying again is harmless and keeps the profile in step.
    let r = app
        .post(
            "/api/auth/verify-email/",
            json!({"email": email, "code": "123456"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn profile_get_and_put_for_each_type_keep_read_only_fields() {
    let app = TestApp::spawn().await;
    let edits = [
        (
            "candidat",
            json!({"competences": ["Go"], "localisation": "Abidjan", "salaire_souhaite": 6000000, "experience": null}),
        ),
        (
            "recruteur",
            json!({"entreprise": "Nouvelle SARL", "taille_entreprise": "51-200"}),
        ),
        (
            "prestataire",
            json!({"tarifs": "50 000 FCFA / jour", "disponibilite": "sous_1_mois"}),
        ),
    ];
    for (kind, edit) in edits {
        let (email, access, _, before) = app.user(kind).await;
        let got = app.get_auth("/api/auth/profile/", &access).await;
        assert_eq!(got.status, 200);
        assert_eq!(got.body, before);

        let mut body = edit.clone();
        body["nom"] = json!("Traoré");
        // Read-only fields are ignored.
        body["email"] = json!("hijack@evil.example");
        body["type_compte"] = json!("admin");
        body["statut_verification"] = json!("refuse");
        body["statut_verification_admin"] = json!("verifie");
        body["quota_publications_mensuel"] = json!(9999);
        body["is_active"] = json!(false);
        let put = app.put_auth("/api/auth/profile/", &access, body).await;
        assert_eq!(put.status, 200, "{kind}: {}", put.body);
        assert_eq!(put.body["nom"], "Traoré");
        for (k, v) in edit.as_object().unwrap() {
            assert_eq!(&put.body[k], v, "{kind}.{k}");
        }
        assert_eq!(put.body["email"], email);
        assert_eq!(put.body["type_compte"], kind);
        assert_eq!(
            put.body["statut_verification"],
            before["statut_verification"]
        );
        assert_eq!(put.body["is_active"], true);
        assert_eq!(
            put.body.get("statut_verification_admin"),
            before.get("statut_verification_admin")
        );
        assert_eq!(
            put.body.get("quota_publications_mensuel"),
            before.get("quota_publications_mensuel")
        );
        assert_ne!(put.body["date_modification"], before["date_modification"]);

        // What PUT returned is what GET shows.
        let again = app.get_auth("/api/auth/profile/", &access).await;
        assert_eq!(again.body, put.body);

        let bad = app
            .put_auth(
                "/api/auth/profile/",
                &access,
                json!({"nom": "", "telephone": "12"}),
            )
            .await;
        assert_eq!(bad.status, 400);
        assert!(
            bad.body.get("nom").is_some() && bad.body.get("telephone").is_some(),
            "{}",
            bad.body
        );
    }
}

#[tokio::test]
async fn refresh_works_until_logout_which_kills_both_tokens_at_once() {
    let app = TestApp::spawn().await;
    let (_, access, refresh, _) = app.user("candidat").await;

    let r = app
        .post("/api/auth/refresh/", json!({"refresh": refresh}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let fresh = r.body["access"].as_str().unwrap().to_string();
    assert_eq!(app.get_auth("/api/auth/profile/", &fresh).await.status, 200);

    let out = app.post_auth("/api/auth/logout/", &access, json!({})).await;
    assert_eq!(out.status, 200);

    for token in [&access, &fresh] {
        let r = app.get_auth("/api/auth/profile/", token).await;
        assert_eq!(r.status, 401);
        assert_eq!(r.body["code"], "token_not_valid");
    }
    let r = app
        .post("/api/auth/refresh/", json!({"refresh": refresh}))
        .await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(
        app.post_auth("/api/auth/logout/", &access, json!({}))
            .await
            .status,
        401
    );

    let r = app
        .post("/api/auth/refresh/", json!({"refresh": "not-a-token"}))
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn logout_ends_only_its_own_session() {
    let app = TestApp::spawn().await;
    let (email, phone_access, _, _) = app.user("candidat").await;
    let laptop = app.login(&email, PASSWORD).await;
    let laptop_access = laptop.body["access"].as_str().unwrap();
    assert_eq!(
        app.post_auth("/api/auth/logout/", &phone_access, json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get_auth("/api/auth/profile/", &phone_access)
            .await
            .status,
        401
    );
    assert_eq!(
        app.get_auth("/api/auth/profile/", laptop_access)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn password_reset_does_not_reveal_accounts_and_swaps_the_password() {
    let app = TestApp::spawn().await;
    let (email, _) = app.register("candidat", json!({})).await;

    let known = app
        .post("/api/auth/reset-password/", json!({"email": email}))
        .await;
    let unknown = app
        .post(
            "/api/auth/reset-password/",
            json!({"email": e2e::email("ghost")}),
        )
        .await;
    assert_eq!(known.status, 200);
    assert_eq!((unknown.status, &unknown.body), (known.status, &known.body));

    let code = emulator_reset_code(&email).await;
    let new_password = "N3w-Passw0rd!";
    let wrong = app
        .post("/api/auth/reset-password/confirm/", json!({"email": email, "code": "moto-confirmation-code:000000", "new_password": new_password}))
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(wrong.body.get("code").is_some());
    assert_eq!(
        app.login(&email, PASSWORD).await.status,
        200,
        "a wrong code changes nothing"
    );

    let weak = app
        .post(
            "/api/auth/reset-password/confirm/",
            json!({"email": email, "code": code, "new_password": "short"}),
        )
        .await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.get("new_password").is_some());

    let ok = app
        .post(
            "/api/auth/reset-password/confirm/",
            json!({"email": email, "code": code, "new_password": new_password}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(app.login(&email, new_password).await.status, 200);
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);
}

#[tokio::test]
async fn a_deactivated_account_cannot_log_in_nor_use_its_tokens() {
    let app = TestApp::spawn().await;
    let (email, access, refresh, profile) = app.user("recruteur").await;
    let sub = profile["id"].as_str().unwrap();
    let services = shared::Services::new(app.config.clone(), &app.stack.sdk);
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&app.stack.sdk);

    shared::accounts::cognito::set_active(&services.store, &cognito, &app.config, sub, false, None)
        .await
        .unwrap();
    app.assert_tokens_dead(&access, &refresh).await;
    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 401);
    // Like a wrong password: the answer does not reveal the account.
    assert_eq!(r.body["code"], "no_active_account", "{}", r.body);

    shared::accounts::cognito::set_active(&services.store, &cognito, &app.config, sub, true, None)
        .await
        .unwrap();
    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["is_active"], true);
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_per_account_and_per_client() {
    // One window for the whole test, so no window boundary falls inside it.
    let app = TestApp::spawn_with(&[("LOGIN_THROTTLE_WINDOW_SECONDS", "2000000000")]).await;
    let (email, _) = app.register("candidat", json!({})).await;
    let attempt = |email: String, password: &'static str, ip: &'static str| {
        let app = &app;
        async move {
            app.send(
                app.http
                    .post(app.url("/api/auth/login/"))
                    .header("X-Forwarded-For", ip)
                    .json(&json!({"email": email, "password": password})),
            )
            .await
        }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt(email.clone(), "Wrong-Passw0rd!", "203.0.113.7")
                .await
                .status,
            401
        );
    }
    // Even the right password waits now, from any address.
    let r = attempt(email.clone(), PASSWORD, "198.51.100.1").await;
    assert_eq!(r.status, 429, "{}", r.body);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    assert!(r.body["detail"].is_string());

    let app = TestApp::spawn_with(&[
        ("LOGIN_MAX_FAILURES_PER_CLIENT", "3"),
        ("LOGIN_THROTTLE_WINDOW_SECONDS", "2000000000"),
    ])
    .await;
    let ip = "192.0.2.44";
    for i in 0..3 {
        let r = app
            .send(
                app.http
                    .post(app.url("/api/auth/login/"))
                    .header("X-Forwarded-For", ip)
                    .json(&json!({"email": e2e::email(&format!("spray{i}")), "password": "x"})),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = app
        .send(
            app.http
                .post(app.url("/api/auth/login/"))
                .header("X-Forwarded-For", ip)
                .json(&json!({"email": e2e::email("spray"), "password": "x"})),
        )
        .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn admin_logs_in_with_the_admin_role() {
    let app = TestApp::spawn().await;
    let services = shared::Services::new(app.config.clone(), &app.stack.sdk);
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&app.stack.sdk);
    let email = e2e::email("admin");
    let password = "Adm1n-Passw0rd!";
    shared::accounts::cognito::ensure_admin(
        &services.store,
        &cognito,
        &app.config,
        &email,
        password,
    )
    .await
    .unwrap();
    // Idempotent: a second run keeps the account.
    shared::accounts::cognito::ensure_admin(
        &services.store,
        &cognito,
        &app.config,
        &email,
        password,
    )
    .await
    .unwrap();

    let r = app.login(&email, password).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["type_compte"], "admin");
    assert_eq!(r.body["user"]["is_staff"], true);
    let claims: Value =
        jsonwebtoken::dangerous::insecure_decode(r.body["access"].as_str().unwrap())
            .unwrap()
            .claims;
    assert!(
        claims["cognito:groups"]
            .as_array()
            .unwrap()
            .contains(&json!("admin"))
    );
}

#[tokio::test]
async fn a_password_reset_ends_the_sessions_opened_before_it() {
    let app = TestApp::spawn().await;
    let (email, access, refresh, _) = app.user("candidat").await;
    app.post("/api/auth/reset-password/", json!({"email": email}))
        .await;
    let code = emulator_reset_code(&email).await;
    let r = app
        .post(
            "/api/auth/reset-password/confirm/",
            json!({"email": email, "code": code, "new_password": "N3w-Passw0rd!"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.assert_tokens_dead(&access, &refresh).await;
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_cannot_pass_the_limit() {
    let app = TestApp::spawn_with(&[("LOGIN_THROTTLE_WINDOW_SECONDS", "2000000000")]).await;
    let (email, _) = app.register("candidat", json!({})).await;
    let mut handles = Vec::new();
    for i in 0..20 {
        let (http, url, email) = (app.http.clone(), app.url("/api/auth/login/"), email.clone());
        handles.push(tokio::spawn(async move {
            let body = json!({"email": email, "password": format!("Guess-{i}-Passw0rd!")});
            http.post(url)
                .header("X-Forwarded-For", format!("198.18.0.{i}"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(app.login(&email, PASSWORD).await.status, 429);
}

#[tokio::test]
async fn an_interrupted_registration_does_not_lock_the_email() {
    let app = TestApp::spawn().await;
    // An identity without profile, as a Lambda timeout after SignUp leaves it.
    let email = e2e::email("orphan");
    aws_sdk_cognitoidentityprovider::Client::new(&app.stack.sdk)
        .sign_up()
        .client_id(&app.config.user_pool_client_id)
        .username(&email)
        .password("0ld-Passw0rd!")
        .send()
        .await
        .unwrap();
    let body = json!({"email": email, "password": PASSWORD, "nom": "N", "prenom": "P", "type_compte": "candidat"});
    let r = app.post("/api/auth/register/", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
    assert_eq!(app.login(&email, "0ld-Passw0rd!").await.status, 401);
}

/// Logs in from a client of its own (`User-Agent`); returns (access, refresh).
async fn login_from(app: &TestApp, email: &str, password: &str, agent: &str) -> (String, String) {
    let r = app
        .send(
            app.http
                .post(app.url("/api/auth/login/"))
                .header("User-Agent", agent)
                .json(&json!({"email": email, "password": password})),
        )
        .await;
    assert_eq!(r.status, 200, "login: {}", r.body);
    (
        r.body["access"].as_str().unwrap().into(),
        r.body["refresh"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn sessions_are_listed_and_closed_one_by_one_or_all_but_this_one() {
    let app = TestApp::spawn().await;
    let (email, _) = app.register("candidat", json!({})).await;
    let (a, a_refresh) = login_from(&app, &email, PASSWORD, "Firefox/140 (bureau)").await;
    let (b, b_refresh) = login_from(&app, &email, PASSWORD, "Chrome/141 (téléphone)").await;
    let (c, c_refresh) = login_from(&app, &email, PASSWORD, "Safari/18").await;

    let r = app.get_auth("/api/auth/sessions/", &a).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["count"], 3);
    let sessions = r.body["results"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 3);
    let by_client = |agent: &str| {
        sessions
            .iter()
            .find(|s| s["client"] == agent)
            .unwrap_or_else(|| panic!("{agent} not in {sessions:?}"))
            .clone()
    };
    let (sa, sb) = (
        by_client("Firefox/140 (bureau)"),
        by_client("Chrome/141 (téléphone)"),
    );
    assert_eq!(sa["courante"], true);
    assert_eq!(sb["courante"], false);
    assert_eq!(sessions.iter().filter(|s| s["courante"] == true).count(), 1);
    for s in &sessions {
        assert!(s["adresse"].as_str().is_some_and(|a| !a.is_empty()), "{s}");
        assert!(s["date_creation"].as_str().unwrap().ends_with('Z'), "{s}");
        assert!(
            s["derniere_utilisation"].as_str().unwrap() >= s["date_creation"].as_str().unwrap()
        );
    }

    // Closing one refuses its tokens at once; the others live on.
    let r = app
        .delete_auth(
            &format!("/api/auth/sessions/{}/", sb["id"].as_str().unwrap()),
            &a,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    app.assert_tokens_dead(&b, &b_refresh).await;
    assert_eq!(app.get_auth("/api/auth/profile/", &c).await.status, 200);
    let again = app
        .delete_auth(
            &format!("/api/auth/sessions/{}/", sb["id"].as_str().unwrap()),
            &a,
        )
        .await;
    assert_eq!(again.status, 404);

    // Another account cannot see or close these sessions.
    let (_, other, _, _) = app.user("candidat").await;
    let theirs = app.get_auth("/api/auth/sessions/", &other).await;
    assert_eq!(theirs.body["count"], 1, "{}", theirs.body);
    let r = app
        .delete_auth(
            &format!("/api/auth/sessions/{}/", sa["id"].as_str().unwrap()),
            &other,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(app.get_auth("/api/auth/profile/", &a).await.status, 200);

    // A refresh is a use of its session.
    let r = app
        .post("/api/auth/refresh/", json!({"refresh": a_refresh}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // All but this one.
    let r = app
        .post_auth("/api/auth/sessions/logout-others/", &a, json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["fermees"], 1, "{}", r.body);
    app.assert_tokens_dead(&c, &c_refresh).await;
    let r = app.get_auth("/api/auth/sessions/", &a).await;
    assert_eq!(r.body["count"], 1);
    assert_eq!(r.body["results"][0]["courante"], true);
    for request in [
        app.http.get(app.url("/api/auth/sessions/")),
        app.http.delete(app.url(&format!(
            "/api/auth/sessions/{}/",
            sa["id"].as_str().unwrap()
        ))),
        app.http.post(app.url("/api/auth/sessions/logout-others/")),
    ] {
        assert_eq!(app.send(request).await.status, 401);
    }
}

#[tokio::test]
async fn changing_the_password_closes_the_other_sessions_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let (email, _) = app.register("recruteur", json!({})).await;
    let (here, here_refresh) = login_from(&app, &email, PASSWORD, "ici").await;
    let (there, there_refresh) = login_from(&app, &email, PASSWORD, "ailleurs").await;
    let new_password = "N0uveau!Secret";

    let wrong = app
        .post_auth(
            "/api/auth/change-password/",
            &here,
            json!({"old_password": "pas le bon", "new_password": new_password}),
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(wrong.body.get("old_password").is_some(), "{}", wrong.body);
    let weak = app
        .post_auth(
            "/api/auth/change-password/",
            &here,
            json!({"old_password": PASSWORD, "new_password": "court"}),
        )
        .await;
    assert_eq!(weak.status, 400, "{}", weak.body);
    assert!(weak.body.get("new_password").is_some(), "{}", weak.body);
    // Nothing changed so far.
    assert_eq!(app.get_auth("/api/auth/profile/", &there).await.status, 200);
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);

    let r = app
        .post_auth(
            "/api/auth/change-password/",
            &here,
            json!({"old_password": PASSWORD, "new_password": new_password}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.assert_tokens_dead(&there, &there_refresh).await;
    assert_eq!(app.get_auth("/api/auth/profile/", &here).await.status, 200);
    let r = app
        .post("/api/auth/refresh/", json!({"refresh": here_refresh}))
        .await;
    assert_eq!(r.status, 200, "this session stays: {}", r.body);
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);
    assert_eq!(app.login(&email, new_password).await.status, 200);
    let r = app
        .post(
            "/api/auth/change-password/",
            json!({"old_password": PASSWORD, "new_password": new_password}),
        )
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn wrong_old_passwords_and_session_reads_are_throttled() {
    let app = TestApp::spawn_with(&[
        ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "2"),
        ("RATE_LIMIT_SESSIONS_PER_USER", "2/3600"),
    ])
    .await;
    let (_, token, _, _) = app.user("candidat").await;
    let wrong = json!({"old_password": "pas le bon", "new_password": "N0uveau!Secret"});
    for _ in 0..2 {
        let r = app
            .post_auth("/api/auth/change-password/", &token, wrong.clone())
            .await;
        assert_eq!(r.status, 400, "{}", r.body);
    }
    let r = app
        .post_auth("/api/auth/change-password/", &token, wrong)
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.headers.get("retry-after").is_some());
    let right = json!({"old_password": PASSWORD, "new_password": "N0uveau!Secret"});
    let r = app
        .post_auth("/api/auth/change-password/", &token, right)
        .await;
    assert_eq!(r.status, 429, "even the right one waits: {}", r.body);

    for _ in 0..2 {
        assert_eq!(
            app.get_auth("/api/auth/sessions/", &token).await.status,
            200
        );
    }
    let r = app.get_auth("/api/auth/sessions/", &token).await;
    assert_eq!(r.status, 429, "{}", r.body);
}

#[tokio::test]
async fn a_new_verification_code_is_mailed_to_unverified_accounts_only() {
    let app = TestApp::spawn_with(&[("AUTO_CONFIRM_EMAIL", "false")]).await;
    let (email, _) = app.register("candidat", json!({})).await;
    let before = mail_to(&email).await.len();
    let r = app
        .post(
            "/api/auth/resend-code/",
            json!({"email": email.to_uppercase()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sent = eventually("the new code", 10, || async {
        let mails = mail_to(&email).await;
        (mails.len() > before).then_some(mails)
    })
    .await;
    assert!(
        sent.last().unwrap().to_string().contains("code"),
        "{sent:?}"
    );
    let answer = r.body["detail"].clone();

    // Verified, or unknown: the same answer, and no mail.
    let r = app
        .post(
            "/api/auth/verify-email/",
            json!({"email": email, "code": "123456"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mailed = mail_to(&email).await.len();
    let nobody = e2e::email("nobody");
    for address in [&email, &nobody] {
        let r = app
            .post("/api/auth/resend-code/", json!({"email": address}))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["detail"], answer);
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(mail_to(&email).await.len(), mailed);
    assert!(mail_to(&nobody).await.is_empty());
    let r = app
        .post(
            "/api/auth/resend-code/",
            json!({"email": "pas-une-adresse"}),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn verification_code_resends_are_throttled_per_email() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_RESEND_CODE_PER_EMAIL", "1/3600")]).await;
    let email = e2e::email("resend");
    let r = app
        .post("/api/auth/resend-code/", json!({"email": email}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .post("/api/auth/resend-code/", json!({"email": email}))
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
}
