//! Publications in the table (P1–P5 in docs/data-model.md). Every change
//! writes the publication, its list keys and the statistics counters
//! together, under a condition on the state it was read in, so two
//! concurrent changes never leave the counters or the lists wrong.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use time::OffsetDateTime;

use super::{
    Counts, Kind, Publication, Statistics, StatutValidation, count_changes, counter, quota_month,
    quota_reset,
};
use crate::accounts::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::logs::audit;
use crate::search;
use crate::stats;
use crate::store::{self, Store, attr, keys};

const STATS: &str = "publications";

/// The condition of every change: the publication is as it was read. Its
/// state, so counters move from the right state; its `date_modification`,
/// which every author's edit sets, so a decision never approves content
/// its admin did not see, and of two edits at once one gets 409 rather
/// than being lost.
const UNCHANGED: &str =
    "statut_validation = :was AND statut = :was_statut AND date_modification = :was_modified";

/// Where a publication is listed on GSI1, and from when: the public list
/// of its kind while validated and open (by first publication), the
/// review queue while it awaits an admin (by submission).
pub fn listing(p: &Publication) -> Option<(String, OffsetDateTime)> {
    match p.statut_validation {
        StatutValidation::Validee if p.is_public() => Some((
            keys::public_publications(p.kind().as_str()),
            p.date_publication.unwrap_or(p.date_modification),
        )),
        StatutValidation::EnAttente => Some((keys::publications_in_review(), p.date_modification)),
        _ => None,
    }
}

fn order(date: OffsetDateTime, id: &str) -> String {
    format!("{}#{id}", rfc3339(date))
}

/// The item of a publication, with its keys: the table's, its author's
/// list (GSI2), the moderation list (GSI4) and, when listed, GSI1.
fn item(p: &Publication) -> ApiResult<store::Item> {
    let (pk, sk) = keys::publication(&p.id);
    let mut k = vec![
        (attr::PK, pk),
        (attr::SK, sk),
        (attr::GSI2PK, keys::publications_by_owner(&p.recruteur)),
        (attr::GSI2SK, order(p.date_creation, &p.id)),
        (attr::GSI4PK, keys::all_publications()),
        (attr::GSI4SK, order(p.date_creation, &p.id)),
    ];
    if let Some((list, since)) = listing(p) {
        k.push((attr::GSI1PK, list));
        k.push((attr::GSI1SK, order(since, &p.id)));
    }
    // While public: also in its kind's list by amount (GSI3, search).
    if p.is_public() {
        k.push((attr::GSI3PK, keys::public_publications(p.kind().as_str())));
        k.push((attr::GSI3SK, search::amount_order(p)));
        // And, with a deadline, in the expiry job's list (GSI5).
        if let Some(deadline) = p.date_limite {
            k.push((attr::GSI5PK, keys::deadlines()));
            k.push((attr::GSI5SK, order(deadline, &p.id)));
        }
    }
    k.push((search::TEXT, search::text(p)));
    store::to_item(&k, p)
}

/// The counter moves of a change: the platform's and its author's totals,
/// and both daily series (submissions, validations, refusals, closings).
fn counters(
    store: &Store,
    before: Option<&Publication>,
    after: Option<&Publication>,
) -> ApiResult<Vec<TransactWriteItem>> {
    let changes = count_changes(before, after);
    let Some(author) = after
        .or(before)
        .map(|p| stats::recruiter_scope(&p.recruteur))
    else {
        return Ok(Vec::new());
    };
    let scopes = [STATS, author.as_str()];
    stats::writes(
        store,
        &scopes,
        &scopes,
        &stats::day(OffsetDateTime::now_utc()),
        &changes,
    )
}

/// A publication by id (strongly consistent for its author and admins).
pub async fn get(store: &Store, id: &str, consistent: bool) -> ApiResult<Option<Publication>> {
    store.get(&keys::publication(id), consistent).await
}

/// Stores a new publication, counted in its author's quota for this
/// calendar month and in the statistics, all in one transaction: the
/// quota counter's condition makes concurrent creates exact.
pub async fn create(
    store: &Store,
    p: &Publication,
    quota: u32,
    now: OffsetDateTime,
) -> ApiResult<()> {
    // The condition lets a month's first create through: none at all is
    // refused here.
    if quota == 0 {
        return Err(super::quota_exceeded(quota, now));
    }
    let put = Put::builder()
        .table_name(&store.table)
        .set_item(Some(item(p)?))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    // Kept a month past its own: the counter is gone once it can't matter.
    let expires = quota_reset(quota_reset(now)).unix_timestamp();
    let used = Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::quota(
            &p.recruteur,
            &quota_month(now),
        ))))
        .update_expression("ADD publications :one SET #exp = :exp")
        .condition_expression("attribute_not_exists(publications) OR publications < :quota")
        .expression_attribute_names("#exp", attr::EXPIRES_AT)
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .expression_attribute_values(":quota", AttributeValue::N(quota.to_string()))
        .expression_attribute_values(":exp", AttributeValue::N(expires.to_string()))
        .build()
        .map_err(ApiError::internal)?;
    let mut items = vec![
        TransactWriteItem::builder().put(put).build(),
        TransactWriteItem::builder().update(used).build(),
    ];
    items.extend(counters(store, None, Some(p))?);
    match store.write(items).await? {
        Ok(()) => Ok(()),
        Err(_) => Err(super::quota_exceeded(quota, now)),
    }
}

/// Stores a change of a publication (its author's edit, an admin's
/// decision) with its counters and, for admins, its audit entry; only if
/// nobody changed its state since it was read (409 otherwise).
/// `nombre_candidatures` is left alone: applications count it; so is
/// `logo`, which its author's logo changes set (`set_logo`).
pub async fn save(
    store: &Store,
    before: &Publication,
    after: &Publication,
    audit: Option<&audit::Entry>,
) -> ApiResult<()> {
    let mut attributes = item(after)?;
    attributes.remove("nombre_candidatures");
    attributes.remove("logo");
    let mut remove = Vec::new();
    if listing(after).is_none() {
        remove.extend([attr::GSI1PK, attr::GSI1SK]);
    }
    if !after.is_public() {
        remove.extend([attr::GSI3PK, attr::GSI3SK]);
    }
    if !after.is_public() || after.date_limite.is_none() {
        remove.extend([attr::GSI5PK, attr::GSI5SK]);
    }
    let update = store
        .update_all(attributes, &remove)
        .condition_expression(UNCHANGED)
        .expression_attribute_values(
            ":was_modified",
            AttributeValue::S(rfc3339(before.date_modification)),
        )
        .expression_attribute_values(
            ":was",
            AttributeValue::S(before.statut_validation.as_str().into()),
        )
        .expression_attribute_values(
            ":was_statut",
            AttributeValue::S(before.statut.as_str().into()),
        )
        .build()
        .map_err(ApiError::internal)?;
    let mut items = vec![TransactWriteItem::builder().update(update).build()];
    items.extend(counters(store, Some(before), Some(after))?);
    if let Some(entry) = audit {
        items.push(entry.put(store)?);
    }
    match store.write(items).await? {
        Ok(()) => Ok(()),
        Err(_) => Err(ApiError::Conflict(
            "Cette publication vient d'être modifiée par ailleurs ; rechargez-la.".into(),
        )),
    }
}

/// Most publications of one recruiter a logo change reaches.
pub const MAX_LOGO_FANOUT: usize = 1000;

/// Sets `logo` on every publication of `recruteur`, or removes `was`
/// from them (GSI2: one Query per page, then one UpdateItem per
/// publication, ten at a time). Keys hold a ULID, so they sort by age: a
/// publication that already shows a newer logo (two changes that
/// crossed) is left as it is, and a removal only takes `was` or older.
/// Answers whether it reached them all (a recruiter of more than
/// `MAX_LOGO_FANOUT` publications has the rest updated at the next
/// change; its caller keeps the previous image meanwhile).
pub async fn set_logo(
    store: &Store,
    recruteur: &str,
    logo: Option<&crate::uploads::Image>,
    was: Option<&crate::uploads::Image>,
) -> ApiResult<bool> {
    use futures_util::{StreamExt, TryStreamExt};
    let list = crate::page::Listing::index("GSI2", keys::publications_by_owner(recruteur));
    let keep = |item: &store::Item| item.get(attr::PK).cloned().zip(item.get(attr::SK).cloned());
    let (found, more) = list.read_where(store, MAX_LOGO_FANOUT, &keep).await?;
    let value = logo
        .map(serde_dynamo::to_attribute_value::<_, AttributeValue>)
        .transpose()?;
    futures_util::stream::iter(found)
        .map(|(pk, sk)| {
            let mut update = store
                .client
                .update_item()
                .table_name(&store.table)
                .key(attr::PK, pk)
                .key(attr::SK, sk);
            update = match (&value, logo, was) {
                (Some(v), Some(logo), _) => update
                    .update_expression("SET logo = :logo")
                    .condition_expression(
                        "attribute_exists(PK) AND (attribute_not_exists(logo) \
                         OR attribute_type(logo, :null) OR logo.cle < :key)",
                    )
                    .expression_attribute_values(":logo", v.clone())
                    .expression_attribute_values(":null", AttributeValue::S("NULL".into()))
                    .expression_attribute_values(":key", AttributeValue::S(logo.cle.clone())),
                (_, _, Some(was)) => update
                    .update_expression("REMOVE logo")
                    .condition_expression("attribute_exists(PK) AND logo.cle <= :key")
                    .expression_attribute_values(":key", AttributeValue::S(was.cle.clone())),
                _ => return futures_util::future::Either::Left(async { Ok(()) }),
            };
            futures_util::future::Either::Right(async move {
                match update.send().await {
                    Ok(_) => Ok(()),
                    // Deleted meanwhile, showing a newer logo, or none.
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        Ok(())
                    }
                    Err(e) => Err(ApiError::from(e)),
                }
            })
        })
        .buffer_unordered(10)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(!more)
}

/// The ids of the public publications whose deadline is at or before
/// `now`, soonest first, at most `max` (GSI5: one Query).
pub async fn past_deadline(
    store: &Store,
    now: OffsetDateTime,
    max: usize,
) -> ApiResult<Vec<String>> {
    let list = crate::page::Listing::index("GSI5", keys::deadlines())
        .between("0".into(), format!("{}#~", rfc3339(now)))
        .oldest_first();
    let keep = |item: &store::Item| {
        let sk = item.get(attr::GSI5SK)?.as_s().ok()?;
        sk.rsplit_once('#').map(|(_, id)| id.to_string())
    };
    Ok(list.read_where(store, max, &keep).await?.0)
}

/// The ids of `recruteur`'s open publications (`statut` active, in any
/// review state), at most `max`, and whether more remain (GSI2: its own
/// partition, the state as a FilterExpression).
pub async fn open_of(store: &Store, recruteur: &str, max: usize) -> ApiResult<(Vec<String>, bool)> {
    let active = AttributeValue::S(super::Statut::Active.as_str().into());
    let list = crate::page::Listing::index("GSI2", keys::publications_by_owner(recruteur))
        .filter(crate::page::Filter::equal(vec![("statut", active)]));
    let keep = |item: &store::Item| item.get("id")?.as_s().ok().cloned();
    list.read_where(store, max, &keep).await
}

/// A closing still to finish (P10): a recruiter's public publications,
/// once an admin withdrew its validation. Written in the refusal's
/// transaction, so no withdrawal goes without it; dropped once every
/// publication is closed (`api::close_refused`), by the refusal itself or
/// by the scheduled job that finishes what it could not.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Closing {
    pub recruteur: String,
    /// When the validation was withdrawn: it fixes the ids of the
    /// applicants' notifications, so a closing run twice tells nobody
    /// twice.
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
}

impl Closing {
    /// Its Put, for the refusal's transaction (a later refusal replaces it).
    pub fn put(&self, store: &Store) -> ApiResult<TransactWriteItem> {
        let (pk, sk) = keys::pending_closing(&self.recruteur);
        let item = store::to_item(&[(attr::PK, pk), (attr::SK, sk)], self)?;
        let put = Put::builder()
            .table_name(&store.table)
            .set_item(Some(item))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

/// Drops a finished closing, unless a later refusal replaced it.
pub async fn closing_done(store: &Store, closing: &Closing) -> ApiResult<()> {
    let deleted = store
        .client
        .delete_item()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::pending_closing(&closing.recruteur))))
        .condition_expression("#date = :date")
        .expression_attribute_names("#date", "date")
        .expression_attribute_values(":date", AttributeValue::S(rfc3339(closing.date)))
        .send()
        .await;
    match deleted {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// The closings still to finish, at most `max` (one Query of their
/// partition: a handful at a time, each gone once done).
pub async fn pending_closings(store: &Store, max: usize) -> ApiResult<Vec<Closing>> {
    let list = crate::page::Listing::table(keys::pending_closings(), keys::CLOSING_PREFIX);
    let keep = |item: &store::Item| store::from_item::<Closing>(item.clone()).ok();
    Ok(list.read_where(store, max, &keep).await?.0)
}

/// Deletes a publication that has no application yet. One that has
/// applications is kept (409): its author closes it instead, so no
/// application is ever lost.
pub async fn delete(store: &Store, p: &Publication, audit: Option<&audit::Entry>) -> ApiResult<()> {
    let delete = Delete::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::publication(&p.id))))
        .condition_expression(format!("nombre_candidatures = :zero AND {UNCHANGED}"))
        .expression_attribute_values(
            ":was_modified",
            AttributeValue::S(rfc3339(p.date_modification)),
        )
        .expression_attribute_values(":zero", AttributeValue::N("0".into()))
        .expression_attribute_values(
            ":was",
            AttributeValue::S(p.statut_validation.as_str().into()),
        )
        .expression_attribute_values(":was_statut", AttributeValue::S(p.statut.as_str().into()))
        .build()
        .map_err(ApiError::internal)?;
    let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
    items.extend(counters(store, Some(p), None)?);
    if let Some(entry) = audit {
        items.push(entry.put(store)?);
    }
    if store.write(items).await?.is_ok() {
        return Ok(());
    }
    match get(store, &p.id, true).await? {
        None => Err(ApiError::NotFound),
        Some(now) if now.nombre_candidatures > 0 => Err(ApiError::Conflict(format!(
            "Cette publication a reçu {} candidature(s) : elle ne peut plus être supprimée. \
             Fermez-la (statut « fermee ») pour la retirer du public.",
            now.nombre_candidatures
        ))),
        Some(_) => Err(ApiError::Conflict(
            "Cette publication vient d'être modifiée par ailleurs ; rechargez-la.".into(),
        )),
    }
}

/// Publication statistics from the counters.
pub async fn statistics(store: &Store) -> ApiResult<Statistics> {
    Ok(statistics_from(&store.counters(STATS).await?))
}

/// The scope of the platform's publication counters.
pub const SCOPE: &str = STATS;

/// Publication statistics from a scope's counters (the platform's, or a
/// recruiter's).
pub fn statistics_from(values: &std::collections::HashMap<String, i64>) -> Statistics {
    let counts = |kind: Kind| {
        let n = |state: &str| values.get(&counter(kind, state)).copied().unwrap_or(0);
        let mut c = Counts {
            en_attente: n("en_attente"),
            validee: n("validee"),
            refuse: n("refuse"),
            fermee: n("fermee"),
            total: 0,
        };
        c.total = c.en_attente + c.validee + c.refuse;
        c
    };
    let [offre, financement, bourse, consultation] = Kind::ALL.map(counts);
    let mut total = Counts::default();
    for c in [offre, financement, bourse, consultation] {
        total.en_attente += c.en_attente;
        total.validee += c.validee;
        total.refuse += c.refuse;
        total.fermee += c.fermee;
        total.total += c.total;
    }
    Statistics {
        offre,
        financement,
        bourse,
        consultation,
        total,
    }
}

/// Records an admin's decision on a publication, audited, and returns it.
pub async fn decide(
    store: &Store,
    admin: &str,
    id: &str,
    to: StatutValidation,
    motif: Option<String>,
) -> ApiResult<Publication> {
    let before = get(store, id, true).await?.ok_or(ApiError::NotFound)?;
    super::check_decision(before.statut_validation, to)?;
    let after = before.decided(to, motif.clone(), OffsetDateTime::now_utc());
    let action = match to {
        StatutValidation::Validee => "valider_publication",
        _ => "refuser_publication",
    };
    let entry = audit::Entry::new(admin, action, "publication", id, motif);
    save(store, &before, &after, Some(&entry)).await?;
    Ok(after)
}
