//! The single DynamoDB table: keys, item mapping, and the few generic
//! operations every area uses. docs/data-model.md lists every access
//! pattern and the key that serves it.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::Date;

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
    pub const GSI3PK: &str = "GSI3PK";
    pub const GSI3SK: &str = "GSI3SK";
    pub const GSI4PK: &str = "GSI4PK";
    pub const GSI4SK: &str = "GSI4SK";
    pub const GSI5PK: &str = "GSI5PK";
    pub const GSI5SK: &str = "GSI5SK";
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
    /// Every account, newest first (GSI3).
    pub fn all_users() -> String {
        "USERS".into()
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
    /// Counters kept in step with writes (S1): `STATS#<scope>` / `ALL#<shard>`,
    /// summed over the shards when read.
    pub fn stats(scope: &str, shard: u32) -> (String, String) {
        (stats_partition(scope), format!("ALL#{shard}"))
    }
    pub fn stats_partition(scope: &str) -> String {
        format!("STATS#{scope}")
    }
    /// One shard of a scope's counters on one day (S3).
    pub fn stats_day(scope: &str, day: &str, shard: u32) -> (String, String) {
        (stats_partition(scope), format!("D#{day}#{shard}"))
    }
    /// The system log (L1): every entry, by kind (GSI1), by account
    /// (GSI2), by address tried (GSI3).
    pub fn logs() -> String {
        "LOGS".into()
    }
    pub fn logs_by_kind(kind: &str) -> String {
        format!("LOGS#{kind}")
    }
    pub fn logs_by_user(sub: &str) -> String {
        format!("LOGS#USER#{sub}")
    }
    pub fn logs_by_email(email: &str) -> String {
        format!("LOGS#EMAIL#{email}")
    }
    /// A publication (P1).
    pub fn publication(id: &str) -> (String, String) {
        (format!("PUB#{id}"), "PUB".into())
    }
    /// The public list of one kind: validated and open, newest first (P2, GSI1, sparse).
    pub fn public_publications(kind: &str) -> String {
        format!("PUBLIC#{kind}")
    }
    /// Publications awaiting review, every kind, oldest first (P4, GSI1, sparse).
    pub fn publications_in_review() -> String {
        "REVIEW#PUB".into()
    }
    /// An author's publications, every kind, newest first (P3, GSI2).
    pub fn publications_by_owner(sub: &str) -> String {
        format!("OWNER#{sub}")
    }
    /// Every publication in every state, newest first (P8, GSI4).
    pub fn all_publications() -> String {
        "PUBS".into()
    }
    /// Public publications with a deadline, soonest first (P9, GSI5).
    pub fn deadlines() -> String {
        "DEADLINES".into()
    }
    /// A closing still to finish: a recruiter's public publications, once
    /// its validation was withdrawn (P10), one per recruiter.
    pub fn pending_closing(sub: &str) -> (String, String) {
        (pending_closings(), format!("{CLOSING_PREFIX}{sub}"))
    }
    pub const CLOSING_PREFIX: &str = "CLOSING#";
    pub fn pending_closings() -> String {
        "CLOSINGS".into()
    }
    /// An account deletion still to finish (A13): written with the
    /// profile's mark, deleted with the profile; one per account.
    pub fn pending_deletion(sub: &str) -> (String, String) {
        (pending_deletions(), format!("{DELETION_PREFIX}{sub}"))
    }
    pub const DELETION_PREFIX: &str = "DELETION#";
    pub fn pending_deletions() -> String {
        "DELETIONS".into()
    }
    /// Publications an author created in one calendar month (P5).
    pub fn quota(sub: &str, month: &str) -> (String, String) {
        (format!("USER#{sub}"), format!("QUOTA#{month}"))
    }
    /// An application: in its publication's partition, one per applicant (C1).
    pub fn application(publication: &str, applicant: &str) -> (String, String) {
        (
            format!("PUB#{publication}"),
            format!("{APPLICATION_PREFIX}{applicant}"),
        )
    }
    pub const APPLICATION_PREFIX: &str = "APP#";
    /// An applicant's applications, newest first (C3, GSI1).
    pub fn applications_by_applicant(sub: &str) -> String {
        format!("APPLICANT#{sub}")
    }
    /// The applications a recruiter received for one kind, by date (C4,
    /// GSI2) and by score (C5, GSI3).
    pub fn applications_received(recruiter: &str, kind: &str) -> String {
        format!("RECEIVED#{recruiter}#{kind}")
    }
    /// How many live applications `applicant` has made to `recruiter`'s
    /// publications (R2: their contact details show in a search while > 0).
    pub fn applicant_of(recruiter: &str, applicant: &str) -> (String, String) {
        (
            format!("USER#{recruiter}"),
            format!("APPLICANT#{applicant}"),
        )
    }
    /// An event whose publication failed after its action was written,
    /// kept until the scheduled job publishes it (E1, by date).
    pub fn unsent_event(order: &str) -> (String, String) {
        (unsent_events(), order.into())
    }
    pub fn unsent_events() -> String {
        "EVENTS#UNSENT".into()
    }
    /// An interview reminder, by the day it is due (C8).
    pub fn reminder(day: &str, order: &str) -> (String, String) {
        (reminders(day), order.into())
    }
    pub fn reminders(day: &str) -> String {
        format!("REMINDER#{day}")
    }
    /// An upload's metadata (U1).
    pub fn upload(id: &str) -> (String, String) {
        (format!("UPLOAD#{id}"), "UPLOAD".into())
    }
    /// An owner's uploads, newest first (U2, GSI1).
    pub fn uploads_by_owner(sub: &str) -> String {
        format!("UPLOADS#{sub}")
    }
    /// An application an upload is attached to, readable by the
    /// publication's recruiter (U3).
    pub fn upload_reference(id: &str, recruiter: &str, application: &str) -> (String, String) {
        (
            format!("UPLOAD#{id}"),
            format!("{UPLOAD_REFERENCE_PREFIX}{recruiter}#{application}"),
        )
    }
    pub const UPLOAD_REFERENCE_PREFIX: &str = "REF#";
    pub fn throttle(scope: &str, subject: &str, window_start: u64) -> (String, String) {
        (
            format!("THROTTLE#{scope}#{subject}"),
            format!("W#{window_start}"),
        )
    }
}

/// Items each counter scope is spread over (`Store::add_counters`).
pub const COUNTER_SHARDS: u32 = 10;

/// One of the `COUNTER_SHARDS` items of a counter, picked at random.
pub fn random_shard() -> u32 {
    (ulid::Ulid::new().random() % COUNTER_SHARDS as u128) as u32
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

    /// The counters of `scope` (S1), by name, summed over their shards
    /// (one Query); none yet is empty.
    pub async fn counters(&self, scope: &str) -> ApiResult<HashMap<String, i64>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :all)")
            .expression_attribute_values(":pk", AttributeValue::S(keys::stats_partition(scope)))
            .expression_attribute_values(":all", AttributeValue::S("ALL#".into()))
            .send()
            .await?;
        let mut sums = HashMap::new();
        for item in out.items.unwrap_or_default() {
            sum_into(&mut sums, &item);
        }
        Ok(sums)
    }

    /// Adds `changes` (name, amount) to the counters of `scope`, as one
    /// write of a transaction: counters move with what they count. Each
    /// write picks one of `COUNTER_SHARDS` items at random, so writes by
    /// different users rarely meet on one item (a `TransactionConflict`
    /// on real DynamoDB); reads sum the shards.
    pub fn add_counters(
        &self,
        scope: &str,
        changes: &[(String, i64)],
    ) -> ApiResult<TransactWriteItem> {
        self.add_to(keys::stats(scope, random_shard()), changes)
    }

    /// `ADD` each of `changes` on the counter item `k`, as one write of a
    /// transaction.
    pub fn add_to(
        &self,
        k: (String, String),
        changes: &[(String, i64)],
    ) -> ApiResult<TransactWriteItem> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(&k)));
        let mut terms = Vec::new();
        for (i, (name, n)) in changes.iter().enumerate() {
            terms.push(format!("#c{i} :c{i}"));
            update = update
                .expression_attribute_names(format!("#c{i}"), name)
                .expression_attribute_values(format!(":c{i}"), AttributeValue::N(n.to_string()));
        }
        let update = update
            .update_expression(format!("ADD {}", terms.join(", ")))
            .build()
            .map_err(crate::ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Adds `changes` to the series of `scope` on `day`, on one of the
    /// day's shards (as `add_counters` does for totals).
    pub fn add_daily(
        &self,
        scope: &str,
        day: &str,
        changes: &[(String, i64)],
    ) -> ApiResult<TransactWriteItem> {
        self.add_to(keys::stats_day(scope, day, random_shard()), changes)
    }

    /// The series of `scope` from `from` to `to` (days, inclusive): day →
    /// counter → sum of its shards. Days without a write are absent.
    pub async fn daily(
        &self,
        scope: &str,
        from: Date,
        to: Date,
    ) -> ApiResult<BTreeMap<Date, HashMap<String, i64>>> {
        let query = self
            .client
            .query()
            .key_condition_expression("PK = :pk AND SK BETWEEN :from AND :to")
            .expression_attribute_values(":pk", AttributeValue::S(keys::stats_partition(scope)))
            .expression_attribute_values(":from", AttributeValue::S(format!("D#{from}")))
            .expression_attribute_values(":to", AttributeValue::S(format!("D#{to}#~")));
        let items = self.query_items(query).await?;
        let mut days: BTreeMap<Date, HashMap<String, i64>> = BTreeMap::new();
        for item in items {
            let Some(day) = item
                .get("SK")
                .and_then(|v| v.as_s().ok())
                .and_then(|sk| sk.get(2..12))
                .and_then(|d| Date::parse(d, DAY_FORMAT).ok())
            else {
                continue;
            };
            sum_into(days.entry(day).or_default(), &item);
        }
        Ok(days)
    }

    /// An update that sets every attribute of `item` but its table key, and
    /// removes the attributes named in `remove`. Names and values are
    /// `#a<n>`, `:a<n>` and `#r<n>`: a condition added to it uses others.
    pub fn update_all(&self, item: Item, remove: &[&str]) -> UpdateBuilder {
        let mut update = Update::builder().table_name(&self.table);
        let mut sets = Vec::new();
        let mut table_key = Item::new();
        for (i, (name, value)) in item.into_iter().enumerate() {
            if name == attr::PK || name == attr::SK {
                table_key.insert(name, value);
                continue;
            }
            sets.push(format!("#a{i} = :a{i}"));
            update = update
                .expression_attribute_names(format!("#a{i}"), name)
                .expression_attribute_values(format!(":a{i}"), value);
        }
        let mut expression = format!("SET {}", sets.join(", "));
        if !remove.is_empty() {
            let names: Vec<String> = (0..remove.len()).map(|i| format!("#r{i}")).collect();
            expression.push_str(&format!(" REMOVE {}", names.join(", ")));
            for (name, attribute) in names.iter().zip(remove) {
                update = update.expression_attribute_names(name, *attribute);
            }
        }
        update
            .set_key(Some(table_key))
            .update_expression(expression)
    }

    /// Writes `items` all or nothing: a single write as a plain request
    /// (half the capacity of a transaction), several as a transaction,
    /// tried again a few times when it collides with another transaction
    /// on the same items (`TransactionConflict`, which the SDK does not
    /// retry; still colliding after that, a 429 with Retry-After). `Ok(Err(failed))` when conditions failed: `failed[i]` for
    /// the i-th item.
    pub async fn write(
        &self,
        mut items: Vec<TransactWriteItem>,
    ) -> ApiResult<Result<(), Vec<bool>>> {
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
        if items.len() == 1 {
            return self.write_one(items.pop().expect("one item")).await;
        }
        let mut delay_ms = 10;
        for _ in 0..8 {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let err = match result {
                Ok(_) => return Ok(Ok(())),
                Err(err) => err,
            };
            let Some(E::TransactionCanceledException(cancel)) = err.as_service_error() else {
                return Err(err.into());
            };
            let code = |wanted: &'static str| {
                cancel
                    .cancellation_reasons()
                    .iter()
                    .map(move |r| r.code() == Some(wanted))
            };
            if code("ConditionalCheckFailed").any(|failed| failed) {
                return Ok(Err(code("ConditionalCheckFailed").collect()));
            }
            if !code("TransactionConflict").any(|conflict| conflict) {
                return Err(transaction_failure(err));
            }
            let jitter = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_micros() as u64 % (delay_ms * 1000))
                .unwrap_or_default();
            tokio::time::sleep(std::time::Duration::from_micros(delay_ms * 1000 + jitter)).await;
            delay_ms = (delay_ms * 2).min(160);
        }
        // Still colliding after the retries: transient, so a 429 with
        // Retry-After rather than a 409 the caller would take as final.
        Err(crate::ApiError::Throttled { retry_after: 1 })
    }

    /// One write of a transaction, sent on its own.
    async fn write_one(&self, item: TransactWriteItem) -> ApiResult<Result<(), Vec<bool>>> {
        macro_rules! outcome {
            ($result:expr) => {
                match $result {
                    Ok(_) => Ok(Ok(())),
                    Err(e) if condition_failed(&e) => Ok(Err(vec![true])),
                    Err(e) => Err(e.into()),
                }
            };
        }
        if let Some(u) = item.update {
            return outcome!(
                self.client
                    .update_item()
                    .table_name(u.table_name)
                    .set_key(Some(u.key))
                    .update_expression(u.update_expression)
                    .set_condition_expression(u.condition_expression)
                    .set_expression_attribute_names(u.expression_attribute_names)
                    .set_expression_attribute_values(u.expression_attribute_values)
                    .send()
                    .await
            );
        }
        if let Some(p) = item.put {
            return outcome!(
                self.client
                    .put_item()
                    .table_name(p.table_name)
                    .set_item(Some(p.item))
                    .set_condition_expression(p.condition_expression)
                    .set_expression_attribute_names(p.expression_attribute_names)
                    .set_expression_attribute_values(p.expression_attribute_values)
                    .send()
                    .await
            );
        }
        if let Some(d) = item.delete {
            return outcome!(
                self.client
                    .delete_item()
                    .table_name(d.table_name)
                    .set_key(Some(d.key))
                    .set_condition_expression(d.condition_expression)
                    .set_expression_attribute_names(d.expression_attribute_names)
                    .set_expression_attribute_values(d.expression_attribute_values)
                    .send()
                    .await
            );
        }
        Err(crate::ApiError::internal(
            "a lone condition check writes nothing",
        ))
    }

    /// Every item a Query returns, page after page, mapped to `T`.
    /// `query` is the request without its start key (the same each page).
    pub async fn query_all<T: DeserializeOwned>(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> ApiResult<Vec<T>> {
        self.query_items(query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// `query_all` without the mapping: the raw items.
    pub async fn query_items(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> ApiResult<Vec<Item>> {
        let mut all = Vec::new();
        let mut start = None;
        loop {
            let out = query
                .clone()
                .table_name(&self.table)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            all.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(all),
            }
        }
    }

    /// Puts an item unless one with its key exists; false when it did.
    /// Deletes the item at `at`, whether or not it is there.
    pub async fn delete(&self, at: &(String, String)) -> ApiResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(at)))
            .send()
            .await?;
        Ok(())
    }

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
        self.batch_get(keys, false).await
    }

    /// `get_many` with strongly consistent reads (what a write conditioned
    /// on them needs, right after another write).
    pub async fn get_many_consistent(
        &self,
        keys: &[(String, String)],
    ) -> ApiResult<Vec<Option<Item>>> {
        self.batch_get(keys, true).await
    }

    async fn batch_get(
        &self,
        keys: &[(String, String)],
        consistent: bool,
    ) -> ApiResult<Vec<Option<Item>>> {
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
                .consistent_read(consistent)
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
            // DynamoDB kept them back after every retry: it is throttling.
            return Err(crate::ApiError::Unavailable(
                "BatchGetItem left keys unprocessed".into(),
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

/// A transaction that failed for another reason than a condition: a
/// 429 (retry soon) when it collided with another one, a 503 when DynamoDB
/// throttled it, else what any AWS error is (`ApiError`'s `From`).
pub fn transaction_failure(
    err: aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        crate::error::HttpResponse,
    >,
) -> crate::ApiError {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    let reasons: Vec<String> = match err.as_service_error() {
        Some(E::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .filter_map(|r| r.code().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    let any = |codes: &[&str]| reasons.iter().any(|r| codes.contains(&r.as_str()));
    if any(&[
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    ]) {
        crate::ApiError::Unavailable(format!("transaction throttled: {reasons:?}"))
    } else if any(&["TransactionConflict"]) {
        crate::ApiError::Throttled { retry_after: 1 }
    } else {
        err.into()
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

/// `2026-12-01`: the day of a daily counter.
pub const DAY_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Sums the numeric attributes of counter items, by name.
pub fn sum_into(sums: &mut HashMap<String, i64>, item: &Item) {
    for (name, value) in item {
        if let Some(n) = value.as_n().ok().and_then(|n| n.parse::<i64>().ok()) {
            *sums.entry(name.clone()).or_default() += n;
        }
    }
}
