//! The JSON body extractor: every way a body can be wrong becomes a 4xx
//! with a DRF-style body (415, 413, 400 with `detail`, or field errors).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, FieldErrors};
use crate::validation::REQUIRED;

/// A JSON body, deserialized then validated.
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Validate,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Json(parse(json_value(req, state).await?)?))
    }
}

/// Reads the body as a JSON value, enforcing the content type and size.
pub async fn json_value<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<serde_json::Value, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json"
        && !(essence.starts_with("application/") && essence.ends_with("+json"))
    {
        let shown = if content_type.is_empty() {
            "(aucun)".to_string()
        } else {
            content_type.clone()
        };
        return Err(ApiError::UnsupportedMediaType(format!(
            "Type de média « {shown} » non supporté : utilisez application/json."
        )));
    }
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge("Le corps de la requête est trop volumineux.".into())
        } else {
            ApiError::BadRequest("Corps de requête illisible.".into())
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::BadRequest(format!(
            "Erreur d'analyse JSON - ligne {}, colonne {}.",
            e.line(),
            e.column()
        ))
    })
}

/// Deserializes a JSON value into `T`, naming the fields that failed
/// (keys `T` does not read are left alone).
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    match deserialize_all(value)? {
        (Some(parsed), errors, _) if errors.is_empty() => Ok(parsed),
        (_, errors, _) => Err(ApiError::Fields(errors)),
    }
}

/// Deserializes then validates, reporting every bad field at once: type
/// errors from serde, rule errors from `validator`, and each key `T` does
/// not read (« Champ inconnu. »), so a misspelt field is never silently
/// dropped.
pub fn parse<T: DeserializeOwned + Validate>(value: serde_json::Value) -> Result<T, ApiError> {
    let mut body = Parts::new(value)?;
    let parsed = body.part::<T>();
    body.finish()?;
    parsed.ok_or_else(|| ApiError::Fields(FieldErrors::new()))
}

/// The message of a body key that no field reads: unknown, or written by
/// the platform only.
pub const UNKNOWN_FIELD: &str = "Champ inconnu ou en lecture seule.";

/// One JSON object body read in several parts (an account, then its
/// type's fields; a publication's common fields, then its kind's), each
/// part taking the keys it knows. `finish` reports every error of every
/// part at once, and each key that no part read and that is not declared
/// read-only: a client's misspelt field is a 400 naming it.
pub struct Parts {
    value: serde_json::Value,
    errors: FieldErrors,
    /// Keys no part has read so far (`None` before the first part).
    unread: Option<std::collections::BTreeSet<String>>,
}

impl Parts {
    /// 400 unless the body is a JSON object.
    pub fn new(value: serde_json::Value) -> Result<Parts, ApiError> {
        if !value.is_object() {
            return Err(ApiError::BadRequest(
                "Données invalides : un objet JSON est attendu.".into(),
            ));
        }
        Ok(Parts {
            value,
            errors: FieldErrors::new(),
            unread: None,
        })
    }

    /// The body as sent.
    pub fn value(&self) -> &serde_json::Value {
        &self.value
    }

    /// One part, deserialized and validated; `None` when it has errors
    /// (kept for `finish`).
    pub fn part<T: DeserializeOwned + Validate>(&mut self) -> Option<T> {
        let (parsed, errors, ignored) = match deserialize_all::<T>(self.value.clone()) {
            Ok(found) => found,
            Err(_) => unreachable!("the body is an object"),
        };
        self.unread = Some(match self.unread.take() {
            None => ignored,
            Some(unread) => unread_by_both(&unread, &ignored),
        });
        let complete = errors.is_empty();
        for (field, messages) in errors {
            self.errors.entry(field).or_default().extend(messages);
        }
        let parsed = parsed?;
        if let Err(invalid) = parsed.validate() {
            for (field, messages) in crate::validation::field_errors(&invalid) {
                self.errors.entry(field).or_insert(messages);
            }
            return None;
        }
        complete.then_some(parsed)
    }

    /// Keeps a part parsed another way: its value, or its field errors.
    /// Any other error passes through.
    pub fn keep<T>(&mut self, result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
        collect(result, &mut self.errors)
    }

    /// Marks top-level keys (and what they hold) as read by hand (a tag such as `type_compte`), or as
    /// read-only fields of the resource, accepted and ignored as DRF does.
    pub fn read(&mut self, keys: &[&str]) {
        if let Some(unread) = self.unread.as_mut() {
            unread.retain(|path| !keys.contains(&path.split('.').next().unwrap_or_default()));
        } else {
            let mut unread: std::collections::BTreeSet<String> = self
                .value
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            for key in keys {
                unread.remove(*key);
            }
            self.unread = Some(unread);
        }
    }

    /// Adds an error of its own to the body's.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    /// Whether a part or check has found an error on `field` so far.
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// Every error found, plus one per unread key; `Ok` when there is none.
    pub fn finish(mut self) -> Result<(), ApiError> {
        for key in self.unread.take().unwrap_or_default() {
            self.errors
                .entry(key)
                .or_insert_with(|| vec![UNKNOWN_FIELD.into()]);
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Fields(self.errors))
        }
    }
}

/// The paths that neither of two parts read: a path is unread by a part
/// when it, or a key that holds it, is (`reseaux.x` is unread by a part
/// that ignored `reseaux` whole).
fn unread_by_both(
    a: &std::collections::BTreeSet<String>,
    b: &std::collections::BTreeSet<String>,
) -> std::collections::BTreeSet<String> {
    let covers = |set: &std::collections::BTreeSet<String>, path: &str| {
        set.contains(path)
            || path
                .match_indices('.')
                .any(|(i, _)| set.contains(&path[..i]))
    };
    a.union(b)
        .filter(|path| covers(a, path) && covers(b, path))
        .cloned()
        .collect()
}

type Deserialized<T> = (Option<T>, FieldErrors, std::collections::BTreeSet<String>);

/// serde stops at the first bad field: note it, drop it and go on, so the
/// response lists every bad field, as DRF does. Returns what parses once
/// the bad fields are dropped, and the keys (paths) that `T` does not read.
fn deserialize_all<T: DeserializeOwned>(
    mut value: serde_json::Value,
) -> Result<Deserialized<T>, ApiError> {
    if !value.is_object() {
        return Err(ApiError::BadRequest(
            "Données invalides : un objet JSON est attendu.".into(),
        ));
    }
    let mut errors = FieldErrors::new();
    let mut ignored = std::collections::BTreeSet::new();
    for _ in 0..32 {
        ignored.clear();
        // serde_ignored writes `?` for a value inside an Option.
        let mut note = |path: serde_ignored::Path<'_>| {
            ignored.insert(path.to_string().replace(".?", "").replace("?.", ""));
        };
        let unread = serde_ignored::Deserializer::new(value.clone(), &mut note);
        let attempt = serde_path_to_error::deserialize::<_, T>(unread);
        match attempt {
            Ok(parsed) => return Ok((Some(parsed), errors, ignored)),
            Err(err) => {
                let path = err.path().to_string();
                let (field, message) = describe(&path, &err.into_inner().to_string());
                let top = field
                    .split(['.', '['])
                    .next()
                    .unwrap_or_default()
                    .to_string();
                // A required field dropped for being bad is now missing:
                // its first message says why.
                if errors.contains_key(&field) {
                    break;
                }
                errors.entry(field).or_default().push(message);
                if value.as_object_mut().and_then(|o| o.remove(&top)).is_none() {
                    break;
                }
            }
        }
    }
    Ok((None, errors, ignored))
}

/// Turns a serde message into a field name and a French message.
fn describe(path: &str, message: &str) -> (String, String) {
    // "missing field `email`" is reported at the parent path.
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        let field = if path == "." || path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        return (field, REQUIRED.into());
    }
    let field = if path == "." || path.is_empty() {
        "non_field_errors".to_string()
    } else {
        path.to_string()
    };
    let text = if message.starts_with("invalid type") {
        match message.split("expected ").nth(1) {
            Some(expected) => format!("Type invalide : {} attendu.", french_type(expected)),
            None => "Type invalide.".into(),
        }
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or("");
        format!("« {value} » n'est pas un choix valide.")
    } else {
        "Valeur invalide.".into()
    };
    (field, text)
}

fn french_type(expected: &str) -> &'static str {
    let e = expected.to_ascii_lowercase();
    if e.contains("string") || e.contains("str") {
        "une chaîne"
    } else if e.contains("bool") {
        "un booléen"
    } else if e.contains("integer")
        || e.contains("u32")
        || e.contains("u64")
        || e.contains("i64")
        || e.contains("u16")
        || e.contains("u8")
    {
        "un entier"
    } else if e.contains("f64") || e.contains("number") {
        "un nombre"
    } else if e.contains("sequence") {
        "une liste"
    } else if e.contains("map") || e.contains("struct") {
        "un objet"
    } else {
        "un autre type"
    }
}

/// A JSON body that may be left out: no body (no Content-Type, no length)
/// reads as `{}`. Anything sent is checked like `Json`.
pub struct OptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Validate,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers();
        let no_body = headers.get(header::CONTENT_TYPE).is_none()
            && headers
                .get(header::CONTENT_LENGTH)
                .is_none_or(|v| v.as_bytes() == b"0");
        let value = if no_body {
            serde_json::Value::Object(Default::default())
        } else {
            json_value(req, state).await?
        };
        Ok(OptionalJson(parse(value)?))
    }
}

/// A JSON object body kept as a value, for handlers that parse it in
/// several parts (registration: the account, then the type's fields).
pub struct JsonObject(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = json_value(req, state).await?;
        if !value.is_object() {
            return Err(ApiError::BadRequest(
                "Données invalides : un objet JSON est attendu.".into(),
            ));
        }
        Ok(JsonObject(value))
    }
}

/// Keeps a parsed part of a body, or adds its field errors to `errors`
/// (merged per field) so a response can list every bad field at once. Any
/// other error passes through.
pub fn collect<T>(
    result: Result<T, ApiError>,
    errors: &mut FieldErrors,
) -> Result<Option<T>, ApiError> {
    match result {
        Ok(parsed) => Ok(Some(parsed)),
        Err(ApiError::Fields(found)) => {
            for (field, messages) in found {
                errors.entry(field).or_default().extend(messages);
            }
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        age: Option<u32>,
        tags: Option<Vec<String>>,
    }

    fn fields(err: ApiError) -> FieldErrors {
        match err {
            ApiError::Fields(f) => f,
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn missing_field_is_required() {
        let f = fields(from_value::<Body>(json!({"age": 3})).unwrap_err());
        assert_eq!(f["email"], vec![REQUIRED]);
    }

    #[test]
    fn wrong_type_names_the_field() {
        let f = fields(from_value::<Body>(json!({"email": "a@b.c", "age": "trois"})).unwrap_err());
        assert_eq!(f["age"], vec!["Type invalide : un entier attendu."]);
        let f =
            fields(from_value::<Body>(json!({"email": "a@b.c", "tags": ["a", 2]})).unwrap_err());
        assert!(f.contains_key("tags[1]"), "{f:?}");
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    enum Color {
        Red,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Required {
        color: Color,
        age: u32,
    }

    #[test]
    fn a_bad_required_field_gets_one_message() {
        let f = fields(from_value::<Required>(json!({"color": "Blue", "age": "x"})).unwrap_err());
        assert_eq!(f["color"].len(), 1, "{f:?}");
    }

    #[derive(Deserialize, Debug, Validate)]
    #[allow(dead_code)]
    struct Name {
        nom: Option<String>,
    }

    #[derive(Deserialize, Debug, Validate)]
    #[allow(dead_code)]
    struct Age {
        #[validate(range(max = 150))]
        age: Option<u32>,
    }

    #[test]
    fn a_key_no_field_reads_is_named() {
        let f = fields(parse::<Name>(json!({"nom": "Awa", "first_name": "Awa"})).unwrap_err());
        assert_eq!(f["first_name"], vec![UNKNOWN_FIELD]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(parse::<Name>(json!({"nom": "Awa"})).is_ok());
    }

    #[test]
    fn parts_share_the_keys_and_report_everything_at_once() {
        let mut body = Parts::new(json!({"nom": "Awa", "age": 200, "id": "x", "agee": 3})).unwrap();
        assert!(body.part::<Name>().is_some());
        assert!(body.part::<Age>().is_none(), "age is out of range");
        body.read(&["id"]);
        let f = fields(body.finish().unwrap_err());
        assert_eq!(f["agee"], vec![UNKNOWN_FIELD]);
        assert!(
            f.contains_key("age") && !f.contains_key("nom") && !f.contains_key("id"),
            "{f:?}"
        );
        // A part that fails still reads its keys.
        let mut body = Parts::new(json!({"nom": 3, "age": 2})).unwrap();
        assert!(body.part::<Name>().is_none());
        assert!(body.part::<Age>().is_some());
        let f = fields(body.finish().unwrap_err());
        assert_eq!(f.keys().collect::<Vec<_>>(), vec!["nom"]);
    }

    #[derive(Deserialize, Debug, Validate)]
    #[allow(dead_code)]
    struct Links {
        liens: Option<Name>,
    }

    #[test]
    fn a_nested_key_no_part_reads_is_named_by_its_path() {
        let mut body = Parts::new(json!({"liens": {"nom": "a", "x": 1}, "age": 3})).unwrap();
        assert!(body.part::<Links>().is_some());
        assert!(body.part::<Age>().is_some());
        let f = fields(body.finish().unwrap_err());
        assert_eq!(f.keys().collect::<Vec<_>>(), vec!["liens.x"]);
    }

    #[test]
    fn non_object_is_bad_request() {
        assert!(matches!(
            from_value::<Body>(json!([1, 2])),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn collect_merges_messages_per_field_and_passes_other_errors() {
        let mut errors = FieldErrors::new();
        assert_eq!(collect(Ok::<_, ApiError>(1), &mut errors).unwrap(), Some(1));
        assert!(
            collect::<()>(Err(ApiError::field("nom", "a")), &mut errors)
                .unwrap()
                .is_none()
        );
        assert!(
            collect::<()>(Err(ApiError::field("nom", "b")), &mut errors)
                .unwrap()
                .is_none()
        );
        assert_eq!(errors["nom"], vec!["a", "b"]);
        assert!(matches!(
            collect::<()>(Err(ApiError::NotFound), &mut errors),
            Err(ApiError::NotFound)
        ));
    }
}
