//! The notifier Lambda: an SQS batch in, the ids of the messages that
//! failed out (ReportBatchItemFailures), so only those are retried.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    let notifier = &*Box::leak(Box::new(notifier::Notifier::new(&config, &sdk)?));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        let mut response = SqsBatchResponse::default();
        for record in event.payload.records {
            let id = record.message_id.unwrap_or_default();
            let body = record.body.unwrap_or_default();
            if let Err(e) = notifier.handle_message(&body).await {
                tracing::error!(error = %e, message_id = %id, "notification failed; will be retried");
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                response.batch_item_failures.push(failure);
            }
        }
        Ok::<_, lambda_runtime::Error>(response)
    }))
    .await
}
