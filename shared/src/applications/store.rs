//! Applications in the table (C1–C8 in docs/data-model.md). An
//! application is keyed by its publication and applicant, so a second one
//! is refused by its key; it is written with the publication's
//! `nombre_candidatures`, the statistics counters and its interview
//! reminder in one transaction, so none of them ever drifts.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{Application, Statut, count_changes, split_id};
use crate::accounts::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::publications::Kind;
use crate::stats;
use crate::store::{self, Item, Store, attr, keys};
use crate::uploads;

const STATS: &str = "candidatures";

/// The scope of the platform's application counters.
pub const SCOPE: &str = STATS;

/// The condition of every change: the application is as it was read.
const UNCHANGED: &str = "statut = :was AND date_modification = :was_modified";

/// The item of an application, with its list keys: its applicant's list
/// (GSI1) and its recruiter's, by date (GSI2) and by score (GSI3).
fn item(a: &Application) -> ApiResult<Item> {
    let (pk, sk) = keys::application(&a.publication, &a.candidat);
    let received = keys::applications_received(&a.recruteur, a.type_publication.as_str());
    let date = rfc3339(a.date_candidature);
    store::to_item(
        &[
            (attr::PK, pk),
            (attr::SK, sk),
            (attr::GSI1PK, keys::applications_by_applicant(&a.candidat)),
            (attr::GSI1SK, format!("{date}#{}", a.publication)),
            (attr::GSI2PK, received.clone()),
            (attr::GSI2SK, format!("{date}#{}", a.id)),
            (attr::GSI3PK, received),
            (
                attr::GSI3SK,
                format!("{:03}#{date}#{}", a.score_compatibilite, a.id),
            ),
        ],
        a,
    )
}

/// An application by id; none for an id that names none.
pub async fn get(store: &Store, id: &str) -> ApiResult<Option<Application>> {
    let Some((publication, applicant)) = split_id(id) else {
        return Ok(None);
    };
    store
        .get(&keys::application(publication, applicant), true)
        .await
}

/// `ADD nombre_candidatures n` on the publication: an application (n > 0)
/// only while it is validated and open; a withdrawal (n < 0) only while it
/// exists, so nothing creates a stray item.
fn count_on_publication(store: &Store, publication: &str, n: i64) -> ApiResult<TransactWriteItem> {
    let mut update = Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::publication(publication))))
        .update_expression("ADD nombre_candidatures :n")
        .expression_attribute_values(":n", AttributeValue::N(n.to_string()));
    update = if n > 0 {
        update
            .condition_expression("statut_validation = :validee AND statut = :active")
            .expression_attribute_values(":validee", AttributeValue::S("validee".into()))
            .expression_attribute_values(":active", AttributeValue::S("active".into()))
    } else {
        update.condition_expression("attribute_exists(PK)")
    };
    Ok(TransactWriteItem::builder()
        .update(update.build().map_err(ApiError::internal)?)
        .build())
}

/// The counter moves of a change: the platform's, the recruiter's and the
/// applicant's totals, the platform's and the recruiter's daily series;
/// and, when the application appears or goes, the recruiter's count of
/// this applicant's live applications (what lets the recruiter see their
/// contact details in a candidate search).
fn counters(
    store: &Store,
    before: Option<&Application>,
    after: Option<&Application>,
) -> ApiResult<Vec<TransactWriteItem>> {
    let changes = count_changes(before, after);
    let Some(a) = after.or(before) else {
        return Ok(Vec::new());
    };
    let recruiter = stats::recruiter_scope(&a.recruteur);
    let applicant = stats::applicant_scope(&a.candidat);
    let mut writes = stats::writes(
        store,
        &[STATS, &recruiter, &applicant],
        &[STATS, &recruiter],
        &stats::day(OffsetDateTime::now_utc()),
        &changes,
    )?;
    let live = match (before, after) {
        (None, Some(_)) => 1,
        (Some(_), None) => -1,
        _ => 0,
    };
    if live != 0 {
        writes.push(store.add_to(
            keys::applicant_of(&a.recruteur, &a.candidat),
            &[("candidatures".to_string(), live)],
        )?);
    }
    Ok(writes)
}

pub const CLOSED: &str = "Cette publication est fermée : elle n'accepte plus de candidatures.";

/// Stores a new application and counts it on its publication, which must
/// still be validated and open, in one transaction. 409 when the
/// applicant already applied, or the publication closed meanwhile.
pub async fn create(store: &Store, a: &Application) -> ApiResult<()> {
    let put = Put::builder()
        .table_name(&store.table)
        .set_item(Some(item(a)?))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let mut items = vec![
        TransactWriteItem::builder().put(put).build(),
        count_on_publication(store, &a.publication, 1)?,
    ];
    items.extend(counters(store, None, Some(a))?);
    let first_file = items.len();
    for (_, kind, id) in a.files() {
        items.extend(uploads::store::attach(
            store,
            id,
            kind,
            &a.candidat,
            &a.recruteur,
            &a.id,
        )?);
    }
    let Err(failed) = store.write(items).await? else {
        return Ok(());
    };
    if failed.first() == Some(&true) {
        return Err(ApiError::Conflict(
            "Vous avez déjà postulé à cette publication.".into(),
        ));
    }
    // Each file has two writes; the first is conditioned.
    for ((field, kind, _), i) in a.files().into_iter().zip((first_file..).step_by(2)) {
        if failed.get(i) == Some(&true) {
            return Err(uploads::not_yours(field, kind));
        }
    }
    Err(ApiError::Conflict(CLOSED.into()))
}

/// The condition values of `UNCHANGED` for `a` as read.
fn unchanged_values(a: &Application) -> [(&'static str, AttributeValue); 2] {
    [
        (":was", AttributeValue::S(a.statut.as_str().into())),
        (
            ":was_modified",
            AttributeValue::S(rfc3339(a.date_modification)),
        ),
    ]
}

const CHANGED: &str = "Cette candidature vient d'être modifiée par ailleurs ; rechargez-la.";

/// Stores a recruiter's change, with the counters and the interview
/// reminder it moves, if nobody changed the application since it was
/// read (409 otherwise).
pub async fn save(store: &Store, before: &Application, after: &Application) -> ApiResult<()> {
    let mut attributes = item(after)?;
    let mut remove = Vec::new();
    if after.notes_recruteur.is_none() {
        attributes.remove("notes_recruteur");
        remove.push("notes_recruteur");
    }
    let mut update = store
        .update_all(attributes, &remove)
        .condition_expression(UNCHANGED);
    for (name, value) in unchanged_values(before) {
        update = update.expression_attribute_values(name, value);
    }
    let mut items = vec![
        TransactWriteItem::builder()
            .update(update.build().map_err(ApiError::internal)?)
            .build(),
    ];
    items.extend(counters(store, Some(before), Some(after))?);
    items.extend(reminder_writes(store, Some(before), Some(after))?);
    match store.write(items).await? {
        Ok(()) => Ok(()),
        Err(_) => Err(ApiError::Conflict(CHANGED.into())),
    }
}

/// Withdraws an application: it is deleted, uncounted from its
/// publication, its reminder dropped and its files released, together.
pub async fn withdraw(store: &Store, a: &Application) -> ApiResult<()> {
    let mut delete = Delete::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::application(
            &a.publication,
            &a.candidat,
        ))))
        .condition_expression(UNCHANGED);
    for (name, value) in unchanged_values(a) {
        delete = delete.expression_attribute_values(name, value);
    }
    let mut items = vec![
        TransactWriteItem::builder()
            .delete(delete.build().map_err(ApiError::internal)?)
            .build(),
        count_on_publication(store, &a.publication, -1)?,
    ];
    items.extend(counters(store, Some(a), None)?);
    items.extend(reminder_writes(store, Some(a), None)?);
    for (_, _, id) in a.files() {
        items.extend(uploads::store::detach(store, id, &a.recruteur, &a.id)?);
    }
    match store.write(items).await? {
        Ok(()) => Ok(()),
        Err(_) => Err(ApiError::Conflict(CHANGED.into())),
    }
}

/// Application statistics from the counters: `<kind>:<statut>` and
/// `<kind>:retiree`.
pub async fn counts(store: &Store) -> ApiResult<std::collections::HashMap<String, i64>> {
    store.counters(STATS).await
}

/// An interview reminder waiting to be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reminder {
    pub application: String,
    pub candidat: String,
    pub publication_titre: String,
    pub type_publication: Kind,
    #[serde(with = "time::serde::rfc3339")]
    pub date_entretien: OffsetDateTime,
    /// TTL: two days after the interview, a reminder never sent goes.
    pub expires_at: i64,
}

fn reminder_key(a: &Application) -> Option<(String, String)> {
    let due = a.reminder_due()?;
    let stamp = rfc3339(due);
    Some(keys::reminder(&stamp[..10], &format!("{stamp}#{}", a.id)))
}

/// The writes that move an application's reminder from `before` to
/// `after`: none when its due time did not change.
fn reminder_writes(
    store: &Store,
    before: Option<&Application>,
    after: Option<&Application>,
) -> ApiResult<Vec<TransactWriteItem>> {
    let old = before.and_then(reminder_key);
    let new = after.and_then(reminder_key);
    let mut writes = Vec::new();
    if old == new {
        return Ok(writes);
    }
    if let Some(k) = old {
        let delete = Delete::builder()
            .table_name(&store.table)
            .set_key(Some(store::key(&k)))
            .build()
            .map_err(ApiError::internal)?;
        writes.push(TransactWriteItem::builder().delete(delete).build());
    }
    if let (Some(k), Some(a)) = (new, after) {
        let reminder = Reminder {
            application: a.id.clone(),
            candidat: a.candidat.clone(),
            publication_titre: a.publication_titre.clone(),
            type_publication: a.type_publication,
            date_entretien: a.date_entretien.expect("a due reminder has a date"),
            expires_at: (a.date_entretien.expect("dated") + Duration::days(2)).unix_timestamp(),
        };
        writes.push(store.transact_put(store::to_item(
            &[(attr::PK, k.0), (attr::SK, k.1)],
            &reminder,
        )?)?);
    }
    Ok(writes)
}

/// The reminders due at `now` (from yesterday's and today's partitions:
/// an interview is at least a moment ahead when it is set, so its
/// reminder is due no earlier than yesterday), with their keys.
pub async fn due_reminders(
    store: &Store,
    now: OffsetDateTime,
) -> ApiResult<Vec<((String, String), Reminder)>> {
    #[derive(Deserialize)]
    struct Due {
        #[serde(rename = "PK")]
        pk: String,
        #[serde(rename = "SK")]
        sk: String,
        #[serde(flatten)]
        reminder: Reminder,
    }
    let mut due = Vec::new();
    for day in [now - Duration::days(1), now] {
        let items: Vec<Due> = store
            .query_all(
                store
                    .client
                    .query()
                    .key_condition_expression("PK = :pk AND SK <= :until")
                    .expression_attribute_values(
                        ":pk",
                        AttributeValue::S(keys::reminders(&rfc3339(day)[..10])),
                    )
                    .expression_attribute_values(":until", AttributeValue::S(rfc3339(now)))
                    .consistent_read(true),
            )
            .await?;
        due.extend(items.into_iter().map(|d| ((d.pk, d.sk), d.reminder)));
    }
    Ok(due)
}

/// Drops a reminder once sent.
pub async fn reminder_sent(store: &Store, key: &(String, String)) -> ApiResult<()> {
    store.delete(key).await
}

/// One applicant of a publication: who, and their name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Applicant {
    pub candidat: String,
    pub candidat_nom: String,
}

/// Every applicant of a publication (in `statut`, if given), read from its
/// partition with only the attributes needed.
pub async fn applicants(
    store: &Store,
    publication: &str,
    statut: Option<Statut>,
) -> ApiResult<Vec<Applicant>> {
    applicants_in(store, publication, statut.as_slice()).await
}

/// Every applicant of a publication whose application is in one of
/// `states` (every state if none), as `applicants`.
pub async fn applicants_in(
    store: &Store,
    publication: &str,
    states: &[Statut],
) -> ApiResult<Vec<Applicant>> {
    let mut query = store
        .client
        .query()
        .key_condition_expression("PK = :pk AND begins_with(SK, :app)")
        .expression_attribute_values(":pk", AttributeValue::S(keys::publication(publication).0))
        .expression_attribute_values(":app", AttributeValue::S(keys::APPLICATION_PREFIX.into()))
        .projection_expression("candidat, candidat_nom")
        .consistent_read(true);
    if !states.is_empty() {
        let names: Vec<String> = (0..states.len()).map(|i| format!(":statut{i}")).collect();
        query = query.filter_expression(format!("statut IN ({})", names.join(", ")));
        for (name, statut) in names.iter().zip(states) {
            query =
                query.expression_attribute_values(name, AttributeValue::S(statut.as_str().into()));
        }
    }
    store.query_all(query).await
}
