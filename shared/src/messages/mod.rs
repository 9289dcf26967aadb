//! Messaging (spec 8.1, 8.2): who may write to whom, the message item and
//! its storage. A message is stored twice, once in the recipient's inbox
//! and once in the sender's sent box, so deleting it hides it for one side
//! only and every read is keyed by the caller (a foreign id is absent).

#[cfg(feature = "messages")]
pub mod api;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::auth::Role;
use crate::error::ApiResult;
use crate::store::{self, Store, attr, condition_failed, keys};

/// Longest message body, in characters (after sanitizing).
pub const MAX_CONTENT_CHARS: usize = 10_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeMessage {
    #[default]
    General,
    Candidature,
    Entretien,
    Offre,
}

impl TypeMessage {
    pub fn as_str(self) -> &'static str {
        match self {
            TypeMessage::General => "general",
            TypeMessage::Candidature => "candidature",
            TypeMessage::Entretien => "entretien",
            TypeMessage::Offre => "offre",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Message {
    pub id: String,
    /// The sender's id (Cognito `sub`).
    pub expediteur: String,
    pub expediteur_nom: String,
    pub destinataire: String,
    pub destinataire_nom: String,
    pub sujet: String,
    /// Sanitized HTML.
    pub contenu: String,
    pub type_message: TypeMessage,
    #[serde(with = "time::serde::rfc3339")]
    pub date_envoi: OffsetDateTime,
    /// Read by the recipient.
    pub lu: bool,
    /// Id of the publication the message is about.
    pub offre_liee: Option<String>,
}

/// Who may write to whom (docs/messaging.md):
/// - anyone may write to an admin, and an admin to anyone;
/// - anyone may answer someone who wrote to them;
/// - a recruiter the admins have verified may write to candidates and
///   prestataires;
/// - nothing else: a candidate or prestataire cannot cold-message a
///   recruiter or each other, and recruiters do not write to recruiters.
pub fn may_write(sender: Role, sender_verified: bool, recipient: Role, is_reply: bool) -> bool {
    match (sender, recipient) {
        (Role::Admin, _) | (_, Role::Admin) => true,
        _ if is_reply => true,
        (Role::Recruteur, Role::Candidat | Role::Prestataire) => sender_verified,
        _ => false,
    }
}

pub use crate::validation::{is_blank, sanitize};

/// A message's subject (trimmed) and body (sanitized), with the field
/// errors of either (blank, too long) added to `errors`.
pub fn clean_content(
    sujet: Option<String>,
    contenu: Option<String>,
    errors: &mut crate::error::FieldErrors,
) -> (String, String) {
    let sujet = sujet.unwrap_or_default().trim().to_string();
    let contenu = sanitize(&contenu.unwrap_or_default());
    let mut invalid =
        |field: &str, message: &str| errors.entry(field.into()).or_default().push(message.into());
    if is_blank(&contenu) {
        invalid(
            "contenu",
            "Le message est vide une fois le contenu non autorisé retiré.",
        );
    } else if contenu.chars().count() > MAX_CONTENT_CHARS {
        invalid("contenu", "Le message dépasse 10000 caractères.");
    }
    if sujet.is_empty() {
        invalid("sujet", "Ce champ ne peut être vide.");
    }
    (sujet, contenu)
}

/// What lets the recipient answer: the sender wrote to them.
#[derive(Serialize, Deserialize)]
struct ContactItem {
    #[serde(with = "time::serde::rfc3339")]
    depuis: OffsetDateTime,
}

/// Stores a message in both boxes and lets the recipient reply, in one
/// transaction, unless the recipient already has a message with its id
/// (a mass mailing's batch sent again): false then, and nothing written.
pub async fn send(store: &Store, m: &Message) -> ApiResult<bool> {
    let put = |k: (String, String), mut item: store::Item| -> ApiResult<TransactWriteItem> {
        item.insert(attr::PK.into(), AttributeValue::S(k.0));
        item.insert(attr::SK.into(), AttributeValue::S(k.1));
        store.transact_put(item)
    };
    let message: store::Item = serde_dynamo::to_item(m)?;
    let contact: store::Item = serde_dynamo::to_item(ContactItem {
        depuis: m.date_envoi,
    })?;
    let mut inbox = put(keys::inbox(&m.destinataire, &m.id), message.clone())?;
    if let Some(p) = inbox.put.as_mut() {
        p.condition_expression = Some("attribute_not_exists(PK)".into());
    }
    let written = store
        .write(vec![
            inbox,
            put(keys::outbox(&m.expediteur, &m.id), message)?,
            put(keys::contact(&m.destinataire, &m.expediteur), contact)?,
        ])
        .await?;
    Ok(written.is_ok())
}

/// A recipient of a mass mailing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    pub id: String,
    pub nom: String,
}

/// One batch of a mass mailing (`POST /api/recruteur/messages/envoi-masse/`),
/// as it travels on the queue: the message, and up to `BULK_BATCH`
/// recipients. The notifier stores one message per recipient, with an id
/// made of the mailing's and the recipient's, so a batch handled twice
/// sends nothing twice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bulk {
    /// The mailing's id.
    pub id: String,
    pub expediteur: String,
    pub expediteur_nom: String,
    pub sujet: String,
    pub contenu: String,
    pub type_message: TypeMessage,
    pub offre_liee: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub date_envoi: OffsetDateTime,
    pub destinataires: Vec<Recipient>,
}

/// How long a mass mailing sent again is the same one (`bulk_id`).
pub const BULK_RETRY_WINDOW_SECONDS: i64 = 600;

/// A mass mailing's id: a ULID whose time is the start of its
/// `BULK_RETRY_WINDOW_SECONDS` window and whose random part is a hash of
/// what it is (sender, publication, filter, subject, content). The same
/// mailing sent again within the window (a retry) has the same id, so its
/// messages, whose ids derive from it, are stored once.
pub fn bulk_id(
    sender: &str,
    publication: &str,
    filter: &str,
    sujet: &str,
    contenu: &str,
    now: OffsetDateTime,
) -> String {
    use std::hash::{Hash, Hasher};
    let half = |salt: u8| {
        let mut h = std::hash::DefaultHasher::new();
        (salt, sender, publication, filter, sujet, contenu).hash(&mut h);
        h.finish() as u128
    };
    let random = ((half(1) << 64) | half(2)) & ((1u128 << 80) - 1);
    let window = now.unix_timestamp() - now.unix_timestamp().rem_euclid(BULK_RETRY_WINDOW_SECONDS);
    ulid::Ulid::from_parts(window as u64 * 1000, random).to_string()
}

/// Recipients per queue message of a mass mailing.
pub const BULK_BATCH: usize = 50;

/// How a mass mailing's batch travels on the queue, next to events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkJob {
    pub envoi_masse: Bulk,
}

impl Bulk {
    /// The message `to` receives.
    pub fn message(&self, to: &Recipient) -> Message {
        Message {
            id: format!("{}-{}", self.id, to.id),
            expediteur: self.expediteur.clone(),
            expediteur_nom: self.expediteur_nom.clone(),
            destinataire: to.id.clone(),
            destinataire_nom: to.nom.clone(),
            sujet: self.sujet.clone(),
            contenu: self.contenu.clone(),
            type_message: self.type_message,
            date_envoi: self.date_envoi,
            lu: false,
            offre_liee: self.offre_liee.clone(),
        }
    }

    /// The mailing in queue messages of `BULK_BATCH` recipients.
    pub fn batches(mut self) -> Vec<BulkJob> {
        let everyone = std::mem::take(&mut self.destinataires);
        everyone
            .chunks(BULK_BATCH)
            .map(|chunk| BulkJob {
                envoi_masse: Bulk {
                    destinataires: chunk.to_vec(),
                    ..self.clone()
                },
            })
            .collect()
    }
}

/// One of the caller's messages, received or sent.
pub async fn get(store: &Store, sub: &str, id: &str) -> ApiResult<Option<Message>> {
    let found = store
        .get_many(&[keys::inbox(sub, id), keys::outbox(sub, id)])
        .await?;
    found
        .into_iter()
        .flatten()
        .next()
        .map(store::from_item)
        .transpose()
}

/// Marks a received message read, in the recipient's box and, if the
/// sender still has it, in the sender's. `None` if the caller did not
/// receive a message with that id.
pub async fn mark_read(store: &Store, sub: &str, id: &str) -> ApiResult<Option<Message>> {
    let update = |k: (String, String)| {
        store
            .client
            .update_item()
            .table_name(&store.table)
            .set_key(Some(store::key(&k)))
            .condition_expression("attribute_exists(PK)")
            .update_expression("SET lu = :t")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .return_values(ReturnValue::AllNew)
            .send()
    };
    let message: Message = match update(keys::inbox(sub, id)).await {
        Ok(out) => store::from_item(out.attributes.unwrap_or_default())?,
        Err(e) if condition_failed(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    match update(keys::outbox(&message.expediteur, id)).await {
        Ok(_) => {}
        Err(e) if condition_failed(&e) => {} // the sender deleted their copy
        Err(e) => return Err(e.into()),
    }
    Ok(Some(message))
}

/// Deletes the caller's copy of a message (inbox or sent box); the other
/// party keeps theirs. False when the caller has no such message.
pub async fn delete(store: &Store, sub: &str, id: &str) -> ApiResult<bool> {
    for k in [keys::inbox(sub, id), keys::outbox(sub, id)] {
        let out = store
            .client
            .delete_item()
            .table_name(&store.table)
            .set_key(Some(store::key(&k)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        if out.attributes.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Which of a deleted account's copies of a message `forget` handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Its inbox copy: a message addressed to it.
    Received,
    /// Its sent-box copy: a message it wrote.
    Sent,
}

/// The other party's copy of `m`, from `side`, and the field of it that
/// names the deleted account.
pub fn other_copy(m: &Message, side: Side) -> ((String, String), &'static str) {
    match side {
        Side::Received => (keys::outbox(&m.expediteur, &m.id), "destinataire_nom"),
        Side::Sent => (keys::inbox(&m.destinataire, &m.id), "expediteur_nom"),
    }
}

/// Forgets a deleted account in one of its messages (docs/privacy.md):
/// the other party keeps their copy, where the account's name becomes
/// `accounts::privacy::DELETED_ACCOUNT`; a recipient loses the right to
/// reply to it; then the account's own copy is deleted. Each step can be
/// done again, so a deletion retried finishes it.
pub async fn forget(store: &Store, m: &Message, side: Side) -> ApiResult<()> {
    let (other, field) = other_copy(m, side);
    let renamed = store
        .client
        .update_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&other)))
        .condition_expression("attribute_exists(PK)")
        .update_expression("SET #name = :anonymous")
        .expression_attribute_names("#name", field)
        .expression_attribute_values(
            ":anonymous",
            AttributeValue::S(crate::accounts::privacy::DELETED_ACCOUNT.into()),
        )
        .send()
        .await;
    match renamed {
        Ok(_) => {}
        Err(e) if condition_failed(&e) => {} // they deleted theirs
        Err(e) => return Err(e.into()),
    }
    let mut gone = vec![match side {
        Side::Received => keys::inbox(&m.destinataire, &m.id),
        Side::Sent => keys::outbox(&m.expediteur, &m.id),
    }];
    if side == Side::Sent {
        gone.push(keys::contact(&m.destinataire, &m.expediteur));
    }
    for k in gone {
        store.delete(&k).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mass_mailing_sent_again_within_its_window_keeps_its_id() {
        let t = time::macros::datetime!(2026-12-03 10:00:10 UTC);
        let id = |sujet: &str, at| bulk_id("rec", "pub", "None", sujet, "<p>x</p>", at);
        assert_eq!(id("A", t), id("A", t + time::Duration::minutes(9)));
        assert_ne!(id("A", t), id("B", t));
        assert_ne!(id("A", t), id("A", t + time::Duration::minutes(10)));
        assert_eq!(id("A", t).len(), 26, "a ULID");
    }
    use Role::*;

    #[test]
    fn a_mass_mailing_travels_in_batches_with_stable_message_ids() {
        let bulk = Bulk {
            id: "01ENVOI".into(),
            expediteur: "r".into(),
            expediteur_nom: "R".into(),
            sujet: "s".into(),
            contenu: "c".into(),
            type_message: TypeMessage::Candidature,
            offre_liee: Some("p".into()),
            date_envoi: OffsetDateTime::UNIX_EPOCH,
            destinataires: (0..120)
                .map(|i| Recipient {
                    id: format!("c{i}"),
                    nom: format!("N{i}"),
                })
                .collect(),
        };
        let batches = bulk.clone().batches();
        let sizes: Vec<usize> = batches
            .iter()
            .map(|b| b.envoi_masse.destinataires.len())
            .collect();
        assert_eq!(sizes, [50, 50, 20]);
        let mut ids: Vec<String> = batches
            .iter()
            .flat_map(|b| {
                b.envoi_masse
                    .destinataires
                    .iter()
                    .map(|r| b.envoi_masse.message(r).id)
            })
            .collect();
        assert_eq!(ids[0], "01ENVOI-c0");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 120);
        let text = serde_json::to_string(&batches[2]).unwrap();
        assert!(text.starts_with(r#"{"envoi_masse":"#), "{text}");
    }

    #[test]
    fn a_deleted_account_is_forgotten_in_the_other_partys_copy() {
        let m = Message {
            id: "01M".into(),
            expediteur: "alice".into(),
            expediteur_nom: "Awa K".into(),
            destinataire: "bob".into(),
            destinataire_nom: "Bob Y".into(),
            sujet: "s".into(),
            contenu: "c".into(),
            type_message: TypeMessage::General,
            date_envoi: OffsetDateTime::UNIX_EPOCH,
            lu: false,
            offre_liee: None,
        };
        // Bob deleted: Alice's sent copy forgets his name.
        assert_eq!(
            other_copy(&m, Side::Received),
            (keys::outbox("alice", "01M"), "destinataire_nom")
        );
        // Alice deleted: Bob's inbox copy forgets hers.
        assert_eq!(
            other_copy(&m, Side::Sent),
            (keys::inbox("bob", "01M"), "expediteur_nom")
        );
    }

    #[test]
    fn candidates_cannot_cold_message() {
        assert!(!may_write(Candidat, false, Recruteur, false));
        assert!(!may_write(Candidat, false, Candidat, false));
        assert!(!may_write(Prestataire, false, Recruteur, false));
        assert!(!may_write(Candidat, false, Prestataire, false));
    }

    #[test]
    fn replies_and_admins_are_always_allowed() {
        assert!(may_write(Candidat, false, Recruteur, true));
        assert!(may_write(Prestataire, false, Recruteur, true));
        for role in Role::ALL {
            assert!(may_write(role, false, Admin, false));
            assert!(may_write(Admin, false, role, false));
        }
    }

    #[test]
    fn only_verified_recruiters_reach_candidates_first() {
        assert!(may_write(Recruteur, true, Candidat, false));
        assert!(may_write(Recruteur, true, Prestataire, false));
        assert!(!may_write(Recruteur, false, Candidat, false));
        assert!(!may_write(Recruteur, true, Recruteur, false));
    }

    #[test]
    fn scripts_are_removed_and_formatting_kept() {
        let clean = sanitize(
            r#"<p onclick="x()">Bonjour <b>Awa</b><script>alert(1)</script><a href="javascript:alert(1)">lien</a><a href="https://destinyjobs.example">site</a></p>"#,
        );
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick"), "{clean}");
        assert!(!clean.contains("javascript"), "{clean}");
        assert!(clean.contains("<b>Awa</b>"), "{clean}");
        assert!(
            clean.contains(r#"href="https://destinyjobs.example""#),
            "{clean}"
        );
        assert_eq!(sanitize("<script>alert(1)</script>"), "");
        assert!(!sanitize(r#"<img src="https://tracker.example/p.gif">Salut"#).contains("img"));
    }

    #[test]
    fn blank_means_no_visible_text() {
        for blank in ["", "<p> </p>", "<br>", "<p><b>&nbsp;</b></p>", "\n"] {
            assert!(is_blank(&sanitize(blank)), "{blank:?}");
        }
        assert!(!is_blank("<p>Oui</p>"));
        assert!(!is_blank("1 &lt; 2"));
    }
}
