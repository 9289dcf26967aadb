//! The interview reminders' job: EventBridge Scheduler invokes it every
//! few minutes (template.yaml); it publishes the reminders now due to the
//! events topic, which the notifier delivers. The dev server runs the same
//! job on a timer.

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    let state = &*Box::leak(Box::new(shared::events::Notifying::new(
        shared::Services::new(config, &sdk),
        &sdk,
    )?));
    lambda_runtime::run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let sent = shared::applications::api::send_due_reminders(
                &state.services.store,
                &state.publisher,
                time::OffsetDateTime::now_utc(),
            )
            .await
            .map_err(|e| format!("reminders: {e}"))?;
            tracing::info!(sent, "interview reminders");
            Ok::<_, lambda_runtime::Error>(serde_json::json!({ "envoyes": sent }))
        },
    ))
    .await
}
