#![recursion_limit = "256"]
//! The notifier Lambda: an SQS batch in, the ids of the messages that
//! failed out (ReportBatchItemFailures), so only those are retried.

use aws_lambda_events::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    let notifier = &*Box::leak(Box::new(notifier::Notifier::new(&config, &sdk)?));
    shared::telemetry::startup::log();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, lambda_runtime::Error>(notifier.handle_batch(event.payload).await)
    }))
    .await
}
