//! The system log an admin reads (spec 16.1, `GET /api/admin/logs/`):
//! logins (success and failure), admin actions, server errors and slow
//! requests, one item each (L1 in docs/data-model.md). Admin actions are
//! written in the transaction of the action itself (`audit`); the others
//! by the route or the monitoring layer that sees them. Request logs also
//! go to CloudWatch as JSON lines (`monitoring`); this is the part an
//! admin can query from the API.

pub mod audit;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use http::Uri;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::accounts::rfc3339;
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::page::{self, Listing, PageParams};
use crate::store::{self, Item, Store, attr, keys};
use crate::{Services, stats};

/// How long entries other than admin actions and account deletions are
/// kept (the TTL; reads check it too). Those two are kept.
pub const RETENTION_DAYS: i64 = 90;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    Connexion,
    EchecConnexion,
    ActionAdmin,
    Erreur,
    RequeteLente,
    /// An account deleted by its owner (docs/privacy.md): no id, no name,
    /// no address, only that one was, when, and its type.
    SuppressionCompte,
}

impl LogKind {
    pub const ALL: [LogKind; 6] = [
        LogKind::Connexion,
        LogKind::EchecConnexion,
        LogKind::ActionAdmin,
        LogKind::Erreur,
        LogKind::RequeteLente,
        LogKind::SuppressionCompte,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Connexion => "connexion",
            LogKind::EchecConnexion => "echec_connexion",
            LogKind::ActionAdmin => "action_admin",
            LogKind::Erreur => "erreur",
            LogKind::RequeteLente => "requete_lente",
            LogKind::SuppressionCompte => "suppression_compte",
        }
    }

    /// Kept without end: the record of an admin's action, or of an
    /// erasure (what proves it was done). The others expire.
    pub fn is_kept(self) -> bool {
        matches!(self, LogKind::ActionAdmin | LogKind::SuppressionCompte)
    }
}

/// One log entry. Never a token, a password or a body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct LogEntry {
    pub id: String,
    #[serde(rename = "type")]
    #[schema(value_type = LogKind)]
    pub kind: Option<LogKind>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[schema(value_type = String)]
    pub date: Option<OffsetDateTime>,
    /// The account concerned (its id), when known.
    pub utilisateur: Option<String>,
    /// Logins: the address tried.
    pub email: Option<String>,
    /// Admin actions: `valider_compte`...; requests: `GET /api/offres/{id}/`.
    pub action: Option<String>,
    pub type_cible: Option<String>,
    pub cible: Option<String>,
    pub motif: Option<String>,
    /// Requests: the HTTP status and the time taken.
    pub statut: Option<u16>,
    pub latence_ms: Option<u64>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl LogEntry {
    pub fn new(kind: LogKind) -> LogEntry {
        LogEntry {
            id: ulid::Ulid::new().to_string(),
            kind: Some(kind),
            date: Some(OffsetDateTime::now_utc()),
            ..LogEntry::default()
        }
    }

    /// The item, with its lists: every entry, by kind, by account, by
    /// address (docs/data-model.md, L1).
    pub fn item(&self) -> ApiResult<Item> {
        let date = self.date.unwrap_or_else(OffsetDateTime::now_utc);
        let order = format!("{}#{}", rfc3339(date), self.id);
        let kind = self.kind.unwrap_or(LogKind::Erreur);
        let mut k = vec![
            (attr::PK, keys::logs()),
            (attr::SK, order.clone()),
            (attr::GSI1PK, keys::logs_by_kind(kind.as_str())),
            (attr::GSI1SK, order.clone()),
        ];
        if let Some(sub) = &self.utilisateur {
            k.push((attr::GSI2PK, keys::logs_by_user(sub)));
            k.push((attr::GSI2SK, order.clone()));
        }
        if let Some(email) = &self.email {
            k.push((attr::GSI3PK, keys::logs_by_email(email)));
            k.push((attr::GSI3SK, order));
        }
        let mut item = store::to_item(&k, self)?;
        if !kind.is_kept() {
            let expires = (date + time::Duration::days(RETENTION_DAYS)).unix_timestamp();
            item.insert(
                attr::EXPIRES_AT.into(),
                AttributeValue::N(expires.to_string()),
            );
        }
        Ok(item)
    }

    /// The entry as one write of a transaction (an admin action's).
    pub fn put(&self, store: &Store) -> ApiResult<TransactWriteItem> {
        store.transact_put(self.item()?)
    }

    /// Writes the entry on its own. A failure is logged, never the
    /// caller's: the log must not break what it records.
    pub async fn record(&self, store: &Store) {
        let result = match self.item() {
            Ok(item) => store
                .client
                .put_item()
                .table_name(&store.table)
                .set_item(Some(item))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "log entry not written");
        }
    }
}

/// What the admin log records of a request: a server error, a slow one,
/// or nothing.
pub fn log_kind(
    status: u16,
    elapsed: std::time::Duration,
    slow: std::time::Duration,
) -> Option<LogKind> {
    if status >= 500 {
        Some(LogKind::Erreur)
    } else if elapsed >= slow {
        Some(LogKind::RequeteLente)
    } else {
        None
    }
}

/// The system log, as the monitoring layer's sink: each area's routes
/// hand it every answered request (`area!`), and it keeps server errors
/// and slow requests.
pub struct SystemLog;

impl crate::monitoring::RequestLog for SystemLog {
    async fn record(services: &Services, answered: crate::monitoring::Answered) {
        if let Some(kind) = log_kind(
            answered.status,
            answered.elapsed,
            services.config.slow_request,
        ) {
            // The account deletion's caller is no one once it answers.
            let utilisateur = answered
                .user()
                .filter(|_| crate::accounts::privacy::logs_its_caller(&answered.action));
            let entry = LogEntry {
                utilisateur,
                action: Some(answered.action),
                statut: Some(answered.status),
                latence_ms: Some(answered.elapsed.as_millis() as u64),
                request_id: answered.request_id,
                ..LogEntry::new(kind)
            };
            entry.record(&services.store).await;
        }
    }
}

/// `?type=&utilisateur=&date_debut=&date_fin=` of the log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// connexion, echec_connexion, action_admin, erreur, requete_lente,
    /// suppression_compte.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// An account id (everything done by it), or an email address (the
    /// logins tried with it, failed ones included).
    pub utilisateur: Option<String>,
    /// From that day (YYYY-MM-DD, UTC), inclusive.
    pub date_debut: Option<String>,
    /// To that day, inclusive.
    pub date_fin: Option<String>,
}

/// The log, newest first, filtered: one Query on the list that serves
/// the filters (the account's, the address's, the kind's or the whole
/// log), the date range as its sort-key range.
pub async fn list(services: &Services, uri: &Uri) -> ApiResult<Paginated<LogEntry>> {
    let params: LogParams = page::query(uri)?;
    let mut errors = FieldErrors::new();
    let kind = match params.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => match LogKind::ALL.into_iter().find(|c| c.as_str() == k) {
            Some(c) => Some(c),
            None => {
                errors.insert(
                    "type".into(),
                    vec![format!("« {k} » n'est pas un choix valide.")],
                );
                None
            }
        },
    };
    let mut day = |name: &str, v: Option<&str>| stats::day_param(&mut errors, name, v);
    let from = day("date_debut", params.date_debut.as_deref());
    let to = day("date_fin", params.date_fin.as_deref());
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.insert(
            "date_debut".into(),
            vec!["La date de début doit précéder la date de fin.".into()],
        );
    }
    let user = params
        .utilisateur
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    if user.is_some_and(|u| u.len() > 254) {
        errors.insert("utilisateur".into(), vec!["254 caractères au plus.".into()]);
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let (list, kind_in_code) = match user {
        Some(u) if u.contains('@') => (
            Listing::index("GSI3", keys::logs_by_email(&u.to_lowercase())),
            kind,
        ),
        Some(u) => (Listing::index("GSI2", keys::logs_by_user(u)), kind),
        None => match kind {
            Some(k) => (Listing::index("GSI1", keys::logs_by_kind(k.as_str())), None),
            None => (
                Listing {
                    sk_prefix: None,
                    ..Listing::table(keys::logs(), "")
                },
                None,
            ),
        },
    };
    let list = if from.is_some() || to.is_some() {
        // DynamoDB refuses an empty string in a key condition: "0" sorts
        // before every date.
        let low = from
            .map(|d| format!("{d}T00:00:00"))
            .unwrap_or_else(|| "0".into());
        let high = to
            .map(|d| format!("{d}T23:59:59~"))
            .unwrap_or_else(|| "~".into());
        list.between(low, high)
    } else {
        list
    };
    let scope = format!("logs:{kind:?}:{user:?}:{from:?}:{to:?}");
    let request = page::query::<PageParams>(uri)?.resolve(&services.cursors, &scope)?;
    let now = store::now_epoch() as i64;
    let keep = |item: &Item| {
        let live = item
            .get(attr::EXPIRES_AT)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse::<i64>().ok())
            .is_none_or(|e| e > now);
        let kind_ok = kind_in_code.is_none_or(|k| {
            item.get("type")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some(k.as_str())
        });
        if live && kind_ok {
            store::from_item::<LogEntry>(item.clone()).ok()
        } else {
            None
        }
    };
    let page = list.page_where(&services.store, &request, &keep).await?;
    Ok(page.into_response(&services.cursors, &scope, uri, |e| e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn errors_and_slow_requests_are_recorded() {
        let slow = Duration::from_millis(1000);
        assert_eq!(log_kind(500, Duration::ZERO, slow), Some(LogKind::Erreur));
        assert_eq!(log_kind(200, slow, slow), Some(LogKind::RequeteLente));
        assert_eq!(log_kind(404, Duration::from_millis(999), slow), None);
    }
}
