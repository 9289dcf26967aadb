//! In-app notifications, channel preferences and push devices: the items,
//! the rules that pick a notification's channels, and their storage.
//! Unread notifications carry a sparse GSI1 key (`UNREAD#<sub>`), so the
//! unread list and count read only unread items, and marking one read is a
//! single UpdateItem that can never leave a counter wrong.

pub mod events;
pub mod mail;
#[cfg(feature = "sns")]
pub mod unsent;

#[cfg(feature = "notifications")]
pub mod api;
#[cfg(feature = "notifier")]
pub mod notifier;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, Select};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::notifications::events::{Event, Kind};
use crate::store::{self, Store, attr, condition_failed, keys};

/// How long an in-app notification is kept (TTL).
pub const RETENTION_DAYS: u64 = 180;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: String,
    pub type_notification: Kind,
    pub titre: String,
    pub message: String,
    /// Path of the item in the web app.
    pub lien: Option<String>,
    pub lu: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub date_creation: OffsetDateTime,
}

impl Notification {
    pub fn from_event(event: &Event) -> Self {
        Notification {
            id: event.id.clone(),
            type_notification: event.kind,
            titre: event.titre.clone(),
            message: event.message.clone(),
            lien: event.lien.clone(),
            lu: false,
            date_creation: event.date,
        }
    }
}

/// Which channels a user wants, besides in-app (always on).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preferences {
    /// Email for the optional types; the mandatory ones are always sent.
    pub email: bool,
    pub push: bool,
    /// SMS needs a phone number on the profile.
    pub sms: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            email: true,
            push: true,
            sms: false,
        }
    }
}

/// The channels one notification goes out on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Channels {
    pub email: bool,
    pub push: bool,
    pub sms: bool,
}

/// Email always for the mandatory types, else as preferred; push and SMS
/// as preferred, SMS only with a phone number.
pub fn channels(kind: Kind, prefs: &Preferences, has_phone: bool) -> Channels {
    Channels {
        email: kind.email_mandatory() || prefs.email,
        push: prefs.push,
        sms: prefs.sms && has_phone,
    }
}

/// The profile fields the notifier and the preferences need.
#[derive(Clone, Debug, Deserialize)]
pub struct Contact {
    pub email: String,
    pub nom: String,
    pub prenom: String,
    pub telephone: Option<String>,
    pub is_active: bool,
    #[serde(default)]
    pub preferences_notification: Preferences,
}

pub async fn contact(store: &Store, sub: &str) -> ApiResult<Option<Contact>> {
    store.get(&keys::user(sub), false).await
}

/// Saves the preferences on the profile item.
pub async fn set_preferences(store: &Store, sub: &str, prefs: &Preferences) -> ApiResult<()> {
    let result = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .condition_expression("attribute_exists(PK)")
        .update_expression("SET preferences_notification = :p")
        .expression_attribute_values(":p", serde_dynamo::to_attribute_value(prefs)?)
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if condition_failed(&e) => Err(ApiError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Writes a notification once: a second write of the same id is a no-op.
/// Returns false when it already existed.
pub async fn write(store: &Store, sub: &str, n: &Notification) -> ApiResult<bool> {
    let (pk, sk) = keys::notification(sub, &n.id);
    let mut index = vec![(attr::PK, pk), (attr::SK, sk)];
    if !n.lu {
        index.push((attr::GSI1PK, keys::unread(sub)));
        index.push((attr::GSI1SK, n.id.clone()));
    }
    let mut item = store::to_item(&index, n)?;
    let expires = n.date_creation.unix_timestamp().max(0) as u64 + RETENTION_DAYS * 86_400;
    item.insert(
        attr::EXPIRES_AT.into(),
        AttributeValue::N(expires.to_string()),
    );
    store.put_new(item).await
}

/// Marks one of the caller's notifications read (idempotent). `None` when
/// the caller has no notification with that id.
pub async fn mark_read(store: &Store, sub: &str, id: &str) -> ApiResult<Option<Notification>> {
    let result = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::notification(sub, id))))
        .condition_expression("attribute_exists(PK)")
        .update_expression("SET lu = :t REMOVE GSI1PK, GSI1SK")
        .expression_attribute_values(":t", AttributeValue::Bool(true))
        .return_values(ReturnValue::AllNew)
        .send()
        .await;
    match result {
        Ok(out) => Ok(Some(store::from_item(out.attributes.unwrap_or_default())?)),
        Err(e) if condition_failed(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Marks up to `max` unread notifications of the caller read, oldest
/// first; returns how many, and whether unread ones remain. Bounded, so a
/// request never runs into the function's timeout.
pub async fn mark_all_read(store: &Store, sub: &str, max: i32) -> ApiResult<(usize, bool)> {
    let out = unread(store, sub).limit(max).send().await?;
    let mut count = 0;
    for item in out.items() {
        let Some(id) = item.get("id").and_then(|v| v.as_s().ok()) else {
            continue;
        };
        if mark_read(store, sub, id).await?.is_some() {
            count += 1;
        }
    }
    Ok((count, out.last_evaluated_key.is_some()))
}

/// The query of a user's unread notifications (the sparse index).
fn unread(
    store: &Store,
    sub: &str,
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    store
        .client
        .query()
        .table_name(&store.table)
        .index_name("GSI1")
        .key_condition_expression("GSI1PK = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(keys::unread(sub)))
}

/// The number of unread notifications (a COUNT query on the sparse index).
pub async fn unread_count(store: &Store, sub: &str) -> ApiResult<usize> {
    let mut count = 0;
    let mut start = None;
    loop {
        let out = unread(store, sub)
            .select(Select::Count)
            .set_exclusive_start_key(start)
            .send()
            .await?;
        count += out.count.max(0) as usize;
        match out.last_evaluated_key {
            Some(k) => start = Some(k),
            None => return Ok(count),
        }
    }
}

/// Push platforms, as SNS platform applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// Firebase Cloud Messaging (Android, web).
    Fcm,
    /// Apple Push Notification service (iOS).
    Apns,
}

/// A device registered for push, as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub plateforme: Platform,
    pub token: String,
    pub endpoint_arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date_creation: OffsetDateTime,
}

/// A device as its owner sees it (the token is not echoed back).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DeviceView {
    pub id: String,
    pub plateforme: Platform,
    #[serde(with = "time::serde::rfc3339")]
    pub date_creation: OffsetDateTime,
}

impl From<Device> for DeviceView {
    fn from(d: Device) -> Self {
        DeviceView {
            id: d.id,
            plateforme: d.plateforme,
            date_creation: d.date_creation,
        }
    }
}

/// Stable id of a device token: the same token registered twice is one device.
pub fn device_id(platform: Platform, token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{platform:?}:{token}").as_bytes(),
    );
    digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Who owns a device token now (it moves when another user logs in on it).
#[derive(Serialize, Deserialize)]
pub struct DeviceOwner {
    pub sub: String,
}

/// Registers `device` for `sub`; a token held by another user moves to
/// `sub` in the same transaction (that user stops getting its pushes).
pub async fn save_device(store: &Store, sub: &str, device: &Device) -> ApiResult<()> {
    use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
    let owner_key = keys::device_owner(&device.id);
    let previous: Option<DeviceOwner> = store.get(&owner_key, true).await?;
    let (pk, sk) = keys::device(sub, &device.id);
    let mut items = vec![
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&store.table)
                    .set_item(Some(store::to_item(
                        &[(attr::PK, pk), (attr::SK, sk)],
                        device,
                    )?))
                    .build()
                    .map_err(ApiError::internal)?,
            )
            .build(),
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&store.table)
                    .set_item(Some(store::to_item(
                        &[
                            (attr::PK, owner_key.0.clone()),
                            (attr::SK, owner_key.1.clone()),
                        ],
                        &DeviceOwner { sub: sub.into() },
                    )?))
                    .build()
                    .map_err(ApiError::internal)?,
            )
            .build(),
    ];
    if let Some(prev) = previous.filter(|p| p.sub != sub) {
        items.push(
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&store.table)
                        .set_key(Some(store::key(&keys::device(&prev.sub, &device.id))))
                        .build()
                        .map_err(ApiError::internal)?,
                )
                .build(),
        );
    }
    let written = store
        .client
        .transact_write_items()
        .set_transact_items(Some(items))
        .send()
        .await;
    match written {
        Ok(_) => Ok(()),
        Err(e) if crate::store::canceled_by_condition(&e) => Err(ApiError::Conflict(
            "Cet appareil vient d'être enregistré par un autre compte ; réessayez.".into(),
        )),
        Err(e) => Err(crate::store::transaction_failure(e)),
    }
}

/// Removes one of the caller's devices; false when it has no such device.
pub async fn delete_device(store: &Store, sub: &str, id: &str) -> ApiResult<bool> {
    let out = store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::device(sub, id))))
        .return_values(ReturnValue::AllOld)
        .send()
        .await?;
    if out.attributes.is_none() {
        return Ok(false);
    }
    // The ownership record goes too, unless the token moved on meanwhile.
    let result = store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::device_owner(id))))
        .condition_expression("#s = :me")
        .expression_attribute_names("#s", "sub")
        .expression_attribute_values(":me", AttributeValue::S(sub.into()))
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) if condition_failed(&e) => Ok(true),
        Err(e) => Err(e.into()),
    }
}

/// Every device of a user (few: one per phone or browser).
pub async fn devices(store: &Store, sub: &str) -> ApiResult<Vec<Device>> {
    store
        .query_all(
            store
                .client
                .query()
                .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
                .expression_attribute_values(":pk", AttributeValue::S(keys::user(sub).0))
                .expression_attribute_values(":p", AttributeValue::S(keys::DEVICE_PREFIX.into())),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_forced_for_mandatory_types_only() {
        let off = Preferences {
            email: false,
            push: false,
            sms: false,
        };
        assert!(channels(Kind::CompteValide, &off, true).email);
        assert!(channels(Kind::PublicationRefusee, &off, true).email);
        assert!(!channels(Kind::MessageRecu, &off, true).email);
        assert_eq!(channels(Kind::MessageRecu, &off, true), Channels::default());
    }

    #[test]
    fn sms_needs_both_the_opt_in_and_a_phone() {
        let on = Preferences {
            email: true,
            push: true,
            sms: true,
        };
        assert!(channels(Kind::MessageRecu, &on, true).sms);
        assert!(!channels(Kind::MessageRecu, &on, false).sms);
        assert!(!channels(Kind::MessageRecu, &Preferences::default(), true).sms);
        assert!(channels(Kind::MessageRecu, &Preferences::default(), false).push);
    }

    #[test]
    fn device_ids_are_stable_per_platform_and_token() {
        assert_eq!(device_id(Platform::Fcm, "t"), device_id(Platform::Fcm, "t"));
        assert_ne!(
            device_id(Platform::Fcm, "t"),
            device_id(Platform::Apns, "t")
        );
        assert_eq!(device_id(Platform::Fcm, "t").len(), 32);
    }
}
