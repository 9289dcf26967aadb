//! Upload metadata in the table (U1–U3 in docs/data-model.md). The
//! metadata and the owner's profile change in one transaction: the file
//! count, and the profile fields that point to files (`cv`,
//! `lettre_motivation`, `documents_verification`), never point to a file
//! that is gone. An application counts its files on their metadata, so a
//! file an application uses cannot be deleted.

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};

use super::{FileKind, MAX_DOCUMENTS, MAX_FILES_PER_ACCOUNT, Upload};
use crate::accounts::{Details, Profile, rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Item, Store, attr, keys};

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// The metadata item, in its owner's list (GSI1, newest first: ids are
/// ULIDs).
fn item(u: &Upload) -> ApiResult<Item> {
    let (pk, sk) = keys::upload(&u.id);
    store::to_item(
        &[
            (attr::PK, pk),
            (attr::SK, sk),
            (attr::GSI1PK, keys::uploads_by_owner(&u.proprietaire)),
            (attr::GSI1SK, u.id.clone()),
        ],
        u,
    )
}

pub async fn get(store: &Store, id: &str) -> ApiResult<Option<Upload>> {
    store.get(&keys::upload(id), true).await
}

/// Several uploads by id (at most 100), in order; none where one is gone.
pub async fn get_many(store: &Store, ids: &[String]) -> ApiResult<Vec<Option<Upload>>> {
    let wanted: Vec<_> = ids.iter().map(|id| keys::upload(id)).collect();
    store
        .get_many(&wanted)
        .await?
        .into_iter()
        .map(|found| found.map(store::from_item).transpose())
        .collect()
}

/// The profile field that may point to a file of `kind`, if any.
fn link_field(kind: FileKind) -> Option<&'static str> {
    match kind {
        FileKind::Cv => Some("cv"),
        FileKind::Lettre => Some("lettre_motivation"),
        FileKind::Document => Some("documents_verification"),
        _ => None,
    }
}

const LIMIT: &str =
    "Limite de fichiers atteinte : supprimez un fichier avant d'en envoyer un autre.";

/// Stores the metadata of a new upload and counts it on its owner's
/// profile (at most `MAX_FILES_PER_ACCOUNT`), filling the field it is for
/// (`FileKind::profile_field`). 409 at the limit.
pub async fn create(store: &Store, u: &Upload, role: crate::auth::Role) -> ApiResult<()> {
    let put = Put::builder()
        .table_name(&store.table)
        .set_item(Some(item(u)?))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let mut set = vec!["date_modification = :now".to_string()];
    let mut condition =
        "attribute_exists(PK) AND (attribute_not_exists(fichiers) OR fichiers < :max)".to_string();
    let mut profile = Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(&u.proprietaire))))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":max", n(MAX_FILES_PER_ACCOUNT.into()))
        .expression_attribute_values(":now", s(&rfc3339(u.date_creation)));
    match u.type_fichier.profile_field(role) {
        Some("documents_verification") => {
            set.push(
                "documents_verification = list_append(if_not_exists(documents_verification, :none), :ids)"
                    .into(),
            );
            condition.push_str(
                " AND (attribute_not_exists(documents_verification) OR size(documents_verification) < :docs)",
            );
            profile = profile
                .expression_attribute_values(":none", AttributeValue::L(vec![]))
                .expression_attribute_values(":ids", AttributeValue::L(vec![s(&u.id)]))
                .expression_attribute_values(":docs", n(MAX_DOCUMENTS as i64));
        }
        Some(field) => {
            set.push(format!("{field} = :id"));
            profile = profile.expression_attribute_values(":id", s(&u.id));
        }
        None => {}
    }
    let profile = profile
        .update_expression(format!("ADD fichiers :one SET {}", set.join(", ")))
        .condition_expression(condition)
        .build()
        .map_err(ApiError::internal)?;
    let written = store
        .write(vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().update(profile).build(),
        ])
        .await?;
    match written {
        Ok(()) => Ok(()),
        Err(failed) if failed.get(1) == Some(&true) => Err(ApiError::Conflict(format!(
            "{LIMIT} ({MAX_FILES_PER_ACCOUNT} fichiers par compte, dont {MAX_DOCUMENTS} documents de vérification)."
        ))),
        Err(_) => Err(ApiError::internal("upload id collision")),
    }
}

/// Where `profile` points to `u`, if it does: the field, and for the
/// documents list the position.
fn linked_at(profile: &Profile, u: &Upload) -> Option<Option<usize>> {
    let id = Some(u.id.as_str());
    match (&profile.details, u.type_fichier) {
        (Details::Candidat(c), FileKind::Cv) => (c.cv.as_deref() == id).then_some(None),
        (Details::Candidat(c), FileKind::Lettre) => {
            (c.lettre_motivation.as_deref() == id).then_some(None)
        }
        (Details::Recruteur(r), FileKind::Document) => position(&r.documents_verification, u),
        (Details::Prestataire(p), FileKind::Document) => position(&p.documents_verification, u),
        _ => None,
    }
}

fn position(list: &[String], u: &Upload) -> Option<Option<usize>> {
    list.iter().position(|id| *id == u.id).map(Some)
}

/// How deleting `u` updates the profile `field` that may point to it:
/// the update, and the condition that the profile still points (or
/// still does not point) there.
fn unlink(field: &str, profile: &Profile, u: &Upload) -> (String, String) {
    match linked_at(profile, u) {
        Some(None) => (
            format!("ADD fichiers :minus SET date_modification = :now REMOVE {field}"),
            format!("{field} = :id"),
        ),
        Some(Some(i)) => (
            format!("ADD fichiers :minus SET date_modification = :now REMOVE {field}[{i}]"),
            format!("{field}[{i}] = :id"),
        ),
        None if u.type_fichier == FileKind::Document => (
            "ADD fichiers :minus".into(),
            format!("attribute_not_exists({field}) OR NOT contains({field}, :id)"),
        ),
        None => (
            "ADD fichiers :minus".into(),
            format!("attribute_not_exists({field}) OR {field} <> :id"),
        ),
    }
}

/// Deletes the metadata of `u` (its owner's `profile` as read), uncounts
/// it, and removes it from the profile field pointing to it, if nothing
/// attached it to an application meanwhile and the profile did not change
/// its link (409 otherwise). The object is the caller's to delete after.
pub async fn remove(store: &Store, u: &Upload, profile: &Profile) -> ApiResult<()> {
    let delete = Delete::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::upload(&u.id))))
        .condition_expression(
            "proprietaire = :me AND (attribute_not_exists(candidatures) OR candidatures = :zero)",
        )
        .expression_attribute_values(":me", s(&u.proprietaire))
        .expression_attribute_values(":zero", n(0))
        .build()
        .map_err(ApiError::internal)?;
    let (expression, condition) = match link_field(u.type_fichier) {
        // Nothing in a profile points to it.
        None => (
            "ADD fichiers :minus".to_string(),
            "attribute_exists(fichiers)".to_string(),
        ),
        Some(field) => unlink(field, profile, u),
    };
    let mut update = Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(&u.proprietaire))))
        .update_expression(&expression)
        .condition_expression(format!("attribute_exists(PK) AND ({condition})"))
        .expression_attribute_values(":minus", n(-1));
    if condition.contains(":id") {
        update = update.expression_attribute_values(":id", s(&u.id));
    }
    if expression.contains(":now") {
        update = update
            .expression_attribute_values(":now", s(&rfc3339(time::OffsetDateTime::now_utc())));
    }
    let update = update.build().map_err(ApiError::internal)?;
    let written = store
        .write(vec![
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder().update(update).build(),
        ])
        .await?;
    match written {
        Ok(()) => Ok(()),
        Err(failed) if failed.first() == Some(&true) => Err(ApiError::Conflict(
            "Ce fichier vient d'être joint à une candidature : il ne peut plus être supprimé."
                .into(),
        )),
        Err(_) => Err(ApiError::Conflict(
            "Votre profil vient de changer ; réessayez.".into(),
        )),
    }
}

/// The 409 for deleting a file applications use.
pub fn in_use(count: u32) -> ApiError {
    ApiError::Conflict(format!(
        "Ce fichier est joint à {count} candidature{} : le recruteur doit pouvoir le lire. \
         Il pourra être supprimé quand plus aucune candidature ne l'utilisera (retrait).",
        if count > 1 { "s" } else { "" }
    ))
}

/// The writes that attach the file `id` (named by the body's `field`) of
/// the applicant `owner` to an application: the metadata counts it, on
/// condition that it is the applicant's and of `kind`; a reference lets
/// the publication's `recruiter` read it.
pub fn attach(
    store: &Store,
    id: &str,
    kind: FileKind,
    owner: &str,
    recruiter: &str,
    application: &str,
) -> ApiResult<[TransactWriteItem; 2]> {
    let count = count(store, id, 1)
        .condition_expression("proprietaire = :me AND type_fichier = :kind")
        .expression_attribute_values(":me", s(owner))
        .expression_attribute_values(":kind", s(kind.as_str()));
    let put = Put::builder()
        .table_name(&store.table)
        .set_item(Some(store::key(&keys::upload_reference(
            id,
            recruiter,
            application,
        ))))
        .build()
        .map_err(ApiError::internal)?;
    Ok([
        TransactWriteItem::builder()
            .update(count.build().map_err(ApiError::internal)?)
            .build(),
        TransactWriteItem::builder().put(put).build(),
    ])
}

/// `ADD candidatures <delta>` on a file's metadata (its condition to add).
fn count(store: &Store, id: &str, delta: i64) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
    Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::upload(id))))
        .update_expression("ADD candidatures :delta")
        .expression_attribute_values(":delta", n(delta))
}

/// The writes that detach the file `id` from a withdrawn application.
pub fn detach(
    store: &Store,
    id: &str,
    recruiter: &str,
    application: &str,
) -> ApiResult<[TransactWriteItem; 2]> {
    let count = count(store, id, -1)
        .condition_expression("attribute_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let delete = Delete::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::upload_reference(
            id,
            recruiter,
            application,
        ))))
        .build()
        .map_err(ApiError::internal)?;
    Ok([
        TransactWriteItem::builder().update(count).build(),
        TransactWriteItem::builder().delete(delete).build(),
    ])
}

/// True when `id` is attached to an application to one of `recruiter`'s
/// publications (one Query on the file's references).
pub async fn attached_for(store: &Store, id: &str, recruiter: &str) -> ApiResult<bool> {
    let (pk, _) = keys::upload(id);
    let out = store
        .client
        .query()
        .table_name(&store.table)
        .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
        .expression_attribute_values(":pk", s(&pk))
        .expression_attribute_values(
            ":prefix",
            s(&format!("{}{recruiter}#", keys::UPLOAD_REFERENCE_PREFIX)),
        )
        .limit(1)
        .send()
        .await?;
    Ok(out.count > 0)
}

/// A condition, for a profile edit, that `id` is one of `owner`'s files
/// of `kind` (the edit fails with it otherwise).
pub fn owned(store: &Store, id: &str, owner: &str, kind: FileKind) -> ApiResult<TransactWriteItem> {
    let check = ConditionCheck::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::upload(id))))
        .condition_expression("proprietaire = :me AND type_fichier = :kind")
        .expression_attribute_values(":me", s(owner))
        .expression_attribute_values(":kind", s(kind.as_str()))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().condition_check(check).build())
}
