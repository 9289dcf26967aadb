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
}

/// Seconds since the Unix epoch.
pub fn now_epoch() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
