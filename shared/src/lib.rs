//! What every DestinyJobs function shares: configuration, errors, auth,
//! the table, pagination, HTTP conventions and the business rules.

#[cfg(feature = "cognito")]
pub mod accounts;
pub mod auth;
pub mod config;
pub mod cursor;
pub mod docs;
pub mod error;
pub mod http;
pub mod json;
pub mod metrics;
pub mod sessions;
pub mod store;
pub mod telemetry;
pub mod throttle;
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
            config,
        })
    }
}

/// The AWS configuration from the environment (region, credentials, and
/// `AWS_ENDPOINT_URL` for an emulator).
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}
