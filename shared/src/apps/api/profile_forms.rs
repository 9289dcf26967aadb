//! The multipart profile forms (EditerProfil.jsx, recruteur/Profil.jsx,
//! prestataire/Profile.jsx): their text fields to our profile, each
//! file through our upload route of its kind. One table per form.

use super::*;

/// One profile form: the account type it is for, the text fields it
/// stores (the apps' name, ours; every other field it sends has no home
/// and is dropped, docs/apps-api.md), and its files.
pub(super) struct ProfileForm {
    type_compte: &'static str,
    fields: Fields,
    /// Ours that are integers (the form sends text).
    numbers: &'static [&'static str],
    /// (the form's file field, what it becomes).
    files: &'static [(&'static str, FileHome)],
}

#[derive(Clone, Copy)]
enum FileHome {
    /// `PUT /api/upload/<photo|logo>/`: the profile's picture.
    Image(&'static str),
    /// `POST /api/upload/cv/`: ours links a candidat's new CV itself.
    Cv,
    /// `POST /api/upload/document/`, then added to
    /// `documents_verification`.
    Document,
    /// No home here: refused, said so, rather than lost.
    Nowhere,
}

pub(super) const CANDIDATE: ProfileForm = ProfileForm {
    type_compte: "candidat",
    fields: Fields(&[
        ("about", "a_propos"),
        ("years_experience", "experience"),
        ("education", "formation"),
        ("skills", "competences"),
        ("availability", "disponibilite"),
        ("location", "localisation"),
    ]),
    numbers: &["experience"],
    files: &[("image", FileHome::Image("photo")), ("cv", FileHome::Cv)],
};

pub(super) const RECRUITER: ProfileForm = ProfileForm {
    type_compte: "recruteur",
    fields: Fields(&[
        ("company_name", "entreprise"),
        ("description", "description"),
        ("sector", "secteur_activite"),
        ("company_size", "taille_entreprise"),
        ("website", "site_web"),
        ("first_name", "prenom"),
        ("last_name", "nom"),
        ("country_id", "pays"),
        ("region_id", "region"),
    ]),
    numbers: &[],
    files: &[
        ("logo", FileHome::Image("logo")),
        ("company_documents", FileHome::Document),
    ],
};

pub(super) const PROVIDER: ProfileForm = ProfileForm {
    type_compte: "prestataire",
    fields: Fields(&[
        ("first_name", "prenom"),
        ("last_name", "nom"),
        ("phone", "telephone"),
        ("about", "a_propos"),
        ("specializations", "specialite"),
        ("hourly_rate", "tarifs"),
        ("availability", "disponibilite"),
        ("services", "services_offerts"),
    ]),
    numbers: &[],
    files: &[
        ("image", FileHome::Image("photo")),
        ("cv", FileHome::Nowhere),
        ("portfolio", FileHome::Nowhere),
        ("organization_logo", FileHome::Nowhere),
    ],
};

/// The form's texts in our names: only the table's fields, an empty one
/// as none, `skills` (a comma text) as a list, the selects' values as
/// ours.
fn texts_body(form: &ProfileForm, texts: Map<String, Value>) -> Map<String, Value> {
    let mut ours = Map::new();
    for (apps, value) in texts {
        let Some(&(_, field)) = form.fields.0.iter().find(|(a, _)| *a == apps) else {
            continue;
        };
        let text = value.as_str().unwrap_or_default().trim().to_string();
        let value = match field {
            _ if text.is_empty() => Value::Null,
            "competences" | "services_offerts" => Value::Array(
                text.split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(Value::from)
                    .collect(),
            ),
            "taille_entreprise" => mapping::COMPANY_SIZE.to_ours(&text).unwrap_or(&text).into(),
            "disponibilite" => mapping::AVAILABILITY.to_ours(&text).unwrap_or(&text).into(),
            f if form.numbers.contains(&f) => {
                text.parse::<i64>().map_or(Value::from(text), Value::from)
            }
            _ => Value::from(text),
        };
        ours.insert(field.to_string(), value);
    }
    if let Some(sector) = ours
        .get("secteur_activite")
        .filter(|s| !s.is_null())
        .cloned()
    {
        let entries = crate::reference::get()
            .list("secteurs_activite")
            .unwrap_or_default();
        let id = mapping::id_from_number(entries.iter().map(|e| e.id.as_str()), &sector);
        ours.insert("secteur_activite".into(), id.map_or(sector, Value::from));
    }
    super::accounts::place_ids(&mut ours);
    ours
}

async fn save(ours: Ours, form: &'static ProfileForm, request: Request) -> Response {
    let (caller, texts, files) = match multipart_form(request).await {
        Ok(read) => read,
        Err(refused) => return answer(refused, &form.fields, |v| v),
    };
    let me = call(&ours, &caller, Method::GET, "/api/auth/profile/", None).await;
    if !me.status.is_success() {
        return answer(me, &form.fields, |v| v);
    }
    if me.body["type_compte"] != form.type_compte {
        let refused = Answer::refused(StatusCode::NOT_FOUND, "Ce compte n'a pas ce profil.");
        return answer(refused, &form.fields, |v| v);
    }
    // A file with no home is refused before anything is written.
    for (field, ..) in &files {
        if form
            .files
            .iter()
            .any(|(f, home)| f == field && matches!(home, FileHome::Nowhere))
        {
            return field_error(field, "Ce fichier n'a pas de place dans le profil ici.");
        }
    }
    let delete_image = texts.get("image_delete").and_then(Value::as_str) == Some("true");
    let mut body = texts_body(form, texts);
    let mut documents = None;
    for (field, name, bytes) in &files {
        let Some((_, home)) = form.files.iter().find(|(f, _)| f == field) else {
            continue;
        };
        let sent = match home {
            FileHome::Image(slot) => {
                let path = format!("/api/upload/{slot}/");
                send_file(&ours, &caller, Method::PUT, &path, name, bytes).await
            }
            FileHome::Cv => {
                send_file(&ours, &caller, Method::POST, "/api/upload/cv/", name, bytes).await
            }
            FileHome::Document => {
                let sent = send_file(
                    &ours,
                    &caller,
                    Method::POST,
                    "/api/upload/document/",
                    name,
                    bytes,
                )
                .await;
                if let Some(id) = sent.body["id"]
                    .as_str()
                    .filter(|_| sent.status.is_success())
                {
                    let list = documents.get_or_insert_with(|| {
                        me.body["documents_verification"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                    });
                    list.push(Value::from(id));
                }
                sent
            }
            FileHome::Nowhere => continue,
        };
        if !sent.status.is_success() {
            let mut refused = sent;
            // The upload's error is on `fichier`: the form's field.
            if let Some(reason) = refused
                .body
                .as_object_mut()
                .and_then(|o| o.remove("fichier"))
            {
                refused.body[field.as_str()] = reason;
            }
            return answer(refused, &form.fields, |v| v);
        }
    }
    if delete_image && !files.iter().any(|(f, ..)| f == "image") {
        let done = call(&ours, &caller, Method::DELETE, "/api/upload/photo/", None).await;
        if !done.status.is_success() && done.status != StatusCode::NOT_FOUND {
            return answer(done, &form.fields, |v| v);
        }
    }
    if let Some(documents) = documents {
        body.insert("documents_verification".into(), Value::Array(documents));
    }
    let saved = call(
        &ours,
        &caller,
        Method::PUT,
        "/api/auth/profile/",
        Some(Value::Object(body)),
    )
    .await;
    answer(saved, &form.fields, user)
}

pub(super) async fn candidate(State(ours): State<Ours>, request: Request) -> Response {
    save(ours, &CANDIDATE, request).await
}

pub(super) async fn recruiter(State(ours): State<Ours>, request: Request) -> Response {
    save(ours, &RECRUITER, request).await
}

pub(super) async fn provider(State(ours): State<Ours>, request: Request) -> Response {
    save(ours, &PROVIDER, request).await
}
