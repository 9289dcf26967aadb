//! Fixed-window counters for login attempts, per account and per client.
//! Counts are atomic ADDs in DynamoDB; items expire with the window. A
//! fixed window lets at most twice the limit through across a window
//! boundary; that is the accepted cost of one item per window.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

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

/// Counts one attempt against every limit, atomically, before the attempt
/// is made: 429 with Retry-After when any count goes over its limit. Doing
/// the increment first (not read, try, then count) means a burst of
/// parallel guesses cannot slip past the limit.
pub async fn attempt(store: &Store, limits: &[Limit], window: u64) -> ApiResult<()> {
    let now = now_epoch();
    let start = window_start(now, window);
    let mut wait = None;
    for limit in limits {
        let count = add(store, limit, start, window, 1).await?;
        if let Some(retry) = retry_after(count, limit.max.saturating_add(1), start + window, now) {
            wait = wait.max(Some(retry));
        }
    }
    match wait {
        Some(retry_after) => Err(ApiError::Throttled { retry_after }),
        None => Ok(()),
    }
}

/// The attempt succeeded: it no longer counts against `limit`.
pub async fn forgive(store: &Store, limit: &Limit, window: u64) -> ApiResult<()> {
    let start = window_start(now_epoch(), window);
    add(store, limit, start, window, -1).await.map(|_| ())
}

/// Forgets every failure of one counter (a successful login).
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

async fn add(store: &Store, limit: &Limit, start: u64, window: u64, delta: i64) -> ApiResult<u64> {
    let out = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::throttle(
            limit.scope,
            &limit.subject,
            start,
        ))))
        .update_expression("ADD #c :d SET #e = :exp")
        .expression_attribute_names("#c", "count")
        .expression_attribute_names("#e", attr::EXPIRES_AT)
        .expression_attribute_values(":d", AttributeValue::N(delta.to_string()))
        .expression_attribute_values(":exp", AttributeValue::N((start + window).to_string()))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await?;
    Ok(out
        .attributes
        .and_then(|a| {
            a.get("count")
                .and_then(|c| c.as_n().ok())
                .and_then(|n| n.parse::<i64>().ok())
        })
        .unwrap_or(0)
        .max(0) as u64)
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
