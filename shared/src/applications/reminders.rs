//! The interview reminders' job: EventBridge Scheduler invokes it every
//! few minutes (template.yaml); it publishes the reminders now due to the
//! events topic, which the notifier delivers. The dev server runs the same
//! job on a timer (`infra::local::start_reminders`).

use crate::notifications::events::Notifying;

/// One scheduled run; the schedule's payload carries nothing it needs.
/// Answers how many reminders it sent.
pub async fn handle(
    state: &Notifying,
    _event: serde_json::Value,
) -> crate::ApiResult<serde_json::Value> {
    let sent = crate::applications::api::send_due_reminders(
        &state.services.store,
        &state.publisher,
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    if sent > 0 {
        tracing::info!(sent, "interview reminders");
    }
    Ok(serde_json::json!({ "envoyes": sent }))
}
