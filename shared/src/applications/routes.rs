//! Applications (spec 4, 8.2 envoi-masse): the applicant's side
//! (`/api/candidat/candidatures/`), the recruiter's detail and status
//! changes (`/api/recruteur/candidatures/{id}/`), and the mass mailing to
//! a publication's applicants. Applying to a kind (`postuler`) and the
//! recruiter's lists are routes of each kind's function. Written once in
//! `crate::applications`; docs/applications.md tells the rules.

use crate::ApiError;
use crate::applications::Application;
use crate::applications::api::{
    self, BulkBody, BulkQueued, ItemResponse, ListResponse, MineFilters, NewApplication, StatusBody,
};
use crate::auth::AuthUser;
use crate::cursor::Paginated;
use crate::json::Json;
use crate::page::PageParams;
use crate::publications::Kind;
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;

pub use crate::notifications::events::Notifying as AreaState;

#[utoipa::path(get, path = "/api/candidat/candidatures/", tag = "candidatures", security(("bearer" = [])),
    params(MineFilters, PageParams),
    responses((status = 200, body = Paginated<Application>, description = "Mes candidatures, tous types de publication, de la plus récente à la plus ancienne ; sans notes_recruteur"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires")))]
pub async fn mine(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ListResponse {
    api::list_mine(&state, &user, &uri).await
}

#[utoipa::path(post, path = "/api/candidat/candidatures/", tag = "candidatures", security(("bearer" = [])),
    request_body = NewApplication,
    responses((status = 201, body = Application, description = "Comme POST /api/offres/{id}/postuler/"),
        (status = 400, description = "Champs invalides"), (status = 401, description = "Non authentifié"),
        (status = 403, description = "Réservé aux candidats"),
        (status = 404, description = "Offre introuvable ou pas encore validée ; ou cv, lettre_motivation_fichier qui n'est pas un de vos fichiers de ce type"),
        (status = 409, description = "Déjà postulé, ou offre fermée"),
        (status = 429, description = "Trop de candidatures envoyées : réessayer après Retry-After secondes")))]
pub async fn create(
    State(state): State<AreaState>,
    user: AuthUser,
    body: Result<crate::json::JsonObject, ApiError>,
) -> Result<(StatusCode, AxumJson<Application>), ApiError> {
    // Who may apply before what they sent: a refused account learns
    // nothing from the body's errors (the authorization matrix, #20).
    super::check_applicant(Kind::Offre, user.role, true)?;
    let crate::json::JsonObject(body) = body?;
    // Two parts, so a key neither takes is named (a flattened struct
    // would swallow it).
    let mut body = crate::json::Parts::new(body)?;
    let target = body.part::<api::ApplicationTarget>();
    let candidature = body.part::<api::ApplyBody>();
    body.finish()?;
    let (Some(target), Some(candidature)) = (target, candidature) else {
        unreachable!("finish reports the parts' errors")
    };
    let offre = target.offre.unwrap_or_default();
    api::apply(&state, Kind::Offre, &user, &offre, candidature).await
}

#[utoipa::path(get, path = "/api/candidat/candidatures/{id}/", tag = "candidatures", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la candidature")),
    responses((status = 200, body = Application, description = "Avec son historique ; sans notes_recruteur"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 404, description = "Pas une de mes candidatures")))]
pub async fn mine_detail(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ItemResponse {
    api::detail_mine(&state, &user, &id).await
}

#[utoipa::path(delete, path = "/api/candidat/candidatures/{id}/", tag = "candidatures", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la candidature")),
    responses((status = 204, description = "Retirée ; la publication la décompte"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires"),
        (status = 404, description = "Pas une de mes candidatures"),
        (status = 409, description = "Déjà acceptée ou refusée, ou modifiée au même moment")))]
pub async fn withdraw(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    api::withdraw(&state, &user, &id).await
}

#[utoipa::path(get, path = "/api/recruteur/candidatures/{id}/", tag = "candidatures", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la candidature")),
    responses((status = 200, body = Application, description = "Avec le score détaillé, les notes et l'historique"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs et aux administrateurs"),
        (status = 404, description = "Pas une candidature à mes publications")))]
pub async fn received_detail(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ItemResponse {
    api::detail_received(&state, &user, &id).await
}

#[utoipa::path(put, path = "/api/recruteur/candidatures/{id}/statut/", tag = "candidatures", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la candidature")),
    request_body = StatusBody,
    responses((status = 200, body = Application, description = "Statut changé, inscrit à l'historique ; le candidat est prévenu"),
        (status = 400, description = "Statut inconnu, transition impossible, date d'entretien invalide, notes trop longues"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs"),
        (status = 404, description = "Pas une candidature à mes publications"),
        (status = 409, description = "Modifiée au même moment (retrait, autre changement)")))]
pub async fn set_status(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
    body: Result<Json<StatusBody>, ApiError>,
) -> ItemResponse {
    api::set_status(&state, &user, &id, body.map(|Json(b)| b)).await
}

#[utoipa::path(post, path = "/api/recruteur/messages/envoi-masse/", tag = "candidatures", security(("bearer" = [])),
    request_body = BulkBody,
    responses((status = 202, body = BulkQueued, description = "Messages mis en file, un par candidat ; le notifier les remet"),
        (status = 400, description = "Champs invalides, publication introuvable parmi les miennes"),
        (status = 401, description = "Non authentifié"),
        (status = 403, description = "Réservé aux recruteurs dont le compte est validé"),
        (status = 429, description = "Trop d'envois groupés : réessayer après Retry-After secondes")))]
pub async fn bulk_message(
    State(state): State<AreaState>,
    user: AuthUser,
    body: Result<Json<BulkBody>, ApiError>,
) -> Result<(StatusCode, AxumJson<BulkQueued>), ApiError> {
    api::bulk_message(&state, &user, body.map(|Json(b)| b)).await
}
