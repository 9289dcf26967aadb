//! Privacy rights (#20, docs/privacy.md) as their users see them: the
//! export of everything held about me, and the deletion of my account:
//! what goes, what stays for the others (anonymised), the counters, and
//! the email free again.

use e2e::*;
use serde_json::{Value, json};

/// The tests here compare the platform's counters before and after: one
/// at a time, so no other test of this binary moves them meanwhile.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(id)
        .collect()
}

/// The candidat's name, which no one else of these tests bears: what
/// others' notifications must no longer show once the account is gone.
const CANDIDAT_NOM: &str = "Diallo";

fn unique_token() -> String {
    format!("push-{}", ulid::Ulid::new())
}

/// A candidat's account with something of each kind, and a recruiter it
/// corresponds with.
struct World {
    admin: String,
    recruteur: String,
    recruteur_email: String,
    candidat: String,
    candidat_refresh: String,
    candidat_sub: String,
    candidat_email: String,
    /// Validated, with the candidat's application (and another's).
    offre: String,
    /// Awaiting review, nobody applied.
    brouillon: String,
    application: String,
    cv: String,
    /// The recruiter's message to the candidat, and the candidat's reply.
    to_candidat: String,
    reply: String,
    device_token: String,
    device: String,
    /// Another candidat, who applied to the same offre.
    other: String,
    other_application: String,
}

async fn world(app: &TestApp) -> World {
    let (_, admin) = app.admin().await;
    let (recruteur_email, recruteur_sub, recruteur) = app.verified_recruiter(&admin).await;
    let offre = id(&app
        .open_publication(&admin, &recruteur, "offres", "Développeuse Rust")
        .await);
    let brouillon = id(&app.publish(&recruteur, "offres", "Brouillon").await);
    let (candidat_email, candidat, candidat_refresh, profile) = app.user("candidat").await;
    let candidat_sub = id(&profile);
    let r = app
        .put_auth(
            "/api/auth/profile/",
            &candidat,
            json!({"competences": ["Rust"], "telephone": "+2250701020304",
                "prenom": "Fatou", "nom": CANDIDAT_NOM}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cv = app
        .upload_file(&candidat, "cv", "cv-awa.pdf", pdf("Awa"))
        .await;
    let r = app.apply(&candidat, "offres", &offre, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let application = id(&r.body);
    assert_eq!(r.body["cv"], cv.as_str(), "the profile's CV goes with it");
    let (_, other, _, _) = app.user("candidat").await;
    let r = app.apply(&other, "offres", &offre, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let other_application = id(&r.body);
    let to_candidat = id(&app.message(&recruteur, &candidat_sub, "Entretien").await);
    let reply = id(&app
        .message(&candidat, &recruteur_sub, "Re: Entretien")
        .await);
    let device_token = unique_token();
    let r = app
        .post_auth(
            "/api/notifications/appareils/",
            &candidat,
            json!({"plateforme": "fcm", "token": device_token}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let device = id(&r.body);
    assert!(push_tokens(app).await.contains(&device_token));
    eventually("the candidat's notification", 30, || async {
        let n = app.notifications(&candidat).await;
        (n["count"].as_i64() > Some(0)).then_some(())
    })
    .await;
    // The recruiter's, naming the candidat: the application, the reply.
    let links = [
        format!("/recruteur/candidatures/{application}"),
        format!("/messages/{reply}"),
    ];
    eventually(
        "the recruiter's notifications of the candidat",
        30,
        || async {
            let n = app.notifications(&recruteur).await;
            let found: Vec<&str> = n["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|n| n["lien"].as_str())
                .collect();
            links
                .iter()
                .all(|l| found.contains(&l.as_str()))
                .then_some(())
        },
    )
    .await;
    World {
        admin,
        recruteur,
        recruteur_email,
        candidat,
        candidat_refresh,
        candidat_sub,
        candidat_email,
        offre,
        brouillon,
        application,
        cv,
        to_candidat,
        reply,
        device_token,
        device,
        other,
        other_application,
    }
}

async fn export(app: &TestApp, token: &str) -> Value {
    let r = app.get_auth("/api/auth/profile/export/", token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

async fn delete_account(app: &TestApp, token: &str, body: Value) -> Response {
    app.send(
        app.http
            .delete(app.url("/api/auth/profile/"))
            .bearer_auth(token)
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn an_export_holds_everything_about_its_owner_and_nothing_of_the_others() {
    let _one = SERIAL.lock().await;
    let app = TestApp::spawn().await;
    let w = world(&app).await;

    let mine = export(&app, &w.candidat).await;
    assert_eq!(mine["profil"]["id"], w.candidat_sub.as_str());
    assert_eq!(mine["profil"]["email"], w.candidat_email.as_str());
    assert_eq!(mine["profil"]["telephone"], "+2250701020304");
    assert_eq!(ids(&mine["candidatures"]), [w.application.clone()]);
    assert!(
        mine["candidatures"][0].get("notes_recruteur").is_none(),
        "as its applicant sees it"
    );
    assert_eq!(mine["candidatures_recues"], Value::Null);
    assert_eq!(ids(&mine["fichiers"]), [w.cv.clone()]);
    let link = mine["fichiers"][0]["url"].as_str().unwrap();
    let downloaded = app.http.get(link).send().await.unwrap();
    assert_eq!(downloaded.status(), 200, "the file's link works");
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), pdf("Awa"));
    assert_eq!(ids(&mine["messages_recus"]), [w.to_candidat.clone()]);
    assert_eq!(ids(&mine["messages_envoyes"]), [w.reply.clone()]);
    let notifications = app.notifications(&w.candidat).await;
    assert_eq!(ids(&mine["notifications"]), ids(&notifications["results"]));
    assert!(!ids(&mine["notifications"]).is_empty());
    assert_eq!(ids(&mine["appareils"]), [w.device.clone()]);
    assert!(
        mine["appareils"][0].get("token").is_none(),
        "the token is not echoed back"
    );
    let sessions = mine["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["courante"], true);
    let journal = mine["journal"].as_array().unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e["type"] == "connexion" && e["utilisateur"] == w.candidat_sub.as_str()),
        "{journal:?}"
    );
    assert_eq!(mine["incomplet"], json!([]));

    let recruiter = export(&app, &w.recruteur).await;
    let publications = ids(&recruiter["publications"]);
    assert_eq!(publications.len(), 2);
    assert!(publications.contains(&w.offre) && publications.contains(&w.brouillon));
    assert_eq!(recruiter["candidatures"], json!([]));
    assert_eq!(
        recruiter["candidatures_recues"],
        json!({"offre:nouvelle": 2}),
        "counts only: the applications are their applicants'"
    );
    assert_eq!(ids(&recruiter["messages_envoyes"]), [w.to_candidat.clone()]);
    assert_eq!(ids(&recruiter["messages_recus"]), [w.reply.clone()]);

    // Nothing of the candidat in anyone else's export.
    for token in [&w.other, &w.recruteur] {
        let text = export(&app, token).await.to_string();
        for theirs in [&w.cv, &w.device, &w.candidat_email] {
            assert!(!text.contains(theirs.as_str()), "{theirs} in {text}");
        }
    }
    let other = export(&app, &w.other).await;
    assert_eq!(ids(&other["candidatures"]), [w.other_application.clone()]);
    assert_eq!(other["fichiers"], json!([]));
    assert_eq!(other["messages_recus"], json!([]));

    let r = app
        .send(app.http.get(app.url("/api/auth/profile/export/")))
        .await;
    assert_eq!(r.status, 401);
}

/// The tokens of the FCM application's push endpoints.
async fn push_tokens(app: &TestApp) -> Vec<String> {
    let sns = aws_sdk_sns::Client::new(&app.stack.sdk);
    let mut tokens = Vec::new();
    let mut next = None;
    loop {
        let out = sns
            .list_endpoints_by_platform_application()
            .platform_application_arn(app.config.push_platform_fcm.clone().unwrap())
            .set_next_token(next)
            .send()
            .await
            .unwrap();
        for e in out.endpoints() {
            if let Some(t) = e.attributes().and_then(|a| a.get("Token")) {
                tokens.push(t.clone());
            }
        }
        next = out.next_token;
        if next.is_none() {
            return tokens;
        }
    }
}

async fn figures(app: &TestApp, admin: &str) -> Value {
    let r = app
        .get_auth("/api/admin/statistiques-globales/", admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// `after - before` at `path` of the global figures.
fn delta(before: &Value, after: &Value, path: &str) -> i64 {
    let at = |v: &Value| v.pointer(path).and_then(Value::as_i64).unwrap_or(0);
    at(after) - at(before)
}

#[tokio::test]
async fn deleting_an_account_removes_the_person_and_keeps_the_others_records() {
    let _one = SERIAL.lock().await;
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let cv_prefix = format!("cv/{}/", w.candidat_sub);
    assert_eq!(app.bucket_keys("UploadsBucket", &cv_prefix).await.len(), 1);

    // Refused without the right password: nothing changes.
    for body in [json!({}), json!({"mot_de_passe": "pas-le-bon-1A!"})] {
        let r = delete_account(&app, &w.candidat, body).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body["mot_de_passe"].is_array(), "{}", r.body);
    }
    let r = app.get_auth("/api/auth/profile/", &w.candidat).await;
    assert_eq!(r.status, 200, "still there: {}", r.body);
    assert_eq!(r.body["is_active"], true);
    let r = app
        .get_auth(
            &format!("/api/candidat/candidatures/{}/", w.application),
            &w.candidat,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(app.bucket_keys("UploadsBucket", &cv_prefix).await.len(), 1);

    // Before: the log holds the candidat's login (by id and by
    // address), and the recruiter's notifications name them.
    let by_sub = format!("/api/admin/logs/?utilisateur={}", w.candidat_sub);
    let by_email = format!("/api/admin/logs/?utilisateur={}", w.candidat_email);
    for path in [&by_sub, &by_email] {
        let entries = app.walk(path, Some(&w.admin)).await;
        assert!(
            entries.iter().any(|e| e["type"] == "connexion"),
            "{path}: {entries:?}"
        );
    }
    let links = [
        format!("/recruteur/candidatures/{}", w.application),
        format!("/messages/{}", w.reply),
    ];
    let theirs = app.notifications(&w.recruteur).await;
    let text = theirs["results"].to_string();
    assert!(text.contains(CANDIDAT_NOM), "{text}");
    for l in &links {
        assert!(text.contains(l.as_str()), "{l} in {text}");
    }
    let unread = theirs["non_lues"].as_i64().unwrap();

    let before = figures(&app, &w.admin).await;
    let r = delete_account(&app, &w.candidat, json!({"mot_de_passe": PASSWORD})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let after = figures(&app, &w.admin).await;

    // Nothing of the person in the log, by id or by address (checked
    // before anyone tries the address again below).
    for path in [&by_sub, &by_email] {
        let entries = app.walk(path, Some(&w.admin)).await;
        assert_eq!(entries, Vec::<Value>::new(), "{path}");
    }
    let everything = app.walk("/api/admin/logs/", Some(&w.admin)).await;
    let text = Value::Array(everything).to_string();
    assert!(!text.contains(&w.candidat_email), "{text}");
    assert!(!text.contains(&w.candidat_sub), "{text}");
    // The recruiter's notifications no longer name them, and the unread
    // count follows (both were unread).
    let theirs = app.notifications(&w.recruteur).await;
    let text = theirs["results"].to_string();
    assert!(!text.contains(CANDIDAT_NOM), "{text}");
    for l in &links {
        assert!(!text.contains(l.as_str()), "{l} in {text}");
    }
    assert_eq!(theirs["non_lues"].as_i64().unwrap(), unread - 2);
    assert!(
        text.contains(&format!("/recruteur/candidatures/{}", w.other_application)),
        "the other applicant's stays: {text}"
    );

    // The person can no longer sign in, and their tokens are refused.
    assert_eq!(app.login(&w.candidat_email, PASSWORD).await.status, 401);
    app.assert_tokens_dead(&w.candidat, &w.candidat_refresh)
        .await;
    let r = app
        .get_auth(
            &format!("/api/admin/utilisateurs/{}/", w.candidat_sub),
            &w.admin,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Their application is withdrawn: the recruiter sees only the other.
    let received = app
        .walk("/api/recruteur/candidatures/", Some(&w.recruteur))
        .await;
    assert_eq!(ids(&Value::Array(received)), [w.other_application.clone()]);
    let r = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{}/", w.application),
            &w.recruteur,
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .get_auth(&format!("/api/recruteur/offres/{}/", w.offre), &w.recruteur)
        .await;
    assert_eq!(r.body["nombre_candidatures"], 1);

    // What they wrote stays in the recruiter's inbox, under no name;
    // what was addressed to them is gone, and the recruiter's copy no
    // longer names them.
    let inbox = app.get_auth("/api/messages/", &w.recruteur).await;
    assert_eq!(ids(&inbox.body["results"]), [w.reply.clone()]);
    assert_eq!(
        inbox.body["results"][0]["expediteur_nom"],
        "Compte supprimé"
    );
    let sent = app.get_auth("/api/messages/envoyes/", &w.recruteur).await;
    assert_eq!(ids(&sent.body["results"]), [w.to_candidat.clone()]);
    assert_eq!(
        sent.body["results"][0]["destinataire_nom"],
        "Compte supprimé"
    );
    // Nobody can write to them any more.
    let r = app
        .post_auth(
            "/api/messages/",
            &w.recruteur,
            json!({"destinataire": w.candidat_sub, "sujet": "Encore", "contenu": "Bonjour"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);

    // Their files and push endpoint are gone.
    assert_eq!(
        app.bucket_keys("UploadsBucket", &cv_prefix).await,
        Vec::<String>::new()
    );
    let r = app
        .get_auth(&format!("/api/upload/{}/", w.cv), &w.admin)
        .await;
    assert_eq!(r.status, 404);
    assert!(
        !push_tokens(&app).await.contains(&w.device_token),
        "the push endpoint is deleted"
    );

    // The counters follow: one candidat fewer, one application withdrawn.
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/total"), -1);
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/inactifs"), 0);
    assert_eq!(delta(&before, &after, "/candidatures/offre/nouvelle"), -1);
    assert_eq!(delta(&before, &after, "/candidatures/offre/retiree"), 1);
    assert_eq!(delta(&before, &after, "/publications/offre/validee"), 0);

    // The audit entry says an account was deleted, and names no one.
    let log = app
        .get_auth("/api/admin/logs/?type=suppression_compte", &w.admin)
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let entry = &log.body["results"][0];
    assert_eq!(entry["action"], "supprimer_compte");
    assert_eq!(entry["type_cible"], "candidat");
    assert_eq!(entry["utilisateur"], Value::Null);
    assert_eq!(entry["email"], Value::Null);
    assert_eq!(entry["cible"], Value::Null);
    let by_email = app
        .get_auth(
            &format!("/api/admin/logs/?utilisateur={}", w.candidat_email),
            &w.admin,
        )
        .await;
    assert!(
        !by_email.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "suppression_compte")
    );

    // The same email registers again, as a new account.
    let r = app
        .post(
            "/api/auth/register/",
            json!({"email": w.candidat_email, "password": PASSWORD, "nom": "Kouassi",
                "prenom": "Awa", "type_compte": "candidat"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_ne!(r.body["id"], w.candidat_sub.as_str());
    assert_eq!(r.body["cv"], Value::Null, "nothing of the old account");

    // The recruiter goes too: the offre with an application is closed and
    // anonymised, the draft nobody applied to is deleted.
    let before = figures(&app, &w.admin).await;
    let r = delete_account(&app, &w.recruteur, json!({"mot_de_passe": PASSWORD})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let after = figures(&app, &w.admin).await;
    assert_eq!(app.login(&w.recruteur_email, PASSWORD).await.status, 401);
    let r = app
        .send(app.http.get(app.url(&format!("/api/offres/{}/", w.offre))))
        .await;
    assert_eq!(r.status, 404, "no longer public: {}", r.body);
    let public = app.walk("/api/offres/?page_size=100", None).await;
    assert!(!ids(&Value::Array(public)).contains(&w.offre));
    let r = app
        .get_auth(&format!("/api/admin/publications/{}/", w.offre), &w.admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["statut"], "fermee");
    assert_eq!(r.body["entreprise"], "Compte supprimé");
    assert_eq!(r.body["logo"], Value::Null);
    assert!(!r.body.to_string().contains("Acme CI"), "{}", r.body);
    let r = app
        .get_auth(
            &format!("/api/admin/publications/{}/", w.brouillon),
            &w.admin,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // The other applicant keeps their application, to a closed offre.
    let r = app
        .get_auth(
            &format!("/api/candidat/candidatures/{}/", w.other_application),
            &w.other,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["publication_titre"], "Développeuse Rust");

    assert_eq!(delta(&before, &after, "/utilisateurs/recruteur/total"), -1);
    assert_eq!(
        delta(&before, &after, "/validation_comptes/recruteur/verifie"),
        -1
    );
    assert_eq!(delta(&before, &after, "/publications/offre/fermee"), 1);
    assert_eq!(delta(&before, &after, "/publications/offre/validee"), 0);
    assert_eq!(delta(&before, &after, "/publications/offre/en_attente"), -1);
    assert_eq!(delta(&before, &after, "/candidatures/offre/nouvelle"), 0);

    // The other applicant may still withdraw: the counters stay exact.
    let r = app
        .delete_auth(
            &format!("/api/candidat/candidatures/{}/", w.other_application),
            &w.other,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let last = figures(&app, &w.admin).await;
    assert_eq!(delta(&after, &last, "/candidatures/offre/nouvelle"), -1);
}

#[tokio::test]
async fn an_admin_account_is_not_deleted_here() {
    let _one = SERIAL.lock().await;
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let r = delete_account(&app, &admin, json!({"mot_de_passe": PASSWORD})).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body["detail"].is_string());
    let r = app.get_auth("/api/auth/profile/", &admin).await;
    assert_eq!(r.status, 200);
}

/// A deletion that stopped after Cognito's step (a timeout, say) leaves a
/// marked, inactive profile and no identity: the same call again, with
/// the token still held, finishes it, and the counters end exact.
#[tokio::test]
async fn a_deletion_stopped_half_way_is_finished_by_calling_again() {
    let _one = SERIAL.lock().await;
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, recruteur_sub, recruteur) = app.verified_recruiter(&admin).await;
    let offre = id(&app
        .open_publication(&admin, &recruteur, "offres", "Comptable")
        .await);
    let (email, candidat, _, profile) = app.user("candidat").await;
    let sub = id(&profile);
    let r = app.apply(&candidat, "offres", &offre, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    app.message(&recruteur, &sub, "Entretien").await;
    app.message(&candidat, &recruteur_sub, "Re: Entretien")
        .await;
    let before = figures(&app, &admin).await;

    // Step 1 (the mark, counted as inactive) and step 3 (the identity),
    // as a call that stopped there would have left them.
    let store = shared::store::Store::new(
        aws_sdk_dynamodb::Client::new(&app.stack.sdk),
        app.config.table_name.clone(),
    );
    let stored = shared::accounts::get(&store, &sub).await.unwrap().unwrap();
    assert!(
        shared::accounts::set_active(&store, &stored, false, None)
            .await
            .unwrap()
    );
    store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(shared::store::key(&shared::store::keys::user(&sub))))
        .update_expression("SET suppression = :d")
        .expression_attribute_values(
            ":d",
            aws_sdk_dynamodb::types::AttributeValue::S("2026-12-01T00:00:00Z".into()),
        )
        .send()
        .await
        .unwrap();
    aws_sdk_cognitoidentityprovider::Client::new(&app.stack.sdk)
        .admin_delete_user()
        .user_pool_id(&app.config.user_pool_id)
        .username(&email)
        .send()
        .await
        .unwrap();
    let half = figures(&app, &admin).await;
    assert_eq!(delta(&before, &half, "/utilisateurs/candidat/inactifs"), 1);
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);

    // The token still works: calling again finishes the deletion (the
    // password can no longer be checked; the mark says it was).
    let r = delete_account(&app, &candidat, json!({"mot_de_passe": PASSWORD})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let after = figures(&app, &admin).await;
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/total"), -1);
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/inactifs"), 0);
    assert_eq!(delta(&before, &after, "/candidatures/offre/nouvelle"), -1);
    assert_eq!(delta(&before, &after, "/candidatures/offre/retiree"), 1);
    assert_eq!(
        app.get_auth("/api/auth/profile/", &candidat).await.status,
        401
    );
    let received = app
        .walk("/api/recruteur/candidatures/", Some(&recruteur))
        .await;
    assert!(received.is_empty(), "{received:?}");
    let inbox = app.get_auth("/api/messages/", &recruteur).await;
    assert_eq!(
        inbox.body["results"][0]["expediteur_nom"],
        "Compte supprimé"
    );
    let r = app
        .post(
            "/api/auth/register/",
            json!({"email": email, "password": PASSWORD, "nom": "Kouassi",
                "prenom": "Awa", "type_compte": "candidat"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

fn table(app: &TestApp) -> shared::store::Store {
    shared::store::Store::new(
        aws_sdk_dynamodb::Client::new(&app.stack.sdk),
        app.config.table_name.clone(),
    )
}

/// A deletion that stopped right after its first step (the password
/// confirmed, the profile marked, the pending deletion written) and that
/// its owner never called again: the scheduled job finishes it once it
/// has settled, as a retry would, and the counters end exact.
#[tokio::test]
async fn a_deletion_left_after_the_mark_is_finished_by_the_scheduled_job() {
    let _one = SERIAL.lock().await;
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let cv_prefix = format!("cv/{}/", w.candidat_sub);
    assert_eq!(app.bucket_keys("UploadsBucket", &cv_prefix).await.len(), 1);
    let before = figures(&app, &w.admin).await;

    // Step 1 as a request that stopped there ten minutes ago left it.
    let store = table(&app);
    let stored = shared::accounts::get(&store, &w.candidat_sub)
        .await
        .unwrap()
        .unwrap();
    let ago = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
    assert!(
        shared::accounts::privacy::mark(&store, &stored, ago)
            .await
            .unwrap()
    );
    assert_eq!(app.login(&w.candidat_email, PASSWORD).await.status, 401);

    // The job (every second in the tests) takes it: the profile goes.
    let user = format!("/api/admin/utilisateurs/{}/", w.candidat_sub);
    eventually("the job finishes the deletion", 60, || async {
        (app.get_auth(&user, &w.admin).await.status == 404).then_some(())
    })
    .await;
    let after = figures(&app, &w.admin).await;

    app.assert_tokens_dead(&w.candidat, &w.candidat_refresh)
        .await;
    assert_eq!(app.login(&w.candidat_email, PASSWORD).await.status, 401);
    assert_eq!(
        app.bucket_keys("UploadsBucket", &cv_prefix).await,
        Vec::<String>::new()
    );
    assert!(!push_tokens(&app).await.contains(&w.device_token));
    let received = app
        .walk("/api/recruteur/candidatures/", Some(&w.recruteur))
        .await;
    assert_eq!(ids(&Value::Array(received)), [w.other_application.clone()]);
    let inbox = app.get_auth("/api/messages/", &w.recruteur).await;
    assert_eq!(
        inbox.body["results"][0]["expediteur_nom"],
        "Compte supprimé"
    );
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/total"), -1);
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/inactifs"), 0);
    assert_eq!(delta(&before, &after, "/candidatures/offre/nouvelle"), -1);
    assert_eq!(delta(&before, &after, "/candidatures/offre/retiree"), 1);
    let pending: Option<Value> = store
        .get(
            &shared::store::keys::pending_deletion(&w.candidat_sub),
            true,
        )
        .await
        .unwrap();
    assert!(
        pending.is_none(),
        "the pending deletion goes with the profile"
    );

    // The email is free: it registers again, as a new account.
    let r = app
        .post(
            "/api/auth/register/",
            json!({"email": w.candidat_email, "password": PASSWORD, "nom": "Kouassi",
                "prenom": "Awa", "type_compte": "candidat"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_ne!(r.body["id"], w.candidat_sub.as_str());
}

/// An admin cannot reactivate an account its owner is deleting (the
/// counters would drift); the owner's retry finishes it, and the request
/// log keeps no trace of who called the deletion.
#[tokio::test]
async fn an_account_being_deleted_is_not_reactivated_and_its_deletion_names_no_one() {
    let _one = SERIAL.lock().await;
    let app = TestApp::spawn_with(&[("SLOW_REQUEST_MS", "0")]).await;
    let (_, admin) = app.admin().await;
    let (email, candidat, _, profile) = app.user("candidat").await;
    let sub = id(&profile);
    let r = app.login(&email, PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let other_device = r.body["access"].as_str().unwrap().to_string();
    assert_eq!(
        app.get_auth("/api/auth/profile/", &candidat).await.status,
        200
    );
    let before = figures(&app, &admin).await;
    let own = format!("/api/admin/logs/?type=requete_lente&utilisateur={sub}");
    eventually("the account's own slow request", 20, || async {
        app.walk(&own, Some(&admin))
            .await
            .into_iter()
            .find(|e| e["action"] == "GET /api/auth/profile/")
    })
    .await;

    let store = table(&app);
    let stored = shared::accounts::get(&store, &sub).await.unwrap().unwrap();
    assert!(
        shared::accounts::privacy::mark(&store, &stored, time::OffsetDateTime::now_utc())
            .await
            .unwrap()
    );
    let r = app
        .put_auth(
            &format!("/api/admin/utilisateurs/{sub}/reactiver/"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("suppression")),
        "{}",
        r.body
    );
    let r = app
        .get_auth(&format!("/api/admin/utilisateurs/{sub}/"), &admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["is_active"], false);
    let half = figures(&app, &admin).await;
    assert_eq!(delta(&before, &half, "/utilisateurs/candidat/inactifs"), 1);
    assert_eq!(app.login(&email, PASSWORD).await.status, 401);

    // The owner's retry finishes it; their other device was closed on
    // the way.
    let r = delete_account(&app, &candidat, json!({"mot_de_passe": PASSWORD})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        app.get_auth("/api/auth/profile/", &other_device)
            .await
            .status,
        401
    );
    let after = figures(&app, &admin).await;
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/total"), -1);
    assert_eq!(delta(&before, &after, "/utilisateurs/candidat/inactifs"), 0);

    // Every request is a slow one here: the deletion's is recorded, under
    // no account.
    let deletion = eventually("the deletion's slow-request entry", 20, || async {
        app.walk("/api/admin/logs/?type=requete_lente", Some(&admin))
            .await
            .into_iter()
            .find(|e| e["action"] == "DELETE /api/auth/profile/" && e["statut"] == 204)
    })
    .await;
    assert_eq!(deletion["utilisateur"], Value::Null, "{deletion}");
    // The account's earlier requests went with it, and the requests
    // refused since (its dead tokens) name no one either.
    let theirs = app
        .walk(&format!("/api/admin/logs/?utilisateur={sub}"), Some(&admin))
        .await;
    assert_eq!(theirs, Vec::<Value>::new());
}
