//! `POST /api/recruteur/messages/envoi-masse/` (spec 8.2): 200 applicants
//! get one message each, through the queue, and a batch handled twice
//! sends nothing twice.

use e2e::*;
use futures_util::future::join_all;
use serde_json::{Value, json};

#[tokio::test]
async fn two_hundred_applicants_get_one_message_each() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Stage")
        .await;
    let pid = offre["id"].as_str().unwrap().to_string();

    let mut candidates: Vec<(String, String, String)> = Vec::new();
    for _ in 0..20 {
        let made = join_all((0..10).map(|_| app.applicant("candidat", json!({})))).await;
        let applied = join_all(
            made.iter()
                .map(|(_, _, t)| app.apply(t, "offres", &pid, json!({}))),
        )
        .await;
        assert!(applied.iter().all(|r| r.status == 201));
        candidates.extend(made);
    }

    // Nobody in en_cours yet: nothing to send.
    let r = app
        .post_auth(
            "/api/recruteur/messages/envoi-masse/",
            &recruiter,
            json!({"publication": pid, "statut": "en_cours", "sujet": "Entretiens", "contenu": "Bonjour"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.body["destinataires"], 0);

    let r = app
        .post_auth(
            "/api/recruteur/messages/envoi-masse/",
            &recruiter,
            json!({"publication": pid, "sujet": "Prochaines étapes", "contenu": "<p>Merci pour votre candidature.</p>"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.body["destinataires"], 200);
    let envoi = r.body["envoi"].as_str().unwrap().to_string();

    // Every recipient's inbox has it once; the sent box has 200.
    let sent = eventually("200 messages in the sent box", 120, || async {
        let items = app
            .walk("/api/messages/envoyes/?page_size=100", Some(&recruiter))
            .await;
        (items.len() >= 200).then_some(items)
    })
    .await;
    assert_eq!(sent.len(), 200);
    let inbox_counts = |candidates: Vec<(String, String, String)>| {
        let app = &app;
        async move {
            join_all(candidates.iter().map(|(_, _, token)| async move {
                app.walk("/api/messages/?page_size=100", Some(token))
                    .await
                    .iter()
                    .filter(|m| m["sujet"] == "Prochaines étapes")
                    .count()
            }))
            .await
        }
    };
    let counts = inbox_counts(candidates.clone()).await;
    assert!(counts.iter().all(|n| *n == 1), "{counts:?}");

    // The same batches handled again (a redelivery): nothing new.
    let stack = stack().await;
    let notifier = notifier::Notifier::new(&app.config, &stack.sdk).unwrap();
    let bulk = shared::messages::Bulk {
        id: envoi.clone(),
        expediteur: recruiter_sub.clone(),
        expediteur_nom: "Awa Kouassi".into(),
        sujet: "Prochaines étapes".into(),
        contenu: "<p>Merci pour votre candidature.</p>".into(),
        type_message: shared::messages::TypeMessage::Candidature,
        offre_liee: Some(pid.clone()),
        date_envoi: time::OffsetDateTime::now_utc(),
        destinataires: candidates
            .iter()
            .map(|(_, sub, _)| shared::messages::Recipient {
                id: sub.clone(),
                nom: "x".into(),
            })
            .collect(),
    };
    for batch in bulk.batches() {
        notifier.send_bulk(&batch.envoi_masse).await.unwrap();
    }
    let counts = inbox_counts(candidates.clone()).await;
    assert!(counts.iter().all(|n| *n == 1), "{counts:?}");
    let first: Value = app
        .walk("/api/messages/?page_size=100", Some(&candidates[0].2))
        .await[0]
        .clone();
    assert_eq!(first["expediteur"], recruiter_sub.as_str());
    assert_eq!(first["offre_liee"], pid.as_str());
    assert!(first["id"].as_str().unwrap().starts_with(&envoi));

    // Each recipient is notified once (the notification's id is fixed).
    let app = &app;
    let candidates = &candidates;
    let notified = eventually("the message notifications", 120, || async move {
        let counts = join_all(candidates.iter().take(20).map(|(_, _, token)| async move {
            app.walk("/api/notifications/?page_size=100", Some(token))
                .await
                .iter()
                .filter(|n| n["type_notification"] == "message_recu")
                .count()
        }))
        .await;
        counts.iter().all(|n| *n >= 1).then_some(counts)
    })
    .await;
    assert!(notified.iter().all(|n| *n == 1), "{notified:?}");
}
