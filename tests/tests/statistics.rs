//! Statistics and analytics (spec 10): after accounts, publications,
//! decisions, applications, status changes and a withdrawal, every figure
//! (the platform's, each recruiter's, each applicant's, and the day's
//! series) equals what was done. One test: the platform's figures are
//! exact, so nothing else in this binary may move them.

use e2e::*;
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn figures_equal_what_was_done() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let global = || async {
        let r = app
            .get_auth("/api/admin/statistiques-globales/", &admin)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let same = app.get_auth("/api/admin/statistiques/", &admin).await;
        assert_eq!(same.body, r.body, "two paths, one figure");
        r.body
    };
    let before = global().await;
    let delta = |now: &Value, path: &[&str]| {
        let at = |v: &Value| {
            path.iter()
                .fold(v.clone(), |v, k| v[*k].clone())
                .as_i64()
                .unwrap()
        };
        at(now) - at(&before)
    };

    let (_, _, a) = app.verified_recruiter(&admin).await;
    let (_, _, b) = app.verified_recruiter(&admin).await;
    let (_, c1_sub, c1) = app.applicant("candidat", json!({})).await;
    let (_, _, c2) = app.applicant("candidat", json!({})).await;
    let (_, _, c3) = app.applicant("candidat", json!({})).await;
    let (_, p_sub, prestataire) = app.applicant("prestataire", json!({})).await;
    app.verify_account(&admin, &p_sub).await;

    let offre1 = app
        .open_publication(&admin, &a, "offres", "Développeur Rust")
        .await;
    let offre2 = app
        .open_publication(&admin, &a, "offres", "Comptable")
        .await;
    let bourse = app.publish(&a, "bourses", "Bourse refusée").await;
    app.decide(
        &admin,
        &id(&bourse),
        "refuser",
        json!({"motif": "Incomplète"}),
    )
    .await;
    let fin = app
        .open_publication(&admin, &b, "financements", "Fonds agricole")
        .await;
    let mission = app
        .open_publication(&admin, &b, "consultations", "Audit SI")
        .await;

    let applied = |r: Response| {
        assert_eq!(r.status, 201, "{}", r.body);
        id(&r.body)
    };
    let c1_o1 = applied(app.apply(&c1, "offres", &id(&offre1), json!({})).await);
    let c1_o2 = applied(app.apply(&c1, "offres", &id(&offre2), json!({})).await);
    let c2_o1 = applied(app.apply(&c2, "offres", &id(&offre1), json!({})).await);
    applied(app.apply(&c3, "financements", &id(&fin), json!({})).await);
    applied(
        app.apply(&prestataire, "consultations", &id(&mission), json!({}))
            .await,
    );
    let status = |aid: &str, statut: &'static str| {
        let path = format!("/api/recruteur/candidatures/{aid}/statut/");
        let (app, a) = (&app, a.clone());
        async move {
            let r = app.put_auth(&path, &a, json!({"statut": statut})).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };
    status(&c1_o1, "en_cours").await;
    status(&c1_o1, "acceptee").await;
    status(&c2_o1, "refusee").await;
    let r = app
        .delete_auth(&format!("/api/candidat/candidatures/{c1_o2}/"), &c1)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);

    // The platform's figures moved by exactly what was done.
    let now = global().await;
    for (path, n) in [
        (&["utilisateurs", "candidat", "total"][..], 3),
        (&["utilisateurs", "recruteur", "total"], 2),
        (&["utilisateurs", "prestataire", "total"], 1),
        (&["utilisateurs", "total", "actifs"], 6),
        (&["validation_comptes", "recruteur", "verifie"], 2),
        (&["validation_comptes", "prestataire", "verifie"], 1),
        (&["publications", "offre", "validee"], 2),
        (&["publications", "bourse", "refuse"], 1),
        (&["publications", "financement", "validee"], 1),
        (&["publications", "consultation", "validee"], 1),
        (&["publications", "total", "total"], 5),
        (&["candidatures", "offre", "acceptee"], 1),
        (&["candidatures", "offre", "refusee"], 1),
        (&["candidatures", "offre", "retiree"], 1),
        (&["candidatures", "offre", "nouvelle"], 0),
        (&["candidatures", "offre", "total"], 2),
        (&["candidatures", "financement", "nouvelle"], 1),
        (&["candidatures", "consultation", "nouvelle"], 1),
        (&["candidatures", "total", "total"], 4),
    ] {
        assert_eq!(delta(&now, path), n, "{path:?}: {now}");
    }

    // A recruiter's own: its publications, the applications it received.
    let r = app.get_auth("/api/recruteur/statistiques/", &a).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = &r.body;
    assert_eq!(
        (
            s["publications"]["offre"]["validee"].as_i64(),
            s["publications"]["bourse"]["refuse"].as_i64(),
            s["publications"]["total"]["total"].as_i64()
        ),
        (Some(2), Some(1), Some(3))
    );
    assert_eq!(
        s["candidatures"]["offre"],
        json!({"nouvelle": 0, "en_cours": 0, "acceptee": 1, "refusee": 1, "retiree": 1, "total": 2})
    );
    assert_eq!(s["candidatures"]["financement"]["total"], 0);
    assert_eq!(s["taux_acceptation"], 50.0);
    let r = app.get_auth("/api/recruteur/statistiques/", &b).await;
    assert_eq!(r.body["candidatures"]["total"]["nouvelle"], 2, "{}", r.body);
    assert_eq!(r.body["publications"]["offre"]["total"], 0);

    // An applicant's own.
    let r = app.get_auth("/api/candidat/statistiques/", &c1).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["candidatures"]["offre"]["acceptee"], 1);
    assert_eq!(r.body["candidatures"]["total"]["retiree"], 1);
    assert_eq!(r.body["candidatures"]["total"]["total"], 1);
    assert_eq!(r.body["taux_reponse"], 100.0);
    let r = app
        .get_auth("/api/candidat/statistiques/", &prestataire)
        .await;
    assert_eq!(
        r.body["candidatures"]["consultation"]["nouvelle"], 1,
        "{}",
        r.body
    );
    assert_eq!(r.body["taux_reponse"], 0.0);

    // Today's series: the recruiter's, and the platform's for an admin.
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let day = |body: &Value| -> Value {
        let points = body["points"].as_array().unwrap();
        let point = points
            .iter()
            .find(|p| p["periode"] == today.as_str())
            .unwrap();
        point["valeurs"].clone()
    };
    let r = app.get_auth("/api/analytics/offres/", &a).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["points"].as_array().unwrap().len(),
        30,
        "30 days by default"
    );
    assert_eq!(
        day(&r.body),
        json!({"soumises": 2, "validees": 2, "refusees": 0, "fermees": 0, "candidatures": 3})
    );
    assert_eq!(r.body["totaux"], day(&r.body));
    let r = app
        .get_auth("/api/analytics/offres/?type_publication=bourse", &a)
        .await;
    assert_eq!(day(&r.body)["refusees"], 1);
    let r = app.get_auth("/api/analytics/candidatures/", &a).await;
    assert_eq!(
        day(&r.body),
        json!({"recues": 3, "en_cours": 1, "acceptees": 1, "refusees": 1, "retirees": 1})
    );
    let r = app.get_auth("/api/analytics/candidatures/", &admin).await;
    assert_eq!(day(&r.body)["recues"], 5, "{}", r.body);
    let r = app.get_auth("/api/analytics/offres/", &admin).await;
    assert_eq!(day(&r.body)["soumises"], 2);
    assert_eq!(day(&r.body)["candidatures"], 3);
    // By week and by month: the period holding today sums the same.
    let weekly = app
        .get_auth(
            "/api/analytics/candidatures/?periode=semaine&type_publication=offre",
            &a,
        )
        .await;
    assert_eq!(weekly.status, 200, "{}", weekly.body);
    assert_eq!(weekly.body["totaux"]["recues"], 3);
    let last = weekly.body["points"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["valeurs"]["recues"], 3);
    assert_eq!(last["fin"], today.as_str());
    let monthly = app
        .get_auth(
            &format!("/api/analytics/candidatures/?periode=mois&date_fin={today}"),
            &a,
        )
        .await;
    assert_eq!(
        monthly.body["points"].as_array().unwrap().last().unwrap()["valeurs"]["acceptees"],
        1
    );

    // Who may see what.
    assert_eq!(
        app.get_auth("/api/recruteur/statistiques/", &c1)
            .await
            .status,
        403
    );
    assert_eq!(
        app.get_auth("/api/candidat/statistiques/", &a).await.status,
        403
    );
    assert_eq!(
        app.get_auth("/api/analytics/offres/", &c1).await.status,
        403
    );
    assert_eq!(
        app.get_auth("/api/admin/statistiques-globales/", &a)
            .await
            .status,
        403
    );
    assert_eq!(
        app.send(app.http.get(app.url("/api/recruteur/statistiques/")))
            .await
            .status,
        401
    );
    for (path, field) in [
        ("/api/analytics/offres/?periode=annee", "periode"),
        (
            "/api/analytics/offres/?date_debut=2026-12-31&date_fin=2026-01-01",
            "date_debut",
        ),
        (
            "/api/analytics/candidatures/?date_debut=2020-01-01&date_fin=2026-01-01",
            "date_fin",
        ),
        (
            "/api/analytics/candidatures/?type_publication=stage",
            "type_publication",
        ),
    ] {
        let r = app.get_auth(path, &a).await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert!(r.body.get(field).is_some(), "{path}: {}", r.body);
    }

    // Deactivating an account moves it from active to inactive.
    let r = app
        .put_auth(
            &format!("/api/admin/utilisateurs/{c1_sub}/desactiver/"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = global().await;
    assert_eq!(delta(&after, &["utilisateurs", "candidat", "inactifs"]), 1);
    assert_eq!(delta(&after, &["utilisateurs", "candidat", "actifs"]), 2);
}
