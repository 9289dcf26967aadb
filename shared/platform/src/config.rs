//! Configuration, read once per cold start from the environment.

use std::time::Duration;

/// Everything a function needs to know about its surroundings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The single DynamoDB table.
    pub table_name: String,
    pub region: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    /// Where the pool's signing keys are published. Defaults to the real
    /// Cognito URL; the emulator serves its own.
    pub jwks_url: String,
    /// The `iss` claim tokens must carry (always the real AWS URL form).
    pub token_issuer: String,
    /// Origins allowed by CORS; empty means no cross-origin access.
    pub cors_allowed_origins: Vec<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Local convenience: confirm emails at registration (no code needed).
    pub auto_confirm_email: bool,
    /// Key that signs pagination cursors.
    pub cursor_secret: Vec<u8>,
    /// How long a login session (and its refresh token) lives.
    pub session_ttl: Duration,
    pub login_throttle: LoginThrottle,
    /// Per-caller limits of the routes that cost money or can be abused.
    pub rate_limits: crate::throttle::RateLimits,
    /// Trust `X-Forwarded-For` for the client address (dev server behind a
    /// proxy or tests); API Gateway's source IP is used in Lambda.
    pub trust_forwarded_for: bool,
    /// Report each request's AWS calls and timing in response headers
    /// (benchmarks, local debugging).
    pub server_timing: bool,
    /// A request slower than this is recorded in the admin log.
    pub slow_request: Duration,
    /// The longest a request may run (`REQUEST_TIMEOUT_MS`, default 30000,
    /// the longest of the API functions' timeouts); inside Lambda the
    /// invocation's deadline, less a margin, comes first (9.7 s in a 10 s
    /// function). Past it the answer is a 503 (`monitoring::record`).
    pub request_timeout: Duration,
    /// The SNS topic domain events are published to (areas that notify).
    pub events_topic_arn: Option<String>,
    /// Sender of every email (an address of the SES identity).
    pub mail_from: Option<String>,
    /// The web app's base URL, for links in notifications.
    pub app_url: String,
    /// SNS platform applications for push, per platform (none: push off).
    pub push_platform_fcm: Option<String>,
    pub push_platform_apns: Option<String>,
    /// The private bucket of uploaded files (the areas that serve files).
    pub uploads_bucket: Option<String>,
    /// Largest uploaded file, in bytes (docs/uploads.md: at most 4 MiB,
    /// what fits a Lambda request once base64-encoded).
    pub upload_max_bytes: usize,
    /// How long a presigned download link works.
    pub download_url_ttl: Duration,
    /// The bucket of profile photos and logos (the uploads function).
    pub images_bucket: Option<String>,
    /// Where the public reads those images: a CDN in front of that
    /// bucket in AWS, the emulator's bucket URL locally (docs/uploads.md).
    pub images_url: Option<String>,
}

/// The public base of image URLs, set once a process has its
/// configuration: images are values of profiles and publications, and
/// their URLs are written wherever those are shown.
static IMAGES_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets the base of image URLs (the first configuration wins: one per
/// process).
pub fn set_images_url(url: Option<&str>) {
    if let Some(url) = url {
        let _ = IMAGES_URL.set(url.to_string());
    }
}

/// The public URL of the image stored under `key`.
pub fn image_url(key: &str) -> String {
    format!("{}/{key}", IMAGES_URL.get().map_or("", String::as_str))
}

/// Failed-login limits: per account and per client address, per window.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    pub max_failures_per_account: u32,
    pub max_failures_per_client: u32,
    pub window: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("missing environment variable {0}")]
    Missing(&'static str),
    #[error("invalid value for {name}: {value:?}")]
    Invalid { name: &'static str, value: String },
}

/// The development defaults that are safe to print; never used in AWS
/// (APP_ENV=local turns them on).
const LOCAL_CURSOR_SECRET: &str = "local-dev-cursor-secret-not-for-production";
const LOCAL_MAIL_FROM: &str = "DestinyJobs <noreply@destinyjobs.local>";
const LOCAL_APP_URL: &str = "http://localhost:5173";

/// The largest upload a Lambda request carries: 4 MiB is 5.6 MB once
/// base64-encoded, under the 6 MB synchronous invocation limit.
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the configuration from any key/value source (tests, dev server).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            get(name)
                .filter(|v| !v.is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let parse_num = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| ConfigError::Invalid { name, value: v }),
            }
        };
        let parse_bool = |name: &'static str| -> Result<bool, ConfigError> {
            match get(name).as_deref().map(str::trim) {
                None | Some("") | Some("false") | Some("0") => Ok(false),
                Some("true") | Some("1") => Ok(true),
                Some(v) => Err(ConfigError::Invalid {
                    name,
                    value: v.into(),
                }),
            }
        };
        let local = get("APP_ENV").as_deref() == Some("local");
        let region = get("AWS_REGION")
            .or_else(|| get("AWS_DEFAULT_REGION"))
            .ok_or(ConfigError::Missing("AWS_REGION"))?;
        let user_pool_id = required("USER_POOL_ID")?;
        let issuer = get("TOKEN_ISSUER").unwrap_or_else(|| {
            format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
        });
        let jwks_url = get("JWKS_URL").unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
        let cursor_secret = match get("CURSOR_SECRET").filter(|s| !s.is_empty()) {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(s) => {
                return Err(ConfigError::Invalid {
                    name: "CURSOR_SECRET",
                    value: format!("{} bytes (need ≥ 32)", s.len()),
                });
            }
            None if local => LOCAL_CURSOR_SECRET.as_bytes().to_vec(),
            None => return Err(ConfigError::Missing("CURSOR_SECRET")),
        };
        let auto_confirm_email = parse_bool("AUTO_CONFIRM_EMAIL")?;
        if auto_confirm_email && !local {
            // Skipping email ownership checks is a local convenience only.
            return Err(ConfigError::Invalid {
                name: "AUTO_CONFIRM_EMAIL",
                value: "true outside APP_ENV=local".into(),
            });
        }
        Ok(Config {
            table_name: required("TABLE_NAME")?,
            region,
            user_pool_client_id: required("USER_POOL_CLIENT_ID")?,
            user_pool_id,
            jwks_url,
            token_issuer: issuer,
            cors_allowed_origins: get("CORS_ALLOWED_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            max_body_bytes: parse_num("MAX_BODY_BYTES", 64 * 1024)? as usize,
            auto_confirm_email,
            cursor_secret,
            session_ttl: Duration::from_secs(parse_num("SESSION_TTL_SECONDS", 30 * 24 * 3600)?),
            login_throttle: LoginThrottle {
                max_failures_per_account: parse_num("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)? as u32,
                max_failures_per_client: parse_num("LOGIN_MAX_FAILURES_PER_CLIENT", 50)? as u32,
                window: Duration::from_secs(parse_num("LOGIN_THROTTLE_WINDOW_SECONDS", 900)?),
            },
            rate_limits: crate::throttle::RateLimits::from_lookup(&get)?,
            trust_forwarded_for: parse_bool("TRUST_X_FORWARDED_FOR")?,
            server_timing: parse_bool("SERVER_TIMING")?,
            slow_request: Duration::from_millis(parse_num("SLOW_REQUEST_MS", 1000)?),
            request_timeout: Duration::from_millis(parse_num("REQUEST_TIMEOUT_MS", 30_000)?),
            events_topic_arn: get("EVENTS_TOPIC_ARN").filter(|v| !v.is_empty()),
            mail_from: get("MAIL_FROM")
                .filter(|v| !v.is_empty())
                .or_else(|| local.then(|| LOCAL_MAIL_FROM.to_string())),
            app_url: match get("APP_URL").filter(|v| !v.is_empty()) {
                Some(url) => url,
                None if local => LOCAL_APP_URL.into(),
                None => return Err(ConfigError::Missing("APP_URL")),
            },
            push_platform_fcm: get("PUSH_PLATFORM_FCM_ARN").filter(|v| !v.is_empty()),
            push_platform_apns: get("PUSH_PLATFORM_APNS_ARN").filter(|v| !v.is_empty()),
            uploads_bucket: get("UPLOADS_BUCKET").filter(|v| !v.is_empty()),
            upload_max_bytes: match parse_num("UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES as u64)? {
                n if n > 0 && n <= MAX_UPLOAD_BYTES as u64 => n as usize,
                n => {
                    return Err(ConfigError::Invalid {
                        name: "UPLOAD_MAX_BYTES",
                        value: format!("{n} (1 to {MAX_UPLOAD_BYTES})"),
                    });
                }
            },
            download_url_ttl: Duration::from_secs(parse_num("DOWNLOAD_URL_TTL_SECONDS", 300)?),
            images_bucket: get("IMAGES_BUCKET").filter(|v| !v.is_empty()),
            images_url: get("IMAGES_URL")
                .map(|v| v.trim().trim_end_matches('/').to_string())
                .filter(|v| !v.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const BASE: &[(&str, &str)] = &[
        ("AWS_REGION", "eu-west-3"),
        ("TABLE_NAME", "t"),
        ("USER_POOL_ID", "eu-west-3_abc"),
        ("USER_POOL_CLIENT_ID", "client"),
        ("APP_ENV", "local"),
    ];

    #[test]
    fn defaults_derive_issuer_and_jwks_from_pool() {
        let c = Config::from_lookup(env(BASE)).unwrap();
        assert_eq!(
            c.token_issuer,
            "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_abc"
        );
        assert_eq!(
            c.jwks_url,
            "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_abc/.well-known/jwks.json"
        );
        assert_eq!(c.max_body_bytes, 65536);
        assert!(c.cors_allowed_origins.is_empty());
        assert!(!c.auto_confirm_email);
    }

    #[test]
    fn cursor_secret_is_required_outside_local() {
        let no_local: Vec<_> = BASE
            .iter()
            .copied()
            .filter(|(k, _)| *k != "APP_ENV")
            .collect();
        assert!(matches!(
            Config::from_lookup(env(&no_local)),
            Err(ConfigError::Missing("CURSOR_SECRET"))
        ));
        let mut no_url = no_local.clone();
        no_url.push(("CURSOR_SECRET", "0123456789abcdef0123456789abcdef"));
        assert!(matches!(
            Config::from_lookup(env(&no_url)),
            Err(ConfigError::Missing("APP_URL"))
        ));
        let mut short = no_local.clone();
        short.push(("CURSOR_SECRET", "short"));
        assert!(matches!(
            Config::from_lookup(env(&short)),
            Err(ConfigError::Invalid { .. })
        ));
    }

    #[test]
    fn lists_and_flags_parse() {
        let mut pairs = BASE.to_vec();
        pairs.push((
            "CORS_ALLOWED_ORIGINS",
            "https://a.example, https://b.example,",
        ));
        pairs.push(("AUTO_CONFIRM_EMAIL", "true"));
        let c = Config::from_lookup(env(&pairs)).unwrap();
        assert_eq!(
            c.cors_allowed_origins,
            vec!["https://a.example", "https://b.example"]
        );
        assert!(c.auto_confirm_email);
        let no_local: Vec<_> = pairs
            .iter()
            .copied()
            .filter(|(k, _)| *k != "APP_ENV")
            .chain([
                ("CURSOR_SECRET", "0123456789abcdef0123456789abcdef"),
                ("APP_URL", "https://app.example"),
            ])
            .collect();
        assert!(matches!(
            Config::from_lookup(env(&no_local)),
            Err(ConfigError::Invalid {
                name: "AUTO_CONFIRM_EMAIL",
                ..
            })
        ));
        pairs.push(("MAX_BODY_BYTES", "lots"));
        assert!(matches!(
            Config::from_lookup(env(&pairs)),
            Err(ConfigError::Invalid {
                name: "MAX_BODY_BYTES",
                ..
            })
        ));
    }
}
