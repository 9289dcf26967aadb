//! Login sessions. A session is keyed by the `origin_jti` that Cognito puts
//! in every access token minted from one login (and from its refresh
//! token). Each authenticated request checks, with one consistent read,
//! that its session still exists: logout and deactivation delete sessions,
//! so old tokens stop working at once, on every endpoint.

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Store, attr, keys, now_epoch};

#[derive(Serialize, Deserialize, Debug)]
pub struct Session {
    pub sub: String,
    pub role: Role,
    pub created_at: u64,
    /// TTL attribute; code checks it too, since TTL deletion is lazy.
    pub expires_at: u64,
    /// Its sort key, `SESSION#<origin_jti>` (read, never written: the
    /// key is the item's).
    #[serde(rename = "SK", default, skip_serializing)]
    pub key: String,
    /// The last login or token refresh (epoch seconds; 0: never since).
    #[serde(default)]
    pub last_used: u64,
    /// The client that logged in: its `User-Agent` (256 characters at most).
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The address it logged in from.
    #[serde(default)]
    pub ip: Option<String>,
}

impl Session {
    /// The session's id (`origin_jti`), from its key.
    pub fn id(&self) -> &str {
        self.key
            .strip_prefix(keys::SESSION_PREFIX)
            .unwrap_or(&self.key)
    }
}

/// Who opens a session: what its owner sees in the list of sessions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Client<'a> {
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
}

/// Outcome of opening a session.
#[derive(Debug, PartialEq)]
pub enum Opened {
    Yes,
    /// The profile is missing or deactivated.
    AccountInactive,
}

/// Opens a session, in one transaction with a check that the account is
/// still active (a deactivation racing a login cannot leave a live session).
pub async fn open(
    store: &Store,
    sub: &str,
    session_id: &str,
    role: Role,
    ttl_secs: u64,
    client: Client<'_>,
) -> ApiResult<Opened> {
    let now = now_epoch();
    let session = Session {
        sub: sub.into(),
        role,
        created_at: now,
        expires_at: now + ttl_secs,
        key: String::new(),
        last_used: now,
        user_agent: client
            .user_agent
            .map(|a| a.chars().take(256).collect::<String>()),
        ip: client.ip.map(String::from),
    };
    let k = keys::session(sub, session_id);
    let item = store::to_item(
        &[(attr::PK, k.0.clone()), (attr::SK, k.1.clone())],
        &session,
    )?;
    let check = ConditionCheck::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .condition_expression("is_active = :yes")
        .expression_attribute_values(":yes", AttributeValue::Bool(true))
        .build()
        .map_err(ApiError::internal)?;
    let put = Put::builder()
        .table_name(&store.table)
        .set_item(Some(item))
        .build()
        .map_err(ApiError::internal)?;
    let result = store
        .client
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().condition_check(check).build())
        .transact_items(TransactWriteItem::builder().put(put).build())
        .send()
        .await;
    match result {
        Ok(_) => Ok(Opened::Yes),
        // Only a failed condition says the account is inactive; a
        // collision or throttling is a 429 or a 503.
        Err(err) if crate::store::canceled_by_condition(&err) => Ok(Opened::AccountInactive),
        Err(err) => Err(crate::store::transaction_failure(err)),
    }
}

/// True while the session exists and has not expired.
pub async fn is_live(store: &Store, sub: &str, session_id: &str) -> ApiResult<bool> {
    let session: Option<Session> = store.get(&keys::session(sub, session_id), true).await?;
    Ok(session.is_some_and(|s| s.expires_at > now_epoch()))
}

/// Whether a write made on a condition was made: false when the
/// condition failed (the session is gone or expired).
fn held<T, E, R>(out: Result<T, aws_sdk_dynamodb::error::SdkError<E, R>>) -> ApiResult<bool>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
    ApiError: From<aws_sdk_dynamodb::error::SdkError<E, R>>,
{
    match out {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error().and_then(|e| e.code())
                == Some("ConditionalCheckFailedException") =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// A token refresh: true while the session is live, whose last use is
/// then now. One conditional write, instead of `is_live`'s read.
pub async fn touch(store: &Store, sub: &str, session_id: &str) -> ApiResult<bool> {
    let now = now_epoch();
    let out = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::session(sub, session_id))))
        .update_expression("SET last_used = :now")
        .condition_expression("attribute_exists(PK) AND expires_at > :now")
        .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
        .send()
        .await;
    held(out)
}

/// Ends one of a user's live sessions by id: false if there was none
/// (or it had expired: TTL deletion is lazy).
pub async fn close_one(store: &Store, sub: &str, session_id: &str) -> ApiResult<bool> {
    let out = store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::session(sub, session_id))))
        .condition_expression("attribute_exists(PK) AND expires_at > :now")
        .expression_attribute_values(":now", AttributeValue::N(now_epoch().to_string()))
        .send()
        .await;
    held(out)
}

/// Ends one session (logout).
pub async fn close(store: &Store, sub: &str, session_id: &str) -> ApiResult<()> {
    store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::session(sub, session_id))))
        .send()
        .await?;
    Ok(())
}

/// Ends every session of a user (deactivation, password reset).
pub async fn close_all(store: &Store, sub: &str) -> ApiResult<usize> {
    close_all_but(store, sub, None).await
}

/// Ends every session of a user but `keep` (a password change, "close my
/// other sessions"); how many it ended.
pub async fn close_all_but(store: &Store, sub: &str, keep: Option<&str>) -> ApiResult<usize> {
    let (pk, _) = keys::user(sub);
    let kept = keep.map(|id| keys::session(sub, id).1);
    let mut closed = 0;
    let mut start = None;
    loop {
        let page = store
            .client
            .query()
            .table_name(&store.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
            .expression_attribute_values(":prefix", AttributeValue::S(keys::SESSION_PREFIX.into()))
            .projection_expression("PK, SK")
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await?;
        for item in page.items() {
            if kept.is_some() && item.get(attr::SK).and_then(|v| v.as_s().ok()) == kept.as_ref() {
                continue;
            }
            store
                .client
                .delete_item()
                .table_name(&store.table)
                .set_key(Some(item.clone()))
                .send()
                .await?;
            closed += 1;
        }
        start = page.last_evaluated_key;
        if start.is_none() {
            return Ok(closed);
        }
    }
}
