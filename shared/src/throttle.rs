//! Fixed-window counters for failed logins, per account and per client.
//! Counts are atomic ADDs in DynamoDB; items expire with the window.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use crate::error::{ApiError, ApiResult};
use crate::store::{self, Store, attr, keys, now_epoch};

/// One counter: what it counts and how many failures it allows.
#[derive(Clone, Debug)]
pub struct Limit {
    pub scope: &'static str,
    pub subject: String,
    pub max: u32,
}

/// Start of the fixed window that contains `now`.
pub fn window_start(now: u64, window: u64) -> u64 {
    now - now % window.max(1)
}

/// Seconds to wait, if `count` failures already reached `max` in the window
/// that ends at `window_end`.
pub fn retry_after(count: u64, max: u32, window_end: u64, now: u64) -> Option<u64> {
    (count >= u64::from(max)).then(|| window_end.saturating_sub(now).max(1))
}

/// 429 with Retry-After when any limit is reached in the current window.
pub async fn check(store: &Store, limits: &[Limit], window: u64) -> ApiResult<()> {
    let now = now_epoch();
    let start = window_start(now, window);
    let mut request = KeysAndAttributes::builder()
        .consistent_read(true)
        .projection_expression("PK, #c")
        .expression_attribute_names("#c", "count");
    let mut max_by_pk = HashMap::new();
    for limit in limits {
        let k = keys::throttle(limit.scope, &limit.subject, start);
        max_by_pk.insert(k.0.clone(), limit.max);
        request = request.keys(store::key(&k));
    }
    let out = store
        .client
        .batch_get_item()
        .request_items(&store.table, request.build().map_err(ApiError::internal)?)
        .send()
        .await?;
    let items = out
        .responses
        .and_then(|mut r| r.remove(&store.table))
        .unwrap_or_default();
    let wait = items
        .iter()
        .filter_map(|item| {
            let pk = item.get(attr::PK)?.as_s().ok()?;
            let count: u64 = item.get("count")?.as_n().ok()?.parse().ok()?;
            retry_after(count, *max_by_pk.get(pk)?, start + window, now)
        })
        .max();
    match wait {
        Some(retry_after) => Err(ApiError::Throttled { retry_after }),
        None => Ok(()),
    }
}

/// Counts one failure against every limit.
pub async fn record_failure(store: &Store, limits: &[Limit], window: u64) -> ApiResult<()> {
    let start = window_start(now_epoch(), window);
    for limit in limits {
        store
            .client
            .update_item()
            .table_name(&store.table)
            .set_key(Some(store::key(&keys::throttle(
                limit.scope,
                &limit.subject,
                start,
            ))))
            .update_expression("ADD #c :one SET #e = :exp")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#e", attr::EXPIRES_AT)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":exp", AttributeValue::N((start + window).to_string()))
            .send()
            .await?;
    }
    Ok(())
}

/// Forgets the failures of one counter (a successful login).
pub async fn reset(store: &Store, limit: &Limit, window: u64) -> ApiResult<()> {
    let start = window_start(now_epoch(), window);
    store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::throttle(
            limit.scope,
            &limit.subject,
            start,
        ))))
        .send()
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned() {
        assert_eq!(window_start(1000, 900), 900);
        assert_eq!(window_start(899, 900), 0);
        assert_eq!(window_start(5, 0), 5);
    }

    #[test]
    fn retry_after_only_at_the_limit() {
        assert_eq!(retry_after(4, 5, 1800, 1000), None);
        assert_eq!(retry_after(5, 5, 1800, 1000), Some(800));
        // Never "retry in 0 seconds".
        assert_eq!(retry_after(9, 5, 1800, 1800), Some(1));
    }
}
