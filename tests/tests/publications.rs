//! Publications of the four kinds (spec 3, 5, 6, 7, 14.2), as recruiters,
//! admins and the public see them: the review workflow, ownership, mass
//! assignment, the monthly quota under concurrency, deletion, pagination.

use e2e::*;
use futures_util::future::join_all;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

async fn public_ids(app: &TestApp, kind: &str) -> Vec<String> {
    let items = app.walk(&format!("/api/{kind}/?page_size=100"), None).await;
    for p in &items {
        assert_eq!(p["statut_validation"], "validee", "public list shows {p}");
        assert_eq!(p["statut"], "active", "public list shows {p}");
    }
    ids(&items)
}

async fn public_detail(app: &TestApp, kind: &str, id: &str) -> u16 {
    app.send(app.http.get(app.url(&format!("/api/{kind}/{id}/"))))
        .await
        .status
}

/// Whether one of the caller's notifications has `text` in `field` (every
/// page: other tests' publications notify every admin too).
async fn notified(app: &TestApp, token: &str, field: &str, text: &str) -> Option<()> {
    app.walk("/api/notifications/?page_size=100", Some(token))
        .await
        .iter()
        .any(|n| n[field].as_str().unwrap_or_default().contains(text))
        .then_some(())
}

/// The whole review workflow of one kind, over HTTP.
async fn workflow(kind: &str, type_publication: &str) {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (email, token, _, profile) = app.user("recruteur").await;
    let sub = id(&profile);
    let mine = format!("/api/recruteur/{kind}/");

    // Not verified yet: refused, and said why.
    let r = app
        .post_auth(&mine, &token, publication_body(kind, "Trop tôt"))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("validé par un administrateur"),
        "{}",
        r.body
    );

    // An admin verifies the account; the recruiter gets mail.
    app.verify_account(&admin, &sub).await;
    eventually("the validation mail", 10, || mailed(&email, &["validé"])).await;

    // Published: awaiting review, invisible to the public.
    let titre = format!("Publication {type_publication} {}", ulid::Ulid::new());
    let p = app.publish(&token, kind, &titre).await;
    assert_eq!(p["statut_validation"], "en_attente");
    assert_eq!(p["type_publication"], type_publication);
    assert_eq!(p["recruteur"], sub.as_str());
    assert_eq!(p["date_publication"], Value::Null);
    assert_eq!(public_detail(&app, kind, &id(&p)).await, 404);
    assert!(!public_ids(&app, kind).await.contains(&id(&p)));
    let r = app.get_auth(&format!("{mine}{}/", id(&p)), &token).await;
    assert_eq!(r.status, 200, "the author reads its draft: {}", r.body);

    // The admins are told, and find it in their queue (filtered by kind).
    eventually("the admins' notification", 30, || {
        notified(&app, &admin, "titre", &titre)
    })
    .await;
    let queue = app
        .walk(
            &format!("/api/admin/publications-en-attente/?type_publication={type_publication}&page_size=100"),
            Some(&admin),
        )
        .await;
    assert!(ids(&queue).contains(&id(&p)));
    assert!(
        queue
            .iter()
            .all(|q| q["type_publication"] == type_publication)
    );

    // Validated: public, dated, and the author is told.
    let v = app.decide(&admin, &id(&p), "valider", json!({})).await;
    assert_eq!(v["statut_validation"], "validee");
    assert!(v["date_publication"].is_string());
    assert_eq!(public_detail(&app, kind, &id(&p)).await, 200);
    assert!(public_ids(&app, kind).await.contains(&id(&p)));
    let words = ["validé", titre.as_str()];
    eventually("the publication mail", 10, || mailed(&email, &words)).await;

    // Refused with a reason: the reason reaches the author.
    let other = app.publish(&token, kind, &format!("{titre} bis")).await;
    let motif = format!("Montant manquant {}", ulid::Ulid::new());
    let r = app
        .decide(&admin, &id(&other), "refuser", json!({"motif": motif}))
        .await;
    assert_eq!(r["statut_validation"], "refuse");
    assert_eq!(r["motif_refus"], motif.as_str());
    let words = [motif.as_str()];
    eventually("the refusal mail", 10, || mailed(&email, &words)).await;
    assert_eq!(public_detail(&app, kind, &id(&other)).await, 404);

    // Closed: off the public list, still the author's.
    let r = app
        .put_auth(
            &format!("{mine}{}/", id(&p)),
            &token,
            json!({"statut": "fermee"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut"], "fermee");
    assert_eq!(
        r.body["statut_validation"], "validee",
        "closing is not reviewed"
    );
    assert_eq!(public_detail(&app, kind, &id(&p)).await, 404);
    let public = public_ids(&app, kind).await;
    assert!(!public.contains(&id(&p)) && !public.contains(&id(&other)));
    let own = app
        .walk(&format!("{mine}?page_size=100"), Some(&token))
        .await;
    assert_eq!(
        ids(&own),
        vec![id(&other), id(&p)],
        "newest first, every state"
    );
    let closed = app
        .walk(&format!("{mine}?statut=fermee"), Some(&token))
        .await;
    assert_eq!(ids(&closed), vec![id(&p)]);
}

#[tokio::test]
async fn offres_workflow() {
    workflow("offres", "offre").await;
}

#[tokio::test]
async fn financements_workflow() {
    workflow("financements", "financement").await;
}

#[tokio::test]
async fn bourses_workflow() {
    workflow("bourses", "bourse").await;
}

#[tokio::test]
async fn consultations_workflow() {
    workflow("consultations", "consultation").await;
}

#[tokio::test]
async fn nobody_reaches_another_authors_publications_or_the_admin_routes() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, a) = app.verified_recruiter(&admin).await;
    let (_, _, b) = app.verified_recruiter(&admin).await;
    let draft = app.publish(&a, "offres", "Brouillon de A").await;
    let path = format!("/api/recruteur/offres/{}/", id(&draft));

    assert_eq!(app.get_auth(&path, &b).await.status, 404);
    assert_eq!(
        app.put_auth(&path, &b, json!({"titre": "Volé"}))
            .await
            .status,
        404
    );
    assert_eq!(app.delete_auth(&path, &b).await.status, 404);
    assert!(
        app.walk("/api/recruteur/offres/", Some(&b))
            .await
            .is_empty(),
        "B's list is B's"
    );
    // Another kind's route does not reach it either.
    let wrong = format!("/api/recruteur/bourses/{}/", id(&draft));
    assert_eq!(app.get_auth(&wrong, &a).await.status, 404);
    // Untouched.
    let r = app.get_auth(&path, &a).await;
    assert_eq!(r.body["titre"], "Brouillon de A");

    // Candidats and prestataires do not publish.
    let (_, candidat, _, _) = app.user("candidat").await;
    let (_, prestataire, _, _) = app.user("prestataire").await;
    for token in [&candidat, &prestataire] {
        for (kind, _) in KINDS {
            let r = app
                .post_auth(
                    &format!("/api/recruteur/{kind}/"),
                    token,
                    publication_body(kind, "Interdit"),
                )
                .await;
            assert_eq!(r.status, 403, "{kind}: {}", r.body);
            assert_eq!(
                app.get_auth(&format!("/api/recruteur/{kind}/"), token)
                    .await
                    .status,
                403
            );
        }
        assert_eq!(
            app.put_auth(&path, token, json!({"titre": "Volé"}))
                .await
                .status,
            403
        );
        assert_eq!(app.delete_auth(&path, token).await.status, 403);
    }

    // Non-admins get 403 on every admin route.
    let pid = id(&draft);
    for token in [&a, &candidat, &prestataire] {
        let gets = [
            "/api/admin/recruteurs-en-attente/".to_string(),
            "/api/admin/recruteurs/statistiques/".to_string(),
            "/api/admin/publications-en-attente/".to_string(),
            "/api/admin/publications/statistiques/".to_string(),
        ];
        for route in gets {
            assert_eq!(app.get_auth(&route, token).await.status, 403, "{route}");
        }
        let puts = [
            (format!("/api/admin/recruteurs/{pid}/valider/"), json!({})),
            (
                format!("/api/admin/recruteurs/{pid}/refuser/"),
                json!({"motif": "x"}),
            ),
            (
                format!("/api/admin/recruteurs/{pid}/quota/"),
                json!({"quota_publications_mensuel": 99}),
            ),
            (format!("/api/admin/publications/{pid}/valider/"), json!({})),
            (
                format!("/api/admin/publications/{pid}/refuser/"),
                json!({"motif": "x"}),
            ),
        ];
        for (route, body) in puts {
            assert_eq!(
                app.put_auth(&route, token, body).await.status,
                403,
                "{route}"
            );
        }
    }
    assert_eq!(
        app.get_auth(&path, &a).await.body["statut_validation"],
        "en_attente",
        "no one but an admin decided"
    );
}

#[tokio::test]
async fn mass_assignment_is_ignored() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, sub, token) = app.verified_recruiter(&admin).await;
    let mut body = publication_body("offres", "Offre honnête");
    for (k, v) in [
        ("statut_validation", json!("validee")),
        ("recruteur", json!("someone-else")),
        ("date_publication", json!("2020-01-01T00:00:00Z")),
        ("nombre_candidatures", json!(99)),
        ("motif_refus", json!("x")),
        ("id", json!("CHOSEN")),
        ("type_publication", json!("bourse")),
    ] {
        body[k] = v;
    }
    let r = app
        .post_auth("/api/recruteur/offres/", &token, body.clone())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let p = r.body;
    assert_eq!(p["statut_validation"], "en_attente");
    assert_eq!(p["recruteur"], sub.as_str());
    assert_eq!(p["date_publication"], Value::Null);
    assert_eq!(p["nombre_candidatures"], 0);
    assert_eq!(p["motif_refus"], Value::Null);
    assert_eq!(p["type_publication"], "offre");
    assert_ne!(p["id"], "CHOSEN");
    assert_eq!(public_detail(&app, "offres", &id(&p)).await, 404);

    // Same on update, of a validated publication: nothing moves.
    let v = app.decide(&admin, &id(&p), "valider", json!({})).await;
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{}/", id(&p)),
            &token,
            json!({"statut_validation": "refuse", "recruteur": "x", "date_publication": "2020-01-01T00:00:00Z",
                   "nombre_candidatures": 5, "id": "OTHER"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_validation"], "validee");
    assert_eq!(r.body["recruteur"], sub.as_str());
    assert_eq!(r.body["date_publication"], v["date_publication"]);
    assert_eq!(r.body["nombre_candidatures"], 0);
    assert_eq!(r.body["id"], p["id"]);
    assert_eq!(public_detail(&app, "offres", &id(&p)).await, 200);
}

#[tokio::test]
async fn bad_fields_get_field_errors_and_html_is_sanitized() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, token) = app.verified_recruiter(&admin).await;
    let r = app
        .post_auth(
            "/api/recruteur/offres/",
            &token,
            json!({"titre": "ab", "description": "<script>alert(1)</script>", "type_contrat": "esclavage",
                   "experience_requise": "beaucoup"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    for field in ["titre", "description", "type_contrat", "experience_requise"] {
        assert_eq!(
            r.body[field].as_array().map(Vec::len),
            Some(1),
            "{field}: {}",
            r.body
        );
    }
    let mut body = publication_body("offres", "Salaire négatif");
    body["salaire_min"] = json!(-10);
    let r = app.post_auth("/api/recruteur/offres/", &token, body).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["salaire_min"].is_array(), "{}", r.body);
    let r = app
        .post_auth(
            "/api/recruteur/offres/",
            &token,
            json!({"titre": "Salaire", "description": "x", "type_contrat": "cdd", "salaire_min": 900, "salaire_max": 100}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["salaire_max"].is_array(), "{}", r.body);
    for (kind, field, value) in [
        ("financements", "montant", json!(-1)),
        ("bourses", "montant", json!(-1)),
        ("consultations", "budget", json!(-1)),
    ] {
        let mut body = publication_body(kind, "Montant négatif");
        body[field] = value;
        let r = app
            .post_auth(&format!("/api/recruteur/{kind}/"), &token, body)
            .await;
        assert_eq!(r.status, 400, "{kind}");
        assert!(r.body[field].is_array(), "{kind}: {}", r.body);
    }
    let r = app
        .post_auth("/api/recruteur/offres/", &token, json!([1]))
        .await;
    assert_eq!(r.status, 400);

    let mut body = publication_body("offres", "Offre propre");
    body["description"] = json!(
        r#"<p onmouseover="steal()">Rejoignez-nous<script>alert(1)</script> <a href="javascript:x()">ici</a></p>"#
    );
    let p = app.post_auth("/api/recruteur/offres/", &token, body).await;
    assert_eq!(p.status, 201);
    let description = p.body["description"].as_str().unwrap();
    assert!(description.contains("Rejoignez-nous"));
    for bad in ["script", "onmouseover", "javascript:"] {
        assert!(!description.contains(bad), "{description}");
    }
    // The recruiter's company is the default employer.
    assert_eq!(p.body["entreprise"], "Acme CI");
}

#[tokio::test]
async fn substantive_edits_go_back_to_review_and_closing_does_not() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, sub, token) = app.verified_recruiter(&admin).await;
    let p = app.publish(&token, "consultations", "Audit SI").await;
    let path = format!("/api/recruteur/consultations/{}/", id(&p));
    let first = app.decide(&admin, &id(&p), "valider", json!({})).await;

    // Same values: nothing to review.
    let r = app
        .put_auth(
            &path,
            &token,
            json!({"titre": "Audit SI", "duree": "3 mois"}),
        )
        .await;
    assert_eq!(r.body["statut_validation"], "validee", "{}", r.body);

    // A new budget: back to review, off the public list.
    let r = app
        .put_auth(&path, &token, json!({"budget": 9000000}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_validation"], "en_attente");
    assert_eq!(r.body["budget"], 9000000);
    assert_eq!(r.body["duree"], "3 mois", "fields not sent are kept");
    assert_eq!(public_detail(&app, "consultations", &id(&p)).await, 404);
    let queue = app
        .walk(
            "/api/admin/publications-en-attente/?type_publication=consultation&page_size=100",
            Some(&admin),
        )
        .await;
    assert!(ids(&queue).contains(&id(&p)));

    eventually("the admins' notice of the change", 30, || {
        notified(
            &app,
            &admin,
            "message",
            "« Audit SI » a été modifiée et attend",
        )
    })
    .await;
    // A refusal needs a reason that is more than blanks.
    let r = app
        .put_auth(
            &format!("/api/admin/publications/{}/refuser/", id(&p)),
            &admin,
            json!({"motif": "   "}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["motif"].is_array(), "{}", r.body);

    // Validated again: it keeps its first publication date.
    let again = app.decide(&admin, &id(&p), "valider", json!({})).await;
    assert_eq!(again["date_publication"], first["date_publication"]);
    assert_eq!(public_detail(&app, "consultations", &id(&p)).await, 200);

    // Closing and reopening are not reviewed.
    let r = app
        .put_auth(&path, &token, json!({"statut": "fermee"}))
        .await;
    assert_eq!(
        (
            r.body["statut"].as_str(),
            r.body["statut_validation"].as_str()
        ),
        (Some("fermee"), Some("validee"))
    );
    assert_eq!(public_detail(&app, "consultations", &id(&p)).await, 404);
    let r = app
        .put_auth(&path, &token, json!({"statut": "active"}))
        .await;
    assert_eq!(r.body["statut"], "active");
    assert_eq!(public_detail(&app, "consultations", &id(&p)).await, 200);

    // A refused publication, once corrected, is reviewed again.
    app.decide(
        &admin,
        &id(&p),
        "refuser",
        json!({"motif": "Budget irréaliste"}),
    )
    .await;
    let r = app
        .put_auth(&path, &token, json!({"budget": 3000000}))
        .await;
    assert_eq!(r.body["statut_validation"], "en_attente");
    // Invalid edits change nothing.
    let r = app.put_auth(&path, &token, json!({"budget": -1})).await;
    assert_eq!(r.status, 400);
    assert!(r.body["budget"].is_array(), "{}", r.body);
    let r = app
        .put_auth(
            &path,
            &token,
            json!({"type_consultation": "magie", "titre": ""}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["type_consultation"].is_array() && r.body["titre"].is_array(),
        "{}",
        r.body
    );
    assert_eq!(app.get_auth(&path, &token).await.body["budget"], 3000000);
    let r = app
        .put_auth(&path, &token, json!({"titre": "   ab   "}))
        .await;
    assert_eq!(r.status, 400, "titles are measured trimmed: {}", r.body);

    // An account refused since cannot send publications back to review.
    let q = app.publish(&token, "consultations", "Avant le refus").await;
    app.decide(&admin, &id(&q), "valider", json!({})).await;
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{sub}/refuser/"),
            &admin,
            json!({"motif": "Kbis expiré"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let q_path = format!("/api/recruteur/consultations/{}/", id(&q));
    let r = app.put_auth(&q_path, &token, json!({"budget": 1})).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(app.get_auth(&q_path, &token).await.body["budget"], 2000000);
    // Closing needs no review, so it stays possible.
    let r = app
        .put_auth(&q_path, &token, json!({"statut": "fermee"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn a_decision_never_approves_content_its_admin_did_not_see() {
    let app = TestApp::spawn().await;
    let (admin_sub, admin) = app.admin().await;
    let (_, _, token) = app.verified_recruiter(&admin).await;
    let p = app.publish(&token, "offres", "Version lue").await;
    let store = shared::store::Store::new(
        aws_sdk_dynamodb::Client::new(&app.stack.sdk),
        app.config.table_name.clone(),
    );
    // The admin's read...
    let seen = shared::publications::store::get(&store, &id(&p), true)
        .await
        .unwrap()
        .unwrap();
    // ...then the author's edit...
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{}/", id(&p)),
            &token,
            json!({"titre": "Version cachée"}),
        )
        .await;
    assert_eq!(r.status, 200);
    // ...then the decision on what the admin read: refused, nothing lost.
    let decided = seen.decided(
        shared::publications::StatutValidation::Validee,
        None,
        time::OffsetDateTime::now_utc(),
    );
    let entry = shared::logs::audit::Entry::new(
        &admin_sub,
        "valider_publication",
        "publication",
        &id(&p),
        None,
    );
    let result = shared::publications::store::save(&store, &seen, &decided, Some(&entry)).await;
    assert!(
        matches!(result, Err(shared::ApiError::Conflict(_))),
        "{result:?}"
    );
    let r = app
        .get_auth(&format!("/api/recruteur/offres/{}/", id(&p)), &token)
        .await;
    assert_eq!(
        (
            r.body["titre"].as_str(),
            r.body["statut_validation"].as_str()
        ),
        (Some("Version cachée"), Some("en_attente"))
    );
    assert_eq!(public_detail(&app, "offres", &id(&p)).await, 404);
}

#[tokio::test]
async fn the_monthly_quota_is_exact_under_concurrent_creates() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, sub, token) = app.verified_recruiter(&admin).await;
    app.set_quota(&admin, &sub, 5).await;

    let creates = (0..20).map(|i| {
        let (kind, _) = KINDS[i % 4];
        let app = &app;
        let token = &token;
        async move {
            app.post_auth(
                &format!("/api/recruteur/{kind}/"),
                token,
                publication_body(kind, &format!("Concurrente {i}")),
            )
            .await
        }
    });
    let results = join_all(creates).await;
    let created = results.iter().filter(|r| r.status == 201).count();
    assert_eq!(
        created,
        5,
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let refused: Vec<_> = results.iter().filter(|r| r.status != 201).collect();
    assert_eq!(refused.len(), 15);
    let now = time::OffsetDateTime::now_utc();
    let (year, month) = if now.month() == time::Month::December {
        (now.year() + 1, 1)
    } else {
        (now.year(), u8::from(now.month()) + 1)
    };
    let reset = format!("{year:04}-{month:02}-01T00:00:00Z");
    for r in refused {
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.body["quota_publications_mensuel"], 5);
        assert_eq!(r.body["reinitialisation"], reset.as_str());
        let detail = r.body["detail"].as_str().unwrap();
        assert!(detail.contains('5') && detail.contains(&reset), "{detail}");
    }
    let mut mine = 0;
    for (kind, _) in KINDS {
        mine += app
            .walk(&format!("/api/recruteur/{kind}/"), Some(&token))
            .await
            .len();
    }
    assert_eq!(mine, 5, "exactly the accepted ones exist");

    // An admin raises the quota: two more this month, not three.
    app.set_quota(&admin, &sub, 7).await;
    for expected in [201, 201, 403] {
        let r = app
            .post_auth(
                "/api/recruteur/bourses/",
                &token,
                publication_body("bourses", "Après hausse"),
            )
            .await;
        assert_eq!(r.status, expected, "{}", r.body);
    }
    // A quota of zero stops publishing from the month's first.
    let (_, other_sub, other) = app.verified_recruiter(&admin).await;
    app.set_quota(&admin, &other_sub, 0).await;
    let r = app
        .post_auth(
            "/api/recruteur/offres/",
            &other,
            publication_body("offres", "Aucune"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.body["quota_publications_mensuel"], 0);
    // Quotas are for recruiters only, within bounds.
    let (_, _, _, candidat) = app.user("candidat").await;
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{}/quota/", id(&candidat)),
            &admin,
            json!({"quota_publications_mensuel": 3}),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{sub}/quota/"),
            &admin,
            json!({"quota_publications_mensuel": -1}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
}

#[tokio::test]
async fn deletion_never_loses_applications() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, token) = app.verified_recruiter(&admin).await;

    // Without applications: deleted, gone for everyone.
    let p = app.publish(&token, "bourses", "À supprimer").await;
    let path = format!("/api/recruteur/bourses/{}/", id(&p));
    let r = app.delete_auth(&path, &token).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(app.get_auth(&path, &token).await.status, 404);
    assert_eq!(app.delete_auth(&path, &token).await.status, 404);

    // With applications (#5 counts them; set here in the table): kept.
    let p = app.publish(&token, "bourses", "Déjà des candidats").await;
    app.decide(&admin, &id(&p), "valider", json!({})).await;
    let stack = stack().await;
    let client = aws_sdk_dynamodb::Client::new(&stack.sdk);
    client
        .update_item()
        .table_name(&app.config.table_name)
        .key(
            "PK",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("PUB#{}", id(&p))),
        )
        .key(
            "SK",
            aws_sdk_dynamodb::types::AttributeValue::S("PUB".into()),
        )
        .update_expression("SET nombre_candidatures = :n")
        .expression_attribute_values(":n", aws_sdk_dynamodb::types::AttributeValue::N("2".into()))
        .send()
        .await
        .unwrap();
    let path = format!("/api/recruteur/bourses/{}/", id(&p));
    for token in [&token, &admin] {
        let r = app.delete_auth(&path, token).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(
            r.body["detail"].as_str().unwrap().contains("Fermez-la"),
            "{}",
            r.body
        );
    }
    assert_eq!(public_detail(&app, "bourses", &id(&p)).await, 200);
    // An edit keeps the count applications made.
    let r = app
        .put_auth(&path, &token, json!({"statut": "fermee"}))
        .await;
    assert_eq!(r.body["nombre_candidatures"], 2, "{}", r.body);

    // An admin may delete one without applications.
    let p = app.publish(&token, "bourses", "Spam").await;
    let r = app
        .delete_auth(&format!("/api/recruteur/bourses/{}/", id(&p)), &admin)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
}
