//! One error type for every handler, rendered like Django REST Framework:
//! `{"detail": "..."}` or, for invalid input, `{"field": ["message", ...]}`.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
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
    /// 503 with Retry-After: a dependency (DynamoDB, Cognito, S3, SNS,
    /// SES) failed after the SDK's retries (refused, timed out, throttled,
    /// or a 5xx), or the request ran out of time. The cause is logged.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything we did not expect. The cause is logged, never sent.
    #[error("internal: {0}")]
    Internal(String),
}

/// The raw answer of every AWS SDK's calls (`SdkError<E, HttpResponse>`).
pub type HttpResponse = aws_smithy_runtime_api::http::Response;

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_UNAVAILABLE: u64 = 5;

/// Error codes AWS services answer when they are overloaded or throttle
/// (the SDK's own retry classifier's list, less Cognito's
/// `LimitExceededException`, which is a per-account limit the handlers
/// map themselves).
const TRANSIENT_CODES: [&str; 15] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "RequestTimeout",
    "RequestTimeoutException",
    "ServiceUnavailable",
];

/// True when an AWS call failed because the service could not serve it
/// (after the SDK's retries): no connection, a timeout, an unreadable
/// answer (an HTML 500 page), a 5xx, or throttling. Not a refusal of the
/// request itself (a failed condition, a bad parameter), which is ours.
pub fn is_unavailable<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(ctx) => {
            ctx.raw().status().is_server_error()
                || ctx
                    .err()
                    .code()
                    .is_some_and(|code| TRANSIENT_CODES.contains(&code))
        }
        _ => false,
    }
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
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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
            ApiError::Unavailable(_) => json!({
                "detail": "Service momentanément indisponible. Réessayez dans quelques secondes.",
                "code": "service_indisponible",
            }),
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
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            ApiError::Unavailable(cause) => {
                tracing::error!(error = %cause, event = "dependency_unavailable", "a dependency failed")
            }
            _ => {}
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        match &self {
            ApiError::Throttled { retry_after } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Unavailable(_) => {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(RETRY_AFTER_UNAVAILABLE),
                );
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

/// Any AWS SDK's error (they share `SdkError`): a 503 when the service
/// was unavailable (`is_unavailable`), else a 500. DisplayErrorContext
/// prints the whole chain for the log; the client only sees the generic
/// body of either.
impl<E> From<SdkError<E, HttpResponse>> for ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn from(err: SdkError<E, HttpResponse>) -> Self {
        let unavailable = is_unavailable(&err);
        let cause = aws_sdk_dynamodb::error::DisplayErrorContext(err).to_string();
        if unavailable {
            ApiError::Unavailable(cause)
        } else {
            ApiError::Internal(cause)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SDK error as DynamoDB's client would return it.
    fn service_error(
        status: u16,
        code: &str,
    ) -> SdkError<aws_sdk_dynamodb::operation::get_item::GetItemError, HttpResponse> {
        use aws_sdk_dynamodb::operation::get_item::GetItemError;
        let meta = aws_smithy_types::error::ErrorMetadata::builder()
            .code(code)
            .build();
        let raw = HttpResponse::new(
            status.try_into().unwrap(),
            aws_smithy_types::body::SdkBody::empty(),
        );
        SdkError::service_error(GetItemError::generic(meta), raw)
    }

    #[test]
    fn a_dependency_that_cannot_serve_is_a_503_and_a_refusal_is_not() {
        let unavailable = |e| matches!(ApiError::from(e), ApiError::Unavailable(_));
        assert!(unavailable(service_error(500, "InternalServerError")));
        assert!(unavailable(service_error(503, "ServiceUnavailable")));
        assert!(unavailable(service_error(
            400,
            "ProvisionedThroughputExceededException"
        )));
        assert!(unavailable(service_error(400, "ThrottlingException")));
        assert!(unavailable(SdkError::timeout_error("no answer")));
        assert!(!unavailable(service_error(
            400,
            "ConditionalCheckFailedException"
        )));
        assert!(!unavailable(service_error(400, "ValidationException")));
    }

    #[tokio::test]
    async fn a_503_says_when_to_retry_and_hides_its_cause() {
        let (status, body, headers) = render(ApiError::Unavailable(
            "dispatch failure: 127.0.0.1:4566".into(),
        ))
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers[header::RETRY_AFTER], "5");
        assert_eq!(body["code"], "service_indisponible");
        assert!(!body.to_string().contains("4566"));
    }

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
