//! The audit trail of admin actions (who, what, when, on what, why): a
//! log entry of kind `action_admin` (see `logs`), written in the same
//! transaction as the action itself, read at `GET /api/admin/logs/`.

use aws_sdk_dynamodb::types::TransactWriteItem;

use crate::error::ApiResult;
use crate::logs::{LogEntry, LogKind};
use crate::store::Store;

/// An admin action about to be written.
#[derive(Clone, Debug)]
pub struct Entry(pub LogEntry);

impl Entry {
    /// `acteur` (the admin's id) did `action` on `cible` of `type_cible`
    /// (`utilisateur`, `publication`), for `motif`.
    pub fn new(
        acteur: &str,
        action: &str,
        type_cible: &str,
        cible: &str,
        motif: Option<String>,
    ) -> Self {
        Entry(LogEntry {
            utilisateur: Some(acteur.into()),
            action: Some(action.into()),
            type_cible: Some(type_cible.into()),
            cible: Some(cible.into()),
            motif,
            ..LogEntry::new(LogKind::ActionAdmin)
        })
    }

    /// The write to add to the action's transaction.
    pub fn put(&self, store: &Store) -> ApiResult<TransactWriteItem> {
        self.0.put(store)
    }
}
