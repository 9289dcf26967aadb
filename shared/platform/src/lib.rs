//! The platform every DestinyJobs function stands on: configuration,
//! errors and their HTTP mapping, JSON extraction, the table, pagination
//! and cursors, token verification and sessions, throttling, the HTTP
//! conventions, metrics, monitoring, telemetry, text and validation
//! helpers, and the uploads bucket. It knows no publication, user or
//! application: the domain (`shared`) builds on it, never the reverse
//! (docs/architecture.md).

pub mod auth;
pub mod config;
pub mod cursor;
pub mod docs;
pub mod error;
#[cfg(feature = "s3")]
pub mod files;
pub mod http;
pub mod json;
pub mod metrics;
pub mod monitoring;
pub mod page;
pub mod sessions;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod throttle;
pub mod validation;

use std::sync::Arc;

pub use config::Config;
pub use error::{ApiError, ApiResult};

/// A client built on its first use instead of at cold start, for what
/// most of a function's requests never touch: building one AWS client
/// costs 0.15–0.25 ms of a 3 ms cold start here (bench/report.md, "What a
/// cold start is made of"). Clones share the one client.
pub struct Lazy<C> {
    client: Arc<std::sync::OnceLock<C>>,
    build: Arc<dyn Fn() -> C + Send + Sync>,
}

impl<C> Lazy<C> {
    pub fn new(build: impl Fn() -> C + Send + Sync + 'static) -> Self {
        Lazy {
            client: Arc::new(std::sync::OnceLock::new()),
            build: Arc::new(build),
        }
    }
}

impl<C> Clone for Lazy<C> {
    fn clone(&self) -> Self {
        Lazy {
            client: self.client.clone(),
            build: self.build.clone(),
        }
    }
}

impl<C> std::ops::Deref for Lazy<C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.client.get_or_init(|| (self.build)())
    }
}

/// Built once per cold start and shared by every request.
pub struct Services {
    pub config: Config,
    pub store: store::Store,
    pub verifier: auth::Verifier,
    pub cursors: cursor::CursorCodec,
    /// The bucket of uploads, where the configuration names one.
    #[cfg(feature = "s3")]
    pub files: Option<files::Files>,
    /// The bucket of public images, where the configuration names one.
    #[cfg(feature = "s3")]
    pub images: Option<files::Images>,
}

impl Services {
    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> Arc<Self> {
        let started = std::time::Instant::now();
        config::set_images_url(config.images_url.as_deref());
        // One S3 client for both buckets, built when a request needs it.
        #[cfg(feature = "s3")]
        let s3 = {
            let sdk = sdk.clone();
            Lazy::new(move || files::client(&sdk))
        };
        let services = Arc::new(Services {
            store: store::Store::new(metrics::dynamodb_client(sdk), config.table_name.clone()),
            verifier: auth::Verifier::new(
                config.jwks_url.clone(),
                config.token_issuer.clone(),
                config.user_pool_client_id.clone(),
            ),
            cursors: cursor::CursorCodec::new(&config.cursor_secret),
            #[cfg(feature = "s3")]
            files: config
                .uploads_bucket
                .clone()
                .map(|bucket| files::Files::new(s3.clone(), bucket, config.download_url_ttl)),
            #[cfg(feature = "s3")]
            images: config
                .images_bucket
                .clone()
                .map(|bucket| files::Images::new(s3, bucket)),
            config,
        });
        telemetry::startup::record(&telemetry::startup::SERVICES_US, started);
        services
    }
}

#[cfg(feature = "s3")]
impl Services {
    /// The bucket; a 500 (logged) where the function has none configured.
    pub fn files(&self) -> ApiResult<&files::Files> {
        self.files
            .as_ref()
            .ok_or_else(|| ApiError::internal("UPLOADS_BUCKET is not set"))
    }

    /// The images bucket; a 500 (logged) where none is configured.
    pub fn images(&self) -> ApiResult<&files::Images> {
        self.images
            .as_ref()
            .ok_or_else(|| ApiError::internal("IMAGES_BUCKET is not set"))
    }
}

/// The AWS configuration from the environment (region, credentials, and
/// `AWS_ENDPOINT_URL` for an emulator), built for a fast cold start:
/// - TLS trusts the Amazon Trust Services roots compiled in
///   (`certs/aws-roots.pem`), instead of parsing every system root
///   certificate at start-up (~3 ms here); `TLS_NATIVE_ROOTS=true` restores
///   the system roots (say, for an emulator behind another CA);
/// - inside Lambda, region and credentials come from the environment
///   variables Lambda sets, so the provider chains (profile files, IMDS,
///   SSO) are not built.
pub async fn aws_config() -> aws_config::SdkConfig {
    let started = std::time::Instant::now();
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(timeouts(|name| std::env::var(name).ok()));
    if std::env::var("TLS_NATIVE_ROOTS").as_deref() != Ok("true") {
        loader = loader.http_client(http_client());
    }
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        loader = loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        );
        if let Ok(region) = std::env::var("AWS_REGION") {
            loader = loader.region(aws_config::Region::new(region));
        }
    }
    let sdk = loader.load().await;
    telemetry::startup::record(&telemetry::startup::SDK_US, started);
    sdk
}

/// The time limits of every AWS client, so a dead or slow dependency
/// fails a request in bounded time (then a 503, `ApiError::Unavailable`):
/// - `AWS_CONNECT_TIMEOUT_MS` (default 1000): to open a connection;
/// - `AWS_ATTEMPT_TIMEOUT_MS` (3000): one attempt, connection included;
/// - `AWS_OPERATION_TIMEOUT_MS` (7000): a call with all its retries (the
///   SDK's standard mode: 3 attempts, exponential backoff).
///
/// `REQUEST_TIMEOUT_MS` (`Config::request_timeout`) bounds the whole
/// request, and inside Lambda the invocation's own deadline does too.
pub fn timeouts(get: impl Fn(&str) -> Option<String>) -> aws_config::timeout::TimeoutConfig {
    let ms = |name: &str, default: u64| {
        std::time::Duration::from_millis(
            get(name)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(default),
        )
    };
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(ms("AWS_CONNECT_TIMEOUT_MS", 1000))
        .operation_attempt_timeout(ms("AWS_ATTEMPT_TIMEOUT_MS", 3000))
        .operation_timeout(ms("AWS_OPERATION_TIMEOUT_MS", 7000))
        .build()
}

/// The SDK's HTTPS client, trusting the Amazon roots only.
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    let trust = tls::TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(include_bytes!("../certs/aws-roots.pem").as_slice());
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(
            tls::TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .expect("TLS context"),
        )
        .build_https()
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    #[test]
    fn a_lazy_client_is_built_once_on_first_use_and_shared_by_clones() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static BUILT: AtomicUsize = AtomicUsize::new(0);
        let lazy = super::Lazy::new(|| {
            BUILT.fetch_add(1, Ordering::SeqCst);
            String::from("client")
        });
        let clone = lazy.clone();
        assert_eq!(BUILT.load(Ordering::SeqCst), 0, "built before any use");
        assert_eq!(clone.len(), 6);
        assert_eq!(*lazy, "client");
        assert_eq!(BUILT.load(Ordering::SeqCst), 1, "built once for both");
    }

    /// The layers (#16): the platform depends on no crate of this
    /// workspace, so no platform module can import a domain one (the
    /// compiler refuses the path, Cargo refuses the cycle).
    #[test]
    fn the_platform_depends_on_no_workspace_crate() {
        let workspace = include_str!("../../../Cargo.toml");
        let members: Vec<&str> = workspace
            .lines()
            .filter(|line| line.contains("{ path = "))
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        assert!(members.contains(&"shared"), "{members:?}");
        let manifest = include_str!("../Cargo.toml");
        let dependencies = manifest.split("[dependencies]").nth(1).unwrap();
        for line in dependencies.lines().map(str::trim) {
            let name = line.split(['.', ' ', '=']).next().unwrap_or("");
            assert!(
                !line.contains("path =") && !members.contains(&name),
                "the platform depends on a workspace crate: {line}"
            );
        }
    }

    #[test]
    fn the_embedded_aws_roots_are_five_der_certificates() {
        let pem = include_str!("../certs/aws-roots.pem");
        let blocks: Vec<&str> = pem
            .split("-----BEGIN CERTIFICATE-----")
            .skip(1)
            .map(|b| b.split("-----END CERTIFICATE-----").next().unwrap())
            .collect();
        assert_eq!(blocks.len(), 5);
        for block in blocks {
            let der = base64::engine::general_purpose::STANDARD
                .decode(block.split_whitespace().collect::<String>())
                .unwrap();
            assert_eq!(&der[..2], &[0x30, 0x82], "an X.509 SEQUENCE");
        }
    }
}
