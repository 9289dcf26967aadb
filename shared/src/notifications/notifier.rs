//! The notifier: takes domain events off the notifications queue, writes
//! each recipient's in-app notification, then sends the email (SES v2),
//! the pushes (SNS platform endpoints) and the SMS (SNS) the recipient's
//! preferences call for.
//!
//! Delivery is idempotent. The notification is written once (its id is the
//! event's); each channel is claimed in the table (`EVENT#<id>`/<channel>)
//! before it is sent and marked sent after, so a redelivered event sends
//! nothing twice. A failure releases the claim and fails the message, which
//! the queue redelivers, and after its last try moves to the dead-letter
//! queue. An event for a whole type of account is expanded a page at a
//! time into one event per user, published back to the topic.

use std::future::Future;

use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::messages::{self, Bulk, BulkJob};
use crate::notifications::events::{Audience, Event, Publisher};
use crate::notifications::mail::{self, Recipient};
use crate::notifications::{self, Contact, Device, Notification};
use crate::store::{self, Store, attr, condition_failed, keys, now_epoch};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

/// Users per page when expanding an event for a whole type of account.
pub const FAN_OUT_PAGE: i32 = 100;
/// How long a claimed delivery is reserved for the consumer that claimed it
/// (below the queue's 180 s visibility timeout, so a redelivery after a
/// crash finds the lease over).
pub const LEASE_SECONDS: u64 = 120;
/// How long delivery records are kept (longer than any redelivery).
const RECORD_DAYS: u64 = 14;

pub struct Notifier {
    pub store: Store,
    pub ses: aws_sdk_sesv2::Client,
    pub sns: aws_sdk_sns::Client,
    pub publisher: Publisher,
    pub mail_from: String,
    pub app_url: String,
    /// See `LEASE_SECONDS`; the dev server, which retries sooner, shortens it.
    pub lease_seconds: u64,
}

/// How a channel failed: worth retrying (throttling, network, outage), or
/// never going to work for this recipient (an address SES rejects, a phone
/// number SNS refuses), which is recorded and not retried.
#[derive(Debug)]
pub enum Failure {
    Retry(ApiError),
    Permanent(String),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Retry(e)
    }
}

/// A send error, sorted by its code.
fn failure<E>(
    err: aws_sdk_dynamodb::error::SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>,
    permanent: &[&str],
) -> Failure
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match err.as_service_error().and_then(|e| e.code()) {
        Some(code) if permanent.contains(&code) => Failure::Permanent(code.to_string()),
        _ => Failure::Retry(ApiError::internal(
            aws_sdk_dynamodb::error::DisplayErrorContext(err),
        )),
    }
}

impl Notifier {
    pub fn new(
        config: &crate::Config,
        sdk: &aws_config::SdkConfig,
    ) -> Result<Self, crate::config::ConfigError> {
        use crate::config::ConfigError::Missing;
        let sns = crate::metrics::sns_client(sdk);
        Ok(Notifier {
            store: Store::new(
                crate::metrics::dynamodb_client(sdk),
                config.table_name.clone(),
            ),
            ses: aws_sdk_sesv2::Client::new(sdk),
            publisher: Publisher::new(
                sns.clone(),
                config
                    .events_topic_arn
                    .clone()
                    .ok_or(Missing("EVENTS_TOPIC_ARN"))?,
            ),
            sns,
            mail_from: config.mail_from.clone().ok_or(Missing("MAIL_FROM"))?,
            app_url: config.app_url.clone(),
            lease_seconds: LEASE_SECONDS,
        })
    }

    /// One Lambda invocation: every record of the batch, and the ids of
    /// those that failed (ReportBatchItemFailures), so only they come back.
    pub async fn handle_batch(
        &self,
        batch: aws_lambda_events::sqs::SqsEvent,
    ) -> aws_lambda_events::sqs::SqsBatchResponse {
        // The batch's messages are independent (each delivery is claimed
        // on its own): they are handled together.
        let outcomes =
            futures_util::future::join_all(batch.records.into_iter().map(|record| async move {
                let id = record.message_id.unwrap_or_default();
                let outcome = self
                    .handle_message(record.body.as_deref().unwrap_or(""))
                    .await;
                (id, outcome)
            }))
            .await;
        let mut response = aws_lambda_events::sqs::SqsBatchResponse::default();
        for (id, outcome) in outcomes {
            if let Err(e) = outcome {
                tracing::error!(error = %e, message_id = %id, "notification failed; will be retried");
                let mut failure = aws_lambda_events::sqs::BatchItemFailure::default();
                failure.item_identifier = id;
                response.batch_item_failures.push(failure);
            }
        }
        response
    }

    /// Handles one queue message: an event, or a mass mailing's batch. An
    /// error means "try again later".
    pub async fn handle_message(&self, body: &str) -> ApiResult<()> {
        if body.starts_with(r#"{"envoi_masse":"#) {
            let job: BulkJob = serde_json::from_str(body)
                .map_err(|e| ApiError::internal(format!("unreadable mailing: {e}")))?;
            return self.send_bulk(&job.envoi_masse).await;
        }
        let event: Event = serde_json::from_str(body)
            .map_err(|e| ApiError::internal(format!("unreadable event: {e}")))?;
        self.handle(&event).await
    }

    /// One batch of a mass mailing: each active recipient's message,
    /// stored once (its id is the mailing's and the recipient's), then the
    /// recipients notified with events of the same id (a ULID first, so
    /// the notification sorts by time). Sent again after a failure, the
    /// batch writes and notifies nothing twice. A deactivated (or deleted)
    /// account gets nothing, as with a single message.
    pub async fn send_bulk(&self, bulk: &Bulk) -> ApiResult<()> {
        let profiles = self
            .store
            .get_many(
                &bulk
                    .destinataires
                    .iter()
                    .map(|to| keys::user(&to.id))
                    .collect::<Vec<_>>(),
            )
            .await?;
        let mut each = Vec::with_capacity(profiles.len());
        for (to, profile) in bulk.destinataires.iter().zip(profiles) {
            let profile: Option<crate::accounts::Profile> =
                profile.map(store::from_item).transpose()?;
            if profile.is_some_and(|p| p.is_active) {
                each.push(bulk.message(to));
            }
        }
        let mut stored = Vec::with_capacity(each.len());
        for group in each.chunks(8) {
            let sent = futures_util::future::join_all(
                group.iter().map(|m| messages::send(&self.store, m)),
            )
            .await;
            for outcome in sent {
                stored.push(outcome?);
            }
        }
        let events: Vec<Event> = each
            .iter()
            .map(|m| {
                Event::message_recu(&m.destinataire, &bulk.expediteur_nom, &bulk.sujet, &m.id)
                    .with_id(m.id.clone())
            })
            .collect();
        self.publisher.publish_all(&events).await?;
        tracing::info!(
            mailing = %bulk.id,
            recipients = bulk.destinataires.len(),
            active = stored.len(),
            new = stored.iter().filter(|s| **s).count(),
            "mass mailing batch"
        );
        Ok(())
    }

    pub async fn handle(&self, event: &Event) -> ApiResult<()> {
        match &event.to {
            Audience::User { id } => self.deliver(event, id).await,
            Audience::Role { role, after } => self.expand(event, *role, after.as_deref()).await,
        }
    }

    /// One page of the role's users becomes one event each; the rest of
    /// the role follows in a continuation event.
    async fn expand(&self, event: &Event, role: Role, after: Option<&str>) -> ApiResult<()> {
        let mut query = self
            .store
            .client
            .query()
            .table_name(&self.store.table)
            .index_name("GSI1")
            .expression_attribute_values(
                ":pk",
                AttributeValue::S(keys::users_by_role(role.as_str())),
            )
            .limit(FAN_OUT_PAGE);
        query = match after {
            Some(after) => query
                .key_condition_expression("GSI1PK = :pk AND GSI1SK > :after")
                .expression_attribute_values(":after", AttributeValue::S(after.into())),
            None => query.key_condition_expression("GSI1PK = :pk"),
        };
        let out = query.send().await?;
        let items = out.items.unwrap_or_default();
        let text =
            |item: &store::Item, name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        let members: Vec<Event> = items
            .iter()
            .filter_map(|item| text(item, "id"))
            .map(|sub| event.for_member(&sub))
            .collect();
        self.publisher.publish_all(&members).await?;
        if out.last_evaluated_key.is_some()
            && let Some(last) = items.last().and_then(|i| text(i, attr::GSI1SK))
        {
            let rest = Event {
                to: Audience::Role {
                    role,
                    after: Some(last),
                },
                ..event.clone()
            };
            self.publisher.publish(&rest).await?;
        }
        tracing::info!(event_id = %event.id, role = role.as_str(), users = members.len(), "fan-out page");
        Ok(())
    }

    async fn deliver(&self, event: &Event, sub: &str) -> ApiResult<()> {
        let Some(contact) = notifications::contact(&self.store, sub).await? else {
            tracing::warn!(event_id = %event.id, "recipient has no profile; skipped");
            return Ok(());
        };
        if !contact.is_active {
            tracing::info!(event_id = %event.id, "recipient deactivated; skipped");
            return Ok(());
        }
        notifications::write(&self.store, sub, &Notification::from_event(event)).await?;
        let channels = notifications::channels(
            event.kind,
            &contact.preferences_notification,
            contact.telephone.is_some(),
        );
        // Every channel is tried, whatever happens to the others; the
        // message fails (and comes back) if any of them should be retried.
        let mut outcomes = Vec::new();
        if channels.email {
            outcomes.push(
                self.once(&event.id, "email", || self.email(event, &contact))
                    .await,
            );
        }
        if channels.sms
            && let Some(phone) = &contact.telephone
        {
            outcomes.push(self.once(&event.id, "sms", || self.sms(event, phone)).await);
        }
        if channels.push {
            for device in notifications::devices(&self.store, sub).await? {
                let channel = format!("push#{}", device.id);
                outcomes.push(
                    self.once(&event.id, &channel, || self.push(event, sub, &device))
                        .await,
                );
            }
        }
        outcomes.into_iter().collect()
    }

    async fn email(&self, event: &Event, to: &Contact) -> Result<(), Failure> {
        use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
        let email = mail::render(
            event,
            &Recipient {
                prenom: &to.prenom,
                nom: &to.nom,
            },
            &self.app_url,
        );
        let content = |text: String| {
            Content::builder()
                .data(text)
                .charset("UTF-8")
                .build()
                .map_err(ApiError::internal)
        };
        self.ses
            .send_email()
            .from_email_address(&self.mail_from)
            .destination(Destination::builder().to_addresses(&to.email).build())
            .content(
                EmailContent::builder()
                    .simple(
                        Message::builder()
                            .subject(content(email.subject)?)
                            .body(
                                Body::builder()
                                    .text(content(email.text)?)
                                    .html(content(email.html)?)
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            // Rejected addresses (the SES sandbox, say) will not change.
            .map_err(|e| failure(e, &["MessageRejected", "BadRequestException"]))?;
        Ok(())
    }

    async fn sms(&self, event: &Event, phone: &str) -> Result<(), Failure> {
        self.sns
            .publish()
            .phone_number(phone)
            .message(mail::sms(event))
            .send()
            .await
            // A number SNS refuses (invalid, opted out) will not change.
            .map_err(|e| failure(e, &["InvalidParameter", "InvalidParameterValue"]))?;
        Ok(())
    }

    async fn push(&self, event: &Event, sub: &str, device: &Device) -> Result<(), Failure> {
        let body = mail::short(event, 240);
        let payload = serde_json::json!({
            "default": body,
            "GCM": serde_json::json!({
                "notification": {"title": event.titre, "body": event.message},
                "data": {"lien": event.lien, "type": event.kind},
            }).to_string(),
            "APNS": serde_json::json!({
                "aps": {"alert": {"title": event.titre, "body": event.message}},
                "lien": event.lien,
            }).to_string(),
        });
        let sent = self
            .sns
            .publish()
            .target_arn(&device.endpoint_arn)
            .message_structure("json")
            .message(payload.to_string())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            // The app was uninstalled or the token expired: forget the
            // device rather than retrying forever.
            Err(e)
                if e.as_service_error().is_some_and(|e| {
                    e.is_endpoint_disabled_exception() || e.is_not_found_exception()
                }) =>
            {
                tracing::info!(device = %device.id, "push endpoint gone; device removed");
                notifications::delete_device(&self.store, sub, &device.id).await?;
                Ok(())
            }
            Err(e) => Err(failure(e, &[])),
        }
    }

    /// Runs `send` unless this event was already sent on this channel.
    async fn once<F, Fut>(&self, event_id: &str, channel: &str, send: F) -> ApiResult<()>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), Failure>>,
    {
        match self.claim(event_id, channel).await? {
            Claim::Sent => return Ok(()),
            Claim::Busy => {
                return Err(ApiError::internal(format!(
                    "{event_id}/{channel} is being sent by another consumer"
                )));
            }
            Claim::Mine => {}
        }
        let key = store::key(&keys::delivery(event_id, channel));
        let done = |status: &'static str| {
            self.store
                .client
                .update_item()
                .table_name(&self.store.table)
                .set_key(Some(key.clone()))
                .update_expression("SET #s = :done")
                .expression_attribute_names("#s", "status")
                .expression_attribute_values(":done", AttributeValue::S(status.into()))
                .send()
        };
        match send().await {
            Ok(()) => {
                done("sent").await?;
                Ok(())
            }
            Err(Failure::Permanent(code)) => {
                tracing::warn!(event_id, channel, code = %code, "delivery refused for good; not retried");
                done("failed").await?;
                Ok(())
            }
            Err(Failure::Retry(e)) => {
                // Free the channel for the retry.
                self.store
                    .client
                    .delete_item()
                    .table_name(&self.store.table)
                    .set_key(Some(key))
                    .send()
                    .await?;
                Err(e)
            }
        }
    }

    async fn claim(&self, event_id: &str, channel: &str) -> ApiResult<Claim> {
        let now = now_epoch();
        let record = Delivery {
            status: "sending".into(),
            lease_until: now + self.lease_seconds,
        };
        let (pk, sk) = keys::delivery(event_id, channel);
        let k = (pk.clone(), sk.clone());
        let mut item = store::to_item(&[(attr::PK, pk), (attr::SK, sk)], &record)?;
        item.insert(
            attr::EXPIRES_AT.into(),
            AttributeValue::N((now + RECORD_DAYS * 86_400).to_string()),
        );
        let put = self
            .store
            .client
            .put_item()
            .table_name(&self.store.table)
            .set_item(Some(item))
            // New, or claimed by a consumer that died before sending.
            .condition_expression(
                "attribute_not_exists(PK) OR (#s = :sending AND lease_until < :now)",
            )
            .expression_attribute_names("#s", "status")
            .expression_attribute_values(":sending", AttributeValue::S("sending".into()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Claim::Mine),
            Err(e) if condition_failed(&e) => {
                let current: Option<Delivery> = self.store.get(&k, true).await?;
                Ok(match current {
                    Some(d) if d.status == "sent" || d.status == "failed" => Claim::Sent,
                    _ => Claim::Busy,
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Delivery {
    status: String,
    lease_until: u64,
}

enum Claim {
    Mine,
    Sent,
    Busy,
}
