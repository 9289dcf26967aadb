//! What every DestinyJobs function shares: configuration, errors, auth,
//! the table, pagination, HTTP conventions and the business rules.

#[cfg(feature = "cognito")]
pub mod accounts;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod config;
pub mod cursor;
pub mod docs;
pub mod error;
pub mod events;
pub mod figures;
pub mod http;
pub mod json;
pub mod logs;
pub mod mail;
pub mod messages;
pub mod metrics;
pub mod monitoring;
pub mod notifications;
pub mod page;
pub mod publications;
pub mod review;
pub mod search;
pub mod sessions;
pub mod stats;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod throttle;
pub mod uploads;
pub mod users;
pub mod validation;

use std::sync::Arc;

pub use config::Config;
pub use error::{ApiError, ApiResult};

/// Built once per cold start and shared by every request.
pub struct Services {
    pub config: Config,
    pub store: store::Store,
    pub verifier: auth::Verifier,
    pub cursors: cursor::CursorCodec,
    /// The bucket of uploads, where the configuration names one.
    #[cfg(feature = "s3")]
    pub files: Option<uploads::files::Files>,
}

impl Services {
    pub fn new(config: Config, sdk: &aws_config::SdkConfig) -> Arc<Self> {
        Arc::new(Services {
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
                .map(|bucket| uploads::files::Files::new(sdk, bucket, config.download_url_ttl)),
            config,
        })
    }
}

#[cfg(feature = "s3")]
impl Services {
    /// The bucket; a 500 (logged) where the function has none configured.
    pub fn files(&self) -> ApiResult<&uploads::files::Files> {
        self.files
            .as_ref()
            .ok_or_else(|| ApiError::internal("UPLOADS_BUCKET is not set"))
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
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
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
    loader.load().await
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
