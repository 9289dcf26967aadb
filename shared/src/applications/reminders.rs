//! The scheduled jobs: EventBridge Scheduler invokes them every few
//! minutes (template.yaml). The interview reminders now due go to the
//! events topic, which the notifier delivers; the publications past their
//! deadline are closed (`publications::api::close_expired`). The dev
//! server runs the same jobs on a timer (`infra::local::start_reminders`).

use crate::notifications::events::Notifying;

/// One scheduled run; the schedule's payload carries nothing it needs.
/// Answers how many reminders it sent.
pub async fn handle(
    state: &Notifying,
    _event: serde_json::Value,
) -> crate::ApiResult<serde_json::Value> {
    let now = time::OffsetDateTime::now_utc();
    let (sent, closed) = tokio::join!(
        crate::applications::api::send_due_reminders(&state.services.store, &state.publisher, now),
        crate::publications::api::close_expired(state, now),
    );
    let (sent, closed) = (sent?, closed?);
    if sent > 0 || closed > 0 {
        tracing::info!(sent, closed, "scheduled jobs");
    }
    Ok(serde_json::json!({ "envoyes": sent, "fermees": closed }))
}
