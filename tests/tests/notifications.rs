//! Notifications as users see them: through the real pipeline (topic →
//! queue → notifier) to the emulator's mail, SMS and push endpoints, and
//! the notifications API.

use e2e::*;
use serde_json::{Value, json};
use shared::notifications::events::Event;

fn kinds(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type_notification"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_new_message_is_notified_in_app_and_by_email_in_french() {
    let app = TestApp::spawn().await;
    let (email, candidat, _, c) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    let message = app
        .message(&admin, c["id"].as_str().unwrap(), "Entretien & suite")
        .await;
    let id = message["id"].as_str().unwrap();

    let mail = eventually("the email", 20, || async {
        mail_to(&email).await.into_iter().next()
    })
    .await;
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .starts_with("DestinyJobs : Nouveau message de "),
        "{mail}"
    );
    assert!(
        mail["source"]
            .as_str()
            .unwrap()
            .contains("noreply@destinyjobs.local")
    );
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("Bonjour Awa Kouassi,"), "{body}");
    assert!(body.contains("Entretien &amp; suite"), "escaped: {body}");
    assert!(
        body.contains(&format!("http://localhost:5173/messages/{id}")),
        "{body}"
    );
    assert!(body.contains("lang=\"fr\""));

    let n = app.notifications(&candidat).await;
    assert_eq!(n["non_lues"], 1);
    assert_eq!(kinds(&n), ["message_recu"]);
    assert_eq!(n["results"][0]["lien"], format!("/messages/{id}"));
    assert_eq!(n["results"][0]["lu"], false);
    assert!(
        n["results"][0]["titre"]
            .as_str()
            .unwrap()
            .starts_with("Nouveau message de")
    );
}

#[tokio::test]
async fn a_redelivered_event_sends_nothing_twice() {
    let app = TestApp::spawn().await;
    let (email, recruteur, _, r) = app.user("recruteur").await;
    let sub = r["id"].as_str().unwrap();
    let publisher = publisher().await;
    // The account-validation event #4's admin route will publish.
    let valide = Event::compte_valide(sub);
    publisher.publish(&valide).await.unwrap();
    publisher.publish(&valide).await.unwrap();
    publisher.publish(&valide).await.unwrap();
    let refuse = Event::compte_refuse(sub, Some("Kbis illisible"));
    publisher.publish(&refuse).await.unwrap();

    let mails = eventually("both emails", 20, || async {
        let m = mail_to(&email).await;
        (m.len() >= 2).then_some(m)
    })
    .await;
    // Let any duplicate delivery land before counting.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let mails = {
        let again = mail_to(&email).await;
        assert!(again.len() >= mails.len());
        again
    };
    let subjects: Vec<&str> = mails
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects
            .iter()
            .filter(|s| **s == "DestinyJobs : Votre compte a été validé")
            .count(),
        1,
        "{subjects:?}"
    );
    let refused: Vec<&Value> = mails
        .iter()
        .filter(|m| m["subject"] == "DestinyJobs : Votre compte n'a pas été validé")
        .collect();
    assert_eq!(refused.len(), 1, "{subjects:?}");
    let body = refused[0]["body"].as_str().unwrap();
    assert!(body.contains("Bonjour Awa Kouassi,"));
    assert!(body.contains("Motif : Kbis illisible"));
    assert!(body.contains("http://localhost:5173/profil"));

    let n = app.notifications(&recruteur).await;
    let mut got = kinds(&n);
    got.sort();
    assert_eq!(
        got,
        ["compte_refuse", "compte_valide"],
        "one in-app notification each"
    );
}

#[tokio::test]
async fn a_poison_message_ends_in_the_dead_letter_queue() {
    let app = TestApp::spawn().await;
    let marker = ulid::Ulid::new().to_string();
    let sns = aws_sdk_sns::Client::new(&app.stack.sdk);
    sns.publish()
        .topic_arn(app.stack.resources.id("EventsTopic").unwrap())
        .message(format!("{{\"poison\": \"{marker}\"}}"))
        .send()
        .await
        .unwrap();
    let sqs = aws_sdk_sqs::Client::new(&app.stack.sdk);
    let dlq = app
        .stack
        .resources
        .id("NotificationsDeadLetterQueue")
        .unwrap();
    let found = eventually("the poison message in the dead-letter queue", 60, || {
        let sqs = sqs.clone();
        let marker = marker.clone();
        async move {
            let out = sqs
                .receive_message()
                .queue_url(dlq)
                .max_number_of_messages(10)
                .message_system_attribute_names(
                    aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
                )
                .send()
                .await
                .unwrap();
            out.messages
                .unwrap_or_default()
                .into_iter()
                .find(|m| m.body().is_some_and(|b| b.contains(&marker)))
        }
    })
    .await;
    assert!(
        found.body().unwrap().contains(&marker),
        "kept intact, not lost"
    );
}

#[tokio::test]
async fn push_reaches_registered_devices_only() {
    let app = TestApp::spawn().await;
    let (email, candidat, _, c) = app.user("candidat").await;
    let (other_email, _, _, other) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    let token = format!("fcm-token-{}", ulid::Ulid::new());
    let r = app
        .post_auth(
            "/api/notifications/appareils/",
            &candidat,
            json!({"plateforme": "fcm", "token": token}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let device = r.body["id"].as_str().unwrap().to_string();
    assert!(r.body.get("token").is_none(), "the token is not echoed");
    // The same token again is the same device.
    let again = app
        .post_auth(
            "/api/notifications/appareils/",
            &candidat,
            json!({"plateforme": "fcm", "token": token}),
        )
        .await;
    assert_eq!(again.body["id"], device.as_str());
    let list = app
        .get_auth("/api/notifications/appareils/", &candidat)
        .await;
    assert_eq!(list.body["results"].as_array().unwrap().len(), 1);

    app.message(&admin, c["id"].as_str().unwrap(), "Push").await;
    app.message(&admin, other["id"].as_str().unwrap(), "Pas de push")
        .await;
    let pushes = eventually("the push", 20, || async {
        let p = pushes_to(&token).await;
        (!p.is_empty()).then_some(p)
    })
    .await;
    let gcm: Value = serde_json::from_str(pushes[0]["GCM"].as_str().unwrap()).unwrap();
    assert!(
        gcm["notification"]["title"]
            .as_str()
            .unwrap()
            .starts_with("Nouveau message de")
    );
    assert!(
        gcm["data"]["lien"]
            .as_str()
            .unwrap()
            .starts_with("/messages/")
    );
    eventually("the other email", 20, || async {
        (!mail_to(&other_email).await.is_empty()).then_some(())
    })
    .await;
    eventually("the email", 20, || async {
        (!mail_to(&email).await.is_empty()).then_some(())
    })
    .await;

    // Foreign and unknown devices are not found; removed devices get nothing.
    let (_, intruder, _, _) = app.user("candidat").await;
    assert_eq!(
        app.delete_auth(
            &format!("/api/notifications/appareils/{device}/"),
            &intruder
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.delete_auth(
            &format!("/api/notifications/appareils/{device}/"),
            &candidat
        )
        .await
        .status,
        204
    );
    assert_eq!(
        app.delete_auth(
            &format!("/api/notifications/appareils/{device}/"),
            &candidat
        )
        .await
        .status,
        404
    );
    app.message(&admin, c["id"].as_str().unwrap(), "Après")
        .await;
    eventually("the second email", 20, || async {
        (mail_to(&email).await.len() >= 2).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(pushes_to(&token).await.len(), 1, "no push after removal");

    for bad in [
        json!({"plateforme": "fcm"}),
        json!({"plateforme": "pigeon", "token": "t"}),
        json!({"token": "t"}),
    ] {
        let r = app
            .post_auth("/api/notifications/appareils/", &candidat, bad.clone())
            .await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }
}

#[tokio::test]
async fn sms_goes_only_to_users_who_opted_in() {
    let app = TestApp::spawn().await;
    let opted_phone = phone();
    let other_phone = phone();
    let (email, o) = app
        .register("candidat", json!({"telephone": opted_phone}))
        .await;
    let opted = app.login(&email, PASSWORD).await.body["access"]
        .as_str()
        .unwrap()
        .to_string();
    let (other_email, other) = app
        .register("candidat", json!({"telephone": other_phone}))
        .await;
    let (_, no_phone, _, _) = app.user("candidat").await;
    let (_, admin) = app.admin().await;

    // SMS needs a phone number.
    let r = app
        .put_auth(
            "/api/notifications/preferences/",
            &no_phone,
            json!({"sms": true}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["sms"].is_array(), "{}", r.body);
    let r = app
        .get_auth("/api/notifications/preferences/", &opted)
        .await;
    assert_eq!(r.body["sms"], false, "off by default: {}", r.body);
    assert!(
        r.body["types_email_obligatoire"]
            .as_array()
            .unwrap()
            .contains(&json!("compte_valide"))
    );
    let r = app
        .put_auth(
            "/api/notifications/preferences/",
            &opted,
            json!({"sms": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["sms"], true);
    assert_eq!(r.body["email"], true, "unchanged");

    app.message(&admin, o["id"].as_str().unwrap(), "Par SMS")
        .await;
    app.message(&admin, other["id"].as_str().unwrap(), "Sans SMS")
        .await;
    let sms = eventually("the SMS", 20, || async {
        let s = sms_to(&opted_phone).await;
        (!s.is_empty()).then_some(s)
    })
    .await;
    assert!(
        sms[0].starts_with("DestinyJobs : Nouveau message de"),
        "{sms:?}"
    );
    assert!(sms[0].chars().count() <= 160);
    eventually("both emails", 20, || async {
        (!mail_to(&email).await.is_empty() && !mail_to(&other_email).await.is_empty()).then_some(())
    })
    .await;
    // SMS go out after email: watch a while for one that should not come.
    for _ in 0..10 {
        assert!(
            sms_to(&other_phone).await.is_empty(),
            "not opted in, no SMS"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn email_preferences_mute_only_optional_types() {
    let app = TestApp::spawn().await;
    let (email, token, _, c) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    let r = app
        .put_auth(
            "/api/notifications/preferences/",
            &token,
            json!({"email": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .put_auth(
            "/api/notifications/preferences/",
            &token,
            json!({"email": "non"}),
        )
        .await;
    assert_eq!(r.status, 400);

    app.message(&admin, c["id"].as_str().unwrap(), "Muet").await;
    publisher()
        .await
        .publish(&Event::compte_valide(c["id"].as_str().unwrap()))
        .await
        .unwrap();
    eventually("both notifications in-app", 20, || async {
        (app.notifications(&token).await["non_lues"] == 2).then_some(())
    })
    .await;
    eventually("the mandatory email", 20, || async {
        (!mail_to(&email).await.is_empty()).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let subjects: Vec<String> = mail_to(&email)
        .await
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(subjects, ["DestinyJobs : Votre compte a été validé"]);
}

#[tokio::test]
async fn notifications_are_read_by_their_owner_only() {
    let app = TestApp::spawn().await;
    let (_, token, _, c) = app.user("candidat").await;
    let (_, intruder, _, _) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    for i in 0..3 {
        app.message(&admin, c["id"].as_str().unwrap(), &format!("N{i}"))
            .await;
    }
    let n = eventually("3 notifications", 20, || async {
        let n = app.notifications(&token).await;
        (n["non_lues"] == 3).then_some(n)
    })
    .await;
    let first = n["results"][0]["id"].as_str().unwrap().to_string();

    let r = app
        .put_auth(
            &format!("/api/notifications/{first}/lu/"),
            &intruder,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(
        app.put_auth("/api/notifications/nope/lu/", &token, json!({}))
            .await
            .status,
        404
    );
    assert_eq!(
        app.notifications(&intruder).await["results"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let r = app
        .put_auth(
            &format!("/api/notifications/{first}/lu/"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["lu"], true);
    // Idempotent: marking it again changes nothing.
    assert_eq!(
        app.put_auth(
            &format!("/api/notifications/{first}/lu/"),
            &token,
            json!({})
        )
        .await
        .status,
        200
    );
    let n = app.notifications(&token).await;
    assert_eq!(n["non_lues"], 2);
    let read = app.get_auth("/api/notifications/?lu=true", &token).await;
    assert_eq!(read.body["results"].as_array().unwrap().len(), 1);
    assert_eq!(read.body["results"][0]["id"], first.as_str());
    let unread = app.get_auth("/api/notifications/?lu=false", &token).await;
    assert_eq!(unread.body["results"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get_auth("/api/notifications/?lu=oui", &token)
            .await
            .status,
        400
    );
    assert_eq!(
        app.get_auth("/api/notifications/?cursor=forged.cursor", &token)
            .await
            .status,
        400
    );

    let r = app
        .put_auth("/api/notifications/tout-lu/", &token, json!({}))
        .await;
    assert_eq!(r.body["marquees"], 2);
    assert_eq!(r.body["reste_non_lues"], false);
    assert_eq!(app.notifications(&token).await["non_lues"], 0);
}

#[tokio::test]
async fn admins_announce_to_a_user_or_a_whole_account_type() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let mut prestataires = Vec::new();
    for _ in 0..3 {
        let (_, token, _, _) = app.user("prestataire").await;
        prestataires.push(token);
    }
    let (_, admin) = app.admin().await;

    let announce = |token: String, body: Value| {
        let app = &app;
        async move { app.post_auth("/api/notifications/", &token, body).await }
    };
    let r = announce(
        candidat.clone(),
        json!({"destinataire": c["id"], "titre": "t", "message": "m"}),
    )
    .await;
    assert_eq!(r.status, 403, "admins only");
    for bad in [
        json!({"destinataire": "00000000-0000-0000-0000-000000000000", "titre": "t", "message": "m"}),
        json!({"destinataire": c["id"], "type_compte": "candidat", "titre": "t", "message": "m"}),
        json!({"titre": "t", "message": "m"}),
        json!({"destinataire": c["id"], "message": "m"}),
        json!({"destinataire": c["id"], "titre": "t", "message": "m", "lien": "https://evil.example/"}),
        json!({"destinataire": c["id"], "titre": "t", "message": "m", "lien": "//evil.example/"}),
        json!({"type_compte": "robot", "titre": "t", "message": "m"}),
    ] {
        let r = announce(admin.clone(), bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }

    let r = announce(admin.clone(), json!({"destinataire": c["id"], "titre": "Maintenance", "message": "Ce soir.", "lien": "/aide"})).await;
    assert_eq!(r.status, 202, "{}", r.body);
    let r = announce(
        admin.clone(),
        json!({"type_compte": "prestataire", "titre": "Nouveautés", "message": "Des missions."}),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let parent = r.body["id"].as_str().unwrap().to_string();

    let n = eventually("the announcement", 20, || async {
        let n = app.notifications(&candidat).await;
        (n["non_lues"] == 1).then_some(n)
    })
    .await;
    assert_eq!(kinds(&n), ["annonce"]);
    assert_eq!(n["results"][0]["titre"], "Maintenance");
    assert_eq!(n["results"][0]["lien"], "/aide");
    for token in &prestataires {
        let n = eventually("the fan-out", 30, || async {
            let n = app.notifications(token).await;
            (n["non_lues"] == 1).then_some(n)
        })
        .await;
        assert_eq!(n["results"][0]["titre"], "Nouveautés");
        assert!(n["results"][0]["id"].as_str().unwrap().starts_with(&parent));
    }
    // The candidate is not a prestataire.
    assert_eq!(app.notifications(&candidat).await["non_lues"], 1);
}
