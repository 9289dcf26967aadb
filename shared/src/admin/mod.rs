//! Admin validation of recruteur and prestataire accounts (spec 2.1, 14.1):
//! the allowed decisions, the validation counters kept in step with every
//! write (never counted by scanning), and the decision itself, written in
//! one transaction with its counters and its audit entry.

#[cfg(feature = "admin")]
pub mod api;
#[cfg(feature = "admin")]
pub mod panel;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::accounts::{self, Profile, Verification, rfc3339};
use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::logs::audit;
use crate::store::{self, Store, canceled_by_condition, keys};

pub const SCOPE: &str = "validation";

/// The counter attribute of one account type in one state.
pub fn counter(role: Role, state: Verification) -> String {
    format!("{}_{}", role.as_str(), state.as_str())
}

/// Whether an admin may move an account from `from` to `to`: any change
/// but to the state it is already in (a refused account may be validated
/// after new documents, a validated one refused if it turns out wrong).
pub fn check(from: Verification, to: Verification) -> ApiResult<()> {
    if from == to {
        return Err(ApiError::Conflict(match to {
            Verification::Verifie => "Ce compte est déjà validé.".into(),
            Verification::Refuse => "Ce compte est déjà refusé.".into(),
            Verification::EnAttente => "Ce compte est déjà en attente.".into(),
        }));
    }
    if to == Verification::EnAttente {
        return Err(ApiError::BadRequest(
            "Une décision valide ou refuse un compte.".into(),
        ));
    }
    Ok(())
}

/// Whether a decision withdraws a recruiter's validation: a validated
/// recruteur refused. Its public publications close then, and it loses
/// its applicants' contact details and decisions until an admin validates
/// it again (docs/admin.md). A prestataire publishes nothing; an account
/// refused before any validation never published.
pub fn withdraws_validation(role: Role, from: Verification, to: Verification) -> bool {
    role == Role::Recruteur && from == Verification::Verifie && to == Verification::Refuse
}

/// The counter update that goes with a change of state (`from` None: a
/// new account).
pub fn count(
    store: &Store,
    role: Role,
    from: Option<Verification>,
    to: Verification,
) -> ApiResult<TransactWriteItem> {
    let mut changes = vec![(counter(role, to), 1)];
    if let Some(from) = from {
        changes.push((counter(role, from), -1));
    }
    store.add_counters(SCOPE, &changes)
}

/// Accounts per state, for one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Counts {
    pub en_attente: i64,
    pub verifie: i64,
    pub refuse: i64,
}

/// Validation statistics of both validated types.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Statistics {
    pub recruteur: Counts,
    pub prestataire: Counts,
}

pub async fn statistics(store: &Store) -> ApiResult<Statistics> {
    let counters = store.counters(SCOPE).await?;
    let n = |role, state| counters.get(&counter(role, state)).copied().unwrap_or(0);
    let counts = |role| Counts {
        en_attente: n(role, Verification::EnAttente),
        verifie: n(role, Verification::Verifie),
        refuse: n(role, Verification::Refuse),
    };
    Ok(Statistics {
        recruteur: counts(Role::Recruteur),
        prestataire: counts(Role::Prestataire),
    })
}

/// Records an admin's decision on an account: its state, its validation
/// list (GSI2), the counters and the audit entry change together, and only
/// if nobody decided in between (409 then). Returns the updated profile
/// and the state it left.
pub async fn decide(
    store: &Store,
    admin: &str,
    sub: &str,
    to: Verification,
    motif: Option<String>,
) -> ApiResult<(Profile, Verification)> {
    let mut profile = accounts::get(store, sub).await?.ok_or(ApiError::NotFound)?;
    let role = profile.details.role();
    let from = profile
        .details
        .admin_validation()
        .ok_or(ApiError::NotFound)?;
    check(from, to)?;
    let now = OffsetDateTime::now_utc();
    let account = Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .condition_expression("statut_verification_admin = :from")
        .update_expression(
            "SET statut_verification_admin = :to, GSI2PK = :list, date_modification = :now",
        )
        .expression_attribute_values(":from", AttributeValue::S(from.as_str().into()))
        .expression_attribute_values(":to", AttributeValue::S(to.as_str().into()))
        .expression_attribute_values(
            ":list",
            AttributeValue::S(keys::users_by_validation(role.as_str(), to.as_str())),
        )
        .expression_attribute_values(":now", AttributeValue::S(rfc3339(now)))
        .build()
        .map_err(ApiError::internal)?;
    let action = match to {
        Verification::Verifie => "valider_compte",
        _ => "refuser_compte",
    };
    let mut write = store
        .client
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().update(account).build())
        .transact_items(count(store, role, Some(from), to)?)
        .transact_items(audit::Entry::new(admin, action, "utilisateur", sub, motif).put(store)?);
    if withdraws_validation(role, from, to) {
        // Its public publications close: recorded here, so no withdrawal
        // goes without its closing (`publications::api::close_refused`).
        let closing = crate::publications::store::Closing {
            recruteur: sub.to_string(),
            date: now,
        };
        write = write.transact_items(closing.put(store)?);
    }
    let written = write.send().await;
    match written {
        Ok(_) => {}
        Err(e) if canceled_by_condition(&e) => {
            return Err(ApiError::Conflict(
                "Ce compte vient d'être traité par un autre administrateur ; rechargez-le.".into(),
            ));
        }
        Err(e) => return Err(crate::store::transaction_failure(e)),
    }
    profile.details.set_admin_validation(to);
    profile.date_modification = now;
    Ok((profile, from))
}

/// Sets a recruiter's monthly publication quota, audited (the reason
/// records the old and new values). Returns the updated profile.
pub async fn set_quota(store: &Store, admin: &str, sub: &str, quota: u32) -> ApiResult<Profile> {
    let mut profile = accounts::get(store, sub).await?.ok_or(ApiError::NotFound)?;
    let accounts::Details::Recruteur(recruteur) = &mut profile.details else {
        return Err(ApiError::NotFound);
    };
    let old = recruteur.quota_publications_mensuel;
    recruteur.quota_publications_mensuel = quota;
    let now = OffsetDateTime::now_utc();
    let update = Update::builder()
        .table_name(&store.table)
        .set_key(Some(store::key(&keys::user(sub))))
        .condition_expression("type_compte = :recruteur")
        .update_expression("SET quota_publications_mensuel = :q, date_modification = :now")
        .expression_attribute_values(
            ":recruteur",
            AttributeValue::S(Role::Recruteur.as_str().into()),
        )
        .expression_attribute_values(":q", AttributeValue::N(quota.to_string()))
        .expression_attribute_values(":now", AttributeValue::S(rfc3339(now)))
        .build()
        .map_err(ApiError::internal)?;
    let entry = audit::Entry::new(
        admin,
        "modifier_quota",
        "utilisateur",
        sub,
        Some(format!("{old} → {quota}")),
    );
    let written = store
        .write(vec![
            TransactWriteItem::builder().update(update).build(),
            entry.put(store)?,
        ])
        .await?;
    if written.is_err() {
        return Err(ApiError::NotFound);
    }
    profile.date_modification = now;
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verification::*;

    #[test]
    fn decisions_change_the_state() {
        assert!(check(EnAttente, Verifie).is_ok());
        assert!(check(EnAttente, Refuse).is_ok());
        assert!(check(Refuse, Verifie).is_ok(), "after new documents");
        assert!(check(Verifie, Refuse).is_ok(), "revoked");
        assert!(matches!(
            check(Verifie, Verifie),
            Err(ApiError::Conflict(_))
        ));
        assert!(matches!(check(Refuse, Refuse), Err(ApiError::Conflict(_))));
        assert!(matches!(
            check(Verifie, EnAttente),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn only_a_validated_recruiter_refused_loses_its_validation() {
        assert!(withdraws_validation(Role::Recruteur, Verifie, Refuse));
        assert!(!withdraws_validation(Role::Recruteur, EnAttente, Refuse));
        assert!(!withdraws_validation(Role::Recruteur, Refuse, Verifie));
        assert!(!withdraws_validation(Role::Prestataire, Verifie, Refuse));
    }

    #[test]
    fn counters_are_named_by_type_and_state() {
        assert_eq!(counter(Role::Recruteur, EnAttente), "recruteur_en_attente");
        assert_eq!(counter(Role::Prestataire, Verifie), "prestataire_verifie");
    }
}
