//! The admin area (spec 2.1): recruteur and prestataire accounts awaiting
//! validation, the decision (validate, or refuse with a reason), and the
//! validation statistics. Admins only, on every route. Each decision is
//! audited and notifies the account by email and in-app (#3's pipeline).

use axum::Json as AxumJson;
use axum::extract::{OriginalUri, Path, State};
use serde::Deserialize;
use shared::auth::{AdminUser, AuthUser, Role};
use shared::cursor::Paginated;
use shared::error::{ApiError, ApiResult};
use shared::events::Event;
use shared::json::{Json, OptionalJson};
use shared::page::{self, Listing, PageParams};
use shared::review::{self, Statistics};
use shared::store::keys;
use shared::users::{Profile, Verification};
use shared::validation;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use shared::events::Notifying as AreaState;

shared::area!(AreaState; pending_accounts, validate_account, refuse_account, account_statistics);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PendingFilters {
    /// `recruteur` (by default) or `prestataire`.
    pub type_compte: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/recruteurs-en-attente/", tag = "admin", security(("bearer" = [])),
    params(PendingFilters, PageParams),
    responses((status = 200, body = Paginated<Profile>, description = "Comptes en attente de validation, du plus ancien au plus récent"),
        (status = 400, description = "Type, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
async fn pending_accounts(
    State(state): State<AreaState>,
    _admin: AdminUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Profile>>> {
    let filters: PendingFilters = page::query(&uri)?;
    let role = match filters.type_compte.as_deref() {
        None | Some("") | Some("recruteur") => Role::Recruteur,
        Some("prestataire") => Role::Prestataire,
        Some(_) => {
            return Err(ApiError::field(
                "type_compte",
                "« recruteur » ou « prestataire » attendu.",
            ));
        }
    };
    let scope = format!("pending:{}", role.as_str());
    let services = &state.services;
    let request = page::query::<PageParams>(&uri)?.resolve(&services.cursors, &scope)?;
    let list = keys::users_by_validation(role.as_str(), Verification::EnAttente.as_str());
    let page = Listing::index("GSI2", list)
        .oldest_first()
        .page::<Profile>(&services.store, &request)
        .await?;
    Ok(AxumJson(page.into_response(
        &services.cursors,
        &scope,
        &uri,
        |p| p,
    )))
}

/// A validation, with an optional note for the audit log.
#[derive(Deserialize, Validate, ToSchema, Default)]
pub struct Validation {
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "validation::plain_text")
    )]
    pub motif: Option<String>,
}

/// A refusal: the reason is sent to the account holder.
#[derive(Deserialize, Validate, ToSchema)]
pub struct Refusal {
    #[validate(
        required,
        length(min = 1, max = 1000),
        custom(function = "validation::plain_text")
    )]
    pub motif: Option<String>,
}

/// Records the decision, then notifies the account holder.
async fn decide(
    state: &AreaState,
    user: &AuthUser,
    id: &str,
    to: Verification,
    motif: Option<String>,
) -> ApiResult<AxumJson<Profile>> {
    let id = shared::store::path_id(id)?;
    let motif = motif.map(|m| m.trim().to_string());
    let profile = review::decide(&state.services.store, &user.sub, id, to, motif.clone()).await?;
    let event = match to {
        Verification::Verifie => Event::compte_valide(id),
        _ => Event::compte_refuse(id, motif.as_deref()),
    };
    if let Err(e) = state.publisher.publish(&event).await {
        // The decision stands; only its notification is missing.
        tracing::error!(error = %e, event_id = %event.id, "account decision not notified");
    }
    Ok(AxumJson(profile))
}

#[utoipa::path(put, path = "/api/admin/recruteurs/{id}/valider/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte recruteur ou prestataire")),
    request_body(content = Validation, description = "Facultatif"),
    responses((status = 200, body = Profile, description = "Validé ; le titulaire est prévenu par e-mail et dans l'application"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte recruteur ou prestataire de ce numéro"),
        (status = 409, description = "Déjà validé, ou traité au même moment par un autre administrateur")))]
async fn validate_account(
    State(state): State<AreaState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<Validation>,
) -> ApiResult<AxumJson<Profile>> {
    decide(&state, &user, &id, Verification::Verifie, body.motif).await
}

#[utoipa::path(put, path = "/api/admin/recruteurs/{id}/refuser/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte recruteur ou prestataire")),
    request_body = Refusal,
    responses((status = 200, body = Profile, description = "Refusé ; le motif est envoyé au titulaire"),
        (status = 400, description = "Motif manquant ou invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte recruteur ou prestataire de ce numéro"),
        (status = 409, description = "Déjà refusé, ou traité au même moment par un autre administrateur")))]
async fn refuse_account(
    State(state): State<AreaState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
    Json(body): Json<Refusal>,
) -> ApiResult<AxumJson<Profile>> {
    decide(&state, &user, &id, Verification::Refuse, body.motif).await
}

#[utoipa::path(get, path = "/api/admin/recruteurs/statistiques/", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Statistics, description = "Comptes par type et par état de validation"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
async fn account_statistics(
    State(state): State<AreaState>,
    _admin: AdminUser,
) -> ApiResult<AxumJson<Statistics>> {
    Ok(AxumJson(review::statistics(&state.services.store).await?))
}
