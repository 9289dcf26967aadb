//! The local stack: AWS configuration for an emulator, the configuration
//! the functions get, and the whole API merged into one Router.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use shared::{Config, Services};

use crate::bootstrap::{self, Resources};

pub const DEFAULT_REGION: &str = "eu-west-3";
pub const DEFAULT_STACK: &str = "destinyjobs-local";
pub const DEFAULT_ADMIN_EMAIL: &str = "admin@destinyjobs.local";
pub const DEFAULT_ADMIN_PASSWORD: &str = "Admin-Dev-2026!";

/// The project root (where template.yaml is).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("infra has a parent")
        .to_path_buf()
}

/// AWS configuration pointing at `endpoint`, with the emulator's dummy
/// credentials unless real ones are set.
pub async fn sdk_config(endpoint: &str, region: &str) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(shared::http_client())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new(region.to_string()));
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        loader = loader.credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "local",
        ));
    }
    loader.load().await
}

/// Creates the template's resources in the emulator.
pub async fn bootstrap(
    sdk: &aws_config::SdkConfig,
    stack: &str,
) -> Result<Resources, bootstrap::BootstrapError> {
    let template = bootstrap::load(&project_root().join("template.yaml"))?;
    bootstrap::apply(sdk, &template, stack).await
}

/// The functions' configuration for a local stack: the bootstrap's ids,
/// the emulator's JWKS, local defaults; any variable in `get` wins.
pub fn config(
    endpoint: &str,
    region: &str,
    res: &Resources,
    get: impl Fn(&str) -> Option<String>,
) -> Result<Config, shared::config::ConfigError> {
    let endpoint = endpoint.trim_end_matches('/').to_string();
    let computed = move |key: &str| -> Option<String> {
        match key {
            "APP_ENV" => Some("local".into()),
            "AWS_REGION" => Some(region.into()),
            "TABLE_NAME" => Some(res.table_name.clone()),
            "USER_POOL_ID" => Some(res.user_pool_id.clone()),
            "USER_POOL_CLIENT_ID" => Some(res.user_pool_client_id.clone()),
            "JWKS_URL" => Some(format!(
                "{endpoint}/{}/.well-known/jwks.json",
                res.user_pool_id
            )),
            "AUTO_CONFIRM_EMAIL" => Some("true".into()),
            "CORS_ALLOWED_ORIGINS" => Some("http://localhost:5173,http://127.0.0.1:5173".into()),
            _ => None,
        }
    };
    Config::from_lookup(|key| get(key).or_else(|| computed(key)))
}

/// Every area's Router merged into one, as API Gateway would route them.
pub fn app(config: Config, sdk: &aws_config::SdkConfig) -> Router {
    let services: Arc<Services> = Services::new(config.clone(), sdk);
    let api = Router::new()
        .merge(auth::router(auth::AuthState::new(services, sdk)))
        .merge(docs::router());
    shared::http::conventions(api, &config)
}

/// Creates or repairs the admin account.
pub async fn ensure_admin(
    sdk: &aws_config::SdkConfig,
    config: &Config,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let store = shared::store::Store::new(
        aws_sdk_dynamodb::Client::new(sdk),
        config.table_name.clone(),
    );
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(sdk);
    shared::accounts::ensure_admin(&store, &cognito, config, email, password)
        .await
        .map_err(|e| format!("admin account: {e}"))
}

/// The environment a function process needs to run against this stack
/// (what template.yaml sets in AWS, plus the emulator's endpoint).
pub fn function_env(config: &Config, endpoint: &str) -> Vec<(String, String)> {
    [
        ("APP_ENV", "local".to_string()),
        ("AWS_REGION", config.region.clone()),
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
        ("TABLE_NAME", config.table_name.clone()),
        ("USER_POOL_ID", config.user_pool_id.clone()),
        ("USER_POOL_CLIENT_ID", config.user_pool_client_id.clone()),
        ("JWKS_URL", config.jwks_url.clone()),
        ("AUTO_CONFIRM_EMAIL", config.auto_confirm_email.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The variables `cargo lambda watch` needs to run the same functions
/// against the same emulator (`make watch` reads them).
pub fn write_env_file(config: &Config, endpoint: &str) -> std::io::Result<()> {
    let text: String = function_env(config, endpoint)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    std::fs::write(project_root().join(".local.env"), text)
}
