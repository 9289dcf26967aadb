//! The admin panel (spec 2.3, 10, 16): the platform's figures and
//! dashboard, the accounts (listed, deactivated, reactivated) and the
//! system log. Admins only, on every route.

use crate::accounts::{Profile, Verification};
use crate::auth::{AdminUser, Role};
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult};
use crate::logs::{self, LogEntry, LogParams};
use crate::page::{self, Listing, PageParams, PageRequest};
use crate::publications::Publication;
use crate::stats::figures::{self, GlobalStatistics};
use crate::store::{Item, from_item, keys};
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::api::AreaState;

#[utoipa::path(get, path = "/api/admin/statistiques-globales/", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = GlobalStatistics, description = "Comptes par type (actifs, désactivés), validation des comptes, publications et candidatures par catégorie et par état"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn global_statistics(
    State(state): State<AreaState>,
    _admin: AdminUser,
) -> ApiResult<AxumJson<GlobalStatistics>> {
    Ok(AxumJson(figures::global(&state.services.store).await?))
}

#[utoipa::path(get, path = "/api/admin/statistiques/", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = GlobalStatistics, description = "Les mêmes statistiques générales que /api/admin/statistiques-globales/"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn statistics(
    State(state): State<AreaState>,
    _admin: AdminUser,
) -> ApiResult<AxumJson<GlobalStatistics>> {
    Ok(AxumJson(figures::global(&state.services.store).await?))
}

/// What the dashboard shows: the figures and the oldest work waiting.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    pub statistiques: GlobalStatistics,
    /// The oldest publications awaiting review (5 at most).
    pub publications_a_valider: Vec<Publication>,
    /// The oldest recruiter and prestataire accounts awaiting validation (5 of each at most).
    pub comptes_a_valider: Vec<Profile>,
}

const DASHBOARD_ITEMS: usize = 5;

#[utoipa::path(get, path = "/api/admin/dashboard/", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Dashboard, description = "Statistiques générales et plus anciennes demandes en attente"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn dashboard(
    State(state): State<AreaState>,
    _admin: AdminUser,
) -> ApiResult<AxumJson<Dashboard>> {
    let store = &state.services.store;
    let first = PageRequest {
        size: DASHBOARD_ITEMS,
        cursor: None,
    };
    let pending = |role: Role| {
        Listing::index(
            "GSI2",
            keys::users_by_validation(role.as_str(), Verification::EnAttente.as_str()),
        )
        .oldest_first()
    };
    let review = Listing::index("GSI1", keys::publications_in_review()).oldest_first();
    let (recruiters, providers) = (pending(Role::Recruteur), pending(Role::Prestataire));
    let (figures, publications, recruiters, providers) = tokio::join!(
        figures::global(store),
        review.page::<Publication>(store, &first),
        recruiters.page::<Profile>(store, &first),
        providers.page::<Profile>(store, &first),
    );
    let mut comptes = recruiters?.items;
    comptes.extend(providers?.items);
    Ok(AxumJson(Dashboard {
        statistiques: figures?,
        publications_a_valider: publications?.items,
        comptes_a_valider: comptes,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilters {
    /// candidat, recruteur, prestataire or admin; every type by default.
    pub type_compte: Option<String>,
    /// Admin validation state (recruteur, prestataire): en_attente, verifie, refuse.
    pub statut: Option<String>,
    /// true or false.
    pub is_active: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/utilisateurs/", tag = "admin", security(("bearer" = [])),
    params(UserFilters, PageParams),
    responses((status = 200, body = Paginated<Profile>, description = "Comptes, du plus récent au plus ancien"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn users(
    State(state): State<AreaState>,
    _admin: AdminUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Profile>>> {
    let filters: UserFilters = page::query(&uri)?;
    let mut errors = crate::error::FieldErrors::new();
    let role = match filters.type_compte.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Role::parse(t).or_else(|| {
            errors.insert(
                "type_compte".into(),
                vec![format!("« {t} » n'est pas un choix valide.")],
            );
            None
        }),
    };
    let statut: Option<Verification> =
        match crate::publications::api::choice("statut", filters.statut.as_deref()) {
            Ok(s) => s,
            Err(ApiError::Fields(f)) => {
                errors.extend(f);
                None
            }
            Err(e) => return Err(e),
        };
    let active = match page::flag("is_active", filters.is_active.as_deref()) {
        Ok(a) => a,
        Err(ApiError::Fields(f)) => {
            errors.extend(f);
            None
        }
        Err(e) => return Err(e),
    };
    // Only the types an admin validates have a validation state.
    if statut.is_some() && role.is_some_and(|r| !matches!(r, Role::Recruteur | Role::Prestataire)) {
        errors
            .entry("statut".into())
            .or_default()
            .push("Seuls les comptes recruteur et prestataire ont un statut de validation.".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let list = match role {
        Some(r) => Listing::index("GSI1", keys::users_by_role(r.as_str())),
        None => Listing::index("GSI3", keys::all_users()),
    };
    let scope = format!("users:{role:?}:{statut:?}:{active:?}");
    let services = &state.services;
    let request = page::query::<PageParams>(&uri)?.resolve(&services.cursors, &scope)?;
    let keep = |item: &Item| {
        from_item::<Profile>(item.clone()).ok().filter(|p| {
            active.is_none_or(|a| p.is_active == a)
                && statut.is_none_or(|s| p.details.admin_validation() == Some(s))
        })
    };
    // Only the counters this filter needs: the validation state's, or the
    // accounts'; none when they cannot tell (both filters).
    let store = &services.store;
    let counted = match (statut, active) {
        (Some(_), Some(_)) => None,
        (Some(_), None) => Some(crate::admin::SCOPE),
        (None, _) => Some(crate::stats::USERS),
    };
    let counters = async {
        match counted {
            Some(s) => store.counters(s).await,
            None => Ok(Default::default()),
        }
    };
    let (page, values) = tokio::join!(list.page_where(store, &request, &keep), counters);
    let values = values?;
    let count = crate::stats::figures::user_count(&values, role, statut, active);
    Ok(AxumJson(
        page?
            .into_response(&services.cursors, &scope, &uri, |p| p)
            .counted(count),
    ))
}

async fn set_active(
    state: &AreaState,
    admin: &AdminUser,
    id: &str,
    active: bool,
) -> ApiResult<AxumJson<Profile>> {
    let id = crate::store::path_id(id)?;
    if !active && id == admin.0.sub {
        return Err(ApiError::BadRequest(
            "Vous ne pouvez pas désactiver votre propre compte.".into(),
        ));
    }
    let services = &state.services;
    let profile = crate::accounts::cognito::set_active(
        &services.store,
        &state.cognito,
        &services.config,
        id,
        active,
        Some(&admin.0.sub),
    )
    .await?;
    Ok(AxumJson(profile))
}

#[utoipa::path(put, path = "/api/admin/utilisateurs/{id}/desactiver/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte")),
    responses((status = 200, body = Profile, description = "Désactivé sur-le-champ : ses jetons ne valent plus rien, il ne peut plus se connecter"),
        (status = 400, description = "Son propre compte"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte de ce numéro"), (status = 409, description = "Déjà désactivé")))]
pub async fn deactivate(
    State(state): State<AreaState>,
    admin: AdminUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Profile>> {
    set_active(&state, &admin, &id, false).await
}

#[utoipa::path(put, path = "/api/admin/utilisateurs/{id}/reactiver/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte")),
    responses((status = 200, body = Profile, description = "Réactivé : il peut se reconnecter"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte de ce numéro"), (status = 409, description = "Déjà actif, ou en cours de suppression à la demande de son titulaire (docs/privacy.md)")))]
pub async fn reactivate(
    State(state): State<AreaState>,
    admin: AdminUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Profile>> {
    set_active(&state, &admin, &id, true).await
}

#[utoipa::path(get, path = "/api/admin/logs/", tag = "admin", security(("bearer" = [])),
    params(LogParams, PageParams),
    responses((status = 200, body = Paginated<LogEntry>, description = "Connexions (réussies et échouées), actions des administrateurs, erreurs serveur et requêtes lentes, des plus récentes aux plus anciennes"),
        (status = 400, description = "Type, dates, taille de page ou curseur invalides"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn logs(
    State(state): State<AreaState>,
    _admin: AdminUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<LogEntry>>> {
    Ok(AxumJson(logs::list(&state.services, &uri).await?))
}
