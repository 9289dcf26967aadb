//! Applications (spec 4, postuler, 15): the whole flow as a candidate and a
//! recruiter see it, who may apply to what, who may see and change what,
//! and bad input.

use e2e::*;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn in_hours(hours: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
        .format(&Rfc3339)
        .unwrap()
}

#[tokio::test]
async fn a_candidate_applies_is_interviewed_and_accepted() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (recruiter_email, _, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Développeur Rust senior")
        .await;
    let (email, sub, candidate) = app
        .applicant(
            "candidat",
            json!({"competences": ["rust"], "experience": 5, "localisation": "Abidjan",
                   "disponibilite": "immediate", "salaire_souhaite": 450000}),
        )
        .await;

    // Fields only the platform writes are refused, each named; nothing is
    // recorded.
    let r = app
        .apply(
            &candidate,
            "offres",
            &id(&offre),
            json!({"lettre_motivation": "x", "statut": "acceptee", "score_compatibilite": 100,
                   "notes_recruteur": "x", "lettre_motivaton": "typo"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    for field in [
        "statut",
        "score_compatibilite",
        "notes_recruteur",
        "lettre_motivaton",
    ] {
        assert_eq!(
            r.body[field],
            json!(["Champ inconnu ou en lecture seule."]),
            "{}",
            r.body
        );
    }
    let r = app
        .apply(
            &candidate,
            "offres",
            &id(&offre),
            json!({"lettre_motivation": "<p>Très motivée<script>alert(1)</script></p>"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = r.body;
    let aid = id(&application);
    assert_eq!(application["statut"], "nouvelle");
    assert_eq!(application["candidat"], sub.as_str());
    assert_eq!(application["lettre_motivation"], "<p>Très motivée</p>");
    assert!(
        application.get("notes_recruteur").is_none(),
        "{application}"
    );
    // Skills, place, salary and availability all match; experience is not
    // asked by this offre: 100.
    assert_eq!(application["score_compatibilite"], 100, "{application}");
    let details = application["score_details"].as_array().unwrap();
    assert_eq!(details.len(), 5);
    let experience = details
        .iter()
        .find(|d| d["critere"] == "experience")
        .unwrap();
    assert_eq!(experience["applicable"], false);

    // Counted on the publication; a second try is refused.
    let r = app
        .get_auth(
            &format!("/api/recruteur/offres/{}/", id(&offre)),
            &recruiter,
        )
        .await;
    assert_eq!(r.body["nombre_candidatures"], 1);
    let again = app
        .apply(&candidate, "offres", &id(&offre), json!({}))
        .await;
    assert_eq!(again.status, 409, "{}", again.body);

    // The recruiter is told by mail and sees it, scored.
    eventually("the new application mail", 15, || {
        mailed(
            &recruiter_email,
            &["Nouvelle candidature", "Développeur Rust senior"],
        )
    })
    .await;
    let received = app
        .walk("/api/recruteur/candidatures/", Some(&recruiter))
        .await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["id"], aid.as_str());
    assert_eq!(received[0]["score_compatibilite"], 100);
    assert_eq!(received[0]["candidat_email"], email.as_str());

    // en_cours with an interview in two hours: mail, then the reminder.
    let interview = in_hours(2);
    let r = app
        .put_auth(
            &format!("/api/recruteur/candidatures/{aid}/statut/"),
            &recruiter,
            json!({"statut": "en_cours", "date_entretien": interview, "notes_recruteur": "Excellent profil"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["notes_recruteur"], "Excellent profil");
    eventually("the status mail", 15, || {
        mailed(&email, &["en cours", "Entretien prévu"])
    })
    .await;
    eventually("the interview reminder", 20, || {
        mailed(&email, &["Rappel", "entretien"])
    })
    .await;

    // Accepted: the candidate sees it and its history, never the notes.
    let r = app
        .put_auth(
            &format!("/api/recruteur/candidatures/{aid}/statut/"),
            &recruiter,
            json!({"statut": "acceptee"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    eventually("the acceptance mail", 15, || mailed(&email, &["acceptée"])).await;
    let seen = app
        .get_auth(&format!("/api/candidat/candidatures/{aid}/"), &candidate)
        .await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["statut"], "acceptee");
    assert!(seen.body.get("notes_recruteur").is_none(), "{}", seen.body);
    let history: Vec<(Value, Value)> = seen.body["historique"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["de"].clone(), c["vers"].clone()))
        .collect();
    assert_eq!(
        history,
        [
            (Value::Null, json!("nouvelle")),
            (json!("nouvelle"), json!("en_cours")),
            (json!("en_cours"), json!("acceptee")),
        ]
    );
    let recruiter_sub = offre["recruteur"].as_str().unwrap();
    let changes = seen.body["historique"].as_array().unwrap();
    assert_eq!(changes[0]["par"], sub.as_str());
    assert_eq!(changes[1]["par"], recruiter_sub);
    assert_eq!(
        changes[1]["date_entretien"].as_str().map(|d| !d.is_empty()),
        Some(true)
    );
    assert!(changes.iter().all(|c| c["date"].is_string()));
    let mine = app
        .walk("/api/candidat/candidatures/", Some(&candidate))
        .await;
    assert_eq!(mine.len(), 1);
    assert!(mine[0].get("notes_recruteur").is_none());

    // The candidate cannot set a statut, nor withdraw a decided application.
    let r = app
        .put_auth(
            &format!("/api/recruteur/candidatures/{aid}/statut/"),
            &candidate,
            json!({"statut": "acceptee"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = app
        .delete_auth(&format!("/api/candidat/candidatures/{aid}/"), &candidate)
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    // Accepted is final.
    let r = app
        .put_auth(
            &format!("/api/recruteur/candidatures/{aid}/statut/"),
            &recruiter,
            json!({"statut": "refusee"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body["statut"][0]
            .as_str()
            .unwrap()
            .contains("déjà acceptée")
    );
}

#[tokio::test]
async fn recruiters_and_candidates_see_only_their_own_applications() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, a) = app.verified_recruiter(&admin).await;
    let (_, _, b) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &a, "offres", "Comptable")
        .await;
    let (_, _, c1) = app.applicant("candidat", json!({})).await;
    let (_, _, c2) = app.applicant("candidat", json!({})).await;
    let r = app.apply(&c1, "offres", &id(&offre), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let aid = id(&r.body);

    // Recruiter B: not found, not listed, not changed, not mailed.
    let detail = format!("/api/recruteur/candidatures/{aid}/");
    assert_eq!(app.get_auth(&detail, &b).await.status, 404);
    let r = app
        .put_auth(
            &format!("{detail}statut/"),
            &b,
            json!({"statut": "en_cours"}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(
        app.walk("/api/recruteur/candidatures/", Some(&b))
            .await
            .is_empty()
    );
    let r = app
        .post_auth(
            "/api/recruteur/messages/envoi-masse/",
            &b,
            json!({"publication": id(&offre), "sujet": "Salut", "contenu": "Hello"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["publication"].is_array(), "{}", r.body);

    // Candidate 2: not found, not withdrawn, not listed.
    let theirs = format!("/api/candidat/candidatures/{aid}/");
    assert_eq!(app.get_auth(&theirs, &c2).await.status, 404);
    assert_eq!(app.delete_auth(&theirs, &c2).await.status, 404);
    assert!(
        app.walk("/api/candidat/candidatures/", Some(&c2))
            .await
            .is_empty()
    );
    // Candidates have no recruiter lists.
    assert_eq!(
        app.get_auth("/api/recruteur/candidatures/", &c1)
            .await
            .status,
        403
    );
    assert_eq!(app.get_auth(&detail, &c1).await.status, 403);

    // A is still the owner, and the application untouched.
    let r = app.get_auth(&detail, &a).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["statut"], "nouvelle");
    // A notes it without moving it: not a move in the history, and the
    // candidate still sees no notes.
    let r = app
        .put_auth(
            &format!("{detail}statut/"),
            &a,
            json!({"statut": "nouvelle", "notes_recruteur": "À rappeler lundi"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["notes_recruteur"], "À rappeler lundi");
    assert_eq!(r.body["historique"].as_array().unwrap().len(), 1);
    let seen = app.get_auth(&theirs, &c1).await;
    assert_eq!(seen.status, 200);
    assert!(seen.body.get("notes_recruteur").is_none(), "{}", seen.body);

    // Withdrawn by its candidate: gone from both sides, uncounted.
    assert_eq!(app.delete_auth(&theirs, &c1).await.status, 204);
    assert_eq!(app.get_auth(&detail, &a).await.status, 404);
    let p = app
        .get_auth(&format!("/api/recruteur/offres/{}/", id(&offre)), &a)
        .await;
    assert_eq!(p.body["nombre_candidatures"], 0);
    // Without applications the publication may be deleted again.
    let r = app
        .delete_auth(&format!("/api/recruteur/offres/{}/", id(&offre)), &a)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
}

#[tokio::test]
async fn each_kind_takes_the_roles_it_should() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let (_, _, pending) = app.applicant("prestataire", json!({})).await;
    let (_, prestataire_sub, prestataire) = app.applicant("prestataire", json!({})).await;
    app.verify_account(&admin, &prestataire_sub).await;

    let mut open = std::collections::HashMap::new();
    for (kind, _) in KINDS {
        let p = app
            .open_publication(&admin, &recruiter, kind, "Ouverte")
            .await;
        open.insert(kind, id(&p));
    }
    // (kind, token, expected)
    let cases = [
        ("offres", &prestataire, 403),
        ("offres", &recruiter, 403),
        ("offres", &admin, 403),
        ("bourses", &prestataire, 403),
        ("consultations", &candidat, 403),
        ("consultations", &pending, 403),
        ("offres", &candidat, 201),
        ("bourses", &candidat, 201),
        ("financements", &candidat, 201),
        ("financements", &prestataire, 201),
        ("consultations", &prestataire, 201),
    ];
    for (kind, token, expected) in cases {
        let r = app.apply(token, kind, &open[kind], json!({})).await;
        assert_eq!(r.status, expected, "{kind}: {}", r.body);
        if expected == 403 {
            assert!(r.body["detail"].is_string(), "{}", r.body);
        }
    }

    // Each kind's applications are in its own recruiter list.
    for (kind, list, n) in [
        ("offres", "/api/recruteur/candidatures/", 1),
        (
            "financements",
            "/api/recruteur/financements/postulations/",
            2,
        ),
        ("bourses", "/api/recruteur/bourses/postulations/", 1),
        (
            "consultations",
            "/api/recruteur/consultations/postulations/",
            1,
        ),
    ] {
        let items = app.walk(list, Some(&recruiter)).await;
        assert_eq!(items.len(), n, "{kind}");
        assert!(
            items
                .iter()
                .all(|a| a["publication"] == open[kind].as_str())
        );
    }
    // The prestataire sees theirs, every kind, and can filter by kind.
    let theirs = app
        .walk("/api/candidat/candidatures/", Some(&prestataire))
        .await;
    assert_eq!(theirs.len(), 2);
    let only = app
        .walk(
            "/api/candidat/candidatures/?type_publication=consultation",
            Some(&prestataire),
        )
        .await;
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["type_publication"], "consultation");
}

#[tokio::test]
async fn bad_input_gets_a_4xx_that_says_why() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Juriste")
        .await;
    let bourse = app
        .open_publication(&admin, &recruiter, "bourses", "Bourse")
        .await;
    let pending = app
        .publish(&recruiter, "offres", "Pas encore validée")
        .await;

    // Unknown, not yet validated, or of another kind: not found.
    for (kind, pid) in [
        ("offres", "01NOPE".to_string()),
        ("offres", id(&pending)),
        ("offres", id(&bourse)),
    ] {
        let r = app.apply(&candidat, kind, &pid, json!({})).await;
        assert_eq!(r.status, 404, "{pid}: {}", r.body);
    }
    let r = app
        .post_auth(
            "/api/candidat/candidatures/",
            &candidat,
            json!({"offre": "01NOPE"}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = app
        .post_auth("/api/candidat/candidatures/", &candidat, json!({}))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["offre"].is_array(), "{}", r.body);

    // An oversize letter.
    let r = app
        .apply(
            &candidat,
            "offres",
            &id(&offre),
            json!({"lettre_motivation": "a".repeat(5001)}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["lettre_motivation"].is_array(), "{}", r.body);

    // Through the candidat route, the same application.
    let r = app
        .post_auth(
            "/api/candidat/candidatures/",
            &candidat,
            json!({"offre": id(&offre), "lettre_motivation": "Bonjour"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let status = format!("/api/recruteur/candidatures/{}/statut/", id(&r.body));

    // Invalid statut, transition, date.
    for (body, field) in [
        (json!({"statut": "gagnee"}), "statut"),
        (json!({}), "statut"),
        (json!({"statut": "acceptee"}), "statut"),
        (json!({"statut": "nouvelle"}), "statut"),
        (
            json!({"statut": "en_cours", "date_entretien": "demain"}),
            "date_entretien",
        ),
        (
            json!({"statut": "en_cours", "date_entretien": in_hours(-1)}),
            "date_entretien",
        ),
        (
            json!({"statut": "refusee", "date_entretien": in_hours(30)}),
            "date_entretien",
        ),
        (
            json!({"statut": "en_cours", "notes_recruteur": "a".repeat(5001)}),
            "notes_recruteur",
        ),
    ] {
        let r = app.put_auth(&status, &recruiter, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert!(r.body[field].is_array(), "{body}: {}", r.body);
    }
    // Bad list filters.
    for query in [
        "score_min=abc",
        "score_max=101",
        "score_min=80&score_max=20",
        "ordering=salaire",
        "statut=gagnee",
    ] {
        let r = app
            .get_auth(&format!("/api/recruteur/candidatures/?{query}"), &recruiter)
            .await;
        assert_eq!(r.status, 400, "{query}: {}", r.body);
    }

    // A closed publication takes no application.
    let r = app
        .put_auth(
            &format!("/api/recruteur/bourses/{}/", id(&bourse)),
            &recruiter,
            json!({"statut": "fermee"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .apply(&candidat, "bourses", &id(&bourse), json!({}))
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body["detail"].as_str().unwrap().contains("fermée"));
}
