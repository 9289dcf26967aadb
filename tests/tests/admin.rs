//! Admin validation of recruteur and prestataire accounts (spec 2.1, 14.1),
//! as the admins and the account holders see it. One test, in steps: the
//! statistics are exact counts, so nothing else in this binary may
//! register accounts at the same time.

use e2e::*;
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn account_validation_workflow() {
    let app = TestApp::spawn().await;
    let (admin_sub, admin) = app.admin().await;
    let stats = || async {
        let r = app
            .get_auth("/api/admin/recruteurs/statistiques/", &admin)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    };
    let before = stats().await;

    let (r1_email, r1_token, _, r1) = app.user("recruteur").await;
    let (r2_email, _, _, r2) = app.user("recruteur").await;
    let (_, p1_token, _, p1) = app.user("prestataire").await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    assert_eq!(r1["statut_verification_admin"], "en_attente");

    // Counted at registration.
    let after_register = stats().await;
    let delta = |now: &Value, role: &str, state: &str| {
        now[role][state].as_i64().unwrap() - before[role][state].as_i64().unwrap()
    };
    assert_eq!(delta(&after_register, "recruteur", "en_attente"), 2);
    assert_eq!(delta(&after_register, "prestataire", "en_attente"), 1);

    // The queue, oldest first, per type.
    let pending = app
        .get_auth("/api/admin/recruteurs-en-attente/?page_size=100", &admin)
        .await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    let queue = ids(&pending.body);
    let at = |who: &Value| queue.iter().position(|x| *x == id(who));
    assert!(
        at(&r1).unwrap() < at(&r2).unwrap(),
        "oldest first: {queue:?}"
    );
    assert!(at(&p1).is_none());
    let prestataires = app
        .get_auth(
            "/api/admin/recruteurs-en-attente/?type_compte=prestataire&page_size=100",
            &admin,
        )
        .await;
    assert!(ids(&prestataires.body).contains(&id(&p1)));
    assert_eq!(
        app.get_auth(
            "/api/admin/recruteurs-en-attente/?type_compte=robot",
            &admin
        )
        .await
        .status,
        400
    );

    // Admins only, checked before the body is read.
    for token in [&r1_token, &p1_token, &candidat] {
        let target = id(&r2);
        for r in [
            app.get_auth("/api/admin/recruteurs-en-attente/", token)
                .await,
            app.get_auth("/api/admin/recruteurs/statistiques/", token)
                .await,
            app.put_auth(
                &format!("/api/admin/recruteurs/{target}/valider/"),
                token,
                json!({}),
            )
            .await,
            app.put_auth(
                &format!("/api/admin/recruteurs/{target}/refuser/"),
                token,
                json!({}),
            )
            .await,
            app.put_auth(
                &format!("/api/admin/recruteurs/{target}/refuser/"),
                token,
                json!({"motif": "x"}),
            )
            .await,
        ] {
            assert_eq!(r.status, 403, "{}", r.body);
        }
    }
    assert_eq!(
        app.send(app.http.get(app.url("/api/admin/recruteurs-en-attente/")))
            .await
            .status,
        401
    );

    // Not verified yet: no cold messages.
    let write = |token: String| {
        let app = &app;
        let to = id(&c);
        async move {
            app.post_auth(
                "/api/messages/",
                &token,
                json!({"destinataire": to, "sujet": "Offre", "contenu": "Bonjour"}),
            )
            .await
            .status
        }
    };
    assert_eq!(write(r1_token.clone()).await, 403);

    // Validated (no body needed): the recruiter is told by email and in-app.
    let r = app
        .send(
            app.http
                .put(app.url(&format!("/api/admin/recruteurs/{}/valider/", id(&r1))))
                .bearer_auth(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_verification_admin"], "verifie");
    let mail = eventually("the validation email", 20, || async {
        mail_to(&r1_email).await.into_iter().next()
    })
    .await;
    assert_eq!(mail["subject"], "DestinyJobs : Votre compte a été validé");
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .contains("Bonjour Awa Kouassi,")
    );
    let n = eventually("the in-app notification", 20, || async {
        let n = app.notifications(&r1_token).await;
        (n["non_lues"] == 1).then_some(n)
    })
    .await;
    assert_eq!(n["results"][0]["type_notification"], "compte_valide");
    assert_eq!(
        write(r1_token.clone()).await,
        201,
        "a verified recruiter writes first"
    );
    let r = app
        .put_auth(
            &format!("/api/admin/recruteurs/{}/valider/", id(&r1)),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "already validated: {}", r.body);

    // Refused with a reason, which reaches the recruiter.
    let refuse_path = format!("/api/admin/recruteurs/{}/refuser/", id(&r2));
    let refuse = |body: Value| app.put_auth(&refuse_path, &admin, body);
    for bad in [
        json!({}),
        json!({"motif": ""}),
        json!({"motif": "<b>non</b>"}),
    ] {
        let r = refuse(bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.body["motif"].is_array(), "{}", r.body);
    }
    let r = refuse(json!({"motif": "Kbis illisible"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut_verification_admin"], "refuse");
    let mail = eventually("the refusal email", 20, || async {
        mail_to(&r2_email).await.into_iter().next()
    })
    .await;
    assert_eq!(
        mail["subject"],
        "DestinyJobs : Votre compte n'a pas été validé"
    );
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .contains("Motif : Kbis illisible")
    );

    // Decided accounts leave the queue; the counters follow.
    let queue = ids(&app
        .get_auth("/api/admin/recruteurs-en-attente/?page_size=100", &admin)
        .await
        .body);
    assert!(!queue.contains(&id(&r1)) && !queue.contains(&id(&r2)));
    let now = stats().await;
    assert_eq!(delta(&now, "recruteur", "en_attente"), 0);
    assert_eq!(delta(&now, "recruteur", "verifie"), 1);
    assert_eq!(delta(&now, "recruteur", "refuse"), 1);

    // Only recruteur and prestataire accounts are decided.
    for target in [
        id(&c),
        admin_sub.clone(),
        "no-such-account".into(),
        "x".repeat(300),
    ] {
        let r = app
            .put_auth(
                &format!("/api/admin/recruteurs/{target}/valider/"),
                &admin,
                json!({}),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
    }

    // Two admins deciding at once: one decision, one 409, counted once.
    let (_, _, _, r3) = app.user("recruteur").await;
    let (_, other_admin) = app.admin().await;
    let path = format!("/api/admin/recruteurs/{}/valider/", id(&r3));
    let (a, b) = tokio::join!(
        app.put_auth(&path, &admin, json!({})),
        app.put_auth(&path, &other_admin, json!({})),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    let now = stats().await;
    assert_eq!(delta(&now, "recruteur", "en_attente"), 0);
    assert_eq!(delta(&now, "recruteur", "verifie"), 2);

    // Every decision is in the admin log, by actor.
    let entries: Vec<(String, String, Option<String>)> = app
        .walk(
            &format!("/api/admin/logs/?type=action_admin&utilisateur={admin_sub}"),
            Some(&admin),
        )
        .await
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().map(String::from);
            (s("action").unwrap(), s("cible").unwrap(), s("motif"))
        })
        .collect();
    assert!(
        entries.contains(&("valider_compte".into(), id(&r1), None)),
        "{entries:?}"
    );
    assert!(
        entries.contains(&(
            "refuser_compte".into(),
            id(&r2),
            Some("Kbis illisible".into())
        )),
        "{entries:?}"
    );
}
