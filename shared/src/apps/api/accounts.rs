//! The apps' account calls that are more than one of ours renamed:
//! registration (then the session the apps expect), the profile form,
//! verification mails, closing every session, the location form.

use super::*;

pub(super) fn routes() -> Router<Ours> {
    let provider = get(provider_profile);
    #[cfg(feature = "uploads")]
    let provider = provider.put(super::profile_forms::provider);
    Router::new()
        .route("/api/auth/register/", post(register).fallback(not_yet))
        .route(
            "/api/auth/request-email-verification/",
            post(request_verification).fallback(not_yet),
        )
        .route(
            "/api/auth/verify-email/",
            post(verify_email).fallback(not_yet),
        )
        .route(
            "/api/auth/sessions/logout-all/",
            post(logout_everywhere).fallback(not_yet),
        )
        .route(
            "/api/auth/sessions/force-logout/",
            post(logout_everywhere).fallback(not_yet),
        )
        .route(
            "/api/auth/profile/location/",
            get(location).put(edit_location).fallback(not_yet),
        )
        .route("/api/auth/profile/provider/", provider.fallback(not_yet))
        .route(
            "/api/auth/profile/candidate/cv/",
            axum::routing::delete(unlink_cv).fallback(not_yet),
        )
}

/// What the apps echo back in their profile forms and no form changes:
/// the account's email is its login (a recruiter's form sends its
/// contact email there, which has no home), its type and its dates.
const ECHOED: &[&str] = &[
    "email",
    "username",
    "user_type",
    "email_verified",
    "id",
    "created_at",
    "updated_at",
    "image",
    "is_staff",
];

/// `PUT /api/auth/profile/`: the profile form, in our names (every
/// account type's fields; ours names any it does not take).
pub(super) async fn edit_profile(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, mut body) = read!(request);
    for key in ECHOED {
        body.remove(*key);
    }
    // The forms send every field, an untouched one empty: none.
    for value in body.values_mut() {
        if value.as_str().is_some_and(|t| t.trim().is_empty()) {
            *value = Value::Null;
        }
    }
    if let Some(Value::String(skills)) = body.get("skills") {
        let words: Vec<Value> = skills
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(Value::from)
            .collect();
        body.insert("skills".into(), Value::Array(words));
    }
    if let Some(size) = body.get("company_size").and_then(Value::as_str) {
        let ours_size = mapping::COMPANY_SIZE
            .to_ours(size)
            .unwrap_or(size)
            .to_string();
        body.insert("company_size".into(), ours_size.into());
    }
    let body = mapping::USER.to_ours(mapping::RECRUITER.to_ours(mapping::CANDIDATE.to_ours(body)));
    let found = call(
        &ours,
        &caller,
        Method::PUT,
        "/api/auth/profile/",
        Some(Value::Object(body)),
    )
    .await;
    answer(found, &profile_fields(), user)
}

/// Every profile table, for naming our field errors.
fn profile_fields() -> Fields {
    Fields(&[
        ("first_name", "prenom"),
        ("last_name", "nom"),
        ("phone", "telephone"),
        ("country", "pays"),
        ("about", "a_propos"),
        ("company_name", "entreprise"),
        ("sector", "secteur_activite"),
        ("company_size", "taille_entreprise"),
        ("website", "site_web"),
        ("skills", "competences"),
        ("years_experience", "experience"),
        ("education", "formation"),
        ("availability", "disponibilite"),
        ("location", "localisation"),
    ])
}

/// `POST /api/auth/register/`: the signup form (`username`, `email`,
/// `password`, `password2`, `user_type`, `phone`, `terms_accepted`) as
/// our registration, then the session the apps expect (`{user, access,
/// refresh}`) when the account may log in at once (where emails are
/// confirmed on registration); else the account alone, to be verified.
async fn register(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, mut body) = read!(request);
    let password = body.get("password").cloned();
    if let Some(again) = body.remove("password2")
        && Some(&again) != password.as_ref()
    {
        return field_error("password2", "Les deux mots de passe diffèrent.");
    }
    if body.remove("terms_accepted") == Some(Value::Bool(false)) {
        return field_error("terms_accepted", "Les conditions doivent être acceptées.");
    }
    // The signup form asks a username and no names, which ours
    // requires: both names start as the username (the profile form
    // changes them). A recruiter's company and a provider's speciality,
    // which it does not ask either, are ours 400 (docs/apps-api.md).
    if let Some(username) = body
        .remove("username")
        .filter(|u| u.as_str().is_some_and(|u| !u.trim().is_empty()))
    {
        for name in ["first_name", "last_name"] {
            body.entry(name).or_insert_with(|| username.clone());
        }
    }
    if body
        .get("phone")
        .and_then(Value::as_str)
        .is_some_and(|p| p.trim().is_empty())
    {
        body.remove("phone");
    }
    if let Some(kind) = body.get("user_type").and_then(Value::as_str) {
        let ours_kind = mapping::USER_TYPE.to_ours(kind).unwrap_or(kind).to_string();
        body.insert("user_type".into(), ours_kind.into());
    }
    let email = body.get("email").cloned();
    let body = mapping::USER.to_ours(mapping::RECRUITER.to_ours(body));
    let created = call(
        &ours,
        &caller,
        Method::POST,
        "/api/auth/register/",
        Some(Value::Object(body)),
    )
    .await;
    if !created.status.is_success() {
        return answer(created, &profile_fields(), |v| v);
    }
    let session = call(
        &ours,
        &caller,
        Method::POST,
        "/api/auth/login/",
        Some(json!({"email": email, "password": password})),
    )
    .await;
    let account = user(created.body);
    if !session.status.is_success() {
        return (StatusCode::CREATED, axum::Json(json!({"user": account}))).into_response();
    }
    let mut out = json!({"user": account});
    out["access"] = session.body["access"].clone();
    out["refresh"] = session.body["refresh"].clone();
    (StatusCode::CREATED, axum::Json(out)).into_response()
}

/// `POST /api/auth/request-email-verification/` (no body, signed in):
/// our `resend-code` for the caller's own email.
async fn request_verification(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let me = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
    if !me.status.is_success() {
        return answer(me, &Fields(&[]), |v| v);
    }
    let body = json!({"email": me.body["email"]});
    let sent = call(
        &ours,
        &caller,
        Method::POST,
        "/api/auth/resend-code/",
        Some(body),
    )
    .await;
    answer(sent, &Fields(&[]), with_message)
}

/// `POST /api/auth/verify-email/`: with a `code`, our verification;
/// with an email alone (what the provider's settings send, meaning
/// "mail me a code"), our `resend-code`.
async fn verify_email(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let path = if body.contains_key("code") {
        "/api/auth/verify-email/"
    } else {
        "/api/auth/resend-code/"
    };
    let done = call(
        &ours,
        &caller,
        Method::POST,
        path,
        Some(Value::Object(body)),
    )
    .await;
    answer(done, &Fields(&[]), with_message)
}

/// `POST /api/auth/sessions/logout-all/` and `…/force-logout/`: every
/// session of the account closed, this one last (our
/// `logout-others`, then `logout`).
async fn logout_everywhere(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let others = call(
        &ours,
        &caller,
        Method::POST,
        "/api/auth/sessions/logout-others/",
        None,
    )
    .await;
    if !others.status.is_success() {
        return answer(others, &Fields(&[]), |v| v);
    }
    let this = call(&ours, &caller, Method::POST, "/api/auth/logout/", None).await;
    answer(this, &Fields(&[]), |mut v| {
        v["force_logout"] = true.into();
        with_message(v)
    })
}

/// `GET /api/auth/profile/location/`: `{country, region, city}` from
/// our profile's `pays`, `region` (and a candidat's `localisation`).
async fn location(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let me = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
    answer(me, &Fields(&[]), |p| located(&p))
}

/// `pays` and `region` as the selects send them (their numbers, or
/// ours) as our ids; what names none goes as sent (ours refuses it).
pub(super) fn place_ids(sent: &mut Map<String, Value>) {
    let data = &crate::reference::get().data;
    if let Some(country) = sent.get("pays").filter(|c| !c.is_null()).cloned() {
        let id = mapping::id_from_number(data.pays.iter().map(|p| p.id.as_str()), &country);
        sent.insert("pays".into(), id.map_or(country, Value::from));
    }
    if let Some(region) = sent.get("region").filter(|r| !r.is_null()).cloned() {
        let country = sent.get("pays").and_then(Value::as_str);
        let regions = data
            .regions
            .iter()
            .filter(|(c, _)| country.is_none_or(|wanted| c.as_str() == wanted))
            .flat_map(|(_, list)| list.iter().map(|r| r.id.as_str()));
        let id = mapping::id_from_number(regions, &region);
        sent.insert("region".into(), id.map_or(region, Value::from));
    }
}

/// A profile's place as the location form reads it: `{country, region,
/// city}`, each reference value as the apps' selects read one.
fn located(profile: &Value) -> Value {
    let mut place = json!({
        "country": profile["pays"],
        "region": profile["region"],
        "city": profile["localisation"],
    });
    mapping::named(&mut place["country"]);
    mapping::named(&mut place["region"]);
    place
}

/// `PUT /api/auth/profile/location/` `{country, region}` (their numbers,
/// or ours): our profile's `pays` and `region` (ours checks that the
/// region is the country's).
async fn edit_location(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, body) = read!(request);
    let fields = Fields(&[
        ("country", "pays"),
        ("region", "region"),
        ("country_id", "pays"),
        ("region_id", "region"),
    ]);
    let mut sent = fields.to_ours(body);
    place_ids(&mut sent);
    let done = call(
        &ours,
        &caller,
        Method::PUT,
        "/api/auth/profile/",
        Some(Value::Object(sent)),
    )
    .await;
    answer(done, &fields, |p| located(&p))
}

/// `GET /api/auth/profile/provider/`: a prestataire's profile (another
/// type has none: 404).
async fn provider_profile(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let found = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
    if found.status.is_success() && found.body["type_compte"] != "prestataire" {
        let refused = Answer::refused(StatusCode::NOT_FOUND, "Ce compte n'a pas ce profil.");
        return answer(refused, &Fields(&[]), |v| v);
    }
    answer(found, &mapping::USER, user)
}

/// `DELETE /api/auth/profile/candidate/cv/`: the profile's CV unlinked
/// (the file stays among the account's files while an application uses
/// it; `DELETE /api/upload/{id}/` deletes it).
async fn unlink_cv(State(ours): State<Ours>, request: Request) -> Response {
    let (caller, _) = read!(request);
    let done = call(
        &ours,
        &caller,
        Method::PUT,
        "/api/auth/profile/",
        Some(json!({"cv": null})),
    )
    .await;
    if done.status.is_success() {
        return StatusCode::NO_CONTENT.into_response();
    }
    answer(done, &Fields(&[]), |v| v)
}
