//! What the apps' application forms send (#18 point 5): several files of
//! the applicant's (CV, letter, diplomas, certificates, portfolio,
//! business plan) that the recruiter downloads and the applicant cannot
//! delete while the application uses them; a requested amount on
//! financements, a methodology on consultations; the recruiter's pipeline
//! steps inside en_cours, kept and recorded.

use e2e::*;
use serde_json::{Value, json};

/// The bytes behind a file's link, as `token` gets it.
async fn downloaded(app: &TestApp, token: &str, id: &str) -> Result<Vec<u8>, u16> {
    let r = app.get_auth(&format!("/api/upload/{id}/"), token).await;
    if r.status != 200 {
        return Err(r.status);
    }
    let url = r.body["url"].as_str().unwrap();
    Ok(reqwest::get(url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec())
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_recruiter_downloads_every_file_of_an_application_and_none_can_go_while_it_is_used() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, other_recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Ingénieur agronome")
        .await;
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let mut sent = Vec::new();
    for (kind, name) in [
        ("cv", "cv.pdf"),
        ("lettre", "lettre.pdf"),
        ("diplome", "master.pdf"),
        ("diplome", "licence.pdf"),
        ("certificat", "toeic.pdf"),
        ("portfolio", "portfolio.pdf"),
    ] {
        let bytes = pdf(name);
        let id = app.upload_file(&candidat, kind, name, bytes.clone()).await;
        sent.push((kind, id, bytes));
    }
    let id_of = |n: usize| sent[n].1.clone();
    let r = app
        .apply(
            &candidat,
            "offres",
            offre["id"].as_str().unwrap(),
            json!({"cv": id_of(0), "lettre_motivation_fichier": id_of(1),
                "diplomes": [id_of(2), id_of(3)], "certificats": [id_of(4)], "portfolio": id_of(5)}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = r.body["id"].as_str().unwrap().to_string();

    // The recruiter sees every file and downloads each, byte for byte.
    let seen = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &recruiter,
        )
        .await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(ids(&seen.body["diplomes"]), [id_of(2), id_of(3)]);
    assert_eq!(ids(&seen.body["certificats"]), [id_of(4)]);
    assert_eq!(seen.body["portfolio"], id_of(5));
    for (kind, id, bytes) in &sent {
        assert_eq!(
            downloaded(&app, &recruiter, id).await.as_ref(),
            Ok(bytes),
            "{kind}"
        );
        // Another recruiter learns nothing of them.
        assert_eq!(
            downloaded(&app, &other_recruiter, id).await,
            Err(404),
            "{kind}"
        );
        // The applicant cannot take one back while the application uses it.
        let r = app
            .delete_auth(&format!("/api/upload/{id}/"), &candidat)
            .await;
        assert_eq!(r.status, 409, "{kind}: {}", r.body);
    }

    // Withdrawn: the files are the applicant's to delete again.
    let r = app
        .delete_auth(
            &format!("/api/candidat/candidatures/{application}/"),
            &candidat,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    // The recruiter's right went with it; the files are the applicant's to
    // delete again, every one. Two are kept for the refusals below.
    for (kind, id, _) in &sent {
        assert_eq!(downloaded(&app, &recruiter, id).await, Err(404), "{kind}");
        if ![id_of(2), id_of(4)].contains(id) {
            let r = app
                .delete_auth(&format!("/api/upload/{id}/"), &candidat)
                .await;
            assert_eq!(r.status, 204, "{kind}: {}", r.body);
        }
    }

    // A file of the wrong kind, twice the same, or someone else's.
    let (_, _, stranger) = app.applicant("candidat", json!({})).await;
    let theirs = app
        .upload_file(&stranger, "diplome", "x.pdf", pdf("x"))
        .await;
    let offre_id = offre["id"].as_str().unwrap();
    for (body, field, status) in [
        (json!({"diplomes": [id_of(4)]}), "diplomes", 404),
        (json!({"diplomes": [id_of(2), id_of(2)]}), "diplomes", 400),
        (json!({"certificats": [theirs]}), "certificats", 404),
        (json!({"portfolio": id_of(2)}), "portfolio", 404),
        (json!({"portfolio": id_of(5)}), "portfolio", 404),
        (
            json!({"diplomes": ["a", "b", "c", "d", "e", "f"]}),
            "diplomes",
            400,
        ),
        (json!({"montant_demande": 1000}), "montant_demande", 400),
        (
            json!({"methodologie_proposee": "<p>x</p>"}),
            "methodologie_proposee",
            400,
        ),
    ] {
        let r = app.apply(&candidat, "offres", offre_id, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        // The field is named: as the key of a 400, in the 404's detail.
        assert!(r.body.to_string().contains(field), "{body}: {}", r.body);
    }
    // Only applicants upload them.
    let part = reqwest::multipart::Part::bytes(pdf("r")).file_name("diplome.pdf");
    let form = reqwest::multipart::Form::new().part("fichier", part);
    let r = app
        .send(
            app.http
                .post(app.url("/api/upload/diplome/"))
                .bearer_auth(&recruiter)
                .multipart(form),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
}

#[tokio::test]
async fn an_amount_for_a_financement_a_methodology_for_a_consultation() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let mut body = publication_body("financements", "Fonds agricole");
    body["montant_min"] = json!(1_000_000);
    body["montant_max"] = json!(5_000_000);
    let r = app
        .post_auth("/api/recruteur/financements/", &recruiter, body)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let fonds = r.body["id"].as_str().unwrap().to_string();
    app.decide(&admin, &fonds, "valider", json!({})).await;

    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let plan = app
        .upload_file(&candidat, "business-plan", "plan.pdf", pdf("plan"))
        .await;
    let r = app
        .apply(
            &candidat,
            "financements",
            &fonds,
            json!({"montant_demande": 6_000_000}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body["montant_demande"][0]
            .as_str()
            .unwrap()
            .contains("1000000 à 5000000"),
        "{}",
        r.body
    );
    let r = app
        .apply(
            &candidat,
            "financements",
            &fonds,
            json!({"montant_demande": 2_500_000, "business_plan": plan}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap();
    let seen = app
        .get_auth(&format!("/api/recruteur/candidatures/{id}/"), &recruiter)
        .await;
    assert_eq!(seen.body["montant_demande"], 2_500_000);
    assert_eq!(seen.body["business_plan"], plan);

    let mission = app
        .open_publication(&admin, &recruiter, "consultations", "Audit SI")
        .await;
    let (_, sub, prestataire) = app.applicant("prestataire", json!({})).await;
    app.verify_account(&admin, &sub).await;
    let r = app
        .apply(
            &prestataire,
            "consultations",
            mission["id"].as_str().unwrap(),
            json!({"methodologie_proposee": "<p>Diagnostic puis <b>plan</b></p><script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let methodologie = r.body["methodologie_proposee"].as_str().unwrap();
    assert!(
        methodologie.contains("<b>plan</b>") && !methodologie.contains("script"),
        "{methodologie}"
    );
}

#[tokio::test]
async fn pipeline_steps_inside_en_cours_are_kept_and_recorded() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Comptable")
        .await;
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let r = app
        .apply(
            &candidat,
            "offres",
            offre["id"].as_str().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/recruteur/candidatures/{id}/statut/");
    let set = |body: Value| {
        let (app, path, recruiter) = (&app, &path, &recruiter);
        async move { app.put_auth(path, recruiter, body).await }
    };

    let r = set(json!({"statut": "en_cours", "etape": "vue"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = set(json!({"statut": "en_cours", "etape": "preselectionnee"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The same step again, or a step with a decision: 400.
    let r = set(json!({"statut": "en_cours", "etape": "preselectionnee"})).await;
    assert_eq!(
        (r.status, r.body["etape"].is_array()),
        (400, true),
        "{}",
        r.body
    );
    let r = set(json!({"statut": "acceptee", "etape": "entretien"})).await;
    assert_eq!(
        (r.status, r.body["etape"].is_array()),
        (400, true),
        "{}",
        r.body
    );
    let r = set(json!({"statut": "en_cours", "etape": "appelee"})).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // A reload shows it, to the recruiter and to the applicant, with the
    // history of the steps.
    let seen = app
        .get_auth(&format!("/api/recruteur/candidatures/{id}/"), &recruiter)
        .await;
    assert_eq!(seen.body["etape"], "preselectionnee");
    let steps: Vec<&Value> = seen.body["historique"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["etape"])
        .collect();
    assert_eq!(
        steps,
        [&Value::Null, &json!("vue"), &json!("preselectionnee")]
    );
    let mine = app
        .get_auth(&format!("/api/candidat/candidatures/{id}/"), &candidat)
        .await;
    assert_eq!(mine.body["etape"], "preselectionnee", "{}", mine.body);

    // An interview date is the interview step; deciding ends the steps.
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::days(3))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let r = set(json!({"statut": "en_cours", "date_entretien": soon})).await;
    assert_eq!(
        (r.status, &r.body["etape"]),
        (200, &json!("entretien")),
        "{}",
        r.body
    );
    let r = set(json!({"statut": "acceptee"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["etape"].is_null(), "{}", r.body);
    assert_eq!(r.body["historique"].as_array().unwrap().len(), 5);
}
