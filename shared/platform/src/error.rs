//! One error type for every handler, rendered like Django REST Framework:
//! `{"detail": "..."}` or, for invalid input, `{"field": ["message", ...]}`.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Field name → messages, as DRF's `ValidationError` renders them.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with one or more field errors.
    #[error("invalid fields: {0:?}")]
    Fields(FieldErrors),
    /// 400 with a `detail`.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401; `code` follows SimpleJWT (`token_not_valid`, `not_authenticated`...).
    #[error("unauthenticated: {detail}")]
    Unauthorized { detail: String, code: &'static str },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    /// 404 that says what was not found (an id named in a body).
    #[error("not found: {0}")]
    NotFoundDetail(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    /// 403: a recruiter's monthly publication quota is used up.
    #[error("quota of {quota} reached")]
    Quota {
        detail: String,
        quota: u32,
        reset: time::OffsetDateTime,
    },
    /// 429 with a Retry-After header, in seconds.
    #[error("throttled for {retry_after}s")]
    Throttled { retry_after: u64 },
    /// Anything we did not expect. The cause is logged, never sent.
    #[error("internal: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A single field error.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(name.to_string(), vec![message.into()]);
        ApiError::Fields(errors)
    }

    pub fn unauthorized(detail: impl Into<String>, code: &'static str) -> Self {
        ApiError::Unauthorized {
            detail: detail.into(),
            code,
        }
    }

    /// The 401 for a token that fails any check; one message, so the
    /// response never says which check failed.
    pub fn invalid_token() -> Self {
        Self::unauthorized("Le jeton est invalide ou expiré.", "token_not_valid")
    }

    pub fn forbidden() -> Self {
        ApiError::Forbidden("Vous n'avez pas la permission d'effectuer cette action.".into())
    }

    /// Wraps an unexpected failure (AWS, serialization...) for logging.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        ApiError::Internal(err.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Fields(_) | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Quota { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::NotFoundDetail(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn body(&self) -> serde_json::Value {
        match self {
            ApiError::Fields(errors) => json!(errors),
            ApiError::Unauthorized { detail, code } => json!({ "detail": detail, "code": code }),
            ApiError::Throttled { retry_after } => json!({
                "detail": format!("Requête ralentie. Nouvel essai dans {retry_after} secondes.")
            }),
            ApiError::NotFound => json!({ "detail": "Pas trouvé." }),
            ApiError::Quota {
                detail,
                quota,
                reset,
            } => json!({
                "detail": detail,
                "code": "quota_depasse",
                "quota_publications_mensuel": quota,
                "reinitialisation": crate::text::rfc3339(*reset),
            }),
            ApiError::Internal(_) => json!({ "detail": "Erreur interne du serveur." }),
            ApiError::BadRequest(d)
            | ApiError::Forbidden(d)
            | ApiError::Conflict(d)
            | ApiError::NotFoundDetail(d)
            | ApiError::PayloadTooLarge(d)
            | ApiError::UnsupportedMediaType(d) => json!({ "detail": d }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "internal error");
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        match &self {
            ApiError::Throttled { retry_after } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Unauthorized { .. } => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"api\""),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        ApiError::Fields(crate::validation::field_errors(&errors))
    }
}

impl From<serde_dynamo::Error> for ApiError {
    fn from(err: serde_dynamo::Error) -> Self {
        ApiError::internal(format!("item mapping: {err}"))
    }
}

impl<E, R> From<aws_sdk_dynamodb::error::SdkError<E, R>> for ApiError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    fn from(err: aws_sdk_dynamodb::error::SdkError<E, R>) -> Self {
        // DisplayErrorContext prints the whole chain for the log; the client
        // only ever sees the generic 500 body.
        ApiError::internal(aws_sdk_dynamodb::error::DisplayErrorContext(err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn render(err: ApiError) -> (StatusCode, serde_json::Value, axum::http::HeaderMap) {
        let response = err.into_response();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap(), headers)
    }

    #[tokio::test]
    async fn field_errors_render_as_drf_lists() {
        let (status, body, _) = render(ApiError::field("email", "Ce champ est obligatoire.")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body, json!({"email": ["Ce champ est obligatoire."]}));
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let (status, body, _) =
            render(ApiError::internal("ResourceNotFoundException: table t")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.to_string().contains("ResourceNotFound"));
    }

    #[tokio::test]
    async fn throttled_sets_retry_after() {
        let (status, body, headers) = render(ApiError::Throttled { retry_after: 42 }).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers[header::RETRY_AFTER], "42");
        assert!(body["detail"].as_str().unwrap().contains("42"));
    }
}
