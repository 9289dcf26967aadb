//! The admin panel (spec 2.3, 16): accounts listed and filtered,
//! deactivated (at once: tokens die) and reactivated, the system log
//! (logins, admin actions, errors, slow requests), admins only; and the
//! candidate search (spec 9.1), which shows contact details only to the
//! recruiters a candidate applied to.

use e2e::*;
use serde_json::{Value, json};
use tower::ServiceExt;

fn sub(profile: &Value) -> String {
    profile["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn non_admins_get_403_on_every_admin_route() {
    let app = TestApp::spawn().await;
    let (_, candidate, _, _) = app.user("candidat").await;
    let (_, recruiter, _, _) = app.user("recruteur").await;
    for token in [&candidate, &recruiter] {
        for path in [
            "/api/admin/dashboard/",
            "/api/admin/utilisateurs/",
            "/api/admin/statistiques/",
            "/api/admin/statistiques-globales/",
            "/api/admin/logs/",
            "/api/admin/recruteurs-en-attente/",
            "/api/admin/recruteurs/statistiques/",
            "/api/admin/publications-en-attente/",
            "/api/admin/publications/statistiques/",
        ] {
            let r = app.get_auth(path, token).await;
            assert_eq!(r.status, 403, "GET {path}: {}", r.body);
        }
        for path in [
            "/api/admin/utilisateurs/x/desactiver/",
            "/api/admin/utilisateurs/x/reactiver/",
            "/api/admin/recruteurs/x/valider/",
            "/api/admin/publications/x/refuser/",
        ] {
            let r = app.put_auth(path, token, json!({})).await;
            assert_eq!(r.status, 403, "PUT {path}: {}", r.body);
        }
    }
    let r = app.send(app.http.get(app.url("/api/admin/logs/"))).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn a_deactivated_account_stops_working_at_once_and_comes_back() {
    let app = TestApp::spawn().await;
    let (admin_sub, admin) = app.admin().await;
    let (email, access, refresh, profile) = app.user("candidat").await;
    let id = sub(&profile);
    assert_eq!(
        app.get_auth("/api/auth/profile/", &access).await.status,
        200
    );

    let path = format!("/api/admin/utilisateurs/{id}/desactiver/");
    let r = app.put_auth(&path, &admin, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["is_active"], false);
    // The very next request with its token is refused.
    app.assert_tokens_dead(&access, &refresh).await;
    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = app.put_auth(&path, &admin, json!({})).await;
    assert_eq!(r.status, 409, "{}", r.body);

    let listed = app
        .walk(
            "/api/admin/utilisateurs/?type_compte=candidat&is_active=false",
            Some(&admin),
        )
        .await;
    assert!(listed.iter().any(|u| u["id"] == id.as_str()));
    assert!(
        listed
            .iter()
            .all(|u| u["is_active"] == false && u["type_compte"] == "candidat")
    );

    let r = app
        .put_auth(
            &format!("/api/admin/utilisateurs/{id}/reactiver/"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["is_active"], true);
    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Edge cases: oneself, an unknown id.
    let r = app
        .put_auth(
            &format!("/api/admin/utilisateurs/{admin_sub}/desactiver/"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = app
        .put_auth(
            "/api/admin/utilisateurs/inconnu/desactiver/",
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Both actions are in the log, by their admin.
    let actions: Vec<(String, String)> = app
        .walk(
            &format!("/api/admin/logs/?type=action_admin&utilisateur={admin_sub}"),
            Some(&admin),
        )
        .await
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().into(),
                e["cible"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("reactiver_compte".to_string(), id.clone()),
            ("desactiver_compte".to_string(), id)
        ],
        "newest first"
    );
}

#[tokio::test]
async fn users_are_listed_by_type_state_and_activity() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, verified, _) = app.verified_recruiter(&admin).await;
    let (_, _, _, pending) = app.user("recruteur").await;
    let (_, _, _, candidate) = app.user("candidat").await;

    let walk = |q: &str| {
        let path = format!("/api/admin/utilisateurs/{q}");
        let (app, admin) = (&app, admin.clone());
        async move { app.walk(&path, Some(&admin)).await }
    };
    let all = walk("?page_size=3").await;
    for id in [&verified, &sub(&pending), &sub(&candidate)] {
        assert_eq!(
            all.iter().filter(|u| u["id"] == id.as_str()).count(),
            1,
            "{id} once"
        );
    }
    let dates: Vec<&str> = all
        .iter()
        .map(|u| u["date_creation"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let ok = walk("?type_compte=recruteur&statut=verifie").await;
    assert!(ok.iter().any(|u| u["id"] == verified.as_str()));
    assert!(!ok.iter().any(|u| u["id"] == pending["id"]));
    assert!(
        ok.iter()
            .all(|u| u["statut_verification_admin"] == "verifie")
    );
    let waiting = walk("?statut=en_attente").await;
    assert!(waiting.iter().any(|u| u["id"] == pending["id"]));
    assert!(
        !waiting.iter().any(|u| u["id"] == candidate["id"]),
        "a candidat has no such state"
    );
    let active = walk("?type_compte=candidat&is_active=true").await;
    assert!(active.iter().any(|u| u["id"] == candidate["id"]));
    for q in [
        "?type_compte=chef",
        "?is_active=peut-etre",
        "?statut=valide",
        "?type_compte=candidat&statut=verifie",
    ] {
        let r = app
            .get_auth(&format!("/api/admin/utilisateurs/{q}"), &admin)
            .await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
    }

    // The dashboard: figures and the oldest work waiting.
    let r = app.get_auth("/api/admin/dashboard/", &admin).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["statistiques"]["utilisateurs"]["total"]["total"]
            .as_i64()
            .unwrap()
            >= 4
    );
    assert!(r.body["comptes_a_valider"].as_array().unwrap().len() <= 10);
    assert!(r.body["publications_a_valider"].is_array());
}

#[tokio::test]
async fn the_log_has_logins_admin_actions_errors_and_slow_requests() {
    let app = TestApp::spawn().await;
    let (admin_sub, admin) = app.admin().await;
    let (email, _, _, profile) = app.user("candidat").await;
    let id = sub(&profile);
    let r = app.login(&email, "Wrong-Passw0rd!").await;
    assert_eq!(r.status, 401);

    // Logins tried with an address: the failure and the success.
    let tried = app
        .walk(
            &format!("/api/admin/logs/?utilisateur={}", email.to_uppercase()),
            Some(&admin),
        )
        .await;
    let kinds: Vec<&str> = tried.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["echec_connexion", "connexion"],
        "newest first: {tried:?}"
    );
    assert!(
        tried
            .iter()
            .all(|e| e["email"] == email.as_str() && e["ip"].is_string())
    );
    assert_eq!(tried[1]["utilisateur"], id.as_str());
    // By account, by kind, by date.
    let mine = app
        .walk(
            &format!("/api/admin/logs/?utilisateur={id}&type=connexion"),
            Some(&admin),
        )
        .await;
    assert_eq!(mine.len(), 1);
    let today = time::OffsetDateTime::now_utc().date();
    let yesterday = today - time::Duration::days(1);
    let by_date = |from: time::Date, to: time::Date| {
        let path = format!("/api/admin/logs/?utilisateur={id}&date_debut={from}&date_fin={to}");
        let (app, admin) = (&app, admin.clone());
        async move { app.walk(&path, Some(&admin)).await }
    };
    assert_eq!(by_date(today, today).await.len(), 1);
    assert!(by_date(yesterday, yesterday).await.is_empty());
    let logins = app
        .walk("/api/admin/logs/?type=connexion&page_size=2", Some(&admin))
        .await;
    assert!(
        logins
            .iter()
            .any(|e| e["utilisateur"] == admin_sub.as_str())
    );
    assert!(logins.iter().all(|e| e["type"] == "connexion"));
    for q in [
        "?type=debug",
        "?date_debut=hier",
        "?date_debut=2026-12-02&date_fin=2026-12-01",
    ] {
        let r = app.get_auth(&format!("/api/admin/logs/{q}"), &admin).await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
    }
    // No secret in any entry.
    let everything = app
        .walk(
            &format!("/api/admin/logs/?utilisateur={email}"),
            Some(&admin),
        )
        .await;
    let text = serde_json::to_string(&everything).unwrap();
    assert!(!text.contains(PASSWORD) && !text.contains("Wrong-Passw0rd!"));

    // Slow requests: with a threshold of 0 ms, every request is one.
    let slow = TestApp::spawn_with(&[("SLOW_REQUEST_MS", "0")]).await;
    let (_, token, _, slow_profile) = slow.user("recruteur").await;
    assert_eq!(
        slow.get_auth("/api/auth/profile/", &token).await.status,
        200
    );
    let entries = app
        .walk(
            &format!(
                "/api/admin/logs/?type=requete_lente&utilisateur={}",
                sub(&slow_profile)
            ),
            Some(&admin),
        )
        .await;
    let profile_read = entries
        .iter()
        .find(|e| e["action"] == "GET /api/auth/profile/")
        .unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(profile_read["statut"], 200);
    assert!(profile_read["latence_ms"].is_u64() && profile_read["request_id"].is_string());

    // A server error on an area's route is recorded, with its route.
    let services = shared::Services::new(app.config.clone(), &app.stack.sdk);
    let failing = axum::Router::new()
        .route(
            "/api/boom/{id}/",
            axum::routing::get(|| async { axum::http::StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .layer(axum::middleware::from_fn_with_state(
            services,
            shared::monitoring::record::<shared::logs::SystemLog>,
        ));
    let request = axum::http::Request::get("/api/boom/42/")
        .header("x-request-id", "req-boom")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(failing.oneshot(request).await.unwrap().status(), 500);
    let errors = app.walk("/api/admin/logs/?type=erreur", Some(&admin)).await;
    let boom = errors
        .iter()
        .find(|e| e["request_id"] == "req-boom")
        .expect("the error is logged");
    assert_eq!(
        (boom["action"].as_str(), boom["statut"].as_u64()),
        (Some("GET /api/boom/{id}/"), Some(500))
    );
}

#[tokio::test]
async fn candidate_search_shows_contacts_only_to_recruiters_applied_to() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, other_recruiter) = app.verified_recruiter(&admin).await;
    // A skill no other test uses keeps the results to this test's.
    let tag = format!("Zig{}", ulid::Ulid::new().to_string().to_lowercase());
    let phone = phone();
    let (x_email, x, x_token) = app
        .applicant(
            "candidat",
            json!({"competences": [tag, "Gestion de projet"], "experience": 5, "localisation": "Abidjan, Côte d'Ivoire",
                   "disponibilite": "immediate", "salaire_souhaite": 400000, "telephone": phone, "formation": "Master Génie logiciel"}),
        )
        .await;
    let (_, y, _) = app
        .applicant(
            "candidat",
            json!({"competences": [tag], "experience": 1, "localisation": "Dakar", "disponibilite": "sous_3_mois", "telephone": phone}),
        )
        .await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Chef de projet")
        .await;
    let r = app
        .apply(&x_token, "offres", offre["id"].as_str().unwrap(), json!({}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let aid = r.body["id"].as_str().unwrap().to_string();

    let search = |token: &str, q: String| {
        let (app, token) = (&app, token.to_string());
        async move {
            app.walk(
                &format!("/api/recherche/candidats/?competences={q}"),
                Some(&token),
            )
            .await
        }
    };
    let found = search(&recruiter, tag.clone()).await;
    assert_eq!(found.len(), 2, "{found:?}");
    let card = |list: &[Value], id: &str| list.iter().find(|c| c["id"] == id).cloned().unwrap();
    let seen_x = card(&found, &x);
    assert_eq!(seen_x["a_postule"], true);
    assert_eq!(seen_x["email"], x_email.as_str());
    assert_eq!(seen_x["telephone"], phone.as_str());
    let seen_y = card(&found, &y);
    assert_eq!(
        (
            seen_y["email"].clone(),
            seen_y["telephone"].clone(),
            seen_y["a_postule"].clone()
        ),
        (Value::Null, Value::Null, json!(false))
    );
    assert!(
        seen_y.get("cv").is_none() && seen_y.get("is_active").is_none(),
        "{seen_y}"
    );
    // Another recruiter sees neither contact; an admin sees both.
    let theirs = search(&other_recruiter, tag.clone()).await;
    assert!(
        theirs
            .iter()
            .all(|c| c["email"].is_null() && c["telephone"].is_null())
    );
    let admins = search(&admin, tag.clone()).await;
    assert!(admins.iter().all(|c| c["email"].is_string()));

    // Filters, alone and together (accents and case ignored).
    for (q, want) in [
        (format!("{tag}&experience_min=3"), vec![x.clone()]),
        (
            format!("{tag}&localisation=cote+d%27ivoire"),
            vec![x.clone()],
        ),
        (format!("{tag}&disponibilite=sous_3_mois"), vec![y.clone()]),
        (format!("{tag}&salaire_max=500000"), vec![x.clone()]),
        (format!("{tag},gestion+de+projet"), vec![x.clone()]),
        (format!("{tag}&q=genie+LOGICIEL"), vec![x.clone()]),
        (format!("{tag}&experience_min=6"), vec![]),
    ] {
        let got: Vec<String> = search(&recruiter, q.clone())
            .await
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "{q}");
    }
    for q in ["x&experience_min=beaucoup", "x&disponibilite=demain"] {
        let r = app
            .get_auth(
                &format!("/api/recherche/candidats/?competences={q}"),
                &recruiter,
            )
            .await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
    }
    let (_, candidate_token, _, _) = app.user("candidat").await;
    let r = app
        .get_auth("/api/recherche/candidats/", &candidate_token)
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // A recruiter an admin has not verified yet does not search either.
    let (_, unverified, _, _) = app.user("recruteur").await;
    let r = app.get_auth("/api/recherche/candidats/", &unverified).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.body["detail"].as_str().unwrap().contains("validé"),
        "{}",
        r.body
    );

    // Once the application is withdrawn, the contact is private again.
    let r = app
        .delete_auth(&format!("/api/candidat/candidatures/{aid}/"), &x_token)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let after = search(&recruiter, tag).await;
    let seen_x = card(&after, &x);
    assert!(
        seen_x["email"].is_null() && seen_x["a_postule"] == false,
        "{seen_x}"
    );
}

/// The AWS calls a GET made, as `SERVER_TIMING=true` reports them
/// (`x-aws-calls`); asserts it answered 200.
async fn aws_calls(app: &TestApp, token: Option<&str>, path: &str) -> String {
    let request = app.http.get(app.url(path));
    let request = match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    };
    let r = app.send(request).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.headers["x-aws-calls"].to_str().unwrap().to_string()
}

/// The DynamoDB calls the new routes make, counted by the SDK interceptor
/// (`SERVER_TIMING=true` reports them), are the minimums of
/// docs/data-model.md: no route reads more than its key design needs.
#[tokio::test]
async fn the_new_routes_make_their_documented_dynamodb_calls() {
    let app = TestApp::spawn_with(&[("SERVER_TIMING", "true")]).await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, candidate, _, _) = app.user("candidat").await;
    let calls = |token: Option<String>, path: &'static str| {
        let app = &app;
        async move { aws_calls(app, token.as_deref(), path).await }
    };
    let (a, r, c) = (
        Some(admin.clone()),
        Some(recruiter.clone()),
        Some(candidate.clone()),
    );
    for (token, path, expected) in [
        (
            None,
            "/api/recherche/offres/?page_size=5",
            // The rate limit's counter (docs/rate-limits.md), then the page.
            "dynamodb.Query=1,dynamodb.UpdateItem=1",
        ),
        (
            r.clone(),
            "/api/recherche/candidats/?page_size=1",
            "dynamodb.BatchGetItem=1,dynamodb.GetItem=2,dynamodb.Query=1,dynamodb.UpdateItem=1",
        ),
        (
            r.clone(),
            "/api/recruteur/statistiques/",
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
        (
            c.clone(),
            "/api/candidat/statistiques/",
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
        (
            r.clone(),
            "/api/analytics/offres/",
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
        (
            r.clone(),
            "/api/analytics/candidatures/?periode=mois",
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
        (
            a.clone(),
            "/api/admin/statistiques-globales/",
            "dynamodb.GetItem=1,dynamodb.Query=4",
        ),
        (
            a.clone(),
            "/api/admin/dashboard/",
            "dynamodb.GetItem=1,dynamodb.Query=7",
        ),
        (
            a.clone(),
            "/api/admin/utilisateurs/?type_compte=candidat&page_size=5",
            // The page and its `count`'s counters.
            "dynamodb.GetItem=1,dynamodb.Query=2",
        ),
        (
            a.clone(),
            "/api/admin/logs/?type=connexion&page_size=5",
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
    ] {
        assert_eq!(calls(token, path).await, expected, "{path}");
    }
}

/// The same for #17's reads: moderation, account detail, public pages,
/// the score preview, the sessions, and the lists that now carry `count`.
#[tokio::test]
async fn the_moderation_and_public_reads_make_their_documented_dynamodb_calls() {
    let app = TestApp::spawn_with(&[("SERVER_TIMING", "true")]).await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let (_, candidate_sub, candidate) = app.applicant("candidat", json!({})).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Analyste")
        .await;
    let pid = offre["id"].as_str().unwrap().to_string();
    // A file: its links are signed here, not fetched (no S3 call counts).
    let cv = app.upload_file(&candidate, "cv", "cv.pdf", pdf("cv")).await;
    let calls = |token: Option<&str>, path: String| {
        let app = &app;
        let token = token.map(String::from);
        async move { aws_calls(app, token.as_deref(), &path).await }
    };
    let (a, r, c) = (
        Some(admin.as_str()),
        Some(recruiter.as_str()),
        Some(candidate.as_str()),
    );
    for (token, path, expected) in [
        (
            c,
            "/api/upload/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
        (c, format!("/api/upload/{cv}/"), "dynamodb.GetItem=2"),
        (
            a,
            "/api/admin/publications/?statut_validation=validee".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=2",
        ),
        (
            a,
            "/api/admin/publications/?q=analyste".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=1",
        ),
        (
            a,
            format!("/api/admin/publications/{pid}/"),
            "dynamodb.GetItem=2",
        ),
        (
            a,
            format!("/api/admin/utilisateurs/{candidate_sub}/"),
            "dynamodb.GetItem=2,dynamodb.PutItem=1,dynamodb.Query=1",
        ),
        (
            a,
            format!("/api/admin/utilisateurs/{recruiter_sub}/"),
            "dynamodb.GetItem=2,dynamodb.PutItem=1,dynamodb.Query=3",
        ),
        (
            a,
            "/api/admin/publications-en-attente/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=2",
        ),
        (None, "/api/offres/".to_string(), "dynamodb.Query=2"),
        (
            None,
            "/api/statistiques/publiques/".to_string(),
            "dynamodb.Query=2",
        ),
        (
            None,
            format!("/api/offres/?recruteur={recruiter_sub}"),
            "dynamodb.Query=2",
        ),
        (
            r,
            "/api/recruteur/offres/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=2",
        ),
        (
            r,
            "/api/recruteur/candidatures/".to_string(),
            // The session, and the recruiter's profile (contacts are
            // hidden from a recruiter refused after validation, #20).
            "dynamodb.GetItem=2,dynamodb.Query=2",
        ),
        (
            r,
            format!("/api/recruteur/candidatures/?publication={pid}"),
            // The session, the publication and the recruiter's profile.
            "dynamodb.GetItem=3,dynamodb.Query=1",
        ),
        (
            c,
            "/api/candidat/candidatures/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=2",
        ),
        (
            c,
            format!("/api/offres/{pid}/compatibilite/"),
            "dynamodb.BatchGetItem=1,dynamodb.GetItem=1",
        ),
        (
            c,
            "/api/messages/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=2",
        ),
        (
            c,
            "/api/notifications/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=3",
        ),
        (
            c,
            "/api/auth/sessions/".to_string(),
            "dynamodb.GetItem=1,dynamodb.Query=2,dynamodb.UpdateItem=1",
        ),
        (
            None,
            format!("/api/profils/recruteurs/{recruiter_sub}/"),
            "dynamodb.GetItem=1,dynamodb.Query=2,dynamodb.UpdateItem=1",
        ),
    ] {
        assert_eq!(calls(token, path.clone()).await, expected, "{path}");
    }
    // Nor do the links wait on AWS: the list's critical path is its two
    // calls (a presigned link counted as a round trip made it three).
    let r = app.get_auth("/api/upload/", &candidate).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["results"][0]["id"], cv.as_str(), "{}", r.body);
    assert_eq!(r.headers["x-aws-depth"].to_str().unwrap(), "2");
}
