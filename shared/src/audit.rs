//! The audit log of admin actions (who, what, when, on what, why): one
//! item per action, written in the same transaction as the action itself,
//! by day and by actor (L1 in docs/data-model.md). #7 exposes it.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ApiResult;
use crate::store::{self, Store, attr, keys};
use crate::users::rfc3339;

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: String,
    /// The admin's id.
    pub acteur: String,
    /// `valider_compte`, `refuser_compte`...
    pub action: String,
    /// `utilisateur`, `publication`...
    pub type_cible: String,
    pub cible: String,
    pub motif: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
}

impl Entry {
    pub fn new(
        acteur: &str,
        action: &str,
        type_cible: &str,
        cible: &str,
        motif: Option<String>,
    ) -> Self {
        Entry {
            id: ulid::Ulid::new().to_string(),
            acteur: acteur.into(),
            action: action.into(),
            type_cible: type_cible.into(),
            cible: cible.into(),
            motif,
            date: OffsetDateTime::now_utc(),
        }
    }

    /// The write to add to the action's transaction.
    pub fn put(&self, store: &Store) -> ApiResult<TransactWriteItem> {
        let stamp = rfc3339(self.date);
        let order = format!("{stamp}#{}", self.id);
        let (pk, sk) = keys::audit(&stamp[..10], &order);
        let item = store::to_item(
            &[
                (attr::PK, pk),
                (attr::SK, sk),
                (attr::GSI1PK, keys::audit_by_actor(&self.acteur)),
                (attr::GSI1SK, order),
            ],
            self,
        )?;
        store.transact_put(item)
    }
}
