//! Messaging as its users see it: who may write to whom, both boxes,
//! reading and deleting, bad input, and pagination.

use e2e::*;
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn who_may_write_to_whom_follows_the_roles() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let (_, other_candidat, _, c2) = app.user("candidat").await;
    let (_, recruteur, _, r) = app.user("recruteur").await;
    let (_, other_recruteur, _, r2) = app.user("recruteur").await;
    let (_, prestataire, _, p) = app.user("prestataire").await;
    let (admin_sub, admin) = app.admin().await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let send = |token: String, to: String| {
        let app = &app;
        async move {
            app.post_auth(
                "/api/messages/",
                &token,
                json!({"destinataire": to, "sujet": "Bonjour", "contenu": "Un message."}),
            )
            .await
        }
    };

    // Nobody cold-messages a recruiter, and candidates don't write to each other.
    for (token, to) in [
        (&candidat, id(&r)),
        (&prestataire, id(&r)),
        (&candidat, id(&c2)),
        (&candidat, id(&p)),
    ] {
        let res = send(token.clone(), to).await;
        assert_eq!(res.status, 403, "{}", res.body);
        assert!(
            res.body["detail"]
                .as_str()
                .unwrap()
                .contains("Vous ne pouvez pas écrire")
        );
    }
    // A recruiter must be verified by the admins to write first.
    assert_eq!(send(recruteur.clone(), id(&c)).await.status, 403);
    app.verify_account(&admin, &id(&r)).await;
    assert_eq!(send(recruteur.clone(), id(&c)).await.status, 201);
    assert_eq!(send(recruteur.clone(), id(&p)).await.status, 201);
    // Recruiters don't write to recruiters.
    assert_eq!(send(recruteur.clone(), id(&r2)).await.status, 403);
    // Whoever was written to may answer, and only that sender.
    assert_eq!(send(candidat.clone(), id(&r)).await.status, 201);
    assert_eq!(send(prestataire.clone(), id(&r)).await.status, 201);
    assert_eq!(send(candidat.clone(), id(&r2)).await.status, 403);
    assert_eq!(send(other_candidat.clone(), id(&r)).await.status, 403);
    // Admins are reachable by everyone and reach everyone.
    for token in [&candidat, &prestataire, &other_recruteur] {
        assert_eq!(send(token.clone(), admin_sub.clone()).await.status, 201);
    }
    assert_eq!(send(admin.clone(), id(&c2)).await.status, 201);
    assert_eq!(send(admin.clone(), id(&r2)).await.status, 201);
}

#[tokio::test]
async fn each_party_has_its_copy_and_deleting_hides_it_for_one_only() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let (admin_sub, admin) = app.admin().await;
    let sent = app
        .message(&admin, c["id"].as_str().unwrap(), "Votre dossier")
        .await;
    let id = sent["id"].as_str().unwrap();
    assert_eq!(sent["expediteur"], admin_sub.as_str());
    assert_eq!(sent["destinataire"], c["id"]);
    assert_eq!(sent["destinataire_nom"], "Awa Kouassi");
    assert_eq!(sent["type_message"], "general");
    assert_eq!(sent["lu"], false);

    let inbox = app.get_auth("/api/messages/", &candidat).await;
    assert_eq!(inbox.status, 200);
    assert_eq!(ids(&inbox.body), [id]);
    assert_eq!(inbox.body["results"][0]["sujet"], "Votre dossier");
    // The sender's inbox does not have it; its sent box does.
    assert!(
        ids(&app.get_auth("/api/messages/", &admin).await.body)
            .iter()
            .all(|m| m != id)
    );
    let outbox = app.get_auth("/api/messages/envoyes/", &admin).await;
    assert_eq!(ids(&outbox.body)[0], id);

    // Reading shows on both sides.
    let read = app
        .put_auth(&format!("/api/messages/{id}/lu/"), &candidat, json!({}))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["lu"], true);
    let theirs = app.get_auth(&format!("/api/messages/{id}/"), &admin).await;
    assert_eq!(theirs.body["lu"], true, "the sender sees it read");
    // Only the recipient marks a message read.
    assert_eq!(
        app.put_auth(&format!("/api/messages/{id}/lu/"), &admin, json!({}))
            .await
            .status,
        404
    );

    // Deleting removes the caller's copy only.
    assert_eq!(
        app.delete_auth(&format!("/api/messages/{id}/"), &candidat)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get_auth(&format!("/api/messages/{id}/"), &candidat)
            .await
            .status,
        404
    );
    assert!(ids(&app.get_auth("/api/messages/", &candidat).await.body).is_empty());
    assert_eq!(
        app.delete_auth(&format!("/api/messages/{id}/"), &candidat)
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_auth(&format!("/api/messages/{id}/"), &admin)
            .await
            .status,
        200
    );
    // The recipient can still be answered-from: deleting does not undo the contact.
    assert_eq!(
        app.delete_auth(&format!("/api/messages/{id}/"), &admin)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get_auth(&format!("/api/messages/{id}/"), &admin)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn nobody_reads_marks_or_deletes_another_users_message() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let (_, intruder, _, _) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    let sent = app
        .message(&admin, c["id"].as_str().unwrap(), "Privé")
        .await;
    let id = sent["id"].as_str().unwrap();
    for r in [
        app.get_auth(&format!("/api/messages/{id}/"), &intruder)
            .await,
        app.put_auth(&format!("/api/messages/{id}/lu/"), &intruder, json!({}))
            .await,
        app.delete_auth(&format!("/api/messages/{id}/"), &intruder)
            .await,
    ] {
        assert_eq!(
            r.status, 404,
            "a foreign id is not found, not forbidden: {}",
            r.body
        );
        assert_eq!(r.body["detail"], "Pas trouvé.");
    }
    // An id no item could have is not found either (not a DynamoDB error).
    let long = "x".repeat(2000);
    for r in [
        app.get_auth(&format!("/api/messages/{long}/"), &candidat)
            .await,
        app.put_auth(&format!("/api/messages/{long}/lu/"), &candidat, json!({}))
            .await,
        app.delete_auth(&format!("/api/messages/{long}/"), &candidat)
            .await,
        app.put_auth(
            &format!("/api/notifications/{long}/lu/"),
            &candidat,
            json!({}),
        )
        .await,
        app.delete_auth(&format!("/api/notifications/appareils/{long}/"), &candidat)
            .await,
    ] {
        assert_eq!(r.status, 404, "{}", r.body);
    }
    // Untouched for its owner.
    let mine = app
        .get_auth(&format!("/api/messages/{id}/"), &candidat)
        .await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["lu"], false);
    assert!(ids(&app.get_auth("/api/messages/", &intruder).await.body).is_empty());
    // Without a token: 401.
    assert_eq!(
        app.send(app.http.get(app.url("/api/messages/")))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let (admin_sub, admin) = app.admin().await;
    let to = c["id"].as_str().unwrap();
    let post = |body: Value| app.post_auth("/api/messages/", &admin, body);

    let r = post(json!({"destinataire": "00000000-0000-0000-0000-000000000000", "sujet": "s", "contenu": "c"})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["destinataire"][0], "Utilisateur introuvable.");
    let r = post(json!({"destinataire": admin_sub, "sujet": "s", "contenu": "c"})).await;
    assert_eq!(r.status, 400, "writing to oneself: {}", r.body);
    for empty in ["", "<p> </p>", "<br>"] {
        let r = post(json!({"destinataire": to, "sujet": "s", "contenu": empty})).await;
        assert_eq!(r.status, 400, "{empty:?}: {}", r.body);
        assert!(r.body["contenu"].is_array(), "{}", r.body);
    }
    let r = post(json!({"destinataire": to, "sujet": "s", "contenu": "x".repeat(10_001)})).await;
    assert_eq!(r.status, 400);
    assert!(r.body["contenu"].is_array(), "{}", r.body);
    let r = post(json!({"destinataire": to, "sujet": "s", "contenu": "x".repeat(70_000)})).await;
    assert_eq!(r.status, 413, "bodies over the limit: {}", r.body);
    let r = post(json!({})).await;
    assert_eq!(r.status, 400);
    for field in ["destinataire", "sujet", "contenu"] {
        assert!(r.body[field].is_array(), "{field} is required: {}", r.body);
    }
    let r = post(
        json!({"destinataire": to, "sujet": "<b>x</b>", "contenu": "c", "type_message": "spam"}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["type_message"].is_array() || r.body["sujet"].is_array(),
        "{}",
        r.body
    );
    let r = post(
        json!({"destinataire": to, "sujet": "s", "contenu": "c", "offre_liee": "01NOPUBLICATION"}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["offre_liee"][0], "Publication introuvable.");

    // Script is removed before storing; a body that is only script is empty.
    let r = post(json!({"destinataire": to, "sujet": "s", "contenu": "<script>alert(1)</script>"}))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post(json!({"destinataire": to, "sujet": "Lien", "contenu": "<p onmouseover=\"x()\">Voir <a href=\"javascript:alert(1)\">ici</a><script>alert(1)</script> <b>vite</b></p>"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let stored = app
        .get_auth(
            &format!("/api/messages/{}/", r.body["id"].as_str().unwrap()),
            &candidat,
        )
        .await;
    let contenu = stored.body["contenu"].as_str().unwrap();
    for bad in ["script", "onmouseover", "javascript"] {
        assert!(!contenu.contains(bad), "{bad} stored: {contenu}");
    }
    assert!(contenu.contains("<b>vite</b>"), "{contenu}");
    let r = post(json!({"destinataire": to, "sujet": "Image", "contenu": "Bonjour <img src=\"https://tracker.example/p.gif\">"})).await;
    assert_eq!(r.status, 201);
    assert_eq!(
        r.body["contenu"], "Bonjour ",
        "no remote images: {}",
        r.body
    );

    // Filters and cursors.
    for query in [
        "lu=peut-etre",
        "type_message=spam",
        "page_size=0",
        "page_size=101",
        "cursor=abc.def",
        "cursor=%%%",
    ] {
        let r = app
            .get_auth(&format!("/api/messages/?{query}"), &candidat)
            .await;
        assert_eq!(r.status, 400, "{query}: {}", r.body);
    }
    // A cursor from someone else's list is refused too.
    for _ in 0..2 {
        app.message(&admin, to, "Encore").await;
    }
    let page = app.get_auth("/api/messages/?page_size=1", &candidat).await;
    let next = page.body["next"].as_str().unwrap().to_string();
    let (_, other, _, _) = app.user("candidat").await;
    assert_eq!(app.get_auth(&next, &other).await.status, 400);
    assert_eq!(app.get_auth(&next, &candidat).await.status, 200);
}

#[tokio::test]
async fn a_message_may_point_to_an_existing_publication_and_be_filtered() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let publication = app.publish(&recruiter, "offres", "Offre liée").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = c["id"].as_str().unwrap();
    let r = app
        .post_auth(
            "/api/messages/",
            &admin,
            json!({"destinataire": to, "sujet": "Offre", "contenu": "Voici l'offre.", "type_message": "offre", "offre_liee": publication}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["offre_liee"], publication.as_str());
    let offre = r.body["id"].as_str().unwrap().to_string();
    let general = app.message(&admin, to, "Bonjour").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.put_auth(
        &format!("/api/messages/{general}/lu/"),
        &candidat,
        json!({}),
    )
    .await;

    let list = |q: &'static str| {
        let app = &app;
        let candidat = &candidat;
        async move {
            ids(&app
                .get_auth(&format!("/api/messages/?{q}"), candidat)
                .await
                .body)
        }
    };
    assert_eq!(
        list("").await,
        [general.clone(), offre.clone()],
        "newest first"
    );
    assert_eq!(list("type_message=offre").await, [offre.as_str()]);
    assert_eq!(list("lu=false").await, [offre.as_str()]);
    assert_eq!(list("lu=true").await, [general.as_str()]);
    assert_eq!(
        list("lu=true&type_message=offre").await,
        Vec::<String>::new()
    );
}

/// Walks a list by its `next` links, then back by `previous`.
async fn walk(app: &TestApp, token: &str, first: &str) -> (Vec<String>, Vec<String>) {
    let mut forward = Vec::new();
    let mut url = Some(first.to_string());
    let mut last = String::new();
    while let Some(u) = url {
        let r = app.get_auth(&u, token).await;
        assert_eq!(r.status, 200, "{u}: {}", r.body);
        forward.extend(ids(&r.body));
        last = u;
        url = r.body["next"].as_str().map(String::from);
    }
    let mut backward = Vec::new();
    let mut url = Some(last);
    while let Some(u) = url {
        let r = app.get_auth(&u, token).await;
        let mut page = ids(&r.body);
        page.extend(backward);
        backward = page;
        url = r.body["previous"].as_str().map(String::from);
    }
    (forward, backward)
}

#[tokio::test]
async fn pagination_returns_every_item_exactly_once() {
    let app = TestApp::spawn().await;
    let (_, candidat, _, c) = app.user("candidat").await;
    let (_, admin) = app.admin().await;
    let to = c["id"].as_str().unwrap();
    let mut sent = Vec::new();
    for i in 0..55 {
        sent.push(
            app.message(&admin, to, &format!("Message {i}")).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let newest_first: Vec<String> = sent.iter().rev().cloned().collect();
    // The 55 notifications arrive through the pipeline.
    eventually("55 notifications", 60, || async {
        let n = app.notifications(&candidat).await;
        (n["non_lues"] == 55).then_some(())
    })
    .await;
    let first_page = app.notifications(&candidat).await;
    let notification_ids: Vec<String> = ids(&first_page);
    // Newest first, as the messages they announce.
    let announced: Vec<String> = first_page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            n["lien"]
                .as_str()
                .unwrap()
                .trim_start_matches("/messages/")
                .to_string()
        })
        .collect();
    assert_eq!(announced, newest_first);

    for size in [1, 10, 50] {
        let (forward, backward) =
            walk(&app, &candidat, &format!("/api/messages/?page_size={size}")).await;
        assert_eq!(forward, newest_first, "inbox, page size {size}");
        assert_eq!(backward, newest_first, "inbox backwards, page size {size}");
        let (forward, _) = walk(
            &app,
            &admin,
            &format!("/api/messages/envoyes/?page_size={size}"),
        )
        .await;
        assert_eq!(forward, newest_first, "sent box, page size {size}");
        let (forward, backward) = walk(
            &app,
            &candidat,
            &format!("/api/notifications/?page_size={size}"),
        )
        .await;
        assert_eq!(forward, notification_ids, "notifications, page size {size}");
        assert_eq!(
            backward, notification_ids,
            "notifications backwards, page size {size}"
        );
        let (forward, _) = walk(
            &app,
            &candidat,
            &format!("/api/notifications/?lu=false&page_size={size}"),
        )
        .await;
        assert_eq!(
            forward, notification_ids,
            "unread notifications, page size {size}"
        );
    }
    let first = app.get_auth("/api/messages/?page_size=50", &candidat).await;
    assert!(first.body["previous"].is_null());
    assert_eq!(first.body["results"].as_array().unwrap().len(), 50);
}
