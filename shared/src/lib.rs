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

    /// The platform modules, which must not know the domain (#16: they
    /// become a crate of their own).
    const PLATFORM: &[&str] = &[
        "lib",
        "config",
        "error",
        "http",
        "json",
        "store",
        "page",
        "cursor",
        "auth",
        "sessions",
        "throttle",
        "metrics",
        "monitoring",
        "telemetry",
        "validation",
        "text",
        "docs",
    ];

    /// The domain modules and slices.
    const DOMAIN: &[&str] = &[
        "users",
        "accounts",
        "publications",
        "applications",
        "review",
        "messages",
        "notifications",
        "events",
        "mail",
        "search",
        "stats",
        "figures",
        "uploads",
        "audit",
        "logs",
    ];

    /// The platform → domain imports left to undo when the platform moves
    /// into its own crate (#16); none may be added.
    const NOT_YET_UNDONE: &[(&str, &str)] = &[
        // the admin log entries of server errors and slow requests
        ("monitoring", "logs"),
        // `Services` holds the uploads bucket
        ("lib", "uploads"),
    ];

    /// The modules a source file names through `crate::`, including those
    /// of a `use crate::{a, b::c}` group.
    fn crate_imports(source: &str) -> std::collections::BTreeSet<String> {
        let mut found = std::collections::BTreeSet::new();
        for (i, _) in source.match_indices("crate::") {
            let rest = &source[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // the group's top-level parts; a nested `b::{c, d}` names b
                let (mut depth, mut part) = (0, String::new());
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            found.insert(part.trim().split("::").next().unwrap_or("").into());
                            part.clear();
                        }
                        _ if depth == 0 => part.push(c),
                        _ => {}
                    }
                }
                found.insert(part.trim().split("::").next().unwrap_or("").into());
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        }
        found
    }

    #[test]
    fn crate_imports_reads_paths_and_groups() {
        let found = crate_imports(concat!(
            "use cr",
            "ate::{Services, stats::x};\nlet a = cr",
            "ate::logs::f();\n",
            "use cr",
            "ate::{store::{self, Store}, users};"
        ));
        for name in ["Services", "stats", "logs", "store", "users"] {
            assert!(found.contains(name), "{name} in {found:?}");
        }
        assert!(!found.contains("Store"), "{found:?}");
    }

    #[test]
    fn no_platform_module_imports_a_domain_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        for module in PLATFORM {
            let source = std::fs::read_to_string(dir.join(format!("{module}.rs"))).unwrap();
            for used in crate_imports(&source) {
                if DOMAIN.contains(&used.as_str())
                    && !NOT_YET_UNDONE.contains(&(module, used.as_str()))
                {
                    wrong.push(format!("{module} imports {used}"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "platform modules import the domain: {wrong:?}"
        );
        let mut modules: Vec<&str> = PLATFORM.iter().chain(DOMAIN).copied().collect();
        modules.sort();
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.trim_end_matches(".rs").to_string()
            })
            .collect();
        on_disk.sort();
        assert_eq!(modules, on_disk, "each module is either platform or domain");
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
