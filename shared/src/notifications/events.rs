//! Domain events: what happened, for whom, in French. An area that must
//! notify publishes one event to the topic; the notifier (fed by the queue
//! subscribed to it) writes the in-app notification and sends email, push
//! and SMS. Every notifying action builds its event here, so the wording
//! lives in one place.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::applications::Application;
use crate::applications::Statut;
use crate::applications::store::Reminder;
use crate::auth::Role;
use crate::publications::Publication;

/// The notification types of spec 15.1, plus admin announcements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    NouvelleCandidature,
    StatutCandidature,
    PublicationValidee,
    PublicationRefusee,
    /// To its author: a publication closed at its deadline.
    PublicationExpiree,
    /// To an applicant: the publication closed because an admin withdrew
    /// its recruiter's validation.
    PublicationFermee,
    /// To admins: a publication awaits review.
    PublicationAValider,
    CompteValide,
    CompteRefuse,
    MessageRecu,
    RappelEntretien,
    Annonce,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::NouvelleCandidature,
        Kind::StatutCandidature,
        Kind::PublicationValidee,
        Kind::PublicationRefusee,
        Kind::PublicationExpiree,
        Kind::PublicationFermee,
        Kind::PublicationAValider,
        Kind::CompteValide,
        Kind::CompteRefuse,
        Kind::MessageRecu,
        Kind::RappelEntretien,
        Kind::Annonce,
    ];

    /// Email is mandatory (spec 15.2) for everything that changes the
    /// user's standing; only the high-volume types can be muted by email.
    pub fn email_mandatory(self) -> bool {
        !matches!(
            self,
            Kind::MessageRecu | Kind::NouvelleCandidature | Kind::PublicationAValider
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NouvelleCandidature => "nouvelle_candidature",
            Kind::StatutCandidature => "statut_candidature",
            Kind::PublicationValidee => "publication_validee",
            Kind::PublicationRefusee => "publication_refusee",
            Kind::PublicationExpiree => "publication_expiree",
            Kind::PublicationFermee => "publication_fermee",
            Kind::PublicationAValider => "publication_a_valider",
            Kind::CompteValide => "compte_valide",
            Kind::CompteRefuse => "compte_refuse",
            Kind::MessageRecu => "message_recu",
            Kind::RappelEntretien => "rappel_entretien",
            Kind::Annonce => "annonce",
        }
    }
}

/// Who receives an event: one user, or every user of a type (expanded by
/// the notifier, a page at a time; `after` is where the last page ended).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Audience {
    User {
        id: String,
    },
    Role {
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
}

/// One domain event, as it travels on the topic and the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique per event and recipient; a redelivery carries the same id,
    /// which is what makes delivery idempotent.
    pub id: String,
    pub kind: Kind,
    pub to: Audience,
    pub titre: String,
    pub message: String,
    /// Path of the item in the web app (`/messages/<id>`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lien: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
}

impl Event {
    pub fn new(
        kind: Kind,
        to: Audience,
        titre: String,
        message: String,
        lien: Option<String>,
    ) -> Self {
        Event {
            id: ulid::Ulid::new().to_string(),
            kind,
            to,
            titre,
            message,
            lien,
            date: OffsetDateTime::now_utc(),
        }
    }

    fn user(id: &str) -> Audience {
        Audience::User { id: id.into() }
    }

    /// A message arrived in `recipient`'s inbox.
    pub fn message_recu(recipient: &str, sender_name: &str, sujet: &str, message_id: &str) -> Self {
        Event::new(
            Kind::MessageRecu,
            Event::user(recipient),
            format!("Nouveau message de {sender_name}"),
            format!("{sender_name} vous a écrit : « {sujet} »."),
            Some(Event::message_link(message_id)),
        )
    }

    /// The link of `message_recu`: the message in its recipient's inbox.
    pub fn message_link(message_id: &str) -> String {
        format!("/messages/{message_id}")
    }

    /// The link of `nouvelle_candidature`: the application on its
    /// recruiter's side.
    pub fn nouvelle_candidature_link(application_id: &str) -> String {
        format!("/recruteur/candidatures/{application_id}")
    }

    /// An admin validated a recruiter's (or prestataire's) account.
    pub fn compte_valide(user: &str) -> Self {
        Event::new(
            Kind::CompteValide,
            Event::user(user),
            "Votre compte a été validé".into(),
            "Un administrateur a vérifié votre compte. Vous pouvez désormais publier sur DestinyJobs.".into(),
            Some("/profil".into()),
        )
    }

    /// An admin refused a recruiter's (or prestataire's) account.
    pub fn compte_refuse(user: &str, motif: Option<&str>) -> Self {
        Event::refusal(user, motif, false)
    }

    /// An admin withdrew a recruiter's validation: the refusal, and what
    /// it closed (docs/admin.md).
    pub fn compte_retire(user: &str, motif: Option<&str>) -> Self {
        Event::refusal(user, motif, true)
    }

    fn refusal(user: &str, motif: Option<&str>, withdrawn: bool) -> Self {
        let mut message = if withdrawn {
            "Un administrateur a retiré la validation de votre compte.".to_string()
        } else {
            "Un administrateur n'a pas pu valider votre compte.".to_string()
        };
        if let Some(motif) = motif.filter(|m| !m.trim().is_empty()) {
            message.push_str(&format!(" Motif : {}", motif.trim()));
        }
        if withdrawn {
            message.push_str(
                " Vos publications ouvertes sont fermées, leurs candidats sont prévenus, et leurs \
                 coordonnées ne vous sont plus accessibles.",
            );
        }
        message.push_str(
            " Vous pouvez compléter votre profil et vos documents, puis nous recontacter.",
        );
        Event::new(
            Kind::CompteRefuse,
            Event::user(user),
            "Votre compte n'a pas été validé".into(),
            message,
            Some("/profil".into()),
        )
    }

    /// To every admin: a publication was submitted (or resubmitted after an
    /// edit) and awaits review.
    pub fn publication_a_valider(p: &Publication, resubmitted: bool) -> Self {
        let kind = p.kind();
        let what = if resubmitted {
            format!("a été modifié{} et attend", kind.agreement())
        } else {
            "attend".into()
        };
        Event::new(
            Kind::PublicationAValider,
            Audience::Role {
                role: Role::Admin,
                after: None,
            },
            format!("À valider : {}", p.titre),
            format!(
                "{} {} « {} » {what} votre validation.",
                kind.article(),
                kind.label(),
                p.titre
            ),
            Some(format!("/admin/publications/{}", p.id)),
        )
    }

    /// To its author: an admin validated a publication, now public.
    pub fn publication_validee(p: &Publication) -> Self {
        let kind = p.kind();
        Event::new(
            Kind::PublicationValidee,
            Event::user(&p.recruteur),
            format!("Publication validée : {}", p.titre),
            format!(
                "Votre {} « {} » a été validé{} et publié{} sur DestinyJobs, visible de tous.",
                kind.label(),
                p.titre,
                kind.agreement(),
                kind.agreement()
            ),
            Some(format!("/{}/{}", kind.plural(), p.id)),
        )
    }

    /// To its author: an admin refused a publication, with the reason.
    pub fn publication_refusee(p: &Publication, motif: Option<&str>) -> Self {
        let kind = p.kind();
        let mut message = format!(
            "Votre {} « {} » n'a pas été validé{}.",
            kind.label(),
            p.titre,
            kind.agreement()
        );
        if let Some(motif) = motif.filter(|m| !m.trim().is_empty()) {
            message.push_str(&format!(" Motif : {}", motif.trim()));
        }
        message.push_str(" Après correction, la publication sera de nouveau examinée.");
        Event::new(
            Kind::PublicationRefusee,
            Event::user(&p.recruteur),
            format!("Publication refusée : {}", p.titre),
            message,
            Some(format!("/recruteur/{}/{}", kind.plural(), p.id)),
        )
    }

    /// To its author: a publication closed at its deadline (the job).
    pub fn publication_expiree(p: &Publication) -> Self {
        let kind = p.kind();
        Event::new(
            Kind::PublicationExpiree,
            Event::user(&p.recruteur),
            format!("Date limite atteinte : {}", p.titre),
            format!(
                "Votre {} « {} » a atteint sa date limite : la publication est fermée et ne reçoit plus de candidatures. \
                 Pour la rouvrir, donnez-lui une nouvelle date limite.",
                kind.label(),
                p.titre,
            ),
            Some(format!("/recruteur/{}/{}", kind.plural(), p.id)),
        )
    }

    /// To an applicant of `p`: it closed because an admin withdrew its
    /// recruiter's validation at `at`. Its id is fixed by the closing, the
    /// publication and the applicant (`stable_id`), so a closing run again
    /// tells nobody twice.
    pub fn publication_fermee(p: &Publication, applicant: &str, at: OffsetDateTime) -> Self {
        let application = crate::applications::application_id(&p.id, applicant);
        Event::new(
            Kind::PublicationFermee,
            Event::user(applicant),
            format!("Publication fermée : {}", p.titre),
            format!(
                "Le compte du recruteur de « {} » n'est plus validé par DestinyJobs : cette publication \
                 est fermée et ne reçoit plus de candidatures. Votre candidature reste dans votre espace ; \
                 elle ne sera pas traitée pour le moment.",
                p.titre,
            ),
            Some(format!("/candidat/candidatures/{application}")),
        )
        .with_id(stable_id(at, &format!("fermee#{application}#{}", at.unix_timestamp())))
    }

    /// To the recruiter: someone applied to one of their publications.
    pub fn nouvelle_candidature(a: &Application) -> Self {
        let kind = a.type_publication;
        Event::new(
            Kind::NouvelleCandidature,
            Event::user(&a.recruteur),
            format!("Nouvelle candidature : {}", a.publication_titre),
            format!(
                "{} a postulé à votre {} « {} » (compatibilité : {}/100).",
                a.candidat_nom,
                kind.label(),
                a.publication_titre,
                a.score_compatibilite
            ),
            Some(Event::nouvelle_candidature_link(&a.id)),
        )
    }

    /// To the applicant: the recruiter changed the status of their
    /// application (with the interview date, if one was set).
    pub fn statut_candidature(a: &Application) -> Self {
        let mut message = format!(
            "Votre candidature à « {} » est désormais {}.",
            a.publication_titre,
            a.statut.label()
        );
        if let Some(date) = a.date_entretien.filter(|_| a.statut == Statut::EnCours) {
            message.push_str(&format!(" Entretien prévu le {}.", french_date(date)));
        }
        Event::new(
            Kind::StatutCandidature,
            Event::user(&a.candidat),
            format!("Candidature {} : {}", a.statut.label(), a.publication_titre),
            message,
            Some(format!("/candidat/candidatures/{}", a.id)),
        )
    }

    /// To the applicant, the day before: their interview. Its id is a
    /// ULID fixed by the application and the date (the due time, then a
    /// hash of both), so a reminder sent twice is delivered once, and its
    /// notification sorts by time among the others.
    pub fn rappel_entretien(r: &Reminder) -> Self {
        let due = r.date_entretien - crate::applications::REMINDER_BEFORE;
        let what = format!("{}#{}", r.application, r.date_entretien.unix_timestamp());
        Event::new(
            Kind::RappelEntretien,
            Event::user(&r.candidat),
            format!("Rappel : entretien le {}", french_date(r.date_entretien)),
            format!(
                "Votre entretien pour « {} » a lieu le {}. Bonne préparation !",
                r.publication_titre,
                french_date(r.date_entretien)
            ),
            Some(format!("/candidat/candidatures/{}", r.application)),
        )
        .with_id(stable_id(due, &what))
    }

    /// This event with a given id: one derived from what it is about, so
    /// that publishing it again (a retried batch) delivers it once.
    pub fn with_id(self, id: String) -> Self {
        Event { id, ..self }
    }

    /// An admin's announcement to one user or to every user of a type.
    pub fn annonce(to: Audience, titre: String, message: String, lien: Option<String>) -> Self {
        Event::new(Kind::Annonce, to, titre, message, lien)
    }

    /// This event, for one member of its role audience: a stable id per
    /// recipient, so expanding the same page twice sends nothing twice.
    pub fn for_member(&self, user: &str) -> Self {
        Event {
            id: format!("{}-{user}", self.id),
            to: Event::user(user),
            ..self.clone()
        }
    }

    /// The recipient, when the event is for one user.
    pub fn recipient(&self) -> Option<&str> {
        match &self.to {
            Audience::User { id } => Some(id),
            Audience::Role { .. } => None,
        }
    }
}

/// A ULID fixed by what an event is about: its time is `at`, its random
/// part a hash of `what`. Published twice, the event is delivered once, and
/// its notification sorts by `at` among the others.
pub fn stable_id(at: OffsetDateTime, what: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, what.as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest.as_ref()[..16]);
    let random = u128::from_be_bytes(first) & ((1u128 << 80) - 1);
    let millis = (at.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
    ulid::Ulid::from_parts(millis, random).to_string()
}

/// `27/11/2026 à 14:30 (UTC)`.
pub fn french_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:02}/{:02}/{} à {:02}:{:02} (UTC)",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// The state of an area that notifies: the shared services, the SNS
/// client, and the event publisher.
#[cfg(feature = "sns")]
#[derive(Clone)]
pub struct Notifying {
    pub services: std::sync::Arc<crate::Services>,
    /// Built by the first write that publishes, not at cold start: most
    /// requests of these functions are reads.
    pub sns: crate::Lazy<aws_sdk_sns::Client>,
    pub publisher: crate::Lazy<Publisher>,
}

#[cfg(feature = "sns")]
impl Notifying {
    pub fn new(
        services: std::sync::Arc<crate::Services>,
        sdk: &aws_config::SdkConfig,
    ) -> Result<Self, crate::config::ConfigError> {
        let topic = services
            .config
            .events_topic_arn
            .clone()
            .ok_or(crate::config::ConfigError::Missing("EVENTS_TOPIC_ARN"))?;
        let sns = {
            let sdk = sdk.clone();
            crate::Lazy::new(move || crate::metrics::sns_client(&sdk))
        };
        let publisher = {
            let sns = sns.clone();
            crate::Lazy::new(move || Publisher::new((*sns).clone(), topic.clone()))
        };
        Ok(Notifying {
            publisher,
            sns,
            services,
        })
    }
}

#[cfg(feature = "sns")]
impl Notifying {
    /// Publishes the event of an action already done. The action stands
    /// if this fails: the event is kept and published by the scheduled
    /// job (`unsent`), so its notification is late, not lost. Were the
    /// table unreachable too, the whole event goes to the log.
    pub async fn notify(&self, event: &Event) {
        // Bounded below the request's own limit, so a slow topic leaves
        // time to keep the event (a publish cut short may have gone out:
        // the notifier delivers an event id once).
        let published = tokio::time::timeout(PUBLISH_BUDGET, self.publisher.publish(event));
        let e = match published.await {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {PUBLISH_BUDGET:?}"),
        };
        tracing::warn!(error = %e, event_id = %event.id, kind = event.kind.as_str(), "event not published: kept to be sent again");
        if let Err(kept) = super::unsent::keep(&self.services.store, event).await {
            let whole = serde_json::to_string(event).unwrap_or_default();
            tracing::error!(error = %kept, event_lost = %whole, "event neither published nor kept");
        }
    }
}

/// The longest an action's answer waits for its event's publication.
#[cfg(feature = "sns")]
const PUBLISH_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(feature = "sns")]
impl axum::extract::FromRef<Notifying> for std::sync::Arc<crate::Services> {
    fn from_ref(state: &Notifying) -> Self {
        state.services.clone()
    }
}

/// Publishes events to the topic the notifications queue is subscribed to.
#[cfg(feature = "sns")]
#[derive(Clone)]
pub struct Publisher {
    sns: aws_sdk_sns::Client,
    topic_arn: String,
}

#[cfg(feature = "sns")]
impl Publisher {
    pub fn new(sns: aws_sdk_sns::Client, topic_arn: String) -> Self {
        Publisher { sns, topic_arn }
    }

    pub async fn publish(&self, event: &Event) -> crate::ApiResult<()> {
        self.sns
            .publish()
            .topic_arn(&self.topic_arn)
            .message(serde_json::to_string(event).map_err(crate::ApiError::internal)?)
            .send()
            .await?;
        Ok(())
    }

    /// Publishes many events, ten per request (the API's batch limit).
    pub async fn publish_all(&self, events: &[Event]) -> crate::ApiResult<()> {
        self.publish_all_json(events).await
    }

    /// Publishes many messages for the queue (events, or other jobs such
    /// as a mass mailing's batches) as JSON: ten per request at most, and
    /// within the 256 KiB a request may carry.
    pub async fn publish_all_json<T: serde::Serialize>(&self, jobs: &[T]) -> crate::ApiResult<()> {
        use aws_sdk_sns::types::PublishBatchRequestEntry;
        let texts = jobs
            .iter()
            .map(|j| serde_json::to_string(j).map_err(crate::ApiError::internal))
            .collect::<crate::ApiResult<Vec<String>>>()?;
        for chunk in batches(&texts, 10, 250_000) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    PublishBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message(text.as_str())
                        .build()
                        .map_err(crate::ApiError::internal)
                })
                .collect::<crate::ApiResult<Vec<_>>>()?;
            let out = self
                .sns
                .publish_batch()
                .topic_arn(&self.topic_arn)
                .set_publish_batch_request_entries(Some(entries))
                .send()
                .await?;
            if !out.failed().is_empty() {
                return Err(crate::ApiError::internal(format!(
                    "{} events not published",
                    out.failed().len()
                )));
            }
        }
        Ok(())
    }
}

/// `texts` in consecutive groups of at most `count` items and `bytes`
/// bytes (an item larger than `bytes` goes alone).
pub fn batches(texts: &[String], count: usize, bytes: usize) -> Vec<&[String]> {
    let mut groups = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, text) in texts.iter().enumerate() {
        if i > start && (i - start == count || size + text.len() > bytes) {
            groups.push(&texts[start..i]);
            (start, size) = (i, 0);
        }
        size += text.len();
    }
    if start < texts.len() {
        groups.push(&texts[start..]);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_json() {
        let e = Event::message_recu("sub-b", "Awa Kouassi", "Entretien", "01MSG");
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.contains(r#""kind":"message_recu""#), "{text}");
        assert!(
            text.contains(r#""to":{"type":"user","id":"sub-b"}"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), e);
        let all = Event::annonce(
            Audience::Role {
                role: Role::Candidat,
                after: None,
            },
            "t".into(),
            "m".into(),
            None,
        );
        let back: Event = serde_json::from_str(&serde_json::to_string(&all).unwrap()).unwrap();
        assert_eq!(back, all);
    }

    #[test]
    fn members_get_stable_distinct_ids() {
        let e = Event::annonce(
            Audience::Role {
                role: Role::Recruteur,
                after: None,
            },
            "t".into(),
            "m".into(),
            None,
        );
        assert_eq!(e.for_member("a").id, e.for_member("a").id);
        assert_ne!(e.for_member("a").id, e.for_member("b").id);
        assert_eq!(e.for_member("a").recipient(), Some("a"));
        assert!(
            e.for_member("a").id.starts_with(&e.id),
            "sorts with its parent"
        );
    }

    #[test]
    fn publish_batches_stay_within_ten_entries_and_the_byte_limit() {
        let texts: Vec<String> = (0..25)
            .map(|i| "x".repeat(if i == 3 { 900 } else { 100 }))
            .collect();
        let sizes = |g: Vec<&[String]>| g.iter().map(|g| g.len()).collect::<Vec<_>>();
        assert_eq!(sizes(batches(&texts, 10, 100_000)), [10, 10, 5]);
        // 1000 bytes a request: the 900-byte entry starts a request that
        // takes one more 100-byte entry, no more.
        assert_eq!(sizes(batches(&texts, 10, 1000)), [3, 2, 10, 10]);
        assert!(batches(&[], 10, 1000).is_empty());
        assert_eq!(sizes(batches(&["y".repeat(2000)], 10, 1000)), [1]);
    }

    #[test]
    fn reminders_get_a_stable_time_ordered_ulid() {
        use time::macros::datetime;
        let r = |application: &str, date| Reminder {
            application: application.into(),
            candidat: "c".into(),
            publication_titre: "t".into(),
            type_publication: crate::publications::Kind::Offre,
            date_entretien: date,
            expires_at: 0,
        };
        let a = Event::rappel_entretien(&r("p.c", datetime!(2026-12-03 09:00 UTC)));
        let again = Event::rappel_entretien(&r("p.c", datetime!(2026-12-03 09:00 UTC)));
        assert_eq!(a.id, again.id);
        let id: ulid::Ulid = a.id.parse().expect("a ULID");
        assert_eq!(
            id.timestamp_ms() as i128 * 1_000_000,
            datetime!(2026-12-02 09:00 UTC).unix_timestamp_nanos()
        );
        assert_ne!(
            a.id,
            Event::rappel_entretien(&r("p.d", datetime!(2026-12-03 09:00 UTC))).id
        );
        assert_ne!(
            a.id,
            Event::rappel_entretien(&r("p.c", datetime!(2026-12-04 09:00 UTC))).id
        );
    }

    #[test]
    fn a_closing_tells_each_applicant_once() {
        use time::macros::datetime;
        let content = crate::publications::Content::parse(
            crate::publications::Kind::Offre,
            serde_json::json!({"titre": "Développeur Rust", "description": "<p>Abidjan</p>",
                "entreprise": "Acme", "type_contrat": "cdi"}),
        )
        .unwrap();
        let at = datetime!(2026-12-03 09:00 UTC);
        let p = Publication::new("rec", content, at);
        let e = Event::publication_fermee(&p, "cand", at);
        assert_eq!(e.kind, Kind::PublicationFermee);
        assert_eq!(e.recipient(), Some("cand"));
        assert!(e.message.contains("Développeur Rust"), "{}", e.message);
        assert_eq!(
            e.lien,
            Some(format!("/candidat/candidatures/{}.cand", p.id))
        );
        // Run again, the same closing gives the same id; another applicant
        // or another closing, another.
        assert_eq!(e.id, Event::publication_fermee(&p, "cand", at).id);
        assert_ne!(e.id, Event::publication_fermee(&p, "autre", at).id);
        let later = at + time::Duration::days(1);
        assert_ne!(e.id, Event::publication_fermee(&p, "cand", later).id);
        let id: ulid::Ulid = e.id.parse().expect("a ULID");
        assert_eq!(
            id.timestamp_ms() as i128 * 1_000_000,
            at.unix_timestamp_nanos()
        );
        // The recruiter's own notice says what it lost.
        let withdrawn = Event::compte_retire("rec", Some("Fraude"));
        assert_eq!(withdrawn.kind, Kind::CompteRefuse);
        assert!(withdrawn.message.contains("Motif : Fraude"));
        assert!(
            withdrawn
                .message
                .contains("publications ouvertes sont fermées")
        );
        assert!(
            !Event::compte_refuse("rec", None)
                .message
                .contains("fermées")
        );
    }

    #[test]
    fn email_can_be_muted_only_for_high_volume_types() {
        let optional: Vec<_> = Kind::ALL
            .into_iter()
            .filter(|k| !k.email_mandatory())
            .collect();
        assert_eq!(
            optional,
            [
                Kind::NouvelleCandidature,
                Kind::PublicationAValider,
                Kind::MessageRecu
            ]
        );
    }

    #[test]
    fn refusals_carry_the_reason() {
        let e = Event::compte_refuse("u", Some("  Kbis illisible "));
        assert!(
            e.message.contains("Motif : Kbis illisible"),
            "{}",
            e.message
        );
        assert!(
            !Event::compte_refuse("u", Some(" "))
                .message
                .contains("Motif")
        );
        assert_eq!(e.kind, Kind::CompteRefuse);
    }
}
