//! A recruiter whose validation an admin withdraws (issue #20, point 5;
//! docs/admin.md "Refused after validation"): its open publications close
//! and leave the public, their applicants are told, it no longer sees its
//! applicants' contact details or files and no longer decides; it keeps
//! its account. A new validation reopens nothing by itself.

use e2e::*;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A PDF of its own (distinct bytes per test).
fn pdf(text: &str) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
    bytes.splice(9..9, format!("% {text}\n").into_bytes());
    bytes
}

async fn refuse(app: &TestApp, admin: &str, sub: &str, motif: &str) -> Value {
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{sub}/refuser/"),
            admin,
            json!({ "motif": motif }),
        )
        .await;
    assert_eq!(r.status, 200, "refusal: {}", r.body);
    assert_eq!(r.body["statut_verification_admin"], "refuse");
    r.body
}

/// The notifications of `kind` in `token`'s box.
async fn notified(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    app.notifications(token).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type_notification"] == kind)
        .cloned()
        .collect()
}

/// The ids of a public list, every page.
async fn public_ids(app: &TestApp, path: &str) -> Vec<String> {
    app.walk(path, None).await.iter().map(id).collect()
}

/// A list's `count` and the ids of its first page.
async fn counted(app: &TestApp, path: &str, token: &str) -> (i64, Vec<String>) {
    let r = app.get_auth(path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    let ids = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    (r.body["count"].as_i64().expect("count"), ids)
}

#[tokio::test]
async fn a_recruiter_refused_after_validation_loses_its_publications_and_its_applicants() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Développeur Rust retiré")
        .await;
    let offre_id = id(&offre);
    // Another, still in review: an admin's later validation must not make
    // it public.
    let bourse = app
        .publish(&recruiter, "bourses", "Bourse d'excellence retirée")
        .await;
    let bourse_id = id(&bourse);

    let telephone = phone();
    let (candidate_email, candidate_sub, candidate) = app
        .applicant("candidat", json!({ "telephone": telephone }))
        .await;
    let cv = app
        .upload_file(&candidate, "cv", "cv.pdf", pdf(&candidate_sub))
        .await;
    let r = app
        .apply(&candidate, "offres", &offre_id, json!({ "cv": cv }))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = id(&r.body);

    // Validated, the recruiter sees its applicant whole (so the checks
    // below can fail).
    let received = app
        .walk("/api/recruteur/candidatures/", Some(&recruiter))
        .await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["candidat_email"], candidate_email.as_str());
    assert_eq!(received[0]["candidat_telephone"], telephone.as_str());
    assert_eq!(received[0]["cv"], cv.as_str());
    let r = app
        .get_auth(&format!("/api/upload/{cv}/"), &recruiter)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        public_ids(&app, "/api/offres/?page_size=100")
            .await
            .contains(&offre_id)
    );

    refuse(&app, &admin, &recruiter_sub, "Documents falsifiés").await;

    // Its publications close at once: off the public list, no public
    // detail, no new application.
    assert!(
        !public_ids(&app, "/api/offres/?page_size=100")
            .await
            .contains(&offre_id)
    );
    let r = app
        .send(app.http.get(app.url(&format!("/api/offres/{offre_id}/"))))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let by_author = app
        .send(
            app.http
                .get(app.url(&format!("/api/offres/?recruteur={recruiter_sub}"))),
        )
        .await;
    assert_eq!(by_author.status, 200, "{}", by_author.body);
    assert_eq!(by_author.body["count"], 0, "{}", by_author.body);
    assert_eq!(by_author.body["results"], json!([]));
    let (_, _, latecomer) = app.applicant("candidat", json!({})).await;
    let r = app.apply(&latecomer, "offres", &offre_id, json!({})).await;
    assert_eq!(r.status, 409, "{}", r.body);

    // The applicant is told, once; their application stays theirs.
    let told = eventually("the applicant's notice", 20, || async {
        let n = notified(&app, &candidate, "publication_fermee").await;
        (!n.is_empty()).then_some(n)
    })
    .await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(
        told[0]["lien"],
        format!("/candidat/candidatures/{application}").as_str()
    );
    assert!(
        told[0]["message"]
            .as_str()
            .unwrap()
            .contains("Développeur Rust retiré"),
        "{}",
        told[0]
    );
    let r = app
        .get_auth(
            &format!("/api/candidat/candidatures/{application}/"),
            &candidate,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut"], "nouvelle");
    // The latecomer, who never applied, is told nothing.
    assert!(
        notified(&app, &latecomer, "publication_fermee")
            .await
            .is_empty()
    );
    // The recruiter's own notice says what it lost.
    eventually("the recruiter's notice", 20, || async {
        notified(&app, &recruiter, "compte_refuse")
            .await
            .iter()
            .any(|n| {
                let m = n["message"].as_str().unwrap_or_default();
                m.contains("Documents falsifiés")
                    && m.contains("publications ouvertes sont fermées")
            })
            .then_some(())
    })
    .await;

    // The recruiter still reads what it received, without the applicant's
    // contact details or files.
    let received = app
        .walk("/api/recruteur/candidatures/", Some(&recruiter))
        .await;
    assert_eq!(received.len(), 1);
    let seen = &received[0];
    assert_eq!(seen["id"], application.as_str());
    assert_eq!(seen["candidat_email"], Value::Null, "{seen}");
    assert_eq!(seen["candidat_telephone"], Value::Null, "{seen}");
    assert_eq!(seen["cv"], Value::Null, "{seen}");
    assert_eq!(seen["candidat_nom"], "Awa Kouassi");
    let text = seen.to_string();
    assert!(
        !text.contains(&candidate_email) && !text.contains(&telephone),
        "{text}"
    );
    let (n, _) = counted(&app, "/api/recruteur/candidatures/", &recruiter).await;
    assert_eq!(n, 1, "still counted");
    let r = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &recruiter,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["candidat_email"], Value::Null, "{}", r.body);
    assert_eq!(r.body["candidat_telephone"], Value::Null);
    assert!(!r.body.to_string().contains(&candidate_email));
    // Nor its file.
    let r = app
        .get_auth(&format!("/api/upload/{cv}/"), &recruiter)
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.body["detail"].as_str().unwrap().contains("retirée"),
        "{}",
        r.body
    );
    // An admin still sees it whole.
    let r = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &admin,
        )
        .await;
    assert_eq!(
        r.body["candidat_email"],
        candidate_email.as_str(),
        "{}",
        r.body
    );

    // It no longer decides.
    let r = app
        .put_auth(
            &format!("/api/recruteur/candidatures/{application}/statut/"),
            &recruiter,
            json!({ "statut": "en_cours" }),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.body["detail"].as_str().unwrap().contains("retirée"),
        "{}",
        r.body
    );
    let r = app
        .get_auth(
            &format!("/api/candidat/candidatures/{application}/"),
            &candidate,
        )
        .await;
    assert_eq!(r.body["statut"], "nouvelle", "unchanged");

    // Nor reopens what was closed, validated or in review.
    for (kind, publication) in [("offres", &offre_id), ("bourses", &bourse_id)] {
        let r = app
            .put_auth(
                &format!("/api/recruteur/{kind}/{publication}/"),
                &recruiter,
                json!({ "statut": "active" }),
            )
            .await;
        assert_eq!(r.status, 403, "{kind}: {}", r.body);
    }
    // The one in review, validated by an admin, stays closed.
    let bourse = app.decide(&admin, &bourse_id, "valider", json!({})).await;
    assert_eq!(bourse["statut"], "fermee");
    let r = app
        .send(app.http.get(app.url(&format!("/api/bourses/{bourse_id}/"))))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // The counters follow: closed in their review state, nothing open.
    let figures = app
        .get_auth("/api/recruteur/statistiques/", &recruiter)
        .await;
    assert_eq!(figures.status, 200, "{}", figures.body);
    let p = &figures.body["publications"];
    assert_eq!(p["offre"]["validee"], 1, "{p}");
    assert_eq!(p["offre"]["fermee"], 1, "{p}");
    assert_eq!(p["bourse"]["validee"], 1, "{p}");
    assert_eq!(p["bourse"]["fermee"], 1, "{p}");
    assert_eq!(p["total"]["fermee"], 2, "{p}");
    assert_eq!(figures.body["candidatures"]["offre"]["nouvelle"], 1);
    for (path, count, ids) in [
        ("/api/recruteur/offres/?statut=active", 0, vec![]),
        (
            "/api/recruteur/offres/?statut=fermee",
            1,
            vec![offre_id.clone()],
        ),
        (
            "/api/recruteur/bourses/?statut=fermee",
            1,
            vec![bourse_id.clone()],
        ),
    ] {
        assert_eq!(
            counted(&app, path, &recruiter).await,
            (count, ids),
            "{path}"
        );
    }
    let (n, ids) = counted(
        &app,
        &format!("/api/admin/publications/?recruteur={recruiter_sub}&statut=active"),
        &admin,
    )
    .await;
    assert_eq!((n, ids), (0, vec![]));

    // It keeps its account: logs in, reads and edits its profile.
    let r = app.get_auth("/api/auth/profile/", &recruiter).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_verification_admin"], "refuse");
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &recruiter,
            json!({ "entreprise": "Acme CI corrigée" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["entreprise"], "Acme CI corrigée");

    // Run again (as the scheduled job would), the closing changes nothing
    // and tells nobody twice.
    let stack = stack().await;
    let store = shared::store::Store::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        app.config.table_name.clone(),
    );
    let refused = app.get_auth("/api/auth/profile/", &recruiter).await.body;
    let closing = shared::publications::api::Closing {
        recruteur: recruiter_sub.clone(),
        date: time::OffsetDateTime::parse(
            refused["date_modification"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap(),
    };
    let done = shared::publications::api::close_refused(&store, &publisher().await, &closing)
        .await
        .unwrap();
    assert!(done);
    let again = app
        .get_auth("/api/recruteur/statistiques/", &recruiter)
        .await;
    assert_eq!(again.body["publications"], figures.body["publications"]);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        notified(&app, &candidate, "publication_fermee").await.len(),
        1
    );
}

#[tokio::test]
async fn a_new_validation_reopens_nothing_by_itself() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Comptable revalidé")
        .await;
    let offre_id = id(&offre);
    let (candidate_email, _, candidate) = app.applicant("candidat", json!({})).await;
    let r = app.apply(&candidate, "offres", &offre_id, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = id(&r.body);

    refuse(&app, &admin, &recruiter_sub, "Kbis expiré").await;
    // Refused twice is a 409, as before.
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{recruiter_sub}/refuser/"),
            &admin,
            json!({ "motif": "Encore" }),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    app.verify_account(&admin, &recruiter_sub).await;

    // Validated again: still closed, until its author reopens it.
    let r = app
        .send(app.http.get(app.url(&format!("/api/offres/{offre_id}/"))))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let (n, _) = counted(&app, "/api/recruteur/offres/?statut=fermee", &recruiter).await;
    assert_eq!(n, 1);
    // Its applicants' details and its decisions are back.
    let r = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &recruiter,
        )
        .await;
    assert_eq!(
        r.body["candidat_email"],
        candidate_email.as_str(),
        "{}",
        r.body
    );
    let r = app
        .put_auth(
            &format!("/api/recruteur/candidatures/{application}/statut/"),
            &recruiter,
            json!({ "statut": "en_cours" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{offre_id}/"),
            &recruiter,
            json!({ "statut": "active" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_validation"], "validee", "no new review");
    let r = app
        .send(app.http.get(app.url(&format!("/api/offres/{offre_id}/"))))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, _, newcomer) = app.applicant("candidat", json!({})).await;
    let r = app.apply(&newcomer, "offres", &offre_id, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let figures = app
        .get_auth("/api/recruteur/statistiques/", &recruiter)
        .await;
    let p = &figures.body["publications"]["offre"];
    assert_eq!(
        (p["validee"].as_i64(), p["fermee"].as_i64()),
        (Some(1), Some(0)),
        "{p}"
    );
}
