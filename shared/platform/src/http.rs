//! What every area's Router gets: request ids, JSON access logs, CORS, the
//! body size limit, DRF-style 404/405, and the Lambda entry point.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::ApiError;

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: API Gateway's own id inside Lambda, else a new ULID. A
/// client-sent `X-Request-Id` is kept (tower-http does not overwrite it).
#[derive(Clone, Copy, Default)]
struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, request: &http::Request<B>) -> Option<RequestId> {
        let id = match request
            .extensions()
            .get::<lambda_http::request::RequestContext>()
        {
            Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
            _ => None,
        }
        .unwrap_or_else(|| ulid::Ulid::new().to_string());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Wraps an area's routes with the conventions shared by every function.
pub fn conventions(router: Router, config: &Config) -> Router {
    let router = router
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|method: Method| async move {
            let mut response = axum::Json(serde_json::json!({
                "detail": format!("Méthode « {method} » non autorisée.")
            }))
            .into_response();
            *response.status_mut() = http::StatusCode::METHOD_NOT_ALLOWED;
            response
        })
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(cors(config))
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID.clone()))
        // Every other log line of the request carries its id (the span);
        // the request's own line is `monitoring::access_log`'s.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get(&X_REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(())
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn(crate::monitoring::access_log))
        .layer(SetRequestIdLayer::new(X_REQUEST_ID.clone(), MakeId));
    // Outermost, so the timing covers every other layer too.
    if config.server_timing {
        router.layer(axum::middleware::from_fn(crate::metrics::server_timing))
    } else {
        router
    }
}

fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .cors_allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            X_REQUEST_ID.clone(),
        ])
        .expose_headers([X_REQUEST_ID.clone(), header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// The client's address: API Gateway's source IP in Lambda; locally the
/// peer address, or the first `X-Forwarded-For` hop when trusted.
pub fn client_ip(parts: &http::request::Parts, trust_forwarded_for: bool) -> String {
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) = parts.extensions.get()
        && let Some(ip) = &ctx.http.source_ip
    {
        return ip.clone();
    }
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| trust_forwarded_for && !v.is_empty());
    if let Some(first) = forwarded {
        return first.to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The caller's address (`client_ip`), for per-client limits.
pub struct ClientIp(pub String);

impl<S> axum::extract::FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    std::sync::Arc<crate::Services>: axum::extract::FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let services: std::sync::Arc<crate::Services> = axum::extract::FromRef::from_ref(state);
        Ok(ClientIp(client_ip(
            parts,
            services.config.trust_forwarded_for,
        )))
    }
}

/// API Gateway puts a named stage in the path (`/v1/api/...`); lambda_http
/// keeps it. Routes are stage-free, so strip it before routing.
pub fn strip_stage<B>(mut request: http::Request<B>) -> http::Request<B> {
    let stage = match request
        .extensions()
        .get::<lambda_http::request::RequestContext>()
    {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => ctx.stage.clone(),
        _ => None,
    };
    if let Some(stage) = stage.filter(|s| s != "$default") {
        let prefix = format!("/{stage}");
        let uri = request.uri();
        if let Some(rest) = uri
            .path()
            .strip_prefix(&prefix)
            .filter(|r| r.starts_with('/'))
        {
            let rebuilt = match uri.query() {
                Some(q) => format!("{rest}?{q}"),
                None => rest.to_string(),
            };
            if let Ok(new_uri) = rebuilt.parse() {
                *request.uri_mut() = new_uri;
            }
        }
    }
    request
}

/// In Lambda the request id is API Gateway's own: a caller-sent
/// `X-Request-Id` is dropped so it cannot spoof log correlation.
pub fn lambda_request<B>(request: http::Request<B>) -> http::Request<B> {
    let mut request = strip_stage(request);
    if request
        .extensions()
        .get::<lambda_http::request::RequestContext>()
        .is_some()
    {
        request.headers_mut().remove(&X_REQUEST_ID);
    }
    request
}

/// The service Lambda runs: the Router behind `lambda_request`.
pub fn lambda_service(
    router: Router,
) -> impl tower::Service<
    lambda_http::Request,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send + 'static,
> + Clone
+ Send
+ 'static {
    tower::ServiceBuilder::new()
        .map_request(lambda_request::<lambda_http::Body>)
        .service(router)
}

/// main() of every HTTP function.
pub async fn run_lambda(router: Router) -> Result<(), lambda_http::Error> {
    let service = lambda_service(router);
    crate::telemetry::startup::log();
    lambda_http::run(service).await
}

/// One documented route, served without building its OpenAPI operation:
/// path and methods come from the handler's `#[utoipa::path]`.
pub fn serve<P, H, T, S>(router: Router<S>, handler: H) -> Router<S>
where
    P: utoipa::Path,
    H: axum::handler::Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    use utoipa_axum::PathItemExt;
    let methods = P::methods()
        .iter()
        .fold(axum::routing::MethodRouter::new(), |router, method| {
            router.on(method.to_method_filter(), handler.clone())
        });
    router.route(&P::path(), methods)
}

/// Declares an area's routes once, from its handlers (each with a
/// `#[utoipa::path]`), each answered request going to the log `L` (a
/// `monitoring::RequestLog`; the domain's `shared::area!` names its
/// system log), and generates:
/// - `routes()`: the documented router (utoipa-axum), for the OpenAPI document;
/// - `openapi()`: the area's document;
/// - `router(state)`: the same routes without building the document, which
///   is what Lambda serves (the document is the docs function's job, and
///   building it costs ~0.5 ms of cold start).
#[macro_export]
macro_rules! area {
    ($log:ty; $state:ty; $($handler:ident),+ $(,)?) => {
        /// Every route of the area, with its OpenAPI description.
        pub fn routes() -> utoipa_axum::router::OpenApiRouter<$state> {
            utoipa_axum::router::OpenApiRouter::new() $(.routes(utoipa_axum::routes!($handler)))+
        }

        /// The area's OpenAPI document.
        pub fn openapi() -> utoipa::openapi::OpenApi {
            routes().into_openapi()
        }

        /// The area's routes with their state, each recording its server
        /// errors and slow requests (`monitoring::record`). Whoever serves
        /// them (Lambda, the dev server) wraps them in
        /// `shared::http::conventions` once.
        pub fn router(state: $state) -> axum::Router {
            let services: std::sync::Arc<$crate::Services> = axum::extract::FromRef::from_ref(&state);
            let router = axum::Router::new();
            $(let router = utoipa_axum::paste! { $crate::http::serve::<[<__path_ $handler>], _, _, _>(router, $handler) };)+
            router
                .layer(axum::middleware::from_fn_with_state(services, $crate::monitoring::record::<$log>))
                .with_state(state)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
    use lambda_http::request::RequestContext;

    fn request(path: &str, stage: Option<&str>, source_ip: Option<&str>) -> http::Request<()> {
        let mut ctx = ApiGatewayV2httpRequestContext::default();
        ctx.stage = stage.map(String::from);
        ctx.http.source_ip = source_ip.map(String::from);
        let mut req = http::Request::builder().uri(path).body(()).unwrap();
        req.extensions_mut()
            .insert(RequestContext::ApiGatewayV2(ctx));
        req
    }

    #[test]
    fn named_stages_are_stripped_and_queries_kept() {
        assert_eq!(
            strip_stage(request("/v1/api/auth/profile/?a=1", Some("v1"), None)).uri(),
            "/api/auth/profile/?a=1"
        );
        assert_eq!(
            strip_stage(request("/api/auth/login/", Some("$default"), None)).uri(),
            "/api/auth/login/"
        );
        // A path that merely starts like the stage is left alone.
        assert_eq!(
            strip_stage(request("/v1x/api/", Some("v1"), None)).uri(),
            "/v1x/api/"
        );
        let plain = http::Request::builder().uri("/v1/api/").body(()).unwrap();
        assert_eq!(strip_stage(plain).uri(), "/v1/api/");
    }

    #[test]
    fn lambda_requests_use_api_gateway_request_ids() {
        let mut req = request("/api/", Some("$default"), None);
        req.headers_mut()
            .insert(&X_REQUEST_ID, HeaderValue::from_static("spoofed"));
        assert!(lambda_request(req).headers().get(&X_REQUEST_ID).is_none());
        let local = http::Request::builder()
            .uri("/")
            .header("x-request-id", "mine")
            .body(())
            .unwrap();
        assert_eq!(lambda_request(local).headers()[&X_REQUEST_ID], "mine");
    }

    #[test]
    fn client_ip_prefers_api_gateway_then_trusted_forwarding() {
        let (parts, _) = request("/", None, Some("203.0.113.9")).into_parts();
        assert_eq!(client_ip(&parts, false), "203.0.113.9");
        let mut forwarded = http::Request::builder()
            .uri("/")
            .header("x-forwarded-for", "198.51.100.2, 10.0.0.1")
            .body(())
            .unwrap();
        forwarded
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 5000))));
        let (parts, _) = forwarded.into_parts();
        assert_eq!(client_ip(&parts, true), "198.51.100.2");
        assert_eq!(
            client_ip(&parts, false),
            "127.0.0.1",
            "untrusted headers are ignored"
        );
    }
}
