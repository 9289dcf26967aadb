//! The apps' routes (#19, docs/apps-api.md). Each one renames the request
//! (`mapping`), passes it to our router in process, as our own clients
//! would send it, and renames the answer back. Nothing here checks or
//! writes anything: our route does. A route not translated yet answers
//! 501, never a success it did not have.

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use super::mapping::{self, Fields};

/// Our API, as the translations call it.
#[derive(Clone)]
pub struct Ours(pub Router);

/// The apps' API over `ours` (the French API's whole router).
pub fn router(ours: Router) -> Router {
    Router::new()
        .route("/api/auth/login/", post(login).fallback(not_yet))
        .route("/api/auth/token/refresh/", post(refresh).fallback(not_yet))
        .route("/api/auth/logout/", post(logout).fallback(not_yet))
        .route(
            "/api/auth/profile/",
            get(profile).put(accounts::edit_profile).fallback(not_yet),
        )
        .route("/api/jobs/departments/", get(departments))
        .route("/api/jobs/categories/", get(categories))
        .route("/api/auth/countries/{id}/regions/", get(regions))
        .route(
            "/api/jobs/job-offers/",
            get(job_offers).post(create_job_offer).fallback(not_yet),
        )
        .route(
            "/api/jobs/job-offers/{id}/",
            get(job_offer)
                .patch(edit_job_offer)
                .delete(delete_publication)
                .fallback(not_yet),
        )
        .route(
            "/api/jobs/admin/{kind}/{id}/approve/",
            post(approve_publication),
        )
        .route(
            "/api/jobs/admin/{kind}/{id}/reject/",
            post(reject_publication),
        )
        .route(
            "/api/jobs/{kind}/admin/all/",
            get(admin_publications).fallback(not_yet),
        )
        .route(
            "/api/jobs/{kind}/{id}/",
            get(publication_detail)
                .patch(edit_publication)
                .delete(delete_publication)
                .fallback(not_yet),
        )
        .route("/api/auth/recruiter-validation/", get(pending_recruiters))
        .route(
            "/api/auth/recruiter-validation/{id}/",
            post(decide_recruiter),
        )
        .route(
            "/api/applications/ai/calculate-compatibility/",
            post(compatibility),
        )
        .route("/api/openapi.json", get(openapi_document))
        .merge(application_forms())
        .merge(reference_lists())
        .merge(public_lists())
        .merge(areas::routes())
        .merge(direct::routes())
        .merge(accounts::routes())
        .merge(panel::routes())
        // Every other path (a route, not a fallback: the HTTP conventions
        // set their own 404 fallback).
        .route("/{*rest}", axum::routing::any(not_yet))
        .with_state(Ours(ours))
}

/// `GET /api/openapi.json`: this API's own document (`apps::openapi`).
async fn openapi_document() -> axum::Json<&'static Value> {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    axum::Json(DOCUMENT.get_or_init(super::openapi::document))
}

/// The origins the apps are served from in development and preview
/// (vite's 5173 and 4173/4174, and 3000), the default of the apps' CORS.
pub fn default_origins() -> Vec<String> {
    ["localhost", "127.0.0.1"]
        .iter()
        .flat_map(|host| {
            [3000, 5173, 4173, 4174]
                .iter()
                .map(move |port| format!("http://{host}:{port}"))
        })
        .collect()
}

/// An answer of ours: its status and JSON body (`null` when empty).
struct Answer {
    status: StatusCode,
    body: Value,
    /// Our 429's `Retry-After`, kept for the apps.
    retry_after: Option<header::HeaderValue>,
}

impl Answer {
    fn new(status: StatusCode, body: Value) -> Answer {
        Answer {
            status,
            body,
            retry_after: None,
        }
    }

    fn refused(status: StatusCode, detail: &str) -> Answer {
        Answer::new(status, json!({ "detail": detail }))
    }
}

/// What of the apps' request our route sees: the token, the client's
/// address (its per-client limits), the user agent.
pub struct Caller {
    headers: Vec<(header::HeaderName, header::HeaderValue)>,
    peer: Option<ConnectInfo<std::net::SocketAddr>>,
    context: Option<lambda_http::request::RequestContext>,
    /// The invocation's (its deadline bounds each of our calls too).
    lambda: Option<lambda_http::Context>,
}

impl Caller {
    fn of(parts: &axum::http::request::Parts) -> Caller {
        let names = [
            header::AUTHORIZATION,
            header::USER_AGENT,
            header::HeaderName::from_static("x-forwarded-for"),
        ];
        Caller {
            headers: names
                .into_iter()
                .filter_map(|name| Some((name.clone(), parts.headers.get(&name)?.clone())))
                .collect(),
            peer: parts.extensions.get().copied(),
            context: parts.extensions.get().cloned(),
            lambda: parts.extensions.get().cloned(),
        }
    }
}

/// Calls our route `method path` with `body`, as the caller sent the
/// apps' request.
async fn call(
    ours: &Ours,
    caller: &Caller,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    match body {
        Some(body) => {
            let body = Body::from(body.to_string());
            call_with(ours, caller, method, path, Some("application/json"), body).await
        }
        None => call_with(ours, caller, method, path, None, Body::empty()).await,
    }
}

/// `call` with a body of any type (a file's multipart form).
async fn call_with(
    ours: &Ours,
    caller: &Caller,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Body,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in &caller.headers {
        request = request.header(name, value);
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let mut request = request.body(body).expect("a valid request");
    if let Some(peer) = caller.peer {
        request.extensions_mut().insert(peer);
    }
    if let Some(context) = &caller.context {
        request.extensions_mut().insert(context.clone());
    }
    if let Some(lambda) = &caller.lambda {
        request.extensions_mut().insert(lambda.clone());
    }
    let response = ours.0.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    Answer {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        retry_after,
    }
}

/// The largest JSON body the apps send (ours takes 64 KiB too).
const MAX_JSON_BYTES: usize = 64 * 1024;

/// The apps' request: who sent it, and its body as a JSON object (an
/// absent or empty body is an empty object). A body too large is our
/// 413, one that is not a JSON object a 400: never read as empty.
async fn object(request: Request) -> Result<(Caller, Map<String, Value>), Answer> {
    let (parts, body) = request.into_parts();
    let caller = Caller::of(&parts);
    let Ok(bytes) = axum::body::to_bytes(body, MAX_JSON_BYTES).await else {
        return Err(Answer::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Corps de requête trop volumineux.",
        ));
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((caller, Map::new()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(object)) => Ok((caller, object)),
        _ => Err(Answer::refused(
            StatusCode::BAD_REQUEST,
            "Données invalides : un objet JSON est attendu.",
        )),
    }
}

/// Reads the apps' JSON request, or answers its refusal.
macro_rules! read {
    ($request:expr) => {
        match object($request).await {
            Ok(read) => read,
            Err(refused) => return answer(refused, &Fields(&[]), |v| v),
        }
    };
}

mod accounts;
mod areas;
mod direct;
mod forms;
mod panel;
#[cfg(feature = "uploads")]
mod profile_forms;

/// Our answer for the apps: a success renamed by `rename`; an error
/// with its message under each name the apps read (`detail`, `error`,
/// `message`) and its field errors under the apps' field names.
fn answer(ours: Answer, fields: &Fields, rename: impl FnOnce(Value) -> Value) -> Response {
    if ours.status == StatusCode::NO_CONTENT {
        return StatusCode::NO_CONTENT.into_response();
    }
    if ours.status.is_success() {
        return (ours.status, axum::Json(rename(ours.body))).into_response();
    }
    let mut response = (ours.status, axum::Json(apps_error(ours.body, fields))).into_response();
    if let Some(after) = ours.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, after);
    }
    response
}

/// A 400 on the apps' field `field` (a check of the translation itself,
/// such as a missing form field), in the shape of the others.
fn field_error(field: &str, message: &str) -> Response {
    let refused = Answer::new(StatusCode::BAD_REQUEST, json!({ field: [message] }));
    answer(refused, &Fields(&[]), |v| v)
}

/// An error of ours, readable by the apps' handlers.
pub fn apps_error(ours: Value, fields: &Fields) -> Value {
    let Value::Object(ours) = ours else {
        return json!({"detail": "Erreur", "error": "Erreur", "message": "Erreur"});
    };
    let mut out = Map::new();
    let mut first = None;
    for (key, value) in ours {
        if key == "detail" {
            first = value.as_str().map(String::from);
            continue;
        }
        if first.is_none() {
            first = value
                .get(0)
                .and_then(Value::as_str)
                .map(|m| format!("{}: {m}", fields.error_field(&key)));
        }
        out.insert(fields.error_field(&key), value);
    }
    let message = Value::String(first.unwrap_or_else(|| "Erreur".into()));
    // The login page reads only field arrays and `non_field_errors`.
    if !out.values().any(Value::is_array) {
        out.insert("non_field_errors".into(), json!([message.clone()]));
    }
    for key in ["detail", "error", "message"] {
        out.insert(key.into(), message.clone());
    }
    Value::Object(out)
}

/// One of our profiles as the apps read a user: their names, their
/// `user_type`, `email_verified`, and `username` (the apps show one; ours
/// is the email).
pub fn user(profile: Value) -> Value {
    let Value::Object(profile) = profile else {
        return profile;
    };
    let verified = profile.get("statut_verification") == Some(&json!("verifie"));
    let mut user =
        mapping::CANDIDATE.to_apps(mapping::RECRUITER.to_apps(mapping::USER.to_apps(profile)));
    if let Some(kind) = user.get("user_type").and_then(Value::as_str) {
        let kind = mapping::USER_TYPE.to_apps(kind).unwrap_or("CANDIDAT");
        user.insert("user_type".into(), kind.into());
    }
    if let Some(size) = user.get("company_size").and_then(Value::as_str) {
        let size = mapping::COMPANY_SIZE.to_apps(size).map(Value::from);
        user.insert("company_size".into(), size.unwrap_or(Value::Null));
    }
    // The apps show `image` and `logo` as a picture's URL.
    for picture in ["image", "logo"] {
        if let Some(url) = user.get(picture).and_then(|i| i.get("url")).cloned() {
            user.insert(picture.into(), url);
        }
    }
    // The recruiter's page reads one document as a text (its name after
    // the last `/`, linked under the API's origin): the latest id, the
    // list beside it. Ours are read through signed links
    // (`GET /api/upload/{id}/`), so that link does not open.
    if let Some(documents) = user
        .get("company_documents")
        .and_then(Value::as_array)
        .cloned()
    {
        user.insert(
            "company_documents".into(),
            documents.last().cloned().unwrap_or(Value::Null),
        );
        user.insert("company_documents_ids".into(), Value::Array(documents));
    }
    // Skills are one comma-separated text on the apps' pages.
    if let Some(skills) = user.get("skills").and_then(Value::as_array) {
        let words: Vec<&str> = skills.iter().filter_map(Value::as_str).collect();
        user.insert("skills".into(), words.join(", ").into());
    }
    user.insert("email_verified".into(), verified.into());
    if let Some(email) = user.get("email").cloned() {
        user.insert("username".into(), email);
    }
    Value::Object(user)
}

/// `POST /api/auth/login/`: the apps send `{login, password}` (login is
/// an email here) and read `{access, refresh, user}`.
async fn login(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, mut body) = read!(request);
    // The form's "remember me" has no meaning here: a session lasts its
    // configured time.
    body.remove("rememberMe");
    if let Some(login) = body.remove("login") {
        body.insert("email".into(), login);
    }
    let ours_answer = call(
        &ours,
        &caller,
        Method::POST,
        "/api/auth/login/",
        Some(Value::Object(body)),
    )
    .await;
    answer(ours_answer, &Fields(&[("login", "email")]), |mut tokens| {
        let profile = tokens["user"].take();
        tokens["user"] = user(profile);
        tokens
    })
}

/// `POST /api/auth/token/refresh/` is our `POST /api/auth/refresh/`.
async fn refresh(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let ours_answer = call(
        &ours,
        &caller,
        Method::POST,
        "/api/auth/refresh/",
        Some(Value::Object(body)),
    )
    .await;
    answer(ours_answer, &Fields(&[]), |tokens| tokens)
}

/// `POST /api/auth/logout/`: the session of the token closes; the
/// `{refresh}` the apps send changes nothing (it is that session's).
async fn logout(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let ours_answer = call(&ours, &caller, Method::POST, "/api/auth/logout/", None).await;
    answer(ours_answer, &Fields(&[]), |detail| detail)
}

/// `GET /api/auth/profile/`: our profile, as a user of the apps.
async fn profile(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let ours_answer = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
    answer(ours_answer, &mapping::USER, user)
}

/// The application forms' routes (where the uploads are linked in).
fn application_forms() -> Router<Ours> {
    #[cfg(feature = "uploads")]
    {
        APPLICATION_FORMS
            .iter()
            .fold(Router::new(), |router, (path, _, _)| {
                router.route(path, post(create_application))
            })
    }
    #[cfg(not(feature = "uploads"))]
    Router::new()
}

/// The reference lists the apps' selects read, one route each
/// (`mapping::REFERENCE_LISTS`): the file our `/api/reference/` serves.
fn reference_lists() -> Router<Ours> {
    mapping::REFERENCE_LISTS
        .iter()
        .fold(Router::new(), |router, (path, list)| {
            router.route(
                path,
                get(move || async move {
                    let entries = crate::reference::get().list(list).unwrap_or_default();
                    axum::Json(mapping::choices(
                        entries.iter().map(|e| (e.id.as_str(), e.nom.as_str())),
                    ))
                }),
            )
        })
}

/// `GET /api/jobs/departments/`: the job departments.
async fn departments() -> axum::Json<Value> {
    let departements = &crate::reference::get().data.departements;
    axum::Json(mapping::choices(
        departements.iter().map(|d| (d.id.as_str(), d.nom.as_str())),
    ))
}

/// `GET /api/jobs/categories/?department=N`: that department's
/// categories (every category without a department; an unknown one has
/// none).
async fn categories(uri: axum::http::Uri) -> axum::Json<Value> {
    let query: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default();
    let departements = &crate::reference::get().data.departements;
    let wanted = query.get("department").map(|d| Value::String(d.clone()));
    let chosen = wanted
        .as_ref()
        .map(|sent| mapping::id_from_number(departements.iter().map(|d| d.id.as_str()), sent));
    axum::Json(mapping::choices(
        departements
            .iter()
            .filter(|d| chosen.is_none_or(|id| id == Some(d.id.as_str())))
            .flat_map(|d| d.categories.iter().map(|c| (c.id.as_str(), c.nom.as_str()))),
    ))
}

/// `GET /api/auth/countries/{id}/regions/`: a country's regions (the
/// country by its number or its ISO code); 404 for a country we do not
/// list regions of.
async fn regions(axum::extract::Path(country): axum::extract::Path<String>) -> Response {
    let data = &crate::reference::get().data;
    let code = mapping::id_from_number(
        data.pays.iter().map(|p| p.id.as_str()),
        &Value::String(country),
    );
    match code.and_then(|c| data.regions.get(c)) {
        Some(regions) => axum::Json(mapping::choices(
            regions.iter().map(|r| (r.id.as_str(), r.nom.as_str())),
        ))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(apps_error(
                json!({"detail": "Pays inconnu, ou sans régions listées."}),
                &Fields(&[]),
            )),
        )
            .into_response(),
    }
}

/// The deepest page number followed (each page is one call of ours),
/// and the most items before the page asked for: a deep page costs one
/// call per page before it, so it is bounded.
pub const MAX_PAGE: u32 = 100;
pub const MAX_ITEMS_BEFORE: usize = 2000;

/// Page `page` of one of our lists starting at `first`: our cursor's
/// `next` followed `page − 1` times. Past the last page, DRF's 404.
async fn numbered(ours: &Ours, caller: &Caller, first: String, page: u32) -> Answer {
    let mut answer = call(ours, caller, Method::GET, &first, None).await;
    for _ in 1..page {
        if !answer.status.is_success() {
            return answer;
        }
        let Some(next) = answer.body["next"].as_str().map(String::from) else {
            return Answer::new(StatusCode::NOT_FOUND, json!({"detail": "Page invalide."}));
        };
        answer = call(ours, caller, Method::GET, &next, None).await;
    }
    answer
}

/// The apps' `page` and `page_size`: a page number from 1 to `MAX_PAGE`
/// (404 otherwise, as DRF answers), and a size our lists take.
fn page_of(query: &std::collections::HashMap<String, String>) -> Result<Paging, Answer> {
    let page = match query.get("page") {
        None => 1,
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                return Err(Answer::new(
                    StatusCode::NOT_FOUND,
                    json!({"detail": "Page invalide."}),
                ));
            }
        },
    };
    let size = query.get("page_size").cloned();
    // Ours takes 1 to 100 (and names any other size, sent as it is):
    // read as at most 100 here, so no product overflows.
    let per_page = size
        .as_deref()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(crate::page::DEFAULT_PAGE_SIZE)
        .clamp(1, crate::page::MAX_PAGE_SIZE);
    if (page as usize - 1) * per_page > MAX_ITEMS_BEFORE {
        return Err(Answer::refused(
            StatusCode::NOT_FOUND,
            "Page invalide : trop loin dans la liste.",
        ));
    }
    Ok(Paging {
        page,
        size,
        per_page,
    })
}

/// A numbered page the apps asked for: its number, the size as sent (for
/// our list) and as read.
struct Paging {
    page: u32,
    size: Option<String>,
    per_page: usize,
}

/// Page `paging.page` of our list `first` in the apps' envelope, each
/// item renamed by `item`, then `finish`ed (from our page) where a page
/// reads more; our errors in the apps' names (`fields`).
async fn list_page(
    ours: &Ours,
    caller: &Caller,
    first: String,
    paging: &Paging,
    fields: &Fields,
    item: fn(Value) -> Value,
    finish: fn(&Value, &Paging, &mut Value),
) -> Response {
    let found = numbered(ours, caller, first, paging.page).await;
    answer(found, fields, |list| {
        let mut envelope = mapping::page_envelope(&list, paging.page, paging.per_page);
        if let Some(items) = envelope["results"].as_array_mut() {
            for one in items.iter_mut() {
                *one = item(one.take());
            }
        }
        finish(&list, paging, &mut envelope);
        envelope
    })
}

/// The apps' query parameters (one value each, the last kept; what
/// does not parse is none, as our lists read theirs).
fn query_of(request: &Request) -> std::collections::HashMap<String, String> {
    serde_urlencoded::from_str(request.uri().query().unwrap_or_default()).unwrap_or_default()
}

/// The panel reads the recruiters' list under `recruiters` too.
fn under_recruiters(_: &Value, _: &Paging, envelope: &mut Value) {
    envelope["recruiters"] = envelope["results"].clone();
}

/// A numbered page with nothing on it (a filter of the apps' that ours
/// has no state for: `DRAFT`).
fn empty_page() -> Value {
    json!({"count": 0, "next": null, "previous": null, "results": []})
}

/// Our `{detail}` also under `message` (the admin panel reads it).
fn with_message(mut v: Value) -> Value {
    if v.is_object() {
        v["message"] = v["detail"].clone();
    }
    v
}

/// The apps' application `status` filter (or `application__status`) as
/// our `statut` parameter; an unknown status is its 400.
fn status_filter(
    query: &std::collections::HashMap<String, String>,
) -> Result<Option<(&'static str, String)>, Response> {
    let sent = query.get("status").or(query.get("application__status"));
    let Some(status) = sent.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match mapping::application_filter(status) {
        Some(statut) => Ok(Some(("statut", statut.to_string()))),
        None => Err(field_error(
            "status",
            "PENDING, VIEWED, SHORTLISTED, INTERVIEW, ACCEPTED ou REJECTED attendu.",
        )),
    }
}

/// A `list_page` with nothing more than the envelope.
fn as_is(_: &Value, _: &Paging, _: &mut Value) {}

/// `GET /api/jobs/job-offers/`: the public offers, with the apps'
/// filters (`query`, `contract_type`, `location`), numbered pages and
/// `count`. Our search when a filter is given, our public list otherwise.
async fn job_offers(State(ours): State<Ours>, request: Request) -> Response {
    public_list(ours, "offres", request).await
}

/// `GET /api/jobs/{funding-offers,scholarships,consultation-offers}/`:
/// the same for the other kinds (`query` is their only filter served:
/// ours filters them by words; the pages' other filters have no
/// counterpart of the same meaning, and are said so in docs/apps-api.md);
/// `POST`, the recruiter's form of that kind (`forms`).
fn public_lists() -> Router<Ours> {
    forms::FORMS.iter().fold(Router::new(), |router, form| {
        let path: &'static str = match form.segment {
            "financements" => "/api/jobs/funding-offers/",
            "bourses" => "/api/jobs/scholarships/",
            _ => "/api/jobs/consultation-offers/",
        };
        router.route(
            path,
            get(move |State(ours): State<Ours>, request: Request| {
                public_list(ours, form.segment, request)
            })
            .post(move |State(ours): State<Ours>, request: Request| {
                forms::create(ours, form, request)
            })
            .fallback(not_yet),
        )
    })
}

/// Our public list of `segment` (our search of it with a filter).
async fn public_list(ours: Ours, segment: &'static str, request: Request) -> Response {
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::JOB_OFFER, |v| v),
    };
    let mut ours_query: Vec<(&str, String)> = Vec::new();
    if let Some(words) = query
        .get("query")
        .or(query.get("search"))
        .filter(|q| !q.trim().is_empty())
    {
        ours_query.push(("q", words.clone()));
    }
    if let Some(place) = query
        .get("location")
        .filter(|q| !q.trim().is_empty() && segment == "offres")
    {
        ours_query.push(("localisation", place.clone()));
    }
    if let Some(kind) = query
        .get("contract_type")
        .filter(|q| !q.is_empty() && segment == "offres")
    {
        // An unknown value goes through as sent: ours names it (400).
        let ours_kind = mapping::CONTRACT_TYPE.to_ours(kind).unwrap_or(kind);
        ours_query.push(("type_contrat", ours_kind.to_string()));
    }
    let path = if ours_query.is_empty() {
        format!("/api/{segment}/")
    } else {
        format!("/api/recherche/{segment}/")
    };
    ours_query.extend(paging.size.clone().map(|size| ("page_size", size)));
    let first = format!(
        "{path}?{}",
        serde_urlencoded::to_string(&ours_query).unwrap_or_default()
    );
    let fields = Fields(&[
        ("query", "q"),
        ("location", "localisation"),
        ("contract_type", "type_contrat"),
    ]);
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        &fields,
        forms::publication,
        as_is,
    )
    .await
}

/// `GET /api/jobs/job-offers/{id}/`: our public detail of an offre.
async fn job_offer(
    State(ours): State<Ours>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (caller, _) = read!(request);
    detail_of(&ours, &caller, "offres", &id).await
}

/// `GET /api/jobs/{funding-offers,scholarships,consultation-offers}/{id}/`:
/// the same for the other kinds.
async fn publication_detail(
    State(ours): State<Ours>,
    axum::extract::Path((kind, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    let Some(segment) = ADMIN_KINDS
        .iter()
        .find(|(_, list, _)| *list == kind)
        .map(|(_, _, ours_kind)| our_segment(ours_kind))
    else {
        return not_yet(Method::GET, request.uri().clone()).await;
    };
    let (caller, _) = read!(request);
    detail_of(&ours, &caller, segment, &id).await
}

/// `DELETE /api/jobs/{kind}/{id}/` (and `/api/jobs/job-offers/{id}/`):
/// the author's delete of ours (a 409 once it has applications: close
/// it instead). The panel's delete button calls it as an admin: ours
/// has no admin delete, so that is our 403.
async fn delete_publication(
    State(ours): State<Ours>,
    axum::extract::Path(params): axum::extract::Path<std::collections::HashMap<String, String>>,
    request: Request,
) -> Response {
    let kind = params.get("kind").map_or("job-offers", String::as_str);
    let Some(segment) = ADMIN_KINDS
        .iter()
        .find(|(_, list, _)| *list == kind)
        .map(|(_, _, ours_kind)| our_segment(ours_kind))
    else {
        return unknown_kind();
    };
    let id = params.get("id").map_or("", String::as_str);
    let (caller, _) = read!(request);
    let path = format!("/api/recruteur/{segment}/{}/", urlencoding(id));
    let done = call(&ours, &caller, Method::DELETE, &path, None).await;
    answer(done, &mapping::JOB_OFFER, |v| v)
}

/// `PATCH /api/jobs/{funding-offers,scholarships,consultation-offers}/{id}/`:
/// that kind's form, editing (`forms`).
async fn edit_publication(
    State(ours): State<Ours>,
    axum::extract::Path((kind, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    match forms::of(&kind) {
        Some(form) => forms::edit(ours, form, &id, request).await,
        None => unknown_kind(),
    }
}

/// Our kind of a path segment.
fn our_kind(segment: &str) -> &'static str {
    match segment {
        "financements" => "financement",
        "bourses" => "bourse",
        "consultations" => "consultation",
        _ => "offre",
    }
}

/// Our path segment of a kind.
fn our_segment(kind: &str) -> &'static str {
    match kind {
        "financement" => "financements",
        "bourse" => "bourses",
        "consultation" => "consultations",
        _ => "offres",
    }
}

/// One publication as the apps read it, from our public detail; for a
/// signed-in caller, when that is a 404 (not public: pending, refused,
/// closed), from its author's view, then from an admin's: each checks
/// who may read it, so one URL serves the apps' three readers.
async fn detail_of(ours: &Ours, caller: &Caller, segment: &str, id: &str) -> Response {
    let id = urlencoding(id);
    let mut found = call(
        ours,
        caller,
        Method::GET,
        &format!("/api/{segment}/{id}/"),
        None,
    )
    .await;
    let signed_in = caller
        .headers
        .iter()
        .any(|(name, _)| name == header::AUTHORIZATION);
    if found.status == StatusCode::NOT_FOUND && signed_in {
        for path in [
            format!("/api/recruteur/{segment}/{id}/"),
            format!("/api/admin/publications/{id}/"),
        ] {
            let tried = call(ours, caller, Method::GET, &path, None).await;
            // The admins' read takes any kind: the URL names one.
            if tried.status.is_success() && tried.body["type_publication"] == our_kind(segment) {
                found = tried;
                break;
            }
        }
    }
    answer(found, &mapping::JOB_OFFER, forms::publication)
}

/// What the offer form sends that has no home here (docs/apps-api.md,
/// lossy): dropped rather than refused, since the form always sends it.
const OFFER_FIELDS_WITHOUT_HOME: &[&str] = &[
    "salary_type",
    "company_size",
    "position_name",
    "country",
    "region",
];

/// The offer form's body in ours: names, values, the department and
/// category numbers as our ids, an empty field as none. A value with no
/// match goes through as sent, and our route names it (400).
fn offer_body(body: Map<String, Value>) -> Value {
    let mut body: Map<String, Value> = body
        .into_iter()
        .filter(|(k, _)| !OFFER_FIELDS_WITHOUT_HOME.contains(&k.as_str()))
        .map(|(k, v)| match v {
            Value::String(text) if text.trim().is_empty() => (k, Value::Null),
            other => (k, other),
        })
        .collect();
    body = mapping::JOB_OFFER.to_ours(body);
    // The form's `datetime-local` has no zone (`2099-06-30T17:00`): UTC,
    // the zone of most countries we serve (docs/apps-api.md).
    if let Some(Value::String(local)) = body.get("date_limite")
        && let Some(utc) = mapping::local_to_utc(local)
    {
        body.insert("date_limite".into(), utc.into());
    }
    for (field, values) in [
        ("type_contrat", &mapping::CONTRACT_TYPE),
        ("niveau_experience", &mapping::EXPERIENCE_LEVEL),
        ("mode_travail", &mapping::WORK_MODE),
    ] {
        if let Some(ours) = body
            .get(field)
            .and_then(Value::as_str)
            .and_then(|v| values.to_ours(v))
        {
            body.insert(field.into(), ours.into());
        }
    }
    let departements = &crate::reference::get().data.departements;
    if let Some(sent) = body.get("departement").filter(|v| !v.is_null()) {
        if let Some(id) = mapping::id_from_number(departements.iter().map(|d| d.id.as_str()), sent)
        {
            body.insert("departement".into(), id.into());
        }
    }
    if let Some(sent) = body.get("categorie").filter(|v| !v.is_null()) {
        let all = departements
            .iter()
            .flat_map(|d| d.categories.iter().map(|c| c.id.as_str()));
        if let Some(id) = mapping::id_from_number(all, sent) {
            body.insert("categorie".into(), id.into());
        }
    }
    Value::Object(body)
}

/// `POST /api/jobs/job-offers/`: the recruiter's offer form, as our
/// `POST /api/recruteur/offres/` (its checks: a verified recruiter, the
/// quota, every field; it awaits review and the admins are told).
async fn create_job_offer(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let found = call(
        &ours,
        &caller,
        Method::POST,
        "/api/recruteur/offres/",
        Some(offer_body(body)),
    )
    .await;
    answer(found, &mapping::JOB_OFFER, forms::publication)
}

/// `PATCH /api/jobs/job-offers/{id}/`: the same form, editing, as our
/// `PUT /api/recruteur/offres/{id}/` (partial; an edit of what an admin
/// approved sends it back to review).
async fn edit_job_offer(
    State(ours): State<Ours>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (caller, body) = read!(request);
    let path = format!("/api/recruteur/offres/{}/", urlencoding(&id));
    let found = call(&ours, &caller, Method::PUT, &path, Some(offer_body(body))).await;
    answer(found, &mapping::JOB_OFFER, forms::publication)
}

/// `POST /api/applications/ai/calculate-compatibility/` `{offer_id,
/// offer_type, candidate_id}`: the caller's score against a public
/// publication before applying, as our `GET /api/<kind>/{id}/compatibilite/`
/// (for the caller only: `candidate_id` names nobody else; nothing is
/// written).
async fn compatibility(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let kind = body
        .get("offer_type")
        .and_then(Value::as_str)
        .unwrap_or("JOB");
    let Some((_, segment)) = mapping::OFFER_TYPES.iter().find(|(t, _)| *t == kind) else {
        return field_error(
            "offer_type",
            "JOB, FUNDING, SCHOLARSHIP ou CONSULTATION attendu.",
        );
    };
    let id = match body.get("offer_id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        _ => {
            return field_error("offer_id", "Ce champ est obligatoire.");
        }
    };
    let path = format!("/api/{segment}/{}/compatibilite/", urlencoding(&id));
    let found = call(&ours, &caller, Method::GET, &path, None).await;
    answer(found, &Fields(&[]), |score| mapping::compatibility(&score))
}

/// The apps' application forms: (their path, the field naming the
/// publication, our kind's path segment).
#[cfg(feature = "uploads")]
const APPLICATION_FORMS: &[(&str, &str, &str)] = &[
    ("/api/applications/job/create/", "job_offer_id", "offres"),
    (
        "/api/applications/funding/create/",
        "funding_offer_id",
        "financements",
    ),
    (
        "/api/applications/consultation/create/",
        "consultation_offer_id",
        "consultations",
    ),
];

/// The files those forms send: (their field, our upload route, our
/// application field, whether it is a list).
#[cfg(feature = "uploads")]
const APPLICATION_FILES: &[(&str, &str, &str, bool)] = &[
    ("cv", "cv", "cv", false),
    ("diplomas", "diplome", "diplomes", true),
    ("certificates", "certificat", "certificats", true),
    ("portfolio", "portfolio", "portfolio", false),
    ("business_plan", "business-plan", "business_plan", false),
];

/// An application form's multipart body: its text fields and its files
/// (field, name, bytes). A `diplomas[]` field is `diplomas`.
#[cfg(feature = "uploads")]
async fn multipart_form(
    request: Request,
) -> Result<
    (
        Caller,
        Map<String, Value>,
        Vec<(String, String, axum::body::Bytes)>,
    ),
    Answer,
> {
    let refused = |text: &str| Answer::new(StatusCode::BAD_REQUEST, json!({"detail": text}));
    let (parts, body) = request.into_parts();
    let caller = Caller::of(&parts);
    let boundary = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or_else(|| {
            Answer::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"detail": "Formulaire multipart/form-data attendu."}),
            )
        })?;
    let limits = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(6 * 1024 * 1024));
    let mut form = multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let (mut texts, mut files) = (Map::new(), Vec::new());
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| refused("Formulaire multipart/form-data invalide ou trop volumineux."))?
    {
        let name = field
            .name()
            .unwrap_or_default()
            .trim_end_matches("[]")
            .to_string();
        match field.file_name().map(String::from) {
            Some(file_name) => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| refused("Fichier illisible."))?;
                if !bytes.is_empty() {
                    files.push((name, file_name, bytes));
                }
            }
            None => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| refused("Champ illisible."))?;
                texts.insert(name, Value::String(text));
            }
        }
    }
    Ok((caller, texts, files))
}

/// `method path` of ours with one file, as our upload forms take it
/// (field `fichier`).
#[cfg(feature = "uploads")]
async fn send_file(
    ours: &Ours,
    caller: &Caller,
    method: Method,
    path: &str,
    name: &str,
    bytes: &[u8],
) -> Answer {
    let boundary = format!("apps-{}", ulid::Ulid::new());
    let safe_name: String = name
        .chars()
        .map(|c| if c == '"' || c.is_control() { '_' } else { c })
        .collect();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{safe_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    call_with(
        ours,
        caller,
        method,
        path,
        Some(&content_type),
        Body::from(body),
    )
    .await
}

/// Sends one file to our upload route `kind` as its own form does
/// (field `fichier`): its id, or the answer that refused it.
#[cfg(feature = "uploads")]
async fn upload(
    ours: &Ours,
    caller: &Caller,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> Result<String, Answer> {
    let path = format!("/api/upload/{kind}/");
    let found = send_file(ours, caller, Method::POST, &path, name, bytes).await;
    match found.body["id"].as_str() {
        Some(id) if found.status.is_success() => Ok(id.to_string()),
        _ => Err(found),
    }
}

/// One of our applications as the apps read one.
#[cfg(feature = "uploads")]
fn application(ours: Value) -> Value {
    let Value::Object(ours) = ours else {
        return ours;
    };
    let text = |key: &str| ours.get(key).and_then(Value::as_str).map(String::from);
    let status = mapping::application_status(
        text("statut").as_deref().unwrap_or_default(),
        text("etape").as_deref(),
    );
    let mut apps = mapping::APPLICATION.to_apps(ours);
    apps.insert("status".into(), status.into());
    Value::Object(apps)
}

/// `POST /api/applications/{job,funding,consultation}/create/`: the apps'
/// application forms (multipart), as our upload routes for each file
/// (their checks: type by content, size, owner) and then our `postuler`
/// with their ids (its checks: who may apply, deadline, required CV,
/// amount range...). If applying fails, the files just uploaded are
/// deleted again: nothing is left of a refused form.
#[cfg(feature = "uploads")]
async fn create_application(State(ours): State<Ours>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let Some((_, id_field, segment)) = APPLICATION_FORMS.iter().find(|(p, _, _)| *p == path) else {
        return unknown_kind();
    };
    let (caller, mut texts, files) = match multipart_form(request).await {
        Ok(form) => form,
        Err(refused) => return answer(refused, &mapping::APPLICATION, |v| v),
    };
    let Some(publication) = texts
        .remove(*id_field)
        .and_then(|v| v.as_str().map(String::from))
        .filter(|id| !id.is_empty())
    else {
        return field_error(id_field, "Ce champ est obligatoire.");
    };
    let mut body = Map::new();
    for (apps, ours_field) in [
        ("motivation_letter", "lettre_motivation"),
        ("proposed_methodology", "methodologie_proposee"),
    ] {
        if let Some(text) = texts
            .get(apps)
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
        {
            body.insert(ours_field.into(), text.into());
        }
    }
    if let Some(amount) = texts
        .get("requested_amount")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
    {
        let number = amount
            .trim()
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or_else(|_| amount.into());
        body.insert("montant_demande".into(), number);
    }
    // A candidat's new CV becomes the profile's (our upload route's
    // rule): the one before is put back if the form is refused.
    let previous_cv = if files.iter().any(|(field, ..)| field == "cv") {
        let me = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
        me.body["cv"].as_str().map(String::from)
    } else {
        None
    };
    let mut uploaded = Vec::new();
    for (field, file_name, bytes) in &files {
        let Some((_, kind, ours_field, many)) = APPLICATION_FILES.iter().find(|(f, ..)| f == field)
        else {
            continue;
        };
        match upload(&ours, &caller, kind, file_name, bytes).await {
            Ok(id) => {
                uploaded.push(id.clone());
                if *many {
                    let list = body
                        .entry(ours_field.to_string())
                        .or_insert_with(|| json!([]));
                    list.as_array_mut().expect("a list").push(id.into());
                } else {
                    body.insert(ours_field.to_string(), id.into());
                }
            }
            Err(mut refused) => {
                forget(&ours, &caller, &uploaded, previous_cv.as_deref()).await;
                // The upload's error is on `fichier`: the form's field.
                if let Some(reason) = refused
                    .body
                    .as_object_mut()
                    .and_then(|o| o.remove("fichier"))
                {
                    refused.body[field.as_str()] = reason;
                }
                return answer(refused, &mapping::APPLICATION, |v| v);
            }
        }
    }
    let path = format!("/api/{segment}/{}/postuler/", urlencoding(&publication));
    let found = call(
        &ours,
        &caller,
        Method::POST,
        &path,
        Some(Value::Object(body)),
    )
    .await;
    if !found.status.is_success() {
        forget(&ours, &caller, &uploaded, previous_cv.as_deref()).await;
    }
    answer(found, &mapping::APPLICATION, application)
}

/// Deletes the files a refused form uploaded, and links the profile's
/// CV of before again.
#[cfg(feature = "uploads")]
async fn forget(ours: &Ours, caller: &Caller, ids: &[String], previous_cv: Option<&str>) {
    for id in ids {
        let path = format!("/api/upload/{}/", urlencoding(id));
        let gone = call(ours, caller, Method::DELETE, &path, None).await;
        if !gone.status.is_success() {
            tracing::warn!(upload_id = %id, status = %gone.status, "a refused form's file was left");
        }
    }
    if let Some(cv) = previous_cv {
        let back = call(
            ours,
            caller,
            Method::PUT,
            "/api/auth/profile/",
            Some(json!({ "cv": cv })),
        )
        .await;
        if !back.status.is_success() {
            tracing::warn!(upload_id = %cv, status = %back.status, "the profile's CV was not linked again");
        }
    }
}

/// The admin panel's names of the four kinds: in the decision paths
/// (`offer`...) and the lists' (`job-offers`...), and ours.
const ADMIN_KINDS: &[(&str, &str, &str)] = &[
    ("offer", "job-offers", "offre"),
    ("funding-offer", "funding-offers", "financement"),
    ("scholarship", "scholarships", "bourse"),
    ("consultation-offer", "consultation-offers", "consultation"),
];

/// The 404 of a path segment that names no kind.
fn unknown_kind() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(apps_error(json!({"detail": "Pas trouvé."}), &Fields(&[]))),
    )
        .into_response()
}

/// `POST /api/jobs/admin/{kind}/{id}/approve/`: the panel's approve
/// button, as our `PUT /api/admin/publications/{id}/valider/` (an admin
/// only; audited; the author is told).
async fn approve_publication(
    State(ours): State<Ours>,
    axum::extract::Path((kind, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    let (caller, _) = read!(request);
    let decided = decide_publication(&ours, &caller, &kind, &id, "valider", json!({})).await;
    answer(decided, &mapping::JOB_OFFER, forms::publication)
}

/// `POST /api/jobs/admin/{kind}/{id}/reject/` `{rejection_reason}`: our
/// `PUT …/refuser/` `{motif}` (the reason is required there too).
async fn reject_publication(
    State(ours): State<Ours>,
    axum::extract::Path((kind, id)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    let (caller, body) = read!(request);
    let fields = Fields(&[("rejection_reason", "motif")]);
    let motif = Value::Object(fields.to_ours(body));
    let decided = decide_publication(&ours, &caller, &kind, &id, "refuser", motif).await;
    answer(decided, &fields, forms::publication)
}

/// Our `PUT /api/admin/publications/{id}/<verb>/`, for a publication of
/// the panel's `kind` only: the admins' read of it first (a 404 for an
/// id of another kind, as the panel's URL names one).
async fn decide_publication(
    ours: &Ours,
    caller: &Caller,
    kind: &str,
    id: &str,
    verb: &str,
    body: Value,
) -> Answer {
    let Some((_, _, ours_kind)) = ADMIN_KINDS.iter().find(|(k, _, _)| *k == kind) else {
        return Answer::refused(StatusCode::NOT_FOUND, "Pas trouvé.");
    };
    decide_of_kinds(ours, caller, &[ours_kind], id, verb, body).await
}

/// Our decision on a publication of one of our `kinds` (a 404 for
/// another kind), after the admins' read of it.
async fn decide_of_kinds(
    ours: &Ours,
    caller: &Caller,
    kinds: &[&str],
    id: &str,
    verb: &str,
    body: Value,
) -> Answer {
    let path = format!("/api/admin/publications/{}/", urlencoding(id));
    let read = call(ours, caller, Method::GET, &path, None).await;
    if !read.status.is_success() {
        return read;
    }
    if !kinds.iter().any(|k| read.body["type_publication"] == *k) {
        return Answer::refused(StatusCode::NOT_FOUND, "Pas trouvé.");
    }
    call(
        ours,
        caller,
        Method::PUT,
        &format!("{path}{verb}/"),
        Some(body),
    )
    .await
}

/// `GET /api/jobs/{kind}/admin/all/?status=`: the panel's list of one
/// kind in every state (its default view), as our
/// `GET /api/admin/publications/`; `status` as our two states.
async fn admin_publications(
    State(ours): State<Ours>,
    axum::extract::Path(kind): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Some((_, _, ours_kind)) = ADMIN_KINDS.iter().find(|(_, list, _)| *list == kind) else {
        return unknown_kind();
    };
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::JOB_OFFER, |v| v),
    };
    let mut ours_query: Vec<(&str, String)> = vec![("type_publication", ours_kind.to_string())];
    match mapping::publication_filter(query.get("status").map_or("ALL", String::as_str)) {
        Some((validation, statut)) => {
            ours_query.extend(validation.map(|v| ("statut_validation", v.to_string())));
            ours_query.extend(statut.map(|s| ("statut", s.to_string())));
        }
        // DRAFT (we keep none) or a status we do not know: nothing.
        None => {
            return axum::Json(empty_page()).into_response();
        }
    }
    ours_query.extend(paging.size.clone().map(|s| ("page_size", s)));
    let first = format!(
        "/api/admin/publications/?{}",
        serde_urlencoded::to_string(&ours_query).unwrap_or_default()
    );
    let fields = &mapping::JOB_OFFER;
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        fields,
        forms::publication,
        as_is,
    )
    .await
}

/// An account awaiting validation as the panel's recruiters page reads
/// it: the company, its `user`, and `account_status`.
fn pending_recruiter(ours: Value) -> Value {
    let status = match ours["statut_verification_admin"].as_str() {
        Some("verifie") => "APPROVED",
        Some("refuse") => "REJECTED",
        _ => "PENDING",
    };
    let mut recruiter = user(ours.clone());
    recruiter["user"] = user(ours);
    recruiter["account_status"] = status.into();
    recruiter
}

/// `GET /api/auth/recruiter-validation/`: the recruiters awaiting
/// validation, as our `GET /api/admin/recruteurs-en-attente/`, under each
/// key the panel reads (`recruiters`, `results`).
async fn pending_recruiters(State(ours): State<Ours>, request: Request) -> Response {
    let query = query_of(&request);
    let (caller, _) = read!(request);
    let paging = match page_of(&query) {
        Ok(found) => found,
        Err(refused) => return answer(refused, &mapping::RECRUITER, |v| v),
    };
    let first = match &paging.size {
        Some(size) => format!(
            "/api/admin/recruteurs-en-attente/?page_size={}",
            urlencoding(size)
        ),
        None => "/api/admin/recruteurs-en-attente/".to_string(),
    };
    let (fields, item) = (&mapping::RECRUITER, pending_recruiter);
    list_page(
        &ours,
        &caller,
        first,
        &paging,
        fields,
        item,
        under_recruiters,
    )
    .await
}

/// The reason given when the panel refuses an account: its button asks
/// none, and ours requires one (it is mailed to the account).
pub const PANEL_REFUSAL: &str = "Votre compte n'a pas été validé par l'administration de DestinyJobs. Contactez-nous pour en savoir plus.";

/// `POST /api/auth/recruiter-validation/{id}/` `{action: approve|reject}`:
/// our `PUT /api/admin/recruteurs/{id}/valider/` or `/refuser/` (with
/// the panel's reason, `PANEL_REFUSAL`, unless it sends one).
async fn decide_recruiter(
    State(ours): State<Ours>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let (caller, body) = read!(request);
    let (path, ours_body) = match body.get("action").and_then(Value::as_str) {
        Some("approve") => ("valider", json!({})),
        Some("reject") => {
            let reason = body
                .get("reason")
                .or(body.get("rejection_reason"))
                .and_then(Value::as_str)
                .filter(|r| !r.trim().is_empty())
                .unwrap_or(PANEL_REFUSAL);
            ("refuser", json!({"motif": reason}))
        }
        _ => {
            return field_error("action", "« approve » ou « reject » attendu.");
        }
    };
    let path = format!("/api/admin/recruteurs/{}/{path}/", urlencoding(&id));
    let found = call(&ours, &caller, Method::PUT, &path, Some(ours_body)).await;
    answer(found, &mapping::RECRUITER, pending_recruiter)
}

/// A path segment, percent-encoded (an id is checked by our route).
fn urlencoding(segment: &str) -> String {
    serde_urlencoded::to_string([("", segment)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_string()
}

/// The apps' calls (apps-contract.md) this API does not serve, and
/// why: (method, path, reason). docs/apps-api.md lists the same; a test
/// walks every call of the contract against both.
pub const NOT_SERVED: &[(&str, &str, &str)] = &[
    ("POST", "/api/auth/password/reset/confirm/", LINKS),
    ("GET", "/api/auth/verify-email/{uid}/{token}/", LINKS),
    ("GET", "/api/common/users/search/", DIRECTORY),
    ("GET", "/api/auth/profile/personal-stats/", VIEWS),
    ("GET", "/api/offres/", RELATIVE),
    ("GET", "/api/financements/", RELATIVE),
    ("GET", "/api/bourses/", RELATIVE),
    ("GET", "/api/consultations/", RELATIVE),
    ("GET", "/api/core-admin/stats/system/", METRICS),
    ("GET", "/api/analytics/summary/", METRICS),
    ("GET", "/api/analytics/real-time/", METRICS),
    ("GET", "/api/subscriptions/stats/", SUBSCRIPTIONS),
    ("GET", "/api/blog/{*rest}", BLOG),
    ("POST", "/api/blog/{*rest}", BLOG),
    ("PUT", "/api/blog/{*rest}", BLOG),
];

const LINKS: &str = "les e-mails de vérification et de réinitialisation portent un code (Cognito), pas un lien uid/token : POST /api/auth/verify-email/ et /api/auth/reset-password/confirm/ avec l'e-mail et le code";
const DIRECTORY: &str = "un annuaire public de tous les comptes n'existe pas : les candidats sont cherchés par les recruteurs vérifiés (GET /api/recherche/candidats/), par respect de leur vie privée";
const VIEWS: &str = "les vues de profil ne sont pas comptées";
const RELATIVE: &str = "la page l'appelle en URL relative (ProfilPublic.jsx) : la requête va à l'origine de l'application, jamais à une API";
const METRICS: &str =
    "les métriques de l'hôte et de l'audience relèvent de CloudWatch, pas de l'API";
const SUBSCRIPTIONS: &str = "les abonnements ne sont pas un service de DestinyJobs ici";
const BLOG: &str = "le blog n'est pas un service de DestinyJobs ici";

/// Why `method path` is not served, when it is one of `NOT_SERVED`.
pub fn not_served(method: &str, path: &str) -> Option<&'static str> {
    NOT_SERVED
        .iter()
        .find(|(m, pattern, _)| *m == method && matches_pattern(pattern, path))
        .map(|(_, _, reason)| *reason)
}

/// Whether `path` is one of `pattern`'s (`{x}` is one segment, `{*x}`
/// the rest).
pub(crate) fn matches_pattern(pattern: &str, path: &str) -> bool {
    let mut path_segments = path.trim_matches('/').split('/');
    for expected in pattern.trim_matches('/').split('/') {
        if expected.starts_with("{*") {
            return true;
        }
        match path_segments.next() {
            Some(segment) if expected.starts_with('{') || expected == segment => {}
            _ => return false,
        }
    }
    path_segments.next().is_none()
}

/// A call of the apps that is not served: 501, saying why.
async fn not_yet(method: Method, uri: axum::http::Uri) -> Response {
    let text = match not_served(method.as_str(), uri.path()) {
        Some(reason) => format!(
            "« {method} {} » n'est pas servi par l'API des applications : {reason} (docs/apps-api.md).",
            uri.path()
        ),
        None => format!(
            "« {method} {} » n'est pas (encore) servi par l'API des applications : docs/apps-api.md.",
            uri.path()
        ),
    };
    (
        StatusCode::NOT_IMPLEMENTED,
        axum::Json(json!({"detail": text, "error": text, "message": text})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_not_served_names_its_reason() {
        assert_eq!(not_served("GET", "/api/blog/public/posts/a-b/"), Some(BLOG));
        assert_eq!(
            not_served("GET", "/api/auth/verify-email/12/abc/"),
            Some(LINKS)
        );
        assert_eq!(not_served("GET", "/api/auth/verify-email/12/"), None);
        assert_eq!(not_served("POST", "/api/offres/"), None);
        assert_eq!(not_served("GET", "/api/offres/"), Some(RELATIVE));
    }

    #[test]
    fn a_profile_reads_as_the_apps_user() {
        let ours = json!({"id": "s1", "email": "a@b.ci", "prenom": "Awa", "nom": "K",
            "type_compte": "recruteur", "statut_verification": "verifie", "entreprise": "Acme",
            "taille_entreprise": "500+", "telephone": "+2250700000000"});
        let apps = user(ours);
        assert_eq!(apps["user_type"], "RECRUTEUR");
        assert_eq!(apps["first_name"], "Awa");
        assert_eq!(apps["phone"], "+2250700000000");
        assert_eq!(apps["company_name"], "Acme");
        assert_eq!(apps["company_size"], "ENTERPRISE");
        assert_eq!(apps["email_verified"], true);
        assert_eq!(apps["username"], "a@b.ci");
    }

    #[test]
    fn errors_carry_every_name_the_apps_read() {
        let shown = apps_error(json!({"detail": "Identifiants invalides."}), &mapping::USER);
        for key in ["detail", "error", "message"] {
            assert_eq!(shown[key], "Identifiants invalides.");
        }
        let fields = apps_error(
            json!({"prenom": ["Ce champ est obligatoire."]}),
            &mapping::USER,
        );
        assert_eq!(fields["first_name"], json!(["Ce champ est obligatoire."]));
        assert_eq!(fields["message"], "first_name: Ce champ est obligatoire.");
    }

    #[test]
    fn the_apps_origins_are_allowed_by_default() {
        let origins = default_origins();
        assert!(origins.contains(&"http://localhost:5173".to_string()));
        assert!(origins.contains(&"http://127.0.0.1:4174".to_string()));
        assert_eq!(origins.len(), 8);
    }
}
