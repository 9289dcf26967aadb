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

/// Deserializes a JSON value into `T`, naming the fields that failed.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    match deserialize_all(value)? {
        (Some(parsed), errors) if errors.is_empty() => Ok(parsed),
        (_, errors) => Err(ApiError::Fields(errors)),
    }
}

/// Deserializes then validates, reporting every bad field at once: type
/// errors from serde and rule errors from `validator` together.
pub fn parse<T: DeserializeOwned + Validate>(value: serde_json::Value) -> Result<T, ApiError> {
    let (parsed, mut errors) = deserialize_all::<T>(value)?;
    if let Some(Err(invalid)) = parsed.as_ref().map(Validate::validate) {
        for (field, messages) in crate::validation::field_errors(&invalid) {
            errors.entry(field).or_insert(messages);
        }
    }
    match parsed {
        Some(parsed) if errors.is_empty() => Ok(parsed),
        _ => Err(ApiError::Fields(errors)),
    }
}

/// serde stops at the first bad field: note it, drop it and go on, so the
/// response lists every bad field, as DRF does. Returns what parses once
/// the bad fields are dropped.
fn deserialize_all<T: DeserializeOwned>(
    mut value: serde_json::Value,
) -> Result<(Option<T>, FieldErrors), ApiError> {
    if !value.is_object() {
        return Err(ApiError::BadRequest(
            "Données invalides : un objet JSON est attendu.".into(),
        ));
    }
    let mut errors = FieldErrors::new();
    for _ in 0..32 {
        match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(parsed) => return Ok((Some(parsed), errors)),
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
    Ok((None, errors))
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
