//! #18: what the apps' forms send has a home. Reference lists (served,
//! cached, validating ids), every form field round-tripping, unknown
//! fields named, and deadlines that close publications.

use e2e::*;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

fn in_seconds(seconds: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
        .replace_nanosecond(0)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

async fn get(app: &TestApp, path: &str) -> Response {
    app.send(app.http.get(app.url(path))).await
}

#[tokio::test]
async fn reference_lists_are_served_cached_and_revalidated() {
    let app = TestApp::spawn().await;
    let index = get(&app, "/api/reference/").await;
    assert_eq!(index.status, 200, "{}", index.body);
    let lists: Vec<String> = serde_json::from_value(index.body["listes"].clone()).unwrap();
    for name in [
        "pays",
        "departements",
        "secteurs_activite",
        "fonctions",
        "secteurs_financement",
        "cibles_financement",
        "domaines_etude",
        "types_organisation",
        "types_contrat",
        "types_bourse",
        "types_consultation",
        "modes_travail",
    ] {
        assert!(lists.iter().any(|l| l == name), "{name} in {lists:?}");
    }
    for name in &lists {
        let r = get(&app, &format!("/api/reference/{name}/")).await;
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        assert!(r.body["count"].as_u64().unwrap() > 0, "{name}");
        assert_eq!(r.body["count"], r.body["results"].as_array().unwrap().len());
        let cache = r.headers["cache-control"].to_str().unwrap();
        assert!(
            cache.contains("public") && cache.contains("max-age=86400"),
            "{cache}"
        );
        let etag = r.headers["etag"].to_str().unwrap().to_string();
        // The same ETag again: 304, no body; another one: the list.
        let again = app
            .send(
                app.http
                    .get(app.url(&format!("/api/reference/{name}/")))
                    .header("If-None-Match", &etag),
            )
            .await;
        assert_eq!(again.status, 304, "{name}");
        assert_eq!(again.headers["etag"].to_str().unwrap(), etag);
        let stale = app
            .send(
                app.http
                    .get(app.url(&format!("/api/reference/{name}/")))
                    .header("If-None-Match", "\"0000\""),
            )
            .await;
        assert_eq!(stale.status, 200, "{name}");
    }
    let pays = get(&app, "/api/reference/pays/").await;
    assert!(pays.body["count"].as_u64().unwrap() >= 249);
    assert!(
        pays.body["results"]
            .as_array()
            .unwrap()
            .contains(&json!({"id": "CI", "nom": "Côte d'Ivoire"}))
    );
    let regions = get(&app, "/api/reference/pays/SN/regions/").await;
    assert_eq!(regions.status, 200);
    assert_eq!(regions.body["count"], 14, "Senegal's regions");
    assert!(
        regions.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"].as_str().unwrap().starts_with("SN-"))
    );
    let departements = get(&app, "/api/reference/departements/").await;
    let first = &departements.body["results"][0];
    let categories = get(
        &app,
        &format!(
            "/api/reference/departements/{}/categories/",
            first["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(categories.body["results"], first["categories"]);
    for missing in [
        "/api/reference/planetes/",
        "/api/reference/pays/XX/regions/",
        "/api/reference/departements/nulle_part/categories/",
    ] {
        let r = get(&app, missing).await;
        assert_eq!(r.status, 404, "{missing}: {}", r.body);
        assert!(r.body["detail"].is_string());
    }
}

/// An offre with every field of the app's form.
fn full_offre(departement: &str, categorie: &str, deadline: &str) -> Value {
    json!({
        "titre": "Chef de projet digital", "description": "<p>Pilotage de projets web.</p>",
        "type_contrat": "cdi", "salaire": 900000, "localisation": "Dakar",
        "competences_requises": ["Agile"], "experience_requise": 4,
        "niveau_experience": "intermediaire", "mode_travail": "hybride",
        "departement": departement, "categorie": categorie,
        "profil_recherche": "Bac+5, anglais courant", "informations_complementaires": "Poste basé au Plateau",
        "cv_requis": true, "lettre_requise": false, "urgent": true, "date_limite": deadline,
    })
}

#[tokio::test]
async fn every_form_field_round_trips_and_unknown_ids_or_fields_are_named() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let reference = get(&app, "/api/reference/departements/").await.body;
    let dep = &reference["results"][0];
    let other = &reference["results"][1];
    let (dep_id, cat_id) = (
        dep["id"].as_str().unwrap(),
        dep["categories"][0]["id"].as_str().unwrap(),
    );
    let foreign_cat = other["categories"][0]["id"].as_str().unwrap();
    let deadline = in_seconds(30 * 24 * 3600);

    // Bad ids and misspelt fields: a 400 naming each, nothing created.
    let mut bad = full_offre("nulle_part", cat_id, &deadline);
    bad["salaire_mini"] = json!(1);
    let r = app
        .post_auth("/api/recruteur/offres/", &recruiter, bad)
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["departement"],
        json!(["« nulle_part » n'est pas un choix valide."])
    );
    assert_eq!(
        r.body["salaire_mini"],
        json!(["Champ inconnu ou en lecture seule."])
    );
    let r = app
        .post_auth(
            "/api/recruteur/offres/",
            &recruiter,
            full_offre(dep_id, foreign_cat, &deadline),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["categorie"].is_array(), "{}", r.body);
    assert!(
        app.walk("/api/recruteur/offres/", Some(&recruiter))
            .await
            .is_empty()
    );

    // Every field stored and shown, labels with the ids; `salaire` sets both.
    let r = app
        .post_auth(
            "/api/recruteur/offres/",
            &recruiter,
            full_offre(dep_id, cat_id, &deadline),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.body;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["salaire_min"], 900000);
    assert_eq!(created["salaire_max"], 900000);
    assert_eq!(
        created["departement"],
        json!({"id": dep_id, "nom": dep["nom"]})
    );
    assert_eq!(created["categorie"]["id"], cat_id);
    assert_eq!(created["date_limite"], deadline.as_str());
    for (field, value) in full_offre(dep_id, cat_id, &deadline).as_object().unwrap() {
        if ["departement", "categorie", "salaire"].contains(&field.as_str()) {
            continue;
        }
        if field == "description" {
            continue;
        }
        assert_eq!(&created[field], value, "{field}");
    }
    let validated = app.decide(&admin, &id, "valider", json!({})).await;
    let public = get(&app, &format!("/api/offres/{id}/")).await;
    assert_eq!(public.status, 200);
    let listed = app.walk("/api/offres/", None).await;
    let searched = get(
        &app,
        &format!("/api/recherche/offres/?departement={dep_id}&mode_travail=hybride&niveau_experience=intermediaire"),
    )
    .await;
    assert_eq!(searched.status, 200, "{}", searched.body);
    assert_eq!(searched.body["results"].as_array().unwrap().len(), 1);
    let missed = get(&app, "/api/recherche/offres/?mode_travail=teletravail").await;
    assert!(missed.body["results"].as_array().unwrap().is_empty());
    let bad_filter = get(&app, "/api/recherche/offres/?departement=nulle_part").await;
    assert_eq!(bad_filter.status, 400);
    assert!(bad_filter.body["departement"].is_array());
    let keys = [
        "mode_travail",
        "niveau_experience",
        "departement",
        "categorie",
        "profil_recherche",
        "informations_complementaires",
        "cv_requis",
        "lettre_requise",
        "urgent",
        "date_limite",
        "salaire_min",
        "salaire_max",
    ];
    for key in keys {
        assert_eq!(public.body[key], validated[key], "detail: {key}");
        assert_eq!(listed[0][key], validated[key], "list: {key}");
        assert_eq!(
            searched.body["results"][0][key], validated[key],
            "search: {key}"
        );
    }

    // What was shown, sent back, is accepted (read-only fields ignored);
    // a misspelt field on an update changes nothing.
    let mut back = validated.clone();
    back["profil_recherche"] = json!("Bac+5");
    let r = app
        .put_auth(&format!("/api/recruteur/offres/{id}/"), &recruiter, back)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["profil_recherche"], "Bac+5");
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{id}/"),
            &recruiter,
            json!({"profil_recherch": "x"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["profil_recherch"],
        json!(["Champ inconnu ou en lecture seule."])
    );

    // The other kinds' forms.
    let forms = [
        (
            "financements",
            json!({"titre": "Fonds vert", "description": "x", "type_financement": "pret",
            "secteur": "energie_renouvelable", "montant_min": 1000000, "montant_max": 5000000, "taux": 4.5,
            "duree_remboursement": 36, "cible": "pme", "zone_geographique": "UEMOA",
            "conditions": "PME de plus de 2 ans", "processus": "Dossier en ligne", "documents_requis": ["Business plan"],
            "date_limite": "2099-06-30"}),
            "cible=pme",
            "cible=startups",
        ),
        (
            "bourses",
            json!({"titre": "Bourse master", "description": "x", "type_bourse": "excellence",
            "niveau_requis": "licence", "montant": 2000000, "duree": "2 ans", "date_debut": "2099-09-01",
            "nombre_beneficiaires": 20, "organisation": "Fondation X", "type_organisation": "fondation",
            "couverture": ["frais_scolarite", "logement"], "lien_candidature": "https://fondation.example/candidater",
            "domaine_etude": "informatique", "date_limite": "2099-05-31"}),
            "niveau_requis=licence",
            "niveau_requis=doctorat",
        ),
        (
            "consultations",
            json!({"titre": "Audit logistique", "description": "x", "type_consultation": "informatique",
            "mode_prestation": "mixte", "type_tarification": "forfait", "budget": 3000000, "duree": "6 semaines",
            "objectifs": "Cartographier le SI", "methodologie": "Entretiens", "livrables": "Rapport",
            "annees_experience": 5, "date_limite": "2099-01-15T12:00:00Z"}),
            "mode_prestation=mixte",
            "mode_prestation=a_distance",
        ),
    ];
    for (kind, body, filter, other) in forms {
        let r = app
            .post_auth(&format!("/api/recruteur/{kind}/"), &recruiter, body.clone())
            .await;
        assert_eq!(r.status, 201, "{kind}: {}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        app.decide(&admin, &id, "valider", json!({})).await;
        // The author's detail, the public detail, the public list and the
        // search (by a word of the title, and by the kind's filter) show
        // every field as sent.
        let word = body["titre"]
            .as_str()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .to_string();
        let find = |list: Vec<Value>| list.into_iter().find(|p| p["id"] == id.as_str());
        let searched = |query: String| {
            let app = &app;
            async move {
                app.walk(&format!("/api/recherche/{kind}/?{query}"), None)
                    .await
            }
        };
        let reads = [
            app.get_auth(&format!("/api/recruteur/{kind}/{id}/"), &recruiter)
                .await
                .body,
            get(&app, &format!("/api/{kind}/{id}/")).await.body,
            find(app.walk(&format!("/api/{kind}/"), None).await).expect("listed"),
            find(searched(format!("q={word}")).await).expect("found by its title"),
            find(searched(filter.to_string()).await).expect("found by its filter"),
        ];
        assert!(
            find(searched(format!("q={word}&{other}")).await).is_none(),
            "{kind}: {other} should leave it out"
        );
        for read in reads {
            for (field, value) in body.as_object().unwrap() {
                let shown = match &read[field] {
                    Value::Object(o) if o.contains_key("nom") => o["id"].clone(),
                    other => other.clone(),
                };
                let expected = match (field.as_str(), value.as_str()) {
                    ("date_limite", Some(day)) if day.len() == 10 => {
                        json!(format!("{day}T23:59:59Z"))
                    }
                    ("description", _) => shown.clone(),
                    _ => value.clone(),
                };
                assert_eq!(shown, expected, "{kind}.{field}");
            }
        }
        // An unknown field on the update is named too.
        let r = app
            .put_auth(
                &format!("/api/recruteur/{kind}/{id}/"),
                &recruiter,
                json!({"titre_court": "x"}),
            )
            .await;
        assert_eq!(r.status, 400, "{kind}: {}", r.body);
        assert_eq!(
            r.body["titre_court"],
            json!(["Champ inconnu ou en lecture seule."])
        );
        let mut typo = body.clone();
        typo["montant_maxi"] = json!(3);
        let r = app
            .post_auth(&format!("/api/recruteur/{kind}/"), &recruiter, typo)
            .await;
        assert_eq!(r.status, 400, "{kind}");
        assert_eq!(
            r.body["montant_maxi"],
            json!(["Champ inconnu ou en lecture seule."])
        );
    }

    // Profiles: structured location, « à propos », social links.
    let (_, candidate, _, _) = app.user("candidat").await;
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &candidate,
            json!({"pays": "CI", "region": "CI-AB", "a_propos": "Développeuse",
                   "reseaux_sociaux": {"linkedin": "https://www.linkedin.com/in/awa"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let profile = app.get_auth("/api/auth/profile/", &candidate).await.body;
    assert_eq!(profile["pays"], json!({"id": "CI", "nom": "Côte d'Ivoire"}));
    assert_eq!(profile["region"]["id"], "CI-AB");
    assert_eq!(profile["a_propos"], "Développeuse");
    assert_eq!(
        profile["reseaux_sociaux"]["linkedin"],
        "https://www.linkedin.com/in/awa"
    );
    for (body, field) in [
        (json!({"pays": "SN", "region": "CI-AB"}), "region"),
        (json!({"region": "CI-AB"}), "region"),
        (json!({"pays": "ZZ"}), "pays"),
        (
            json!({"reseaux_sociaux": {"linkedin": "javascript:alert(1)"}}),
            "reseaux_sociaux.linkedin",
        ),
        (
            json!({"reseaux_sociaux": {"myspace": "https://x.example"}}),
            "reseaux_sociaux.myspace",
        ),
        // The apps' own names: refused, named, not silently dropped.
        (
            json!({"first_name": "Awa", "phone": "+2250700000000"}),
            "first_name",
        ),
    ] {
        let r = app
            .put_auth("/api/auth/profile/", &candidate, body.clone())
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(r.body[field].is_array(), "{body}: {}", r.body);
    }
    // A country alone clears the region (it was another country's).
    let r = app
        .put_auth("/api/auth/profile/", &candidate, json!({"pays": "SN"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["region"].is_null(), "{}", r.body);
    let r = app
        .put_auth(
            "/api/notifications/preferences/",
            &candidate,
            json!({"email_notifications": false}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["email_notifications"].is_array());
    // What GET shows goes back as read.
    let shown = app
        .get_auth("/api/notifications/preferences/", &candidate)
        .await
        .body;
    let r = app
        .put_auth("/api/notifications/preferences/", &candidate, shown.clone())
        .await;
    assert_eq!((r.status, &r.body), (200, &shown));
}

#[tokio::test]
async fn a_publication_past_its_deadline_leaves_the_public_at_once_and_is_closed_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (recruiter_email, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, candidate) = app.applicant("candidat", json!({})).await;

    // A deadline already past is refused.
    let mut body = publication_body("offres", "Offre éclair");
    body["date_limite"] = json!(in_seconds(-60));
    let r = app
        .post_auth("/api/recruteur/offres/", &recruiter, body.clone())
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["date_limite"].is_array());

    // One closing in a few seconds, one without a deadline.
    body["date_limite"] = json!(in_seconds(6));
    let r = app
        .post_auth("/api/recruteur/offres/", &recruiter, body)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    app.decide(&admin, &id, "valider", json!({})).await;
    let lasting = app
        .open_publication(&admin, &recruiter, "offres", "Offre durable")
        .await;
    let ids = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(ids(app.walk("/api/offres/", None).await).contains(&id));
    // Before its deadline it is in the search and on the company page.
    let found = get(&app, "/api/recherche/offres/?q=eclair").await;
    assert!(ids(found.body["results"].as_array().unwrap().clone()).contains(&id));
    let page = get(&app, &format!("/api/profils/recruteurs/{recruiter_sub}/")).await;
    assert!(
        ids(page.body["publications"]["results"]
            .as_array()
            .unwrap()
            .clone())
        .contains(&id)
    );
    let before = app
        .get_auth("/api/recruteur/statistiques/", &recruiter)
        .await
        .body;

    // At the deadline: gone from the lists, the detail, the search and the
    // company page, and applying is a 409, before any job ran.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let public = ids(app.walk("/api/offres/", None).await);
    assert!(!public.contains(&id) && public.contains(&lasting["id"].as_str().unwrap().to_string()));
    assert_eq!(get(&app, &format!("/api/offres/{id}/")).await.status, 404);
    let found = get(&app, "/api/recherche/offres/?q=eclair").await;
    assert!(!ids(found.body["results"].as_array().unwrap().clone()).contains(&id));
    let page = get(&app, &format!("/api/profils/recruteurs/{recruiter_sub}/")).await;
    assert!(
        !ids(page.body["publications"]["results"]
            .as_array()
            .unwrap()
            .clone())
        .contains(&id)
    );
    let r = app.apply(&candidate, "offres", &id, json!({})).await;
    assert_eq!(r.status, 409, "{}", r.body);

    // The job (every second here) closes it: a state change, the counters
    // follow, its author is told once.
    let closed = eventually("the deadline's closing", 20, || async {
        let p = app
            .get_auth(&format!("/api/recruteur/offres/{id}/"), &recruiter)
            .await
            .body;
        (p["statut"] == "fermee").then_some(p)
    })
    .await;
    assert!(closed["date_fermeture"].is_string());
    eventually("the author's mail", 20, || {
        mailed(&recruiter_email, &["Date limite", "Offre éclair"])
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let mails = mail_to(&recruiter_email)
        .await
        .into_iter()
        .filter(|m| m.to_string().contains("Date limite atteinte"))
        .count();
    assert_eq!(mails, 1, "one notification");
    let after = app
        .get_auth("/api/recruteur/statistiques/", &recruiter)
        .await
        .body;
    let offres = |v: &Value, state: &str| v["publications"]["offre"][state].as_i64().unwrap();
    assert_eq!(
        offres(&after, "fermee"),
        offres(&before, "fermee") + 1,
        "{before} → {after}"
    );
    assert_eq!(
        offres(&after, "total"),
        offres(&before, "total"),
        "{before} → {after}"
    );
    assert_eq!(offres(&before, "total"), 2);
    let admin_list = app
        .get_auth(
            &format!("/api/admin/publications/?recruteur={recruiter_sub}&statut=fermee"),
            &admin,
        )
        .await;
    assert_eq!(admin_list.body["count"], 1, "{}", admin_list.body);
    let open = app
        .get_auth(
            &format!("/api/admin/publications/?recruteur={recruiter_sub}&statut=active"),
            &admin,
        )
        .await;
    assert_eq!(open.body["count"], 1, "{}", open.body);

    // Reopening needs a new deadline.
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{id}/"),
            &recruiter,
            json!({"statut": "active"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["date_limite"].is_array());
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{id}/"),
            &recruiter,
            json!({"statut": "active", "date_limite": in_seconds(3600)}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["date_fermeture"].is_null());
}

/// Every JSON body the API documents refuses a key it does not take, with
/// a 400 that names it (#18 point 3): each POST and PUT of the served
/// OpenAPI document, sent by an account its route admits.
#[tokio::test]
async fn every_documented_json_body_names_an_unknown_field() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, candidate) = app.applicant("candidat", json!({})).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Champ inconnu")
        .await;
    let offre = offre["id"].as_str().unwrap().to_string();
    let mut own = std::collections::HashMap::new();
    for kind in ["financements", "bourses", "consultations"] {
        let p = app.publish(&recruiter, kind, "Champ inconnu").await;
        own.insert(kind, p["id"].as_str().unwrap().to_string());
    }
    let r = app.apply(&candidate, "offres", &offre, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = r.body["id"].as_str().unwrap().to_string();

    let spec = get(&app, "/api/openapi.json").await.body;
    let mut checked = 0;
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let json_body = operation["requestBody"]["content"]
                .get("application/json")
                .is_some();
            if !json_body || !["post", "put"].contains(&method.as_str()) {
                continue;
            }
            let id = match path.as_str() {
                p if p.starts_with("/api/recruteur/candidatures/") => application.clone(),
                p if p.starts_with("/api/recruteur/offres/") => offre.clone(),
                p if p.starts_with("/api/recruteur/") => own
                    .iter()
                    .find(|(k, _)| p.contains(*k))
                    .map(|(_, id)| id.clone())
                    .unwrap_or_default(),
                p if p.starts_with("/api/admin/publications/") => offre.clone(),
                _ => "01JZZZZZZZZZZZZZZZZZZZZZZZ".to_string(),
            };
            let url = path.replace("{id}", &id);
            let token = if path.starts_with("/api/admin/") || path == "/api/notifications/" {
                Some(&admin)
            } else if path.starts_with("/api/recruteur/") {
                Some(&recruiter)
            } else if operation.get("security").is_some() {
                Some(&candidate)
            } else {
                None
            };
            let mut request = if method == "post" {
                app.http.post(app.url(&url))
            } else {
                app.http.put(app.url(&url))
            };
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let r = app
                .send(request.json(&json!({"champ_inexistant": 1})))
                .await;
            assert_eq!(r.status, 400, "{method} {path}: {}", r.body);
            assert_eq!(
                r.body["champ_inexistant"],
                json!(["Champ inconnu ou en lecture seule."]),
                "{method} {path}: {}",
                r.body
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} bodies");
}
