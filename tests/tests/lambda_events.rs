//! The Lambda path: every `events/<function>/*.json` (API Gateway v2
//! events: named and `$default` stages, base64 bodies, query strings, path
//! parameters, headers) goes through lambda_http into that function's
//! service, and the same request goes to the dev server over HTTP. Both
//! must answer alike, and as expected. The notifier's SQS batch goes
//! through its Lambda handler.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use e2e::*;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// What each sample event must produce.
const EXPECTED: &[(&str, u16)] = &[
    ("auth/login", 200),
    ("auth/login-wrong-password", 401),
    ("auth/logout", 200),
    ("auth/profile-get", 200),
    ("auth/profile-no-token", 401),
    ("auth/profile-put", 200),
    ("auth/refresh", 200),
    ("auth/register-candidat", 201),
    ("auth/register-invalid", 400),
    ("auth/register-recruteur-base64", 201),
    ("auth/reset-password", 200),
    ("auth/reset-password-confirm-wrong-code", 400),
    ("auth/verify-email", 200),
    ("admin/pending-prestataires", 200),
    ("admin/pending-forbidden", 403),
    ("admin/statistics", 200),
    ("admin/validate-unknown", 404),
    ("admin/refuse-without-reason", 400),
    ("admin/publications-pending", 200),
    ("admin/publications-statistics", 200),
    ("admin/publication-validate-unknown", 404),
    ("admin/publication-refuse-forbidden", 403),
    ("admin/quota-invalid-base64", 400),
    ("offres/list-public", 200),
    ("offres/detail-unknown", 404),
    ("offres/create-recruteur-base64", 201),
    ("offres/create-candidat-forbidden", 403),
    ("financements/list-public", 200),
    ("financements/create-recruteur-invalid", 400),
    ("bourses/list-public", 200),
    ("bourses/mine-recruteur", 200),
    ("bourses/mine-candidat-forbidden", 403),
    ("consultations/list-public", 200),
    ("consultations/update-recruteur-unknown", 404),
    ("consultations/delete-recruteur-unknown", 404),
    ("offres/postuler-unknown", 404),
    ("offres/received-recruteur", 200),
    ("financements/postulations-recruteur", 200),
    ("bourses/postulations-candidat-forbidden", 403),
    ("consultations/postuler-candidat-forbidden", 403),
    ("candidatures/mine", 200),
    ("candidatures/create-unknown-offre", 404),
    ("candidatures/withdraw-unknown", 404),
    ("candidatures/status-recruteur-unknown", 404),
    ("candidatures/status-candidat-forbidden", 403),
    ("candidatures/mailing-recruteur-invalid-base64", 400),
    ("messages/inbox", 200),
    ("messages/send-to-admin-base64", 201),
    ("messages/send-invalid", 400),
    ("messages/mark-read-unknown", 404),
    ("messages/delete-unknown", 404),
    ("notifications/list-unread", 200),
    ("notifications/bad-cursor", 400),
    ("notifications/preferences-put", 200),
    ("notifications/announce-forbidden", 403),
    ("notifications/device-add-base64", 201),
    ("uploads/cv-candidat-base64", 201),
    ("uploads/diplome-candidat-base64", 201),
    ("uploads/cv-fake-pdf-base64", 400),
    ("uploads/cv-not-multipart", 415),
    ("uploads/document-candidat-forbidden", 403),
    ("uploads/list-mine", 200),
    ("uploads/list-no-token", 401),
    ("uploads/detail-unknown", 404),
    ("uploads/delete-unknown", 404),
    ("uploads/photo-delete-none", 404),
    ("uploads/logo-candidat-forbidden", 403),
    ("recherche/offres-filtered", 200),
    ("recherche/offres-alias", 200),
    ("recherche/bourses-foreign-filter", 400),
    ("recherche/candidats-candidat-forbidden", 403),
    ("statistiques/recruteur", 200),
    ("statistiques/analytics-bad-period", 400),
    ("admin/logs", 200),
    ("admin/users-forbidden", 403),
    ("admin/dashboard", 200),
    ("admin/publications-all", 200),
    ("admin/publication-detail-unknown", 404),
    ("admin/user-detail-forbidden", 403),
    ("auth/sessions-list", 200),
    ("auth/session-close-unknown", 404),
    ("auth/change-password-wrong", 400),
    ("auth/profile-export-no-token", 401),
    ("auth/profile-delete-wrong", 400),
    ("auth/resend-code", 200),
    ("offres/compatibilite-unknown", 404),
    ("recherche/profil-recruteur-unknown", 404),
    ("recherche/reference-regions", 200),
    ("statistiques/publiques", 200),
];

/// Events replayed with a verified recruiter besides the `*-recruteur*`
/// ones (their names say what they test, not who asks).
const RECRUITER_EVENTS: &[&str] = &[
    "statistiques/recruteur",
    "statistiques/analytics-bad-period",
];

/// The HTTP functions with sample events.
const FUNCTIONS: &[&str] = &[
    "auth",
    "admin",
    "messages",
    "notifications",
    "offres",
    "financements",
    "bourses",
    "consultations",
    "candidatures",
    "uploads",
    "recherche",
    "statistiques",
];

struct Vars {
    email: String,
    access: String,
    refresh: String,
    admin: String,
    admin_access: String,
}

/// A fresh user for one replay (registered unless the event registers
/// it): a verified recruiter for the events named `*-recruteur*` and the
/// `RECRUITER_EVENTS`, else a candidat.
async fn vars(app: &TestApp, event: &str, admin: &(String, String)) -> Vars {
    if (event.contains("-recruteur") && !event.starts_with("auth/"))
        || RECRUITER_EVENTS.contains(&event)
    {
        let (email, _, access) = app.verified_recruiter(&admin.1).await;
        return Vars {
            email,
            access,
            refresh: String::new(),
            admin: admin.0.clone(),
            admin_access: admin.1.clone(),
        };
    }
    if event.starts_with("auth/register") {
        return Vars {
            email: e2e::email("event"),
            access: String::new(),
            refresh: String::new(),
            admin: admin.0.clone(),
            admin_access: admin.1.clone(),
        };
    }
    let (email, access, refresh, _) = app.user("candidat").await;
    Vars {
        email,
        access,
        refresh,
        admin: admin.0.clone(),
        admin_access: admin.1.clone(),
    }
}

fn fill(text: &str, v: &Vars) -> String {
    text.replace("{{EMAIL}}", &v.email)
        .replace("{{PASSWORD}}", PASSWORD)
        .replace("{{ACCESS}}", &v.access)
        .replace("{{REFRESH}}", &v.refresh)
        .replace("{{ADMIN_ACCESS}}", &v.admin_access)
        .replace("{{ADMIN}}", &v.admin)
}

/// Fills the placeholders, including inside a base64 body.
fn prepare(event: &Value, v: &Vars) -> Value {
    let mut event: Value = serde_json::from_str(&fill(&event.to_string(), v)).unwrap();
    if event["isBase64Encoded"] == true {
        let body =
            String::from_utf8(STANDARD.decode(event["body"].as_str().unwrap()).unwrap()).unwrap();
        event["body"] = json!(STANDARD.encode(fill(&body, v)));
    }
    event
}

/// Volatile fields (ids, dates, tokens) are compared by presence only.
fn normalize(mut body: Value) -> Value {
    fn walk(v: &mut Value) {
        if let Some(map) = v.as_object_mut() {
            for (k, val) in map.iter_mut() {
                if [
                    "id",
                    "email",
                    "date_creation",
                    "date_modification",
                    "access",
                    "refresh",
                    "expediteur",
                    "destinataire",
                    "date_envoi",
                    "recruteur",
                    "proprietaire",
                    "url",
                    "url_expiration",
                    "derniere_utilisation",
                ]
                .contains(&k.as_str())
                    && val.is_string()
                {
                    *val = json!("<volatile>");
                } else {
                    walk(val);
                }
            }
        } else if let Some(items) = v.as_array_mut() {
            items.iter_mut().for_each(walk);
        }
    }
    walk(&mut body);
    body
}

async fn through_lambda(app: &TestApp, function: &str, event: &Value) -> (u16, Value) {
    let services = shared::Services::new(app.config.clone(), &app.stack.sdk);
    let sdk = &app.stack.sdk;
    let notifying =
        || shared::notifications::events::Notifying::new(services.clone(), sdk).unwrap();
    let router = match function {
        "auth" => auth::router(auth::AuthState::new(services.clone(), sdk)),
        "admin" => admin::router(admin::AreaState::new(services.clone(), sdk).unwrap()),
        "messages" => messages::router(notifying()),
        "notifications" => notifications::router(notifying()),
        "offres" => offres::router(notifying()),
        "financements" => financements::router(notifying()),
        "bourses" => bourses::router(notifying()),
        "consultations" => consultations::router(notifying()),
        "candidatures" => candidatures::router(notifying()),
        "uploads" => uploads::router(services.clone()),
        "recherche" => recherche::router(services.clone()),
        "statistiques" => statistiques::router(services.clone()),
        other => panic!("no router for {other}"),
    };
    let router = shared::http::conventions(router, &app.config);
    let request =
        lambda_http::request::from_str(&event.to_string()).expect("a valid API Gateway v2 event");
    let response = shared::http::lambda_service(router)
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        },
    )
}

async fn through_dev_server(app: &TestApp, event: &Value) -> (u16, Value) {
    let stage = event["requestContext"]["stage"].as_str().unwrap();
    let raw_path = event["rawPath"].as_str().unwrap();
    let path = if stage == "$default" {
        raw_path.to_string()
    } else {
        raw_path
            .trim_start_matches(&format!("/{stage}"))
            .to_string()
    };
    let query = event["rawQueryString"].as_str().unwrap_or("");
    let url = if query.is_empty() {
        app.url(&path)
    } else {
        app.url(&format!("{path}?{query}"))
    };
    let method = reqwest::Method::from_bytes(
        event["requestContext"]["http"]["method"]
            .as_str()
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    let mut request = app.http.request(method, url);
    for (name, value) in event["headers"].as_object().unwrap() {
        if name != "host" {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
    }
    if let Some(body) = event["body"].as_str() {
        let bytes = if event["isBase64Encoded"] == true {
            STANDARD.decode(body).unwrap()
        } else {
            body.as_bytes().to_vec()
        };
        request = request.body(bytes);
    }
    let r = app.send(request).await;
    (r.status, r.body)
}

#[tokio::test]
async fn every_sample_event_answers_like_the_dev_server() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut seen = Vec::new();
    let files = FUNCTIONS.iter().flat_map(|f| {
        let dir = infra::local::project_root().join("events").join(f);
        std::fs::read_dir(dir)
            .unwrap()
            .map(move |e| (*f, e.unwrap().path()))
    });
    for (function, path) in files {
        let name = format!("{function}/{}", path.file_stem().unwrap().to_str().unwrap());
        let template: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected = EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name}: add its expected status"))
            .1;

        let lambda_event = prepare(&template, &vars(&app, &name, &admin).await);
        let http_event = prepare(&template, &vars(&app, &name, &admin).await);
        let (lambda_status, lambda_body) = through_lambda(&app, function, &lambda_event).await;
        let (http_status, http_body) = through_dev_server(&app, &http_event).await;

        assert_eq!(lambda_status, expected, "{name} via Lambda: {lambda_body}");
        assert_eq!(http_status, expected, "{name} via HTTP: {http_body}");
        assert_eq!(normalize(lambda_body), normalize(http_body), "{name}");
        seen.push(name);
    }
    assert_eq!(
        seen.len(),
        EXPECTED.len(),
        "every expected event exists: {seen:?}"
    );
}

#[tokio::test]
async fn the_notifier_reports_only_the_failed_records_of_a_batch() {
    let app = TestApp::spawn().await;
    let (email, _, _, profile) = app.user("recruteur").await;
    let event =
        shared::notifications::events::Event::compte_valide(profile["id"].as_str().unwrap());
    let text = std::fs::read_to_string(
        infra::local::project_root().join("events/notifier/sqs-batch.json"),
    )
    .unwrap()
    .replace(
        "\"{{EVENT}}\"",
        &serde_json::to_string(&serde_json::to_string(&event).unwrap()).unwrap(),
    );
    let batch: aws_lambda_events::sqs::SqsEvent = serde_json::from_str(&text).unwrap();
    let notifier = notifier::Notifier::new(&app.config, &app.stack.sdk).unwrap();
    let response = notifier.handle_batch(batch.clone()).await;
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["poison-2"]);
    assert_eq!(
        mail_to(&email).await.len(),
        1,
        "the good record was delivered"
    );
    // The queue redelivers the batch: the good record sends nothing again.
    notifier.handle_batch(batch).await;
    assert_eq!(mail_to(&email).await.len(), 1);
}

#[tokio::test]
async fn a_mass_mailing_batch_from_the_queue_reaches_active_recipients_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, _) = app.verified_recruiter(&admin).await;
    let (_, active_sub, active) = app.applicant("candidat", json!({})).await;
    let (_, gone_sub, _) = app.applicant("candidat", json!({})).await;
    let services = shared::Services::new(app.config.clone(), &app.stack.sdk);
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&app.stack.sdk);
    shared::accounts::cognito::set_active(
        &services.store,
        &cognito,
        &app.config,
        &gone_sub,
        false,
        None,
    )
    .await
    .unwrap();
    let envoi = ulid::Ulid::new().to_string();
    let bulk = shared::messages::Bulk {
        id: envoi.clone(),
        expediteur: recruiter_sub,
        expediteur_nom: "Awa Kouassi".into(),
        sujet: "Entretiens de la semaine".into(),
        contenu: "<p>Bonjour</p>".into(),
        type_message: shared::messages::TypeMessage::Candidature,
        offre_liee: None,
        date_envoi: time::OffsetDateTime::now_utc(),
        destinataires: [&active_sub, &gone_sub]
            .into_iter()
            .map(|id| shared::messages::Recipient {
                id: id.clone(),
                nom: "Candidat".into(),
            })
            .collect(),
    };
    let job = serde_json::to_string(&bulk.batches()[0]).unwrap();
    let text = std::fs::read_to_string(
        infra::local::project_root().join("events/notifier/sqs-envoi-masse.json"),
    )
    .unwrap()
    .replace("\"{{ENVOI_MASSE}}\"", &serde_json::to_string(&job).unwrap());
    let batch: aws_lambda_events::sqs::SqsEvent = serde_json::from_str(&text).unwrap();
    let notifier = notifier::Notifier::new(&app.config, &app.stack.sdk).unwrap();
    let inbox = || async {
        app.walk("/api/messages/", Some(&active))
            .await
            .into_iter()
            .filter(|m| m["sujet"] == "Entretiens de la semaine")
            .count()
    };
    for _ in 0..2 {
        // Delivered, then redelivered by the queue: one message.
        assert!(
            notifier
                .handle_batch(batch.clone())
                .await
                .batch_item_failures
                .is_empty()
        );
        assert_eq!(inbox().await, 1);
    }
    // The deactivated account got nothing.
    let kept: Option<shared::messages::Message> = services
        .store
        .get(
            &shared::store::keys::inbox(&gone_sub, &format!("{envoi}-{gone_sub}")),
            true,
        )
        .await
        .unwrap();
    assert!(kept.is_none());
}

#[tokio::test]
async fn the_scheduled_reminders_run_sends_a_due_reminder_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Analyste")
        .await;
    let (email, _, candidate) = app.applicant("candidat", json!({})).await;
    let r = app
        .apply(
            &candidate,
            "offres",
            offre["id"].as_str().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // A date with an offset: stored in UTC, due at once (less than a day away).
    let interview = (time::OffsetDateTime::now_utc() + time::Duration::hours(3))
        .to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let r = app
        .put_auth(
            &format!(
                "/api/recruteur/candidatures/{}/statut/",
                r.body["id"].as_str().unwrap()
            ),
            &recruiter,
            json!({"statut": "en_cours", "date_entretien": interview}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["date_entretien"].as_str().unwrap().ends_with('Z'),
        "{}",
        r.body
    );
    // The scheduler's event, replayed twice, alongside the test stack's own
    // timer: one reminder all the same.
    let payload: Value = serde_json::from_str(
        &std::fs::read_to_string(infra::local::project_root().join("events/rappels/schedule.json"))
            .unwrap(),
    )
    .unwrap();
    let state = rappels::Jobs::new(
        shared::Services::new(app.config.clone(), &app.stack.sdk),
        &app.stack.sdk,
    )
    .unwrap();
    for _ in 0..2 {
        let out = rappels::handle(&state, payload.clone()).await.unwrap();
        assert!(out["envoyes"].is_u64(), "{out}");
    }
    let reminders = || async {
        mail_to(&email)
            .await
            .iter()
            .filter(|m| m["subject"].as_str().unwrap_or_default().contains("Rappel"))
            .count()
    };
    eventually("the reminder", 20, || async {
        (reminders().await >= 1).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(reminders().await, 1);
}
