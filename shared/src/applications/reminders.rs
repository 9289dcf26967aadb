//! The scheduled jobs: EventBridge Scheduler invokes them every few
//! minutes (template.yaml). The interview reminders now due go to the
//! events topic, which the notifier delivers; the publications past their
//! deadline are closed (`publications::api::close_expired`), and so are
//! the publications of recruiters whose validation was withdrawn, where
//! the refusal could not finish (`publications::api::finish_closings`); and
//! the events whose publication failed are published again
//! (`notifications::unsent`); and the account deletions a request left
//! half-way are finished (`accounts::privacy::finish_pending`). The dev
//! server runs the same jobs on a timer (`infra::local::start_reminders`).

use crate::notifications::events::Notifying;

/// What the jobs need: the notifying state, and Cognito for the account
/// deletions (their identities).
pub struct Jobs {
    pub notifying: Notifying,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl Jobs {
    pub fn new(
        services: std::sync::Arc<crate::Services>,
        sdk: &aws_config::SdkConfig,
    ) -> Result<Self, crate::config::ConfigError> {
        Ok(Jobs {
            notifying: Notifying::new(services, sdk)?,
            cognito: crate::metrics::cognito_client(sdk),
        })
    }
}

/// One scheduled run; the schedule's payload carries nothing it needs.
/// Answers how many reminders it sent.
pub async fn handle(jobs: &Jobs, _event: serde_json::Value) -> crate::ApiResult<serde_json::Value> {
    let state = &jobs.notifying;
    let now = time::OffsetDateTime::now_utc();
    let (sent, closed, closings, resent, deleted) = tokio::join!(
        crate::applications::api::send_due_reminders(&state.services.store, &state.publisher, now),
        crate::publications::api::close_expired(state, now),
        crate::publications::api::finish_closings(state),
        crate::notifications::unsent::resend(&state.services.store, &state.publisher),
        crate::accounts::privacy::finish_pending(&state.services, &jobs.cognito, &state.sns),
    );
    let (sent, closed, closings, resent, deleted) = (sent?, closed?, closings?, resent?, deleted?);
    if sent > 0 || closed > 0 || closings > 0 || resent > 0 || deleted > 0 {
        tracing::info!(sent, closed, closings, resent, deleted, "scheduled jobs");
    }
    Ok(serde_json::json!({
        "envoyes": sent, "fermees": closed, "fermetures_comptes": closings, "evenements_renvoyes": resent,
        "suppressions_terminees": deleted,
    }))
}
