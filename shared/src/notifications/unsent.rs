//! Events whose action is written but whose publication failed (SNS
//! unavailable, say): kept in the table, published again by the scheduled
//! job (`applications::reminders::handle`, every few minutes), so the
//! action's notification is late, never lost. An event keeps its id, and
//! the notifier delivers an id once, so a second publication is harmless.
//!
//! Nothing is added to a request that succeeds: the item is written only
//! when the publication failed. Both SNS and DynamoDB failing at that
//! moment loses the event, which is then logged whole (`event_lost`) to be
//! replayed by hand.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use super::events::{Event, Publisher};
use crate::error::ApiResult;
use crate::store::{self, Store, attr, keys};

/// How long an unsent event is kept (the job runs every few minutes).
pub const KEPT_DAYS: i64 = 7;

#[derive(Serialize, Deserialize)]
struct Unsent {
    #[serde(rename = "PK", default, skip_serializing)]
    pk: String,
    #[serde(rename = "SK", default, skip_serializing)]
    sk: String,
    event: String,
}

/// Keeps `event` to be published later.
pub async fn keep(store: &Store, event: &Event) -> ApiResult<()> {
    let order = format!("{}#{}", crate::text::rfc3339(event.date), event.id);
    let (pk, sk) = keys::unsent_event(&order);
    let unsent = Unsent {
        pk: String::new(),
        sk: String::new(),
        event: serde_json::to_string(event).map_err(crate::ApiError::internal)?,
    };
    let mut item = store::to_item(&[(attr::PK, pk), (attr::SK, sk)], &unsent)?;
    let expires =
        (time::OffsetDateTime::now_utc() + time::Duration::days(KEPT_DAYS)).unix_timestamp();
    item.insert(
        attr::EXPIRES_AT.into(),
        AttributeValue::N(expires.to_string()),
    );
    store
        .client
        .put_item()
        .table_name(&store.table)
        .set_item(Some(item))
        .send()
        .await?;
    Ok(())
}

/// Publishes every kept event, oldest first, ten at a time, and drops
/// each batch once published. Answers how many went out.
pub async fn resend(store: &Store, publisher: &Publisher) -> ApiResult<usize> {
    let kept: Vec<Unsent> = store
        .query_all(
            store
                .client
                .query()
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(keys::unsent_events()))
                .consistent_read(true),
        )
        .await?;
    let mut sent = 0;
    for chunk in kept.chunks(10) {
        let events: Vec<Event> = chunk
            .iter()
            .filter_map(|u| serde_json::from_str(&u.event).ok())
            .collect();
        publisher.publish_all(&events).await?;
        for unsent in chunk {
            store
                .delete(&(unsent.pk.clone(), unsent.sk.clone()))
                .await?;
        }
        sent += events.len();
    }
    Ok(sent)
}
