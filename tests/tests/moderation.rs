//! What the admin panel's default views and the apps' lists need (#17):
//! the moderation list of every publication in every state, an admin's
//! read of any publication and any account, `count` on the lists, and the
//! compatibility score before applying. One test, in steps: `count` is
//! exact, so nothing else in this binary may publish at the same time.

use e2e::*;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

/// `count` of a list and every item its pages return, which must agree.
async fn counted(app: &TestApp, path: &str, token: Option<&str>) -> (u64, Vec<Value>) {
    let first = match token {
        Some(t) => app.get_auth(path, t).await,
        None => app.send(app.http.get(app.url(path))).await,
    };
    assert_eq!(first.status, 200, "{path}: {}", first.body);
    let count = first.body["count"]
        .as_u64()
        .unwrap_or_else(|| panic!("{path}: no count in {}", first.body));
    let items = app.walk(path, token).await;
    assert_eq!(count, items.len() as u64, "{path}: count and pages differ");
    (count, items)
}

#[tokio::test]
async fn moderation_lists_account_reads_counts_and_score_preview() {
    let app = TestApp::spawn().await;
    let (admin_sub, admin) = app.admin().await;
    let (_, r1, r1_token) = app.verified_recruiter(&admin).await;
    let (_, _, r2_token) = app.verified_recruiter(&admin).await;
    let (_, candidat, strong_token) = app
        .applicant(
            "candidat",
            json!({"competences": ["Rust"], "localisation": "Abidjan"}),
        )
        .await;
    let (_, c_token, _, c_profile) = app.user("candidat").await;

    // r1: an open offre, a pending offre, a closed bourse, a refused
    // financement; r2: an open offre.
    let open = app
        .open_publication(&admin, &r1_token, "offres", "Ingénieur Rust")
        .await;
    let pending = app.publish(&r1_token, "offres", "Comptable zébrure").await;
    let bourse = app
        .open_publication(&admin, &r1_token, "bourses", "Bourse d'excellence")
        .await;
    let r = app
        .put_auth(
            &format!("/api/recruteur/bourses/{}/", id(&bourse)),
            &r1_token,
            json!({"statut": "fermee"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let refused = app.publish(&r1_token, "financements", "Fonds vert").await;
    app.decide(
        &admin,
        &id(&refused),
        "refuser",
        json!({"motif": "Incomplet"}),
    )
    .await;
    let other = app
        .open_publication(&admin, &r2_token, "offres", "Développeur web")
        .await;

    let get = |path: String| {
        let app = &app;
        async move { app.send(app.http.get(app.url(&path))).await }
    };

    // The moderation list: every kind and state, newest first, counted.
    let (n, all) = counted(&app, "/api/admin/publications/?page_size=2", Some(&admin)).await;
    assert_eq!(n, 5);
    assert_eq!(
        ids(&all),
        [&other, &refused, &bourse, &pending, &open].map(id),
        "newest first"
    );
    for (query, expected) in [
        ("type_publication=offres", None),
        (
            "type_publication=offre",
            Some(vec![&other, &pending, &open]),
        ),
        ("statut_validation=en_attente", Some(vec![&pending])),
        ("statut_validation=refuse", Some(vec![&refused])),
        ("statut=fermee", Some(vec![&bourse])),
        (
            "statut_validation=validee&statut=active",
            Some(vec![&other, &open]),
        ),
        (
            &format!("recruteur={r1}") as &str,
            Some(vec![&refused, &bourse, &pending, &open]),
        ),
        (
            &format!("recruteur={r1}&type_publication=offre&statut_validation=validee"),
            Some(vec![&open]),
        ),
        ("statut=ouverte", None),
        ("recruteur=%27%3B--", None),
    ] {
        let path = format!("/api/admin/publications/?{query}&page_size=1");
        match expected {
            None => {
                let r = app.get_auth(&path, &admin).await;
                assert_eq!(r.status, 400, "{query}: {}", r.body);
                assert!(r.body.as_object().unwrap().len() == 1, "{}", r.body);
            }
            Some(expected) => {
                let (_, items) = counted(&app, &path, Some(&admin)).await;
                assert_eq!(
                    ids(&items),
                    expected.iter().map(|p| id(p)).collect::<Vec<_>>(),
                    "{query}"
                );
            }
        }
    }
    // A keyword: tested in code, so no count, but the match.
    let r = app
        .get_auth("/api/admin/publications/?q=ZEBRURE", &admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids(r.body["results"].as_array().unwrap()), [id(&pending)]);
    assert!(r.body.get("count").is_none(), "{}", r.body);

    // Any publication by id, in any state; the public still gets 404.
    let r = app
        .get_auth(
            &format!("/api/admin/publications/{}/", id(&pending)),
            &admin,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_validation"], "en_attente");
    assert_eq!(r.body["titre"], "Comptable zébrure");
    let r = app
        .get_auth(
            &format!("/api/admin/publications/{}/", id(&refused)),
            &admin,
        )
        .await;
    assert_eq!(r.body["motif_refus"], "Incomplet");
    let public = app
        .send(
            app.http
                .get(app.url(&format!("/api/offres/{}/", id(&pending)))),
        )
        .await;
    assert_eq!(public.status, 404);
    assert_eq!(
        app.get_auth(
            "/api/admin/publications/01ZZZZZZZZZZZZZZZZZZZZZZZZ/",
            &admin
        )
        .await
        .status,
        404
    );

    // Any account by id: profile, documents, figures, its publications.
    let r = app
        .get_auth(&format!("/api/admin/utilisateurs/{r1}/"), &admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], r1.as_str());
    assert_eq!(r.body["entreprise"], "Acme CI");
    assert_eq!(r.body["documents"], json!([]));
    assert_eq!(r.body["statistiques"]["publications"]["total"]["total"], 4);
    assert_eq!(
        r.body["statistiques"]["publications"]["bourse"]["fermee"],
        1
    );
    assert_eq!(r.body["publications"]["count"], 4);
    assert_eq!(
        ids(r.body["publications"]["results"].as_array().unwrap()),
        [&refused, &bourse, &pending, &open].map(id)
    );
    let r = app
        .get_auth(&format!("/api/admin/utilisateurs/{candidat}/"), &admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["type_compte"], "candidat");
    assert!(r.body["publications"].is_null());
    assert_eq!(r.body["statistiques"]["candidatures"]["total"]["total"], 0);
    assert_eq!(
        app.get_auth("/api/admin/utilisateurs/no-such-account/", &admin)
            .await
            .status,
        404
    );
    // The read of an account's data is in the admin log.
    let log = app
        .walk(
            &format!("/api/admin/logs/?type=action_admin&utilisateur={admin_sub}"),
            Some(&admin),
        )
        .await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "consulter_compte" && e["cible"] == r1.as_str()),
        "{log:?}"
    );

    // Admins only: 403 for every other role, 401 without a token.
    for path in [
        "/api/admin/publications/".to_string(),
        format!("/api/admin/publications/{}/", id(&pending)),
        format!("/api/admin/utilisateurs/{r1}/"),
    ] {
        for token in [&r1_token, &c_token] {
            let r = app.get_auth(&path, token).await;
            assert_eq!(r.status, 403, "{path}: {}", r.body);
            assert!(r.body.get("results").is_none() && r.body.get("titre").is_none());
        }
        let r = app.send(app.http.get(app.url(&path))).await;
        assert_eq!(r.status, 401, "{path}");
    }

    // Public lists, by recruiter too; an author's own lists; the queue.
    let (n, items) = counted(&app, "/api/offres/?page_size=1", None).await;
    assert_eq!((n, ids(&items)), (2, vec![id(&other), id(&open)]));
    let (n, items) = counted(&app, &format!("/api/offres/?recruteur={r1}"), None).await;
    assert_eq!((n, ids(&items)), (1, vec![id(&open)]));
    let (n, _) = counted(&app, &format!("/api/bourses/?recruteur={r1}"), None).await;
    assert_eq!(n, 0, "closed: not public");
    assert_eq!(
        app.send(app.http.get(app.url("/api/offres/?recruteur=a%20b")))
            .await
            .status,
        400
    );
    let (n, _) = counted(&app, "/api/recruteur/offres/?page_size=1", Some(&r1_token)).await;
    assert_eq!(n, 2, "only r1's offres, not its other kinds");
    let (n, _) = counted(
        &app,
        "/api/recruteur/offres/?statut_validation=en_attente",
        Some(&r1_token),
    )
    .await;
    assert_eq!(n, 1);
    let (n, _) = counted(&app, "/api/admin/publications-en-attente/", Some(&admin)).await;
    assert_eq!(n, 1);
    let (n, _) = counted(
        &app,
        "/api/admin/recruteurs-en-attente/?type_compte=recruteur",
        Some(&admin),
    )
    .await;
    assert_eq!(n, 0, "both recruiters were verified");
    let (_, _, _, waiting) = app.user("recruteur").await;
    let (n, items) = counted(&app, "/api/admin/recruteurs-en-attente/", Some(&admin)).await;
    assert_eq!((n, ids(&items)), (1, vec![id(&waiting)]));
    for query in [
        "",
        "?type_compte=recruteur",
        "?type_compte=recruteur&statut=verifie",
        "?type_compte=candidat&is_active=true",
        "?is_active=false",
    ] {
        counted(
            &app,
            &format!("/api/admin/utilisateurs/{query}"),
            Some(&admin),
        )
        .await;
    }

    // Validating and deleting move the counts.
    app.decide(&admin, &id(&pending), "valider", json!({}))
        .await;
    let (n, _) = counted(&app, "/api/offres/", None).await;
    assert_eq!(n, 3);
    let (n, _) = counted(&app, "/api/admin/publications-en-attente/", Some(&admin)).await;
    assert_eq!(n, 0);
    let r = app
        .delete_auth(
            &format!("/api/recruteur/financements/{}/", id(&refused)),
            &r1_token,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let (n, _) = counted(&app, "/api/admin/publications/", Some(&admin)).await;
    assert_eq!(n, 4);

    // The home page's figures (#18): what the public lists hold, and the
    // active accounts, anonymous and cacheable.
    let figures = get("/api/statistiques/publiques/".to_string()).await;
    assert_eq!(figures.status, 200, "{}", figures.body);
    assert_eq!(
        figures.headers["cache-control"].to_str().unwrap(),
        "public, max-age=300"
    );
    assert_eq!(figures.body["publications"]["offre"], 3);
    assert_eq!(figures.body["publications"]["bourse"], 0, "closed");
    assert_eq!(figures.body["publications"]["financement"], 0, "deleted");
    assert_eq!(figures.body["publications"]["total"], 3);
    for role in ["candidat", "recruteur", "prestataire"] {
        let (n, _) = counted(
            &app,
            &format!("/api/admin/utilisateurs/?type_compte={role}&is_active=true&page_size=100"),
            Some(&admin),
        )
        .await;
        assert_eq!(figures.body["utilisateurs"][role], n, "{role}");
    }
    assert!(figures.body["utilisateurs"].get("admin").is_none());
    let text = figures.body.to_string();
    assert!(!text.contains('@'), "no personal data: {text}");

    // The score before applying is the score applying stores.
    let preview = app
        .get_auth(
            &format!("/api/offres/{}/compatibilite/", id(&open)),
            &c_token,
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let strong = app
        .get_auth(
            &format!("/api/offres/{}/compatibilite/", id(&open)),
            &strong_token,
        )
        .await;
    assert_eq!(strong.status, 200, "{}", strong.body);
    assert!(
        strong.body["score_compatibilite"].as_u64() > preview.body["score_compatibilite"].as_u64(),
        "the matching profile scores higher: {} vs {}",
        strong.body,
        preview.body
    );
    let (n, _) = counted(&app, "/api/candidat/candidatures/", Some(&c_token)).await;
    assert_eq!(n, 0, "a preview writes nothing");
    let applied = app.apply(&c_token, "offres", &id(&open), json!({})).await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    assert_eq!(
        applied.body["score_compatibilite"],
        preview.body["score_compatibilite"]
    );
    assert_eq!(applied.body["score_details"], preview.body["score_details"]);
    for (path, token, status) in [
        // Not public (pending, closed), another kind's route, a recruiter.
        (
            format!("/api/bourses/{}/compatibilite/", id(&bourse)),
            &c_token,
            404,
        ),
        (
            format!("/api/bourses/{}/compatibilite/", id(&open)),
            &c_token,
            404,
        ),
        (
            format!("/api/offres/{}/compatibilite/", id(&open)),
            &r2_token,
            403,
        ),
    ] {
        let r = app.get_auth(&path, token).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
    }

    // Applications lists are counted, and withdrawal moves them.
    let (n, _) = counted(
        &app,
        "/api/candidat/candidatures/?type_publication=offre",
        Some(&c_token),
    )
    .await;
    assert_eq!(n, 1);
    let (n, _) = counted(&app, "/api/recruteur/candidatures/", Some(&r1_token)).await;
    assert_eq!(n, 1);
    let (n, _) = counted(
        &app,
        &format!("/api/recruteur/candidatures/?publication={}", id(&other)),
        Some(&r1_token),
    )
    .await;
    assert_eq!(n, 0, "another recruiter's publication counts nothing here");
    let long = "x".repeat(2000);
    for path in [
        format!("/api/recruteur/candidatures/?publication={long}"),
        "/api/recruteur/candidatures/?publication=a%20b".to_string(),
    ] {
        let r = app.get_auth(&path, &r1_token).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.get("publication").is_some(), "{}", r.body);
    }
    let r = app
        .delete_auth(
            &format!("/api/candidat/candidatures/{}/", id(&applied.body)),
            &c_token,
        )
        .await;
    assert_eq!(r.status, 204);
    let (n, _) = counted(&app, "/api/recruteur/candidatures/", Some(&r1_token)).await;
    assert_eq!(n, 0);

    // Messages and notifications: their boxes are counted too.
    app.message(&r1_token, &id(&c_profile), "Entretien").await;
    let (n, _) = counted(&app, "/api/messages/", Some(&c_token)).await;
    assert_eq!(n, 1);
    let (n, _) = counted(&app, "/api/messages/envoyes/", Some(&r1_token)).await;
    assert_eq!(n, 1);
    let (n, _) = counted(&app, "/api/messages/?lu=true", Some(&c_token)).await;
    assert_eq!(n, 0);
    eventually("r1's notifications", 20, || async {
        let r = app.get_auth("/api/notifications/", &r1_token).await;
        (r.body["count"].as_u64() >= Some(1)).then_some(())
    })
    .await;
    counted(&app, "/api/notifications/?page_size=1", Some(&r1_token)).await;
    counted(&app, "/api/notifications/?lu=false", Some(&r1_token)).await;

    // Public pages: exactly the public fields, only for validated, active
    // accounts, and a candidat's only if opted in.
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &r1_token,
            json!({"description": "Nous recrutons à Abidjan.", "site_web": "https://acme.example",
                "pays": "CI", "region": "CI-AB", "a_propos": "Depuis 2010",
                "reseaux_sociaux": {"linkedin": "https://www.linkedin.com/company/acme"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = get(format!("/api/profils/recruteurs/{r1}/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["pays"]["nom"], "Côte d'Ivoire");
    assert_eq!(page.body["region"]["id"], "CI-AB");
    assert_eq!(page.body["a_propos"], "Depuis 2010");
    assert_eq!(
        page.body["reseaux_sociaux"]["linkedin"],
        "https://www.linkedin.com/company/acme"
    );
    assert_eq!(page.body["entreprise"], "Acme CI");
    assert_eq!(page.body["description"], "Nous recrutons à Abidjan.");
    assert_eq!(page.body["site_web"], "https://acme.example");
    assert_eq!(page.body["publications"]["count"], 2, "{}", page.body);
    assert_eq!(
        ids(page.body["publications"]["results"].as_array().unwrap()),
        [&pending, &open].map(id),
        "open ones only, newest first"
    );
    let text = page.body.to_string();
    for private in [
        "email",
        "telephone",
        "quota",
        "documents_verification",
        "statut_verification_admin",
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{}/refuser/", id(&waiting)),
            &admin,
            json!({"motif": "Kbis illisible"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, _, _, provider) = app.user("prestataire").await;
    for path in [
        format!("/api/profils/recruteurs/{}/", id(&waiting)),
        format!("/api/profils/prestataires/{}/", id(&provider)),
        format!("/api/profils/candidats/{}/", id(&c_profile)),
        format!("/api/profils/recruteurs/{}/", id(&c_profile)),
        "/api/profils/recruteurs/no-such-account/".to_string(),
    ] {
        let r = get(path.clone()).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert_eq!(r.body.as_object().unwrap().len(), 1, "{}", r.body);
    }
    app.verify_account(&admin, &id(&provider)).await;
    let page = get(format!("/api/profils/prestataires/{}/", id(&provider))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["specialite"], "Audit");
    assert!(page.body.get("email").is_none() && page.body.get("telephone").is_none());

    let r = app
        .put_auth(
            "/api/auth/profile/",
            &strong_token,
            json!({"profil_public": true, "champs_publics": ["prenom", "competences"], "telephone": "+2250701020304"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["profil_public"], true);
    let page = get(format!("/api/profils/candidats/{candidat}/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.body,
        json!({"id": candidat, "prenom": "Awa", "competences": ["Rust"]}),
        "exactly the public fields"
    );
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &strong_token,
            json!({"champs_publics": ["telephone"]}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // Deactivated: no page any more.
    for who in [&candidat, &r1] {
        let r = app
            .put_auth(
                &format!("/api/admin/utilisateurs/{who}/desactiver/"),
                &admin,
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    for path in [
        format!("/api/profils/candidats/{candidat}/"),
        format!("/api/profils/recruteurs/{r1}/"),
    ] {
        assert_eq!(get(path.clone()).await.status, 404, "{path}");
    }
}
