//! Statistics and analytics (spec 10): a recruiter's figures, an
//! applicant's, and the publication and application series by day, week
//! or month (a recruiter's own, or the platform's for an admin). Every
//! figure is a sum of counters kept in step with the writes
//! (`crate::stats`, `crate::stats::figures`); the platform's totals are the
//! admin function's (`/api/admin/statistiques-globales/`).

use std::sync::Arc;

use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ApiResult};
use crate::page;
use crate::publications::Kind;
use crate::stats::figures::{self, ApplicantStatistics, RecruiterStatistics, Whose};
use crate::stats::{RangeParams, Series};
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, State};
use serde::Deserialize;
use utoipa::IntoParams;

pub type AreaState = Arc<crate::Services>;

#[utoipa::path(get, path = "/api/recruteur/statistiques/", tag = "statistiques", security(("bearer" = [])),
    responses((status = 200, body = RecruiterStatistics, description = "Mes publications par catégorie et par état, les candidatures reçues par état"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs")))]
pub async fn recruteur(
    State(state): State<AreaState>,
    user: AuthUser,
) -> ApiResult<AxumJson<RecruiterStatistics>> {
    user.require(&[Role::Recruteur])?;
    Ok(AxumJson(figures::recruiter(&state.store, &user.sub).await?))
}

#[utoipa::path(get, path = "/api/candidat/statistiques/", tag = "statistiques", security(("bearer" = [])),
    responses((status = 200, body = ApplicantStatistics, description = "Mes candidatures par catégorie et par état"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux candidats et aux prestataires")))]
pub async fn candidat(
    State(state): State<AreaState>,
    user: AuthUser,
) -> ApiResult<AxumJson<ApplicantStatistics>> {
    user.require(&[Role::Candidat, Role::Prestataire])?;
    Ok(AxumJson(figures::applicant(&state.store, &user.sub).await?))
}

#[utoipa::path(get, path = "/api/statistiques/publiques/", tag = "statistiques",
    responses((status = 200, body = figures::PublicFigures, description = "Publications ouvertes par catégorie et comptes actifs par type, pour la page d'accueil : anonyme, sans donnée personnelle, en cache 5 minutes")))]
pub async fn publiques(
    State(state): State<AreaState>,
) -> ApiResult<(
    [(axum::http::HeaderName, &'static str); 1],
    AxumJson<figures::PublicFigures>,
)> {
    Ok((
        [(axum::http::header::CACHE_CONTROL, "public, max-age=300")],
        AxumJson(figures::public(&state.store).await?),
    ))
}

/// A recruiter sees its own series, an admin the platform's.
fn whose(user: &AuthUser) -> ApiResult<Whose<'_>> {
    match user.role {
        Role::Admin => Ok(Whose::Platform),
        Role::Recruteur => Ok(Whose::Recruiter(&user.sub)),
        _ => Err(ApiError::Forbidden(
            "Les analyses sont réservées aux recruteurs et aux administrateurs.".into(),
        )),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KindParam {
    /// offre, financement, bourse or consultation.
    pub type_publication: Option<String>,
}

fn kind(uri: &http::Uri) -> ApiResult<Option<Kind>> {
    Kind::from_param(page::query::<KindParam>(uri)?.type_publication.as_deref())
}

fn range(uri: &http::Uri) -> ApiResult<crate::stats::Range> {
    page::query::<RangeParams>(uri)?.resolve(time::OffsetDateTime::now_utc().date())
}

#[utoipa::path(get, path = "/api/analytics/offres/", tag = "statistiques", security(("bearer" = [])),
    params(RangeParams, KindParam),
    responses((status = 200, body = Series, description = "Par période : publications soumises (y compris après modification), validées, refusées, fermées, et candidatures reçues ; d'une catégorie (offre par défaut). Mes publications, ou toute la plateforme pour un administrateur"),
        (status = 400, description = "Période, dates ou catégorie invalides"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs et aux administrateurs")))]
pub async fn analytics_offres(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Series>> {
    let whose = whose(&user)?;
    let (range, kind) = (range(&uri)?, kind(&uri)?.unwrap_or(Kind::Offre));
    Ok(AxumJson(
        figures::publication_series(&state.store, whose, kind, range).await?,
    ))
}

#[utoipa::path(get, path = "/api/analytics/candidatures/", tag = "statistiques", security(("bearer" = [])),
    params(RangeParams, KindParam),
    responses((status = 200, body = Series, description = "Par période : candidatures reçues, passées en cours, acceptées, refusées, retirées ; d'une catégorie ou de toutes. Celles reçues par mes publications, ou toute la plateforme pour un administrateur"),
        (status = 400, description = "Période, dates ou catégorie invalides"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs et aux administrateurs")))]
pub async fn analytics_candidatures(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Series>> {
    let whose = whose(&user)?;
    let (range, kind) = (range(&uri)?, kind(&uri)?);
    Ok(AxumJson(
        figures::application_series(&state.store, whose, kind, range).await?,
    ))
}
