//! The single DynamoDB table: keys, item mapping, and the few generic
//! operations every area uses. docs/data-model.md lists every access
//! pattern and the key that serves it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiResult;

pub type Item = HashMap<String, AttributeValue>;

/// Table and index attribute names. Every key attribute is a string.
pub mod attr {
    pub const PK: &str = "PK";
    pub const SK: &str = "SK";
    pub const GSI1PK: &str = "GSI1PK";
    pub const GSI1SK: &str = "GSI1SK";
    pub const GSI2PK: &str = "GSI2PK";
    pub const GSI2SK: &str = "GSI2SK";
    /// Epoch seconds after which DynamoDB may delete the item (TTL).
    pub const EXPIRES_AT: &str = "expires_at";
}

/// Key builders: the only place key strings are spelled.
pub mod keys {
    pub fn user(sub: &str) -> (String, String) {
        (format!("USER#{sub}"), "PROFILE".into())
    }
    pub fn session(sub: &str, session_id: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("SESSION#{session_id}"))
    }
    pub const SESSION_PREFIX: &str = "SESSION#";
    /// Users of one account type, newest first (GSI1).
    pub fn users_by_role(role: &str) -> String {
        format!("ROLE#{role}")
    }
    /// Accounts awaiting (or past) admin validation, by type and status (GSI2).
    pub fn users_by_validation(role: &str, statut: &str) -> String {
        format!("VALIDATION#{role}#{statut}")
    }
    /// In-app notifications of a user (N1, N4).
    pub fn notification(sub: &str, id: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("{NOTIFICATION_PREFIX}{id}"))
    }
    pub const NOTIFICATION_PREFIX: &str = "NOTIF#";
    /// A user's unread notifications (GSI1, sparse: set only while unread).
    pub fn unread(sub: &str) -> String {
        format!("UNREAD#{sub}")
    }
    /// A message in its recipient's inbox, and in its sender's sent box (M1, M2).
    pub fn inbox(sub: &str, id: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("{INBOX_PREFIX}{id}"))
    }
    pub fn outbox(sub: &str, id: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("{OUTBOX_PREFIX}{id}"))
    }
    pub const INBOX_PREFIX: &str = "MSGIN#";
    pub const OUTBOX_PREFIX: &str = "MSGOUT#";
    /// `other` wrote to `sub`, so `sub` may write back (M3).
    pub fn contact(sub: &str, other: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("CONTACT#{other}"))
    }
    /// A device registered for push (N3), and who owns its token now.
    pub fn device(sub: &str, id: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("{DEVICE_PREFIX}{id}"))
    }
    pub const DEVICE_PREFIX: &str = "DEVICE#";
    pub fn device_owner(id: &str) -> (String, String) {
        (format!("DEVICE#{id}"), "OWNER".into())
    }
    /// One delivery of one event on one channel (N2).
    pub fn delivery(event_id: &str, channel: &str) -> (String, String) {
        (format!("EVENT#{event_id}"), channel.into())
    }
    /// Counters kept in step with writes (S1): `STATS#<scope>` / `ALL`.
    pub fn stats(scope: &str) -> (String, String) {
        (format!("STATS#{scope}"), "ALL".into())
    }
    /// The audit log: by day, and by actor (GSI1) (L1).
    pub fn audit(day: &str, order: &str) -> (String, String) {
        (format!("AUDIT#{day}"), order.into())
    }
    pub fn audit_by_actor(sub: &str) -> String {
        format!("ACTOR#{sub}")
    }
    /// A publication (P1, #4).
    pub fn publication(id: &str) -> (String, String) {
        (format!("PUB#{id}"), "PUB".into())
    }
    pub fn throttle(scope: &str, subject: &str, window_start: u64) -> (String, String) {
        (
            format!("THROTTLE#{scope}#{subject}"),
            format!("W#{window_start}"),
        )
    }
}

/// The table, with its client. Cloned freely (the client is an Arc).
#[derive(Clone)]
pub struct Store {
    pub client: aws_sdk_dynamodb::Client,
    pub table: String,
}

/// `{PK, SK}` as an attribute map.
pub fn key((pk, sk): &(String, String)) -> Item {
    HashMap::from([
        (attr::PK.to_string(), AttributeValue::S(pk.clone())),
        (attr::SK.to_string(), AttributeValue::S(sk.clone())),
    ])
}

/// Maps `data` to an item and adds its key attributes (`PK`, `SK`, and
/// any index keys).
pub fn to_item<T: Serialize>(keys: &[(&str, String)], data: &T) -> ApiResult<Item> {
    let mut item: Item = serde_dynamo::to_item(data)?;
    for (name, value) in keys {
        item.insert((*name).to_string(), AttributeValue::S(value.clone()));
    }
    Ok(item)
}

pub fn from_item<T: DeserializeOwned>(item: Item) -> ApiResult<T> {
    Ok(serde_dynamo::from_item(item)?)
}

impl Store {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Store {
            client,
            table: table.into(),
        }
    }

    /// One item by key, mapped to `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        k: &(String, String),
        consistent: bool,
    ) -> ApiResult<Option<T>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(k)))
            .consistent_read(consistent)
            .send()
            .await?;
        out.item.map(from_item).transpose()
    }

    /// An unconditional put of `item`, as one write of a transaction.
    pub fn transact_put(
        &self,
        item: Item,
    ) -> ApiResult<aws_sdk_dynamodb::types::TransactWriteItem> {
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .map_err(crate::ApiError::internal)?;
        Ok(aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .put(put)
            .build())
    }

    /// Puts an item unless one with its key exists; false when it did.
    pub async fn put_new(&self, item: Item) -> ApiResult<bool> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Several items by key in one BatchGetItem (at most 100 distinct
    /// keys), in the order of `keys`; `None` where an item does not exist.
    pub async fn get_many(&self, keys: &[(String, String)]) -> ApiResult<Vec<Option<Item>>> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let mut found: HashMap<(String, String), Item> = HashMap::new();
        // DynamoDB refuses a batch that names a key twice.
        let mut distinct: Vec<&(String, String)> = Vec::new();
        for k in keys {
            if !distinct.contains(&k) {
                distinct.push(k);
            }
        }
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(distinct.into_iter().map(key).collect()))
                .build()
                .map_err(crate::ApiError::internal)?,
        );
        // Unprocessed keys (throttling) are asked again, a few times.
        for _ in 0..5 {
            let Some(request) = pending.take() else { break };
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await?;
            for item in out
                .responses
                .and_then(|mut r| r.remove(&self.table))
                .unwrap_or_default()
            {
                let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
                if let (Some(pk), Some(sk)) = (text(attr::PK), text(attr::SK)) {
                    found.insert((pk, sk), item);
                }
            }
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.table))
                .filter(|k| !k.keys().is_empty());
        }
        if pending.is_some() {
            return Err(crate::ApiError::internal(
                "BatchGetItem left keys unprocessed",
            ));
        }
        Ok(keys.iter().map(|k| found.get(k).cloned()).collect())
    }
}

/// An id from a path: one that cannot name an item (empty, or too long for
/// a key) is simply not found, rather than an error from DynamoDB.
pub fn path_id(id: &str) -> ApiResult<&str> {
    if id.is_empty() || id.len() > 128 {
        Err(crate::ApiError::NotFound)
    } else {
        Ok(id)
    }
}

/// True when a transaction was cancelled because one of its conditions
/// failed (not a conflict with another transaction).
pub fn canceled_by_condition<R>(
    err: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        R,
    >,
) -> bool {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    match err.as_service_error() {
        Some(E::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .any(|r| r.code() == Some("ConditionalCheckFailed")),
        _ => false,
    }
}

/// True when a write failed on its condition.
pub fn condition_failed<E, R>(err: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}

/// Seconds since the Unix epoch.
pub fn now_epoch() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
