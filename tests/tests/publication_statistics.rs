//! Publication statistics (spec 2.2) follow every change, and every admin
//! action is in the audit log. One test: the statistics are exact counts,
//! so nothing else in this binary may publish at the same time.

use e2e::*;
use serde_json::{Value, json};

#[tokio::test]
async fn statistics_follow_every_change_and_admin_actions_are_audited() {
    let app = TestApp::spawn().await;
    let (admin_sub, admin) = app.admin().await;
    let stats = || async {
        let r = app
            .get_auth("/api/admin/publications/statistiques/", &admin)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    };
    let before = stats().await;
    let delta = |now: &Value, kind: &str, state: &str| {
        now[kind][state].as_i64().unwrap() - before[kind][state].as_i64().unwrap()
    };

    let (_, sub, token) = app.verified_recruiter(&admin).await;
    app.set_quota(&admin, &sub, 12).await;
    let offre = app.publish(&token, "offres", "Comptée").await;
    let bourse = app.publish(&token, "bourses", "Comptée aussi").await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let now = stats().await;
    assert_eq!(delta(&now, "offre", "en_attente"), 1);
    assert_eq!(delta(&now, "bourse", "en_attente"), 1);
    assert_eq!(delta(&now, "total", "total"), 2);

    app.decide(&admin, &id(&offre), "valider", json!({"motif": "Conforme"}))
        .await;
    let r = app
        .put_auth(
            &format!("/api/recruteur/offres/{}/", id(&offre)),
            &token,
            json!({"statut": "fermee"}),
        )
        .await;
    assert_eq!(r.status, 200);
    app.decide(
        &admin,
        &id(&bourse),
        "refuser",
        json!({"motif": "Pièces manquantes"}),
    )
    .await;
    let now = stats().await;
    assert_eq!(
        (
            delta(&now, "offre", "en_attente"),
            delta(&now, "offre", "validee"),
            delta(&now, "offre", "fermee")
        ),
        (0, 1, 1)
    );
    assert_eq!(
        (
            delta(&now, "bourse", "en_attente"),
            delta(&now, "bourse", "refuse")
        ),
        (0, 1)
    );
    assert_eq!(delta(&now, "total", "total"), 2);

    // A deletion is counted out; a second decision on the same state is a 409.
    let r = app
        .delete_auth(&format!("/api/recruteur/bourses/{}/", id(&bourse)), &admin)
        .await;
    assert_eq!(r.status, 204, "an admin deletes it: {}", r.body);
    let r = app
        .put_auth(
            &format!("/api/admin/publications/{}/valider/", id(&offre)),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let now = stats().await;
    assert_eq!(delta(&now, "bourse", "refuse"), 0);
    assert_eq!(delta(&now, "total", "total"), 1);
    assert_eq!(delta(&now, "total", "fermee"), 1);

    // The admin log: who, what, on what, why.
    let entries: Vec<(String, String, String, Option<String>)> = app
        .walk(
            &format!("/api/admin/logs/?utilisateur={admin_sub}"),
            Some(&admin),
        )
        .await
        .iter()
        .filter(|e| e["type"] == "action_admin")
        .map(|e| {
            let s = |k: &str| e[k].as_str().map(String::from);
            (
                s("action").unwrap(),
                s("type_cible").unwrap(),
                s("cible").unwrap(),
                s("motif"),
            )
        })
        .collect();
    for expected in [
        ("valider_compte", "utilisateur", sub.clone(), None),
        (
            "modifier_quota",
            "utilisateur",
            sub.clone(),
            Some("10 → 12".to_string()),
        ),
        (
            "valider_publication",
            "publication",
            id(&offre),
            Some("Conforme".to_string()),
        ),
        (
            "refuser_publication",
            "publication",
            id(&bourse),
            Some("Pièces manquantes".to_string()),
        ),
        ("supprimer_publication", "publication", id(&bourse), None),
    ] {
        let expected = (
            expected.0.to_string(),
            expected.1.to_string(),
            expected.2,
            expected.3,
        );
        assert!(
            entries.contains(&expected),
            "{expected:?} not in {entries:?}"
        );
    }
}
