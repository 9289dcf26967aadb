//! The apps' API (#19): the React apps' own calls, served by translating
//! them to ours. What they read is what our API holds for the same
//! account, and what no translation serves yet says so (501).

use e2e::*;
use serde_json::json;

async fn send(app: &TestApp, request: reqwest::RequestBuilder) -> Response {
    app.send(request).await
}

/// What our API and the apps' read of one figure, taken when nothing moved
/// it in between: our reading just before and just after the apps' must
/// agree. The figures are the whole platform's, and this file's other
/// tests (and the notifier) publish, register and notify beside the one
/// reading them.
async fn settled<Ours, Theirs, F, G>(ours: F, theirs: G) -> (serde_json::Value, serde_json::Value)
where
    F: Fn() -> Ours,
    G: Fn() -> Theirs,
    Ours: std::future::Future<Output = serde_json::Value>,
    Theirs: std::future::Future<Output = serde_json::Value>,
{
    let mut last = None;
    for _ in 0..10 {
        let before = ours().await;
        let read = theirs().await;
        let after = ours().await;
        if before == after {
            return (before, read);
        }
        last = Some((before, read, after));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the figures kept moving (ours, theirs, ours): {last:?}");
}

#[tokio::test]
async fn the_apps_log_in_refresh_read_the_profile_and_log_out_through_our_routes() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (email, _, _, created) = app.user("recruteur").await;

    // The web app's login form: `login` (an email here), and "remember me".
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/login/"))
            .json(&json!({"login": email, "password": PASSWORD, "rememberMe": true})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let user = &r.body["user"];
    assert_eq!(user["user_type"], "RECRUTEUR");
    assert_eq!(user["first_name"], created["prenom"]);
    assert_eq!(user["last_name"], created["nom"]);
    assert_eq!(user["company_name"], created["entreprise"]);
    assert_eq!(user["email_verified"], true);
    assert_eq!(user["id"], created["id"]);
    let access = r.body["access"].as_str().unwrap().to_string();
    let refresh = r.body["refresh"].as_str().unwrap().to_string();

    // The same account, seen through both APIs.
    let ours = app.get_auth("/api/auth/profile/", &access).await.body;
    let theirs = send(
        &app,
        app.http
            .get(format!("{apps}/api/auth/profile/"))
            .bearer_auth(&access),
    )
    .await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    for (apps_name, our_name) in [
        ("first_name", "prenom"),
        ("email", "email"),
        ("company_name", "entreprise"),
        ("created_at", "date_creation"),
    ] {
        assert_eq!(theirs.body[apps_name], ours[our_name], "{apps_name}");
    }

    // The interceptor's refresh path.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/token/refresh/"))
            .json(&json!({"refresh": refresh})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["access"].is_string());

    // A wrong password: our 401, with the message where every page of
    // theirs looks for it.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/login/"))
            .json(&json!({"login": email, "password": "Wrong!Passw0rd"})),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    for key in ["detail", "error", "message"] {
        assert!(
            r.body[key].as_str().is_some_and(|m| !m.is_empty()),
            "{key}: {}",
            r.body
        );
    }
    assert_eq!(
        r.body["non_field_errors"][0], r.body["detail"],
        "what the login page reads"
    );
    // A form field missing: named as the form names it.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/login/"))
            .json(&json!({"password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["login"].is_array(), "{}", r.body);

    // Logout closes the session: both tokens stop working, on both APIs.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/logout/"))
            .bearer_auth(&access)
            .json(&json!({"refresh": refresh})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.assert_tokens_dead(&access, &refresh).await;

    // What is not translated yet says so, a method of a served path too.
    let r = send(
        &app,
        app.http
            .delete(format!("{apps}/api/auth/profile/"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(r.status, 501, "{}", r.body);
    // A body that is not JSON is refused, never read as empty.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/token/refresh/"))
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = send(&app, app.http.get(format!("{apps}/api/blog/public/posts/"))).await;
    assert_eq!(r.status, 501, "{}", r.body);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("docs/apps-api.md")
    );
}

#[tokio::test]
async fn the_apps_origins_may_call_it() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:4173",
        "http://localhost:3000",
    ] {
        let r = app
            .http
            .request(reqwest::Method::OPTIONS, format!("{apps}/api/auth/login/"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        let allowed = r
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(allowed.as_deref(), Some(origin), "{origin}");
    }
    let r = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{apps}/api/auth/login/"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_public_job_pages_read_our_offers_with_numbered_pages() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let tag = ulid::Ulid::new().to_string().to_lowercase();
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut body = publication_body("offres", &format!("Offre {tag} {n}"));
        body["type_contrat"] = json!("temps_partiel");
        body["mode_travail"] = json!("teletravail");
        let r = app
            .post_auth("/api/recruteur/offres/", &recruiter, body)
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        app.decide(&admin, &id, "valider", json!({})).await;
        ids.push(id);
    }

    // The list page: its filters, numbered pages, count.
    let page = |n: u32| {
        let (app, apps, tag) = (&app, &apps, &tag);
        async move {
            send(
                app,
                app.http.get(format!(
                    "{apps}/api/jobs/job-offers/?query={tag}&contract_type=TEMPS_PARTIEL&page={n}&page_size=2"
                )),
            )
            .await
        }
    };
    let first = page(1).await;
    assert_eq!(first.status, 200, "{}", first.body);
    // The search counts as it goes: at least one more page.
    assert_eq!(first.body["count"], 4, "{}", first.body);
    assert_eq!(first.body["next"], 2);
    assert!(first.body["previous"].is_null());
    let second = page(2).await;
    assert_eq!(second.body["previous"], 1);
    assert!(second.body["next"].is_null());
    assert_eq!(second.body["count"], 3, "exact at the last page");
    // Unfiltered, the public list counts exactly.
    let (ours, theirs) = settled(
        || async {
            app.send(app.http.get(app.url("/api/offres/?page_size=1")))
                .await
                .body["count"]
                .clone()
        },
        || async {
            let all = send(
                &app,
                app.http
                    .get(format!("{apps}/api/jobs/job-offers/?page_size=1")),
            )
            .await;
            assert_eq!(all.status, 200, "{}", all.body);
            all.body["count"].clone()
        },
    )
    .await;
    assert_eq!(theirs, ours);
    assert!(theirs.as_u64().unwrap() >= 3);
    let mut seen: Vec<String> = [&first, &second]
        .iter()
        .flat_map(|r| r.body["results"].as_array().unwrap().clone())
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(seen, expected, "each offer once, over the pages");
    assert_eq!(page(3).await.status, 404, "past the last page");
    let item = &first.body["results"][0];
    assert_eq!(item["contract_type"], "TEMPS_PARTIEL");
    assert_eq!(item["work_mode"], "REMOTE");
    assert_eq!(item["status"], "PUBLISHED");
    assert!(item["recruiter"]["company_name"].is_string());

    // The detail page: what ours shows, in their names; the status gates
    // their "Postuler" button.
    let ours = app
        .send(app.http.get(app.url(&format!("/api/offres/{}/", ids[0]))))
        .await
        .body;
    let theirs = send(
        &app,
        app.http
            .get(format!("{apps}/api/jobs/job-offers/{}/", ids[0])),
    )
    .await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert_eq!(theirs.body["title"], ours["titre"]);
    assert_eq!(theirs.body["salary_min"], ours["salaire_min"]);
    assert_eq!(theirs.body["location"], ours["localisation"]);
    assert_eq!(theirs.body["status"], "PUBLISHED");
    // A deep page is bounded: one call of ours per page before it.
    let deep = send(
        &app,
        app.http
            .get(format!("{apps}/api/jobs/job-offers/?page=60&page_size=100")),
    )
    .await;
    assert_eq!(deep.status, 404, "{}", deep.body);
    let missing = send(
        &app,
        app.http.get(format!(
            "{apps}/api/jobs/job-offers/01JZZZZZZZZZZZZZZZZZZZZZZZ/"
        )),
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(missing.body["error"].is_string());
}

/// The Lambda path: an API Gateway v2 event of the apps' API goes through
/// lambda_http into the apps' function, whose translation calls our route
/// in process and answers in the apps' error shape.
#[tokio::test]
async fn the_apps_function_answers_an_api_gateway_event() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = TestApp::spawn().await;
    let mut event: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            infra::local::project_root().join("events/auth/profile-no-token.json"),
        )
        .unwrap(),
    )
    .unwrap();
    event["routeKey"] = json!("ANY /{proxy+}");
    event["requestContext"]["routeKey"] = json!("ANY /{proxy+}");
    event["pathParameters"] = json!({"proxy": "api/auth/profile/"});
    let services = shared::Services::new(app.config.clone(), &app.stack.sdk);
    let router = apps::router(services, &app.stack.sdk, None).unwrap();
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let response = shared::http::lambda_service(router)
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let body: serde_json::Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    for key in ["detail", "error", "message"] {
        assert!(body[key].is_string(), "{key}: {body}");
    }
}

/// The recruiter's offer form (CreeOffre.jsx): its selects filled from
/// the apps' reference routes, its numbers and values, stored as ours.
#[tokio::test]
async fn the_offer_form_creates_an_offer_that_awaits_review() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let get = |path: String| {
        let app = &app;
        async move { send(app, app.http.get(path)).await }
    };
    let departments = get(format!("{apps}/api/jobs/departments/")).await.body;
    let department = departments
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "informatique")
        .expect("the informatique department")
        .clone();
    assert!(department["id"].is_u64() && department["name"].is_string());
    let categories = get(format!(
        "{apps}/api/jobs/categories/?department={}",
        department["id"]
    ))
    .await
    .body;
    let category = categories[0].clone();
    assert!(category["id"].is_u64(), "{categories}");
    let everything = get(format!("{apps}/api/jobs/categories/")).await.body;
    assert!(everything.as_array().unwrap().len() > categories.as_array().unwrap().len());
    let countries = get(format!("{apps}/api/auth/countries/")).await.body;
    let ci = countries
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "CI")
        .unwrap()
        .clone();
    let regions = get(format!("{apps}/api/auth/countries/{}/regions/", ci["id"])).await;
    assert_eq!(regions.status, 200, "{}", regions.body);
    assert!(!regions.body.as_array().unwrap().is_empty());

    // What the form sends, as the form sends it.
    let form = json!({
        "title": "Développeur React", "description": "<p>Front-end</p>",
        "department": department["id"], "category": category["id"],
        "contract_type": "CDI", "experience_required": "INTERMEDIATE", "work_mode": "HYBRIDE",
        "salary_type": "FOURCHETTE", "salary_min": 400000, "salary_max": 600000,
        "location": "Abidjan", "company_size": "", "profile_sought": "3 ans de React",
        "additional_info": "", "application_deadline": "2099-06-30T17:00", "position_name": "Dev",
        "cv_required": true, "motivation_letter_required": false, "is_urgent": true,
        "country": "", "region": ""
    });
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/job-offers/"))
            .bearer_auth(&recruiter)
            .json(&form),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "PENDING_APPROVAL");
    assert_eq!(r.body["title"], "Développeur React");
    let id = r.body["id"].as_str().unwrap().to_string();

    // Through our API: en_attente, with the typed fields.
    let ours = app
        .get_auth(&format!("/api/recruteur/offres/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(ours["statut_validation"], "en_attente");
    assert_eq!(ours["departement"]["id"], "informatique");
    assert_eq!(ours["categorie"]["id"], category["code"]);
    assert_eq!(ours["type_contrat"], "cdi");
    assert_eq!(ours["niveau_experience"], "intermediaire");
    assert_eq!(ours["mode_travail"], "hybride");
    assert_eq!(ours["salaire_max"], 600000);
    assert_eq!(ours["profil_recherche"], "3 ans de React");
    assert_eq!(ours["cv_requis"], true);
    assert_eq!(ours["urgent"], true);
    assert_eq!(
        ours["date_limite"], "2099-06-30T17:00:00Z",
        "the form's datetime-local, in UTC"
    );
    // The edit form reads it back before approval (the owner's view, by
    // the same URL), with the numbers its selects use.
    let read = send(
        &app,
        app.http
            .get(format!("{apps}/api/jobs/job-offers/{id}/"))
            .bearer_auth(&recruiter),
    )
    .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["status"], "PENDING_APPROVAL");
    assert_eq!(read.body["department"]["id"], department["id"]);
    assert_eq!(read.body["category"]["id"], category["id"]);
    assert!(read.body["recruiter"]["user"]["id"].is_string());
    let anonymous = send(
        &app,
        app.http.get(format!("{apps}/api/jobs/job-offers/{id}/")),
    )
    .await;
    assert_eq!(anonymous.status, 404, "pending: not public");
    // Pending: the admins' queue has it.
    let queue = app
        .walk("/api/admin/publications-en-attente/", Some(&admin))
        .await;
    assert!(queue.iter().any(|p| p["id"] == id.as_str()));

    // Edited with the same form (PATCH): ours takes it as an edit.
    let r = send(
        &app,
        app.http
            .patch(format!("{apps}/api/jobs/job-offers/{id}/"))
            .bearer_auth(&recruiter)
            .json(&json!({"title": "Développeur React senior", "experience_required": "SENIOR",
                "department": read.body["department"]["id"], "category": read.body["category"]["id"]})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app
        .get_auth(&format!("/api/recruteur/offres/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(ours["titre"], "Développeur React senior");
    assert_eq!(ours["niveau_experience"], "senior");
    assert_eq!(
        ours["departement"]["id"], "informatique",
        "kept through the edit form"
    );

    // A category of another department: our 400, named as the form names it.
    let mut wrong = form.clone();
    let other = get(format!("{apps}/api/jobs/categories/")).await.body;
    let foreign = other
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !categories.as_array().unwrap().contains(c))
        .unwrap()
        .clone();
    wrong["category"] = foreign["id"].clone();
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/job-offers/"))
            .bearer_auth(&recruiter)
            .json(&wrong),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["category"].is_array(), "{}", r.body);
    assert!(
        r.body["message"].as_str().unwrap().starts_with("category"),
        "{}",
        r.body
    );
    // A candidat cannot publish: our 403.
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/job-offers/"))
            .bearer_auth(&candidat)
            .json(&form),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
}

/// The admin panel's moderation (flow 5): its list of every state, its
/// approve and reject buttons, its recruiters page and decision.
#[tokio::test]
async fn the_admin_panel_approves_an_offer_and_a_recruiter() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, ours_admin) = app.admin().await;
    let admin_email = app.get_auth("/api/auth/profile/", &ours_admin).await.body["email"].clone();
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/login/"))
            .json(&json!({"login": admin_email, "password": PASSWORD, "rememberMe": false})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["user_type"], "ADMIN");
    let admin = r.body["access"].as_str().unwrap().to_string();
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offer = app.publish(&recruiter, "offres", "Offre à modérer").await;
    let id = offer["id"].as_str().unwrap().to_string();

    // The panel's list, filtered as its tabs are.
    let list = |status: &str| {
        let (app, apps, admin) = (&app, &apps, &admin);
        let status = status.to_string();
        async move {
            send(
                app,
                app.http
                    .get(format!(
                        "{apps}/api/jobs/job-offers/admin/all/?status={status}&page_size=100"
                    ))
                    .bearer_auth(admin),
            )
            .await
        }
    };
    let ids = |r: &Response| -> Vec<String> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    let pending = list("PENDING_APPROVAL").await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    assert!(ids(&pending).contains(&id));
    let shown = pending.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        shown["status"], "PENDING_APPROVAL",
        "the panel shows its approve button"
    );
    assert!(!ids(&list("PUBLISHED").await).contains(&id));
    assert!(ids(&list("ALL").await).contains(&id));
    assert_eq!(list("DRAFT").await.body["count"], 0);

    // Its approve button: our decision, so the offer is public.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/admin/offer/{id}/approve/"))
            .bearer_auth(&admin)
            .json(&json!({})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "PUBLISHED");
    let public = app
        .send(app.http.get(app.url(&format!("/api/offres/{id}/"))))
        .await;
    assert_eq!(public.status, 200, "public once approved: {}", public.body);
    assert!(ids(&list("PUBLISHED").await).contains(&id));
    // Only an admin decides; a decided offer is not decided again.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/admin/offer/{id}/approve/"))
            .bearer_auth(&recruiter)
            .json(&json!({})),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/admin/offer/{id}/reject/"))
            .bearer_auth(&admin)
            .json(&json!({})),
    )
    .await;
    assert_eq!(r.status, 400, "the reason is required: {}", r.body);
    assert!(r.body["rejection_reason"].is_array(), "{}", r.body);
    // The panel's URL names the kind: an offer's id under another kind is
    // a 404.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/admin/scholarship/{id}/reject/"))
            .bearer_auth(&admin)
            .json(&json!({"rejection_reason": "Hors sujet"})),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/jobs/admin/nonsense/{id}/approve/"))
            .bearer_auth(&admin)
            .json(&json!({})),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // The recruiters page: a pending recruiter, approved with its button.
    let (pending_email, pending_token, _, created) = app.user("recruteur").await;
    let sub = created["id"].as_str().unwrap().to_string();
    let page = send(
        &app,
        app.http
            .get(format!(
                "{apps}/api/auth/recruiter-validation/?page_size=100"
            ))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let listed = page.body["recruiters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == sub.as_str())
        .expect("listed")
        .clone();
    assert_eq!(listed["account_status"], "PENDING");
    assert_eq!(listed["company_name"], created["entreprise"]);
    assert_eq!(listed["user"]["email"], pending_email);
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/recruiter-validation/{sub}/"))
            .bearer_auth(&admin)
            .json(&json!({"action": "approve"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["account_status"], "APPROVED");
    let ours = app
        .get_auth("/api/auth/profile/", &pending_token)
        .await
        .body;
    assert_eq!(ours["statut_verification_admin"], "verifie");
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/auth/recruiter-validation/{sub}/"))
            .bearer_auth(&admin)
            .json(&json!({"action": "maybe"})),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
}

/// A minimal PDF of its own.
fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").into_bytes()
}

/// The candidate's path (flow 3): the compatibility page, then the
/// application form with its letter and files, as one multipart request.
#[tokio::test]
async fn a_candidate_applies_through_the_apps_form() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offer = app
        .open_publication(&admin, &recruiter, "offres", "Poste à pourvoir")
        .await;
    let id = offer["id"].as_str().unwrap().to_string();
    let (_, sub, candidat) = app
        .applicant(
            "candidat",
            json!({"competences": ["Rust"], "disponibilite": "immediate"}),
        )
        .await;

    let r = send(
        &app,
        app.http
            .post(format!(
                "{apps}/api/applications/ai/calculate-compatibility/"
            ))
            .bearer_auth(&candidat)
            .json(&json!({"candidate_id": sub, "offer_id": id, "offer_type": "JOB"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app
        .get_auth(&format!("/api/offres/{id}/compatibilite/"), &candidat)
        .await
        .body;
    assert_eq!(r.body["compatibility_score"], ours["score_compatibilite"]);
    assert_eq!(r.body["detailed_scores"]["skill_match"], 100);
    assert!(r.body["recommendation"].is_string());

    let form = |cv: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("job_offer_id", id.clone())
            .text("motivation_letter", "<p>Motivée</p>")
            .part(
                "cv",
                reqwest::multipart::Part::bytes(cv).file_name("cv.pdf"),
            )
            .part(
                "diplomas[]",
                reqwest::multipart::Part::bytes(pdf("master")).file_name("master.pdf"),
            )
            .part(
                "certificates[]",
                reqwest::multipart::Part::bytes(pdf("toeic")).file_name("toeic.pdf"),
            )
    };
    // A CV that is not one: refused, named as the form names it, and
    // nothing is left in the candidate's files.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/applications/job/create/"))
            .bearer_auth(&candidat)
            .multipart(form(b"MZ not a document".to_vec())),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["cv"].is_array(), "{}", r.body);
    assert!(app.walk("/api/upload/", Some(&candidat)).await.is_empty());

    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/applications/job/create/"))
            .bearer_auth(&candidat)
            .multipart(form(pdf("cv"))),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "PENDING");
    let application = r.body["id"].as_str().unwrap().to_string();

    // Through our API: the recruiter has it, with every file.
    let seen = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &recruiter,
        )
        .await
        .body;
    assert_eq!(seen["lettre_motivation"], "<p>Motivée</p>");
    assert!(seen["cv"].is_string());
    assert_eq!(seen["diplomes"].as_array().unwrap().len(), 1);
    assert_eq!(seen["certificats"].as_array().unwrap().len(), 1);
    let cv = app
        .get_auth(
            &format!("/api/upload/{}/", seen["cv"].as_str().unwrap()),
            &recruiter,
        )
        .await;
    assert_eq!(cv.status, 200, "{}", cv.body);

    // Twice: our 409, and the second form's files are gone again.
    let r = send(
        &app,
        app.http
            .post(format!("{apps}/api/applications/job/create/"))
            .bearer_auth(&candidat)
            .multipart(form(pdf("cv2"))),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body["error"].is_string());
    assert_eq!(app.walk("/api/upload/", Some(&candidat)).await.len(), 3);
    let profile = app.get_auth("/api/auth/profile/", &candidat).await.body;
    assert_eq!(profile["cv"], seen["cv"], "the profile keeps the CV it had");

    // The funding form loads its offer first, by the apps' URL of its kind.
    let fonds = app
        .open_publication(&admin, &recruiter, "financements", "Fonds vert")
        .await;
    let r = send(
        &app,
        app.http.get(format!(
            "{apps}/api/jobs/funding-offers/{}/",
            fonds["id"].as_str().unwrap()
        )),
    )
    .await;
    assert_eq!(
        (r.status, &r.body["title"]),
        (200, &json!("Fonds vert")),
        "{}",
        r.body
    );
}

/// GET `path` of the apps' API as `token`.
async fn apps_get(app: &TestApp, apps: &str, path: &str, token: &str) -> Response {
    send(
        app,
        app.http.get(format!("{apps}{path}")).bearer_auth(token),
    )
    .await
}

#[tokio::test]
async fn the_areas_landing_pages_read_what_our_api_holds() {
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let (_, _, other_recruiter) = app.verified_recruiter(&admin).await;
    let offer = app
        .open_publication(&admin, &recruiter, "offres", "Comptable confirmé")
        .await;
    let funding = app
        .open_publication(&admin, &recruiter, "financements", "Fonds agricole")
        .await;
    let pending = app.publish(&recruiter, "offres", "Caissier").await;
    let (_, candidat_sub, candidat) = app
        .applicant(
            "candidat",
            json!({"competences": ["Rust", "SQL"], "formation": "Master"}),
        )
        .await;
    let first = app
        .apply(
            &candidat,
            "offres",
            offer["id"].as_str().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let second = app
        .apply(
            &candidat,
            "financements",
            funding["id"].as_str().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.body);

    // The candidat's profile and home.
    let r = apps_get(&app, &apps, "/api/auth/profile/candidate/", &candidat).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["skills"], "Rust, SQL");
    assert_eq!(r.body["education"], "Master");
    let r = apps_get(&app, &apps, "/api/auth/profile/candidate/", &recruiter).await;
    assert_eq!(
        r.status, 404,
        "a recruiter has no candidate profile: {}",
        r.body
    );
    let r = apps_get(&app, &apps, "/api/auth/profile/recruiter/", &recruiter).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], recruiter_sub.as_str());
    assert!(r.body["company_name"].is_string());

    let stats = apps_get(&app, &apps, "/api/applications/my-stats/", &candidat).await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    let ours = app
        .get_auth("/api/candidat/statistiques/", &candidat)
        .await
        .body;
    assert_eq!(stats.body["total_applications"], 2);
    assert_eq!(
        stats.body["total_applications"],
        ours["candidatures"]["total"]["total"]
    );
    assert_eq!(stats.body["pending_applications"], 2);
    assert_eq!(stats.body["job_applications"], 1);
    assert_eq!(stats.body["funding_applications"], 1);
    assert!(stats.body["generated_at"].is_string());

    // Its list of job applications: a bare array, each with the offer's
    // card; the funding one only in the funding list.
    let r = apps_get(
        &app,
        &apps,
        "/api/applications/job/?page=1&page_size=10",
        &candidat,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let items = r.body.as_array().expect("a bare array");
    assert_eq!(items.len(), 1, "{}", r.body);
    assert_eq!(items[0]["id"], first.body["id"]);
    assert_eq!(items[0]["application"]["status"], "PENDING");
    assert_eq!(items[0]["job_offer"]["title"], "Comptable confirmé");
    assert!(items[0]["job_offer"]["recruiter"]["company_name"].is_string());
    let r = apps_get(&app, &apps, "/api/applications/funding/", &candidat).await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{}", r.body);
    assert_eq!(r.body[0]["funding_offer"]["title"], "Fonds agricole");

    // The recruiter's dashboard: its counters, its own lists with their
    // status, every application received newest first.
    let r = apps_get(&app, &apps, "/api/applications/stats/", &recruiter).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total_applications"], 2);
    assert_eq!(r.body["publications"]["job_offers"]["PENDING_APPROVAL"], 1);
    assert_eq!(r.body["publications"]["job_offers"]["PUBLISHED"], 1);
    let r = apps_get(&app, &apps, "/api/applications/stats/", &candidat).await;
    assert_eq!(
        r.status, 403,
        "a candidat has no recruiter's figures: {}",
        r.body
    );

    let r = apps_get(
        &app,
        &apps,
        "/api/jobs/my-job-offers/?page=1&page_size=5",
        &recruiter,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["count"], 2);
    let status_of = |id: &serde_json::Value| {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == *id)
            .map(|o| o["status"].clone())
    };
    assert_eq!(status_of(&offer["id"]), Some(json!("PUBLISHED")));
    assert_eq!(status_of(&pending["id"]), Some(json!("PENDING_APPROVAL")));
    let r = apps_get(
        &app,
        &apps,
        "/api/jobs/my-job-offers/?status=PENDING_APPROVAL",
        &recruiter,
    )
    .await;
    assert_eq!(r.body["count"], 1, "{}", r.body);
    assert_eq!(r.body["results"][0]["id"], pending["id"]);
    let r = apps_get(&app, &apps, "/api/jobs/my-funding-offers/", &recruiter).await;
    assert_eq!(
        r.body["results"][0]["title"], "Fonds agricole",
        "{}",
        r.body
    );
    // Another recruiter's lists hold none of them.
    let r = apps_get(&app, &apps, "/api/jobs/my-job-offers/", &other_recruiter).await;
    assert_eq!(r.body["count"], 0, "{}", r.body);

    let r = apps_get(
        &app,
        &apps,
        "/api/applications/?page=1&page_size=10&ordering=-created_at",
        &recruiter,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["count"], 2);
    let ids: Vec<_> = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(
        ids,
        vec![second.body["id"].clone(), first.body["id"].clone()],
        "newest first"
    );
    assert_eq!(r.body["results"][0]["status"], "PENDING");
    // Page 2 of one per page is the older one.
    let r = apps_get(
        &app,
        &apps,
        "/api/applications/?page=2&page_size=1",
        &recruiter,
    )
    .await;
    assert_eq!(r.body["results"][0]["id"], first.body["id"], "{}", r.body);
    assert_eq!(r.body["previous"], 1);
    let r = apps_get(&app, &apps, "/api/applications/?page=1", &other_recruiter).await;
    assert_eq!(r.body["count"], 0, "{}", r.body);
    let r = apps_get(&app, &apps, "/api/applications/job/", &recruiter).await;
    assert_eq!(r.body["results"][0]["id"], first.body["id"], "{}", r.body);
    assert_eq!(r.body["results"][0]["candidat"], candidat_sub.as_str());
    // As PostulationOffre.jsx reads a row: the application, its
    // applicant, the offer.
    let row = &r.body["results"][0];
    assert_eq!(row["application"]["status"], "PENDING");
    assert_eq!(row["application"]["applicant"]["id"], candidat_sub.as_str());
    assert!(
        row["application"]["applicant"]["email"].is_string(),
        "{row}"
    );
    assert_eq!(row["job_offer"]["title"], "Comptable confirmé");
    let by_offer = format!(
        "/api/applications/job/by-offer/{}/",
        offer["id"].as_str().unwrap()
    );
    let r = apps_get(&app, &apps, &by_offer, &recruiter).await;
    assert_eq!(r.body["count"], 1, "{}", r.body);
    assert_eq!(
        r.body["results"][0]["application"]["applicant"]["id"],
        candidat_sub.as_str()
    );
    let r = apps_get(
        &app,
        &apps,
        &format!("{by_offer}?status=ACCEPTED"),
        &recruiter,
    )
    .await;
    assert_eq!(r.body["count"], 0, "a status filter is ours: {}", r.body);
    let r = apps_get(
        &app,
        &apps,
        &format!("{by_offer}?status=PENDING"),
        &recruiter,
    )
    .await;
    assert_eq!(r.body["count"], 1, "{}", r.body);
    let r = apps_get(
        &app,
        &apps,
        &format!("{by_offer}?status=NONSENSE"),
        &recruiter,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = apps_get(
        &app,
        &apps,
        "/api/applications/job/?status=REJECTED",
        &recruiter,
    )
    .await;
    assert_eq!(r.body["count"], 0, "{}", r.body);

    // Notifications: the recruiter was told of each application (the
    // notifier may still be delivering: both readings are taken settled).
    let (ours, theirs) = settled(
        || async {
            let ours = app.get_auth("/api/notifications/", &recruiter).await.body;
            json!({
                "count": ours["count"],
                "title": ours["results"][0]["titre"],
                "unread": ours["non_lues"],
            })
        },
        || async {
            let r = apps_get(
                &app,
                &apps,
                "/api/notifications/?page=1&page_size=10",
                &recruiter,
            )
            .await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert_eq!(r.body["pagination"]["totalCount"], r.body["count"]);
            assert_eq!(r.body["notifications"], r.body["results"]);
            assert_eq!(r.body["results"][0]["is_read"], false);
            let stats = apps_get(&app, &apps, "/api/notifications/stats/", &recruiter).await;
            assert_eq!(stats.status, 200, "{}", stats.body);
            assert_eq!(stats.body["unread_count"], stats.body["unread"]);
            json!({
                "count": r.body["count"],
                "title": r.body["results"][0]["title"],
                "unread": stats.body["unread"],
            })
        },
    )
    .await;
    assert_eq!(theirs, ours);
    assert!(ours["count"].as_u64() > Some(0), "{ours}");
    let r = apps_get(&app, &apps, "/api/notifications/stats/", "not-a-token").await;
    assert_eq!(r.status, 401, "{}", r.body);
}

/// `method path` of the apps' API as `token` with a JSON `body`.
async fn apps_send(
    app: &TestApp,
    apps: &str,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> Response {
    let mut request = app
        .http
        .request(method, format!("{apps}{path}"))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    send(app, request).await
}

#[tokio::test]
async fn the_account_forms_store_what_they_send() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;

    // The signup form, then the session it expects (emails are confirmed
    // on registration locally).
    let email = format!("signup-{}@example.ci", ulid::Ulid::new()).to_lowercase();
    // Exactly what Signup.jsx sends (authService.js:13-21).
    let form = json!({"username": "Awa", "email": email, "password": PASSWORD,
        "password2": "Autre!Passw0rd", "user_type": "CANDIDAT", "phone": "",
        "terms_accepted": true});
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/auth/register/",
        None,
        form.clone(),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["password2"].is_array(), "{}", r.body);
    let mut form = form;
    form["password2"] = json!(PASSWORD);
    let r = apps_send(&app, &apps, Method::POST, "/api/auth/register/", None, form).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["user"]["user_type"], "CANDIDAT");
    let token = r.body["access"].as_str().expect("a session").to_string();
    let ours = app.get_auth("/api/auth/profile/", &token).await.body;
    assert_eq!(
        (ours["prenom"].clone(), ours["nom"].clone()),
        (json!("Awa"), json!("Awa"))
    );
    assert_eq!(ours["type_compte"], "candidat");
    // A recruiter's form has no company, which ours requires: named.
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/auth/register/",
        None,
        json!({"username": "sahel", "email": format!("r-{email}"), "password": PASSWORD,
               "password2": PASSWORD, "user_type": "RECRUTEUR", "terms_accepted": true}),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["company_name"].is_array(), "{}", r.body);

    // The profile form (the echoed email dropped), then reloaded.
    let r = apps_send(
        &app,
        &apps,
        Method::PUT,
        "/api/auth/profile/",
        Some(&token),
        json!({"first_name": "Aïcha", "last_name": "Koné", "email": "autre@example.ci",
               "phone": "+2250700000001", "skills": "Rust, SQL", "education": "Master"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app.get_auth("/api/auth/profile/", &token).await.body;
    assert_eq!(ours["prenom"], "Aïcha");
    assert_eq!(ours["telephone"], "+2250700000001");
    assert_eq!(ours["competences"], json!(["Rust", "SQL"]));
    assert_eq!(ours["email"], email.as_str(), "the login email stays");
    let r = apps_get(&app, &apps, "/api/auth/profile/candidate/", &token).await;
    assert_eq!(r.body["skills"], "Rust, SQL");
    // A bad phone is the form's field error.
    let r = apps_send(
        &app,
        &apps,
        Method::PUT,
        "/api/auth/profile/",
        Some(&token),
        json!({"phone": "abc"}),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["phone"].is_array(), "{}", r.body);

    // The location form: the selects' numbers, ours stored.
    let countries = apps_get(&app, &apps, "/api/auth/countries/", &token)
        .await
        .body;
    let ci = countries
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "CI")
        .unwrap()
        .clone();
    let regions = apps_get(
        &app,
        &apps,
        &format!("/api/auth/countries/{}/regions/", ci["id"]),
        &token,
    )
    .await
    .body;
    let region = regions[0].clone();
    let r = apps_send(
        &app,
        &apps,
        Method::PUT,
        "/api/auth/profile/location/",
        Some(&token),
        json!({"country": ci["id"], "region": region["id"]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app.get_auth("/api/auth/profile/", &token).await.body;
    assert_eq!(ours["pays"]["id"], "CI");
    assert_eq!(ours["region"]["id"], region["code"]);
    let r = apps_get(&app, &apps, "/api/auth/profile/location/", &token).await;
    assert_eq!(r.body["country"]["code"], "CI");
    assert_eq!(r.body["country"]["id"], ci["id"]);

    // Preferences: their switches to ours, the rest dropped.
    let r = apps_send(
        &app,
        &apps,
        Method::PUT,
        "/api/notifications/preferences/",
        Some(&token),
        json!({"email_notifications": false, "sms_notifications": true, "email_new_offers": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app
        .get_auth("/api/notifications/preferences/", &token)
        .await
        .body;
    assert_eq!(
        (ours["email"].clone(), ours["sms"].clone()),
        (json!(false), json!(true))
    );
    let r = apps_get(&app, &apps, "/api/notifications/preferences/", &token).await;
    assert_eq!(r.body["email_notifications"], false);

    // Password change, then the old one no longer logs in.
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/auth/password/change/",
        Some(&token),
        json!({"old_password": PASSWORD, "new_password": "Nouveau!Passw0rd2"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["message"].is_string(), "{}", r.body);
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/auth/login/",
        None,
        json!({"login": email, "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/auth/login/",
        None,
        json!({"login": email, "password": "Nouveau!Passw0rd2"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let second = r.body["access"].as_str().unwrap().to_string();

    // Sessions: listed, then every one closed.
    let r = apps_get(&app, &apps, "/api/auth/sessions/", &second).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["results"].as_array().is_some_and(|s| !s.is_empty()),
        "{}",
        r.body
    );
    assert!(
        r.body["results"][0]["last_activity"].is_string(),
        "{}",
        r.body
    );
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/auth/sessions/logout-all/",
        Some(&second),
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["force_logout"], true);
    assert_eq!(
        app.get_auth("/api/auth/profile/", &second).await.status,
        401
    );
}

#[tokio::test]
async fn the_panel_and_recruiter_work_lists_act_through_ours() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, recruiter_sub, recruiter) = app.verified_recruiter(&admin).await;
    let first = app.publish(&recruiter, "offres", "Premier").await;
    let second = app.publish(&recruiter, "offres", "Second").await;
    let ids = json!([first["id"], second["id"]]);

    // Bulk approval: both public; a candidat may not.
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/admin/bulk-actions/",
        Some(&recruiter),
        json!({"action": "approve", "offer_ids": ids}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/admin/bulk-actions/",
        Some(&admin),
        json!({"action": "approve", "offer_ids": ids}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["processed"], 2);
    for id in [&first["id"], &second["id"]] {
        let r = app
            .send(
                app.http
                    .get(app.url(&format!("/api/offres/{}/", id.as_str().unwrap()))),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    // A funding programme's id in the scholarships' bulk: a 404, undecided.
    let programme = app.publish(&recruiter, "financements", "Programme").await;
    let programme_id = programme["id"].as_str().unwrap().to_string();
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/admin/bulk-actions-scholarship/",
        Some(&admin),
        json!({"action": "approve", "scholarship_ids": [programme_id]}),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let pending = app
        .get_auth(&format!("/api/admin/publications/{programme_id}/"), &admin)
        .await
        .body;
    assert_eq!(pending["statut_validation"], "en_attente");
    // The job list's detail does not read a programme as an offer.
    let r = apps_get(
        &app,
        &apps,
        &format!("/api/jobs/job-offers/{programme_id}/"),
        &admin,
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = apps_get(
        &app,
        &apps,
        &format!("/api/jobs/funding-offers/{programme_id}/"),
        &admin,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "PENDING_APPROVAL");
    // Again: each already decided, our 409.
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/admin/bulk-actions/",
        Some(&admin),
        json!({"action": "approve", "offer_ids": ids}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);

    // The recruiters' directory and one account.
    let r = apps_get(
        &app,
        &apps,
        "/api/auth/profiles/public/?page_size=100",
        &admin,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let listed = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == recruiter_sub.as_str())
        .cloned();
    assert_eq!(listed.expect("listed")["account_status"], "APPROVED");
    let r = apps_get(
        &app,
        &apps,
        &format!("/api/auth/profiles/public/{recruiter_sub}/"),
        &admin,
    )
    .await;
    assert_eq!(
        r.body["profile"]["account_status"], "APPROVED",
        "{}",
        r.body
    );
    let r = apps_get(
        &app,
        &apps,
        &format!("/api/auth/profiles/public/{recruiter_sub}/"),
        &recruiter,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // An application moved with the recruiter's buttons, then its stored
    // score read back.
    let (_, candidat_sub, candidat) = app
        .applicant("candidat", json!({"competences": ["Rust"]}))
        .await;
    let applied = app
        .apply(
            &candidat,
            "offres",
            first["id"].as_str().unwrap(),
            json!({}),
        )
        .await;
    let application = applied.body["id"].as_str().unwrap().to_string();
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/applications/status/update/",
        Some(&candidat),
        json!({"application_id": application, "new_status": "SHORTLISTED"}),
    )
    .await;
    assert!(
        r.status == 403 || r.status == 404,
        "the candidat may not: {}",
        r.body
    );
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/applications/status/update/",
        Some(&recruiter),
        json!({"application_id": application, "new_status": "SHORTLISTED"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "SHORTLISTED");
    let ours = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &recruiter,
        )
        .await
        .body;
    assert_eq!(
        (ours["statut"].clone(), ours["etape"].clone()),
        (json!("en_cours"), json!("preselectionnee"))
    );
    let r = apps_send(
        &app,
        &apps,
        Method::PUT,
        &format!("/api/applications/status/update/{application}/"),
        Some(&recruiter),
        json!({"status": "REJECTED", "notes": "Profil trop junior"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app
        .get_auth(
            &format!("/api/recruteur/candidatures/{application}/"),
            &recruiter,
        )
        .await
        .body;
    assert_eq!(ours["statut"], "refusee");
    assert_eq!(ours["notes_recruteur"], "Profil trop junior");
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/applications/ai/analyze-compatibility/",
        Some(&recruiter),
        json!({"job_offer_id": first["id"], "candidate_id": candidat_sub}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["compatibility_score"], ours["score_compatibilite"]);
    assert_eq!(r.body["score_saved"], true);

    // Marking notifications read: one, then all.
    let mine = eventually("an unread notification", 10, || async {
        let page = app.get_auth("/api/notifications/", &recruiter).await.body;
        (page["non_lues"].as_u64() > Some(0)).then_some(page)
    })
    .await;
    let one = mine["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["lu"] == false)
        .unwrap()["id"]
        .clone();
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/notifications/mark-as-read/",
        Some(&recruiter),
        json!({"notification_ids": [one]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = app.get_auth("/api/notifications/", &recruiter).await.body;
    assert_eq!(
        after["non_lues"].as_u64(),
        mine["non_lues"].as_u64().map(|n| n - 1)
    );
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/notifications/mark-as-read/",
        Some(&recruiter),
        json!({"mark_all": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        app.get_auth("/api/notifications/", &recruiter).await.body["non_lues"],
        0
    );

    // The other kinds' public pages, the public figures, the admins'.
    let funding = app
        .open_publication(&admin, &recruiter, "financements", "Fonds vert")
        .await;
    let r = apps_get(
        &app,
        &apps,
        "/api/jobs/funding-offers/?page=1&page_size=5",
        &candidat,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == funding["id"])
    );
    let (ours, theirs) = settled(
        || async {
            let ours = app
                .send(app.http.get(app.url("/api/statistiques/publiques/")))
                .await
                .body;
            json!([
                ours["publications"]["offre"],
                ours["utilisateurs"]["candidat"]
            ])
        },
        || async {
            let r = apps_get(&app, &apps, "/api/common/stats/public/", &candidat).await;
            assert_eq!(r.status, 200, "{}", r.body);
            json!([
                r.body["offers"]["job_offers"],
                r.body["users"]["candidates"]
            ])
        },
    )
    .await;
    assert_eq!(theirs, ours);
    let r = apps_get(&app, &apps, "/api/core-admin/stats/users/", &candidat).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = apps_get(&app, &apps, "/api/applications/stats/", &admin).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["applications_by_status"]["REJECTED"].as_u64() >= Some(1),
        "{}",
        r.body
    );

    // A recruiter deletes its own offer without applications; another's
    // is a 404; one with applications our 409.
    let lone = app.publish(&recruiter, "offres", "À supprimer").await;
    let (_, _, other) = app.verified_recruiter(&admin).await;
    let path = format!("/api/jobs/job-offers/{}/", lone["id"].as_str().unwrap());
    let r = apps_send(&app, &apps, Method::DELETE, &path, Some(&other), json!({})).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = apps_send(
        &app,
        &apps,
        Method::DELETE,
        &path,
        Some(&recruiter),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        app.get_auth(
            &format!("/api/recruteur/offres/{}/", lone["id"].as_str().unwrap()),
            &recruiter
        )
        .await
        .status,
        404
    );
    let path = format!("/api/jobs/job-offers/{}/", first["id"].as_str().unwrap());
    let r = apps_send(
        &app,
        &apps,
        Method::DELETE,
        &path,
        Some(&recruiter),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
}

#[tokio::test]
async fn the_other_kinds_forms_create_and_edit_ours() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let (_, candidat, _, _) = app.user("candidat").await;
    let sectors = apps_get(&app, &apps, "/api/jobs/funding-sectors/", &recruiter)
        .await
        .body;
    let agriculture = sectors
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "agriculture")
        .unwrap()["id"]
        .clone();

    // The funding form, as CreeFinacement.jsx sends it.
    let form = json!({"title": "Fonds agricole", "description": "Pour les coopératives.",
        "sector": agriculture, "min_amount": "500000", "max_amount": "5000000",
        "annual_interest_rate": "3.5", "application_deadline": "2099-03-31T18:00",
        "business_plan_required": true, "financial_statements_required": false,
        "contact_info": "contact@example.ci", "country": "", "region": ""});
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/funding-offers/",
        Some(&candidat),
        form.clone(),
    )
    .await;
    assert_eq!(r.status, 403, "a candidat may not: {}", r.body);
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/funding-offers/",
        Some(&recruiter),
        form,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "PENDING_APPROVAL");
    let id = r.body["id"].as_str().unwrap().to_string();
    let ours = app
        .get_auth(&format!("/api/recruteur/financements/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(ours["titre"], "Fonds agricole");
    assert_eq!(ours["montant_min"], 500000);
    assert_eq!(ours["taux"], 3.5);
    assert_eq!(ours["secteur"]["id"], "agriculture");
    assert_eq!(ours["documents_requis"], json!(["business_plan"]));
    assert_eq!(ours["type_financement"], "autre");
    assert!(
        ours["date_limite"]
            .as_str()
            .unwrap()
            .starts_with("2099-03-31T18:00")
    );

    // Edited with the same form: the change is stored, the rest kept.
    let path = format!("/api/jobs/funding-offers/{id}/");
    let r = apps_send(
        &app,
        &apps,
        Method::PATCH,
        &path,
        Some(&recruiter),
        json!({"max_amount": "8000000"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app
        .get_auth(&format!("/api/recruteur/financements/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(
        (ours["montant_max"].clone(), ours["montant_min"].clone()),
        (json!(8000000), json!(500000))
    );
    // The edit form is filled from the apps' read (CreeFinacement.jsx:130):
    // its names, the select's number, the checkbox; sending it back as
    // it is, its empty fields included, changes nothing.
    let r = apps_get(&app, &apps, &path, &recruiter).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let read = r.body.clone();
    assert_eq!(read["title"], "Fonds agricole");
    assert_eq!(read["min_amount"], 500000);
    assert_eq!(read["max_amount"], 8000000);
    assert_eq!(read["annual_interest_rate"], 3.5);
    assert_eq!(read["sector"]["id"], agriculture);
    assert_eq!(read["business_plan_required"], true);
    assert_eq!(read["financial_statements_required"], false);
    let refilled = json!({"title": read["title"], "sector": read["sector"]["id"],
        "min_amount": read["min_amount"].to_string(), "max_amount": read["max_amount"].to_string(),
        "annual_interest_rate": read["annual_interest_rate"].to_string(), "target": "",
        "eligibility_conditions": "", "business_plan_required": read["business_plan_required"],
        "max_applications": "", "contact_info": ""});
    let r = apps_send(
        &app,
        &apps,
        Method::PATCH,
        &path,
        Some(&recruiter),
        refilled,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let again = app
        .get_auth(&format!("/api/recruteur/financements/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(again["montant_min"], 500000);
    assert_eq!(again["secteur"]["id"], "agriculture");
    assert_eq!(again["documents_requis"], json!(["business_plan"]));
    assert_eq!(again["description"], "Pour les coopératives.");
    // A bad value is the form's field error.
    let r = apps_send(
        &app,
        &apps,
        Method::PATCH,
        &path,
        Some(&recruiter),
        json!({"min_amount": "beaucoup"}),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["min_amount"].is_array(), "{}", r.body);

    // The consultation form: its own spellings.
    let types = apps_get(&app, &apps, "/api/jobs/consultation-types/", &recruiter)
        .await
        .body;
    let legal = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "juridique")
        .unwrap()["id"]
        .clone();
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/consultation-offers/",
        Some(&recruiter),
        json!({"title": "Audit juridique", "description": "Contrats.", "consultation_type": legal,
               "delivery_mode": "HYBRID", "pricing_type": "DAILY", "price": "250000",
               "estimated_duration": "3 mois", "is_urgent": true}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap();
    let ours = app
        .get_auth(&format!("/api/recruteur/consultations/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(ours["type_consultation"], "juridique");
    let read = apps_get(
        &app,
        &apps,
        &format!("/api/jobs/consultation-offers/{id}/"),
        &recruiter,
    )
    .await
    .body;
    assert_eq!(read["consultation_type"]["id"], legal, "{read}");
    assert_eq!(read["delivery_mode"], "HYBRID");
    assert_eq!(read["pricing_type"], "DAILY");
    assert_eq!(read["price"], 250000);
    assert_eq!(ours["mode_prestation"], "mixte");
    assert_eq!(ours["type_tarification"], "journalier");
    assert_eq!(ours["budget"], 250000);

    // The scholarship form: its level and coverage checkboxes.
    let types = apps_get(&app, &apps, "/api/jobs/scholarship-types/", &recruiter)
        .await
        .body;
    let merit = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "merite")
        .unwrap()["id"]
        .clone();
    let r = apps_send(
        &app,
        &apps,
        Method::POST,
        "/api/jobs/scholarships/",
        Some(&recruiter),
        json!({"title": "Bourse d'excellence", "description": "Master.", "scholarship_type": merit,
               "required_level": "MASTER", "scholarship_amount": "1200000", "full_funding": true,
               "accommodation_included": true, "partial_funding": false}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap();
    let ours = app
        .get_auth(&format!("/api/recruteur/bourses/{id}/"), &recruiter)
        .await
        .body;
    assert_eq!(ours["type_bourse"], "merite");
    assert_eq!(ours["niveau_requis"], "master");
    assert_eq!(ours["montant"], 1200000);
    let mut coverage: Vec<_> = ours["couverture"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    coverage.sort();
    assert_eq!(coverage, ["logement", "totale"]);
}

/// A small PNG.
fn png() -> Vec<u8> {
    let picture = image::DynamicImage::new_rgb8(40, 30);
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

#[tokio::test]
async fn the_profile_forms_store_their_texts_and_files() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await;
    let apps = app.spawn_apps().await;
    let (_, admin) = app.admin().await;
    let (_, candidat, _, _) = app.user("candidat").await;
    let put = |token: &str, path: &str, form: Form| {
        app.http
            .put(format!("{apps}{path}"))
            .bearer_auth(token.to_string())
            .multipart(form)
    };

    // The candidat's form (EditerProfil.jsx): texts, a CV and a photo.
    let form = Form::new()
        .text("about", "Comptable à Abidjan.")
        .text("years_experience", "4")
        .text("skills", "Sage, Excel")
        .text("technologies", "no home")
        .part("cv", Part::bytes(pdf("cv")).file_name("cv.pdf"))
        .part("image", Part::bytes(png()).file_name("moi.png"));
    let r = send(&app, put(&candidat, "/api/auth/profile/candidate/", form)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["skills"], "Sage, Excel");
    let ours = app.get_auth("/api/auth/profile/", &candidat).await.body;
    assert_eq!(ours["a_propos"], "Comptable à Abidjan.");
    assert_eq!(ours["experience"], 4);
    assert_eq!(ours["competences"], json!(["Sage", "Excel"]));
    assert!(ours["cv"].is_string(), "the CV is the profile's: {ours}");
    assert!(ours["photo"]["url"].is_string(), "the photo: {ours}");
    // A CV that is not one: the form's field error.
    let form = Form::new().part("cv", Part::bytes(b"MZ".to_vec()).file_name("cv.pdf"));
    let r = send(&app, put(&candidat, "/api/auth/profile/candidate/", form)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["cv"].is_array(), "{}", r.body);
    // Another type's form is not its own.
    let form = Form::new().text("company_name", "X");
    let r = send(&app, put(&candidat, "/api/auth/profile/recruiter/", form)).await;
    assert_eq!(r.status, 404, "{}", r.body);

    // The recruiter's form: its company, a logo, a document.
    let (_, sub, recruiter) = app.verified_recruiter(&admin).await;
    let form = Form::new()
        .text("company_name", "Sahel Audit")
        .text("company_size", "SME")
        .text("website", "https://sahel-audit.example")
        .text("contact_phone", "no home")
        .part("logo", Part::bytes(png()).file_name("logo.png"))
        .part(
            "company_documents",
            Part::bytes(pdf("kbis")).file_name("kbis.pdf"),
        );
    let r = send(&app, put(&recruiter, "/api/auth/profile/recruiter/", form)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ours = app.get_auth("/api/auth/profile/", &recruiter).await.body;
    assert_eq!(ours["entreprise"], "Sahel Audit");
    assert_eq!(ours["taille_entreprise"], "11-50");
    assert!(ours["logo"]["url"].is_string(), "{ours}");
    let theirs = app
        .send(
            app.http
                .get(format!("{apps}/api/auth/profile/recruiter/"))
                .bearer_auth(&recruiter),
        )
        .await
        .body;
    assert_eq!(
        theirs["logo"], ours["logo"]["url"],
        "the page shows the logo's URL"
    );
    assert_eq!(
        theirs["company_documents"],
        ours["documents_verification"][0]
    );
    assert_eq!(
        ours["documents_verification"].as_array().map(Vec::len),
        Some(1),
        "{ours}"
    );
    let seen = app
        .get_auth(&format!("/api/admin/utilisateurs/{sub}/"), &admin)
        .await
        .body;
    assert_eq!(seen["entreprise"], "Sahel Audit");

    // The provider's files with no home: refused, nothing written.
    let (_, prestataire, _, _) = app.user("prestataire").await;
    let form = Form::new()
        .text("hourly_rate", "20 000 F l'heure")
        .part("portfolio", Part::bytes(pdf("book")).file_name("book.pdf"));
    let r = send(&app, put(&prestataire, "/api/auth/profile/provider/", form)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["portfolio"].is_array(), "{}", r.body);
    let ours = app.get_auth("/api/auth/profile/", &prestataire).await.body;
    assert!(ours["tarifs"].is_null(), "{ours}");
    let form = Form::new().text("hourly_rate", "20 000 F l'heure");
    let r = send(&app, put(&prestataire, "/api/auth/profile/provider/", form)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        app.get_auth("/api/auth/profile/", &prestataire).await.body["tarifs"],
        "20 000 F l'heure"
    );
}
