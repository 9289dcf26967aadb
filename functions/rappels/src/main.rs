//! The `rappels` Lambda (see the library).

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    let state = &*Box::leak(Box::new(rappels::Jobs::new(
        shared::Services::new(config, &sdk),
        &sdk,
    )?));
    shared::telemetry::startup::log();
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            rappels::handle(state, event.payload)
                .await
                .map_err(|e| lambda_runtime::Error::from(format!("reminders: {e}")))
        },
    ))
    .await
}
