//! The local stack: AWS configuration for an emulator, the configuration
//! the functions get, and the whole API merged into one Router.

use std::path::{Path, PathBuf};

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
        .timeout_config(shared::platform::timeouts(|name| {
            std::env::var(name).ok().or_else(|| local_default(name))
        }))
        .region(aws_config::Region::new(region.to_string()));
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        loader = loader.credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "local",
        ));
    }
    loader.load().await
}

/// The emulator's time limits, unless the environment sets them: moto
/// answers DynamoDB one request at a time (infra/moto_server.py), so under
/// a test's load a call waits behind the others far longer than in AWS.
/// The AWS defaults (`platform::timeouts`, `REQUEST_TIMEOUT_MS`) are the
/// functions'; tests of the limits set their own (tests/tests/outage.rs).
fn local_default(name: &str) -> Option<String> {
    let ms = match name {
        // Under 200 requests at once moto accepts connections slowly
        // (over 1 s, tests/tests/mass_mailing.rs).
        "AWS_CONNECT_TIMEOUT_MS" => 5_000,
        "AWS_ATTEMPT_TIMEOUT_MS" => 10_000,
        "AWS_OPERATION_TIMEOUT_MS" => 25_000,
        "REQUEST_TIMEOUT_MS" => 30_000,
        _ => return None,
    };
    Some(ms.to_string())
}

/// Creates the template's resources in the emulator.
pub async fn bootstrap(
    sdk: &aws_config::SdkConfig,
    stack: &str,
) -> Result<Resources, bootstrap::BootstrapError> {
    let template = bootstrap::load(&project_root().join("template.yaml"))?;
    let mut resources = bootstrap::apply(sdk, &template, stack).await?;
    // SNS platform applications are not CloudFormation resources (the
    // deployed stack takes their ARNs as parameters): make local ones.
    let sns = aws_sdk_sns::Client::new(sdk);
    for (parameter, platform, name) in [
        ("PushPlatformFcmArn", "GCM", "fcm"),
        ("PushPlatformApnsArn", "APNS", "apns"),
    ] {
        let arn = sns
            .create_platform_application()
            .name(format!("{stack}-{name}"))
            .platform(platform)
            .attributes("PlatformCredential", "local")
            .attributes("PlatformPrincipal", "local")
            .send()
            .await
            .map_err(|e| bootstrap::BootstrapError::Aws {
                resource: parameter.into(),
                message: aws_sdk_sns::error::DisplayErrorContext(e).to_string(),
            })?
            .platform_application_arn
            .unwrap_or_default();
        resources.parameters.insert(parameter.into(), arn);
    }
    Ok(resources)
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
            "REQUEST_TIMEOUT_MS" => local_default(key),
            "EVENTS_TOPIC_ARN" => res.id("EventsTopic").map(String::from),
            "PUSH_PLATFORM_FCM_ARN" => res.parameters.get("PushPlatformFcmArn").cloned(),
            "PUSH_PLATFORM_APNS_ARN" => res.parameters.get("PushPlatformApnsArn").cloned(),
            "UPLOADS_BUCKET" => res.id("UploadsBucket").map(String::from),
            "IMAGES_BUCKET" => res.id("ImagesBucket").map(String::from),
            // No CDN locally: the emulator serves the bucket (path style).
            "IMAGES_URL" => res
                .id("ImagesBucket")
                .map(|bucket| format!("{endpoint}/{bucket}")),
            "CORS_ALLOWED_ORIGINS" => Some("http://localhost:5173,http://127.0.0.1:5173".into()),
            _ => None,
        }
    };
    Config::from_lookup(|key| get(key).or_else(|| computed(key)))
}

/// Every area's Router merged into one, as API Gateway would route them
/// (the `apps` crate merges them, for its own Lambda too).
pub fn app(
    config: Config,
    sdk: &aws_config::SdkConfig,
) -> Result<Router, shared::config::ConfigError> {
    apps::ours(Services::new(config, sdk), sdk)
}

/// `app`, reaching DynamoDB and S3 through `data` and the other services
/// (Cognito, SNS) through `sdk`: to see the API with one of them failing.
pub fn app_split(
    config: Config,
    data: &aws_config::SdkConfig,
    sdk: &aws_config::SdkConfig,
) -> Result<Router, shared::config::ConfigError> {
    apps::ours(Services::new(config, data), sdk)
}

/// The apps' API (#19, docs/apps-api.md): their routes, translated to
/// `app`'s, with CORS for the apps' origins (`origins`, or their dev and
/// preview servers by default).
pub fn apps_app(
    config: Config,
    sdk: &aws_config::SdkConfig,
    origins: Option<Vec<String>>,
) -> Result<Router, shared::config::ConfigError> {
    apps::router(Services::new(config, sdk), sdk, origins)
}

/// Plays the notifier's SQS event source: drains the notifications queue
/// in-process, like Lambda would. A message that fails comes back after
/// `retry` (the queue's visibility timeout in AWS) and, after the queue's
/// last try, moves to the dead-letter queue.
pub fn start_notifier(
    config: &Config,
    sdk: &aws_config::SdkConfig,
    queue_url: String,
    retry: std::time::Duration,
) -> Result<tokio::task::JoinHandle<()>, shared::config::ConfigError> {
    let mut notifier = notifier::Notifier::new(config, sdk)?;
    // A message comes back after `retry` here, not after the queue's 180 s:
    // a claim left by a dev server killed mid-send must be over by then, or
    // the retries would run out against it.
    notifier.lease_seconds = retry.as_secs().max(1);
    let sqs = aws_sdk_sqs::Client::new(sdk);
    Ok(tokio::spawn(async move {
        loop {
            let received = sqs
                .receive_message()
                .queue_url(&queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await;
            let messages = match received {
                Ok(out) => out.messages.unwrap_or_default(),
                Err(e) => {
                    tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(e), "notifications queue unreachable");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Handled together, like the notifier's batch.
            let (notifier, sqs, queue_url) = (&notifier, &sqs, &queue_url);
            futures_util::future::join_all(messages.into_iter().map(|m| async move {
                let handle = m.receipt_handle.unwrap_or_default();
                let outcome = notifier
                    .handle_message(m.body.as_deref().unwrap_or(""))
                    .await;
                let done = match outcome {
                    Ok(()) => sqs
                        .delete_message()
                        .queue_url(queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string()),
                    Err(e) => {
                        tracing::error!(error = %e, message_id = m.message_id.as_deref().unwrap_or(""), "notification failed; will be retried");
                        sqs.change_message_visibility()
                            .queue_url(queue_url)
                            .receipt_handle(handle)
                            .visibility_timeout(retry.as_secs() as i32)
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())
                    }
                };
                if let Err(e) = done {
                    tracing::warn!(error = %e, "queue acknowledgement failed");
                }
            }))
            .await;
        }
    }))
}

/// Plays the reminders' schedule (EventBridge Scheduler in AWS): runs the
/// `rappels` job every `every`.
pub fn start_reminders(
    config: &Config,
    sdk: &aws_config::SdkConfig,
    every: std::time::Duration,
) -> Result<tokio::task::JoinHandle<()>, shared::config::ConfigError> {
    let state = rappels::Jobs::new(Services::new(config.clone(), sdk), sdk)?;
    Ok(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = rappels::handle(&state, serde_json::json!({})).await {
                tracing::warn!(error = %e, "interview reminders failed; next run retries");
            }
        }
    }))
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
    shared::accounts::cognito::ensure_admin(&store, &cognito, config, email, password)
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
        (
            "EVENTS_TOPIC_ARN",
            config.events_topic_arn.clone().unwrap_or_default(),
        ),
        (
            "PUSH_PLATFORM_FCM_ARN",
            config.push_platform_fcm.clone().unwrap_or_default(),
        ),
        (
            "PUSH_PLATFORM_APNS_ARN",
            config.push_platform_apns.clone().unwrap_or_default(),
        ),
        (
            "UPLOADS_BUCKET",
            config.uploads_bucket.clone().unwrap_or_default(),
        ),
        (
            "IMAGES_BUCKET",
            config.images_bucket.clone().unwrap_or_default(),
        ),
        ("IMAGES_URL", config.images_url.clone().unwrap_or_default()),
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
