//! Monitoring (spec 16): one JSON line per request, which is also a
//! CloudWatch Embedded Metric Format record (latency, 4xx, 5xx per
//! function: CloudWatch turns the line into metrics, no API call), and
//! each answered request handed to the domain's log (`RequestLog`), which
//! keeps server errors and slow requests for the admin.
//!
//! Two layers: `access_log` wraps everything a function serves (in
//! `http::conventions`) and writes the line; `record` wraps each area's
//! routes (in `area!`), where the matched route is known, and hands the
//! request to the `RequestLog`. The caller's id reaches the line through a slot the
//! auth extractor fills (`Caller`). The line holds the request id, method,
//! route, path, status, latency and user id: never a header, a token, a
//! query string or a body.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::{ApiError, Services};

/// CloudWatch namespace of the metrics.
pub const NAMESPACE: &str = "DestinyJobs";

/// What the inner layers learn about a request: its route, its caller.
#[derive(Clone, Debug, Default)]
pub struct Caller(Arc<Mutex<Seen>>);

#[derive(Clone, Debug, Default)]
struct Seen {
    route: Option<String>,
    user: Option<String>,
}

impl Caller {
    /// The authenticated caller (the auth extractor calls it).
    pub fn set_user(&self, sub: &str) {
        if let Ok(mut s) = self.0.lock() {
            s.user = Some(sub.into());
        }
    }

    fn set_route(&self, route: &str) {
        if let Ok(mut s) = self.0.lock() {
            s.route = Some(route.into());
        }
    }

    fn seen(&self) -> Seen {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// The function's name in metrics: Lambda's, or `local`.
fn function_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "local".into())
    })
}

/// One request as a log line and an EMF record.
#[derive(Debug)]
pub struct Line<'a> {
    pub function: &'a str,
    pub request_id: &'a str,
    pub method: &'a str,
    pub route: Option<&'a str>,
    pub path: &'a str,
    pub status: u16,
    pub latency_ms: f64,
    pub user: Option<&'a str>,
    pub timestamp_ms: u128,
}

impl Line<'_> {
    /// The JSON object CloudWatch reads (EMF: the `_aws` directive names
    /// the metrics among the keys; the rest are searchable properties).
    pub fn to_json(&self) -> Value {
        let class = |c: u16| u8::from(self.status / 100 == c);
        json!({
            "_aws": {
                "Timestamp": self.timestamp_ms as u64,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Function"]],
                    "Metrics": [
                        {"Name": "Latency", "Unit": "Milliseconds"},
                        {"Name": "4xx", "Unit": "Count"},
                        {"Name": "5xx", "Unit": "Count"}
                    ]
                }]
            },
            "Function": self.function,
            "Latency": (self.latency_ms * 1000.0).round() / 1000.0,
            "4xx": class(4),
            "5xx": class(5),
            "message": "request",
            "request_id": self.request_id,
            "method": self.method,
            "route": self.route,
            "path": self.path,
            "status": self.status,
            "user_id": self.user,
        })
    }
}

/// The outer layer: writes one line per request (when logging is on, see
/// `telemetry::init`).
pub async fn access_log(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let caller = Caller::default();
    request.extensions_mut().insert(caller.clone());
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if crate::telemetry::enabled() {
        let seen = caller.seen();
        let id = response
            .headers()
            .get(&crate::http::X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let line = Line {
            function: function_name(),
            request_id: id,
            method: &method,
            route: seen.route.as_deref(),
            path: &path,
            status: response.status().as_u16(),
            latency_ms: started.elapsed().as_secs_f64() * 1000.0,
            user: seen.user.as_deref(),
            timestamp_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default(),
        };
        println!("{}", line.to_json());
    }
    response
}

/// A request once answered, as the inner layer saw it.
pub struct Answered {
    caller: Option<Caller>,
    /// `GET /api/offres/{id}/`: the method and the matched route.
    pub action: String,
    pub status: u16,
    pub elapsed: std::time::Duration,
    pub request_id: Option<String>,
}

impl Answered {
    /// The caller's id, when the auth extractor saw one. Read only for the
    /// requests the log keeps, not on every request.
    pub fn user(&self) -> Option<String> {
        self.caller.as_ref().and_then(|c| c.seen().user)
    }
}

/// What the domain does with each answered request: its system log keeps
/// server errors and slow requests (`shared::logs::SystemLog`). The
/// platform only measures; it does not know the log.
pub trait RequestLog: Send + Sync + 'static {
    fn record(services: &Services, answered: Answered) -> impl Future<Output = ()> + Send;
}

/// The inner layer, on an area's routes: notes the route, and hands the
/// answered request to the domain's log `L`.
pub async fn record<L: RequestLog>(
    State(services): State<Arc<Services>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let caller = request.extensions().get::<Caller>().cloned();
    if let Some(c) = &caller {
        c.set_route(&route);
    }
    let action = format!("{} {route}", request.method());
    let request_id = request
        .headers()
        .get(&crate::http::X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let budget = request_budget(services.config.request_timeout, &request);
    let response = match tokio::time::timeout(budget, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            ApiError::Unavailable(format!("{action}: no answer within {budget:?}")).into_response()
        }
    };
    let answered = Answered {
        caller,
        action,
        status: response.status().as_u16(),
        elapsed: started.elapsed(),
        request_id,
    };
    // The log's write is bounded too: what is left of the request's time,
    // but at least `LOG_GRACE`, so a request that ran out of time is still
    // recorded when the table answers (inside Lambda the grace fits in the
    // margin kept from the deadline); never more than `LOG_BUDGET`, so a
    // dead table does not double the wait.
    let left = budget
        .saturating_sub(started.elapsed())
        .max(LOG_GRACE)
        .min(LOG_BUDGET);
    if tokio::time::timeout(left, L::record(&services, answered))
        .await
        .is_err()
    {
        tracing::error!(
            event = "log_entry_dropped",
            "the request's log entry was not written in time"
        );
    }
    response
}

/// The longest the request log's write may add to an answer.
const LOG_BUDGET: Duration = Duration::from_secs(1);

/// What is left for this request: the configured limit, or less inside
/// Lambda, where the invocation's deadline (less a margin to answer in)
/// comes first.
fn request_budget(limit: Duration, request: &Request) -> Duration {
    match lambda_deadline(request) {
        Some(deadline) => limit.min(until(deadline).saturating_sub(ANSWER_MARGIN)),
        None => limit,
    }
}

/// The invocation's deadline (ms since the epoch), inside Lambda.
fn lambda_deadline(request: &Request) -> Option<u64> {
    use lambda_http::RequestExt;
    request
        .extensions()
        .lambda_context_ref()
        .map(|c| c.deadline)
        .filter(|d| *d > 0)
}

/// The time left until `deadline` (ms since the epoch).
fn until(deadline: u64) -> Duration {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    Duration::from_millis(deadline.saturating_sub(now_ms))
}

/// Kept from the Lambda deadline to write the log and send the answer.
const ANSWER_MARGIN: Duration = Duration::from_millis(300);
/// What the log's write always has, even after the request's time is up.
const LOG_GRACE: Duration = Duration::from_millis(250);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_is_an_emf_record_with_the_request_fields_only() {
        let line = Line {
            function: "offres",
            request_id: "01JREQ",
            method: "GET",
            route: Some("/api/offres/{id}/"),
            path: "/api/offres/01JX/",
            status: 503,
            latency_ms: 12.3456,
            user: Some("sub-1"),
            timestamp_ms: 1_700_000_000_000,
        }
        .to_json();
        let metrics = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(metrics["Namespace"], NAMESPACE);
        assert_eq!(metrics["Dimensions"], json!([["Function"]]));
        for m in metrics["Metrics"].as_array().unwrap() {
            let name = m["Name"].as_str().unwrap();
            assert!(line[name].is_number(), "{name} has a value");
        }
        assert_eq!(
            (line["5xx"].as_u64(), line["4xx"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(line["Latency"], 12.346);
        assert_eq!(line["Function"], "offres");
        assert_eq!(line["route"], "/api/offres/{id}/");
        assert_eq!(line["user_id"], "sub-1");
        let mut keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "4xx",
                "5xx",
                "Function",
                "Latency",
                "_aws",
                "message",
                "method",
                "path",
                "request_id",
                "route",
                "status",
                "user_id"
            ],
            "nothing else"
        );
    }
}
