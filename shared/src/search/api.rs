//! Search (spec 9): the four kinds' public publications with the filters
//! of spec 9.2, a keyword query and three orderings, and candidates for
//! recruiters. The rules are `crate::search`; docs/search.md tells the
//! design and its limits.

use std::sync::Arc;

use crate::auth::AuthUser;
use crate::cursor::Paginated;
use crate::error::ApiResult;
use crate::http::ClientIp;
use crate::page::PageParams;
use crate::publications::{Kind, Publication};
use crate::search::{self, CandidateCard, CandidateParams, PublicationParams};
use crate::throttle::{self, Caller};
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, State};

pub type AreaState = Arc<crate::Services>;

type Results = ApiResult<AxumJson<Paginated<Publication>>>;

/// Counted before searching: a refused search reads nothing.
async fn limited(state: &AreaState, caller: Caller<'_>) -> ApiResult<()> {
    throttle::limit(
        &state.store,
        "search",
        [(caller, state.config.rate_limits.search)],
    )
    .await
}

async fn publications(state: &AreaState, ip: &str, kind: Kind, uri: &http::Uri) -> Results {
    limited(state, Caller::Client(ip)).await?;
    Ok(AxumJson(search::publications(state, kind, uri).await?))
}

#[utoipa::path(get, path = "/api/recherche/offres/", tag = "recherche", params(PublicationParams, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "Offres validées et ouvertes qui répondent à tous les filtres"),
        (status = 400, description = "Filtre invalide, ou qui ne s'applique pas aux offres ; taille de page ou curseur invalide"), (status = 429, description = "Trop de recherches : réessayer après Retry-After secondes")))]
pub async fn offres(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    OriginalUri(uri): OriginalUri,
) -> Results {
    publications(&state, &ip, Kind::Offre, &uri).await
}

#[utoipa::path(get, path = "/api/offres/recherche/", tag = "recherche", params(PublicationParams, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "La même recherche que /api/recherche/offres/"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"), (status = 429, description = "Trop de recherches : réessayer après Retry-After secondes")))]
pub async fn offres_alias(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    OriginalUri(uri): OriginalUri,
) -> Results {
    publications(&state, &ip, Kind::Offre, &uri).await
}

#[utoipa::path(get, path = "/api/recherche/financements/", tag = "recherche", params(PublicationParams, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "Financements validés et ouverts qui répondent à tous les filtres"),
        (status = 400, description = "Filtre invalide, ou qui ne s'applique pas aux financements"), (status = 429, description = "Trop de recherches : réessayer après Retry-After secondes")))]
pub async fn financements(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    OriginalUri(uri): OriginalUri,
) -> Results {
    publications(&state, &ip, Kind::Financement, &uri).await
}

#[utoipa::path(get, path = "/api/recherche/bourses/", tag = "recherche", params(PublicationParams, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "Bourses validées et ouvertes qui répondent à tous les filtres"),
        (status = 400, description = "Filtre invalide, ou qui ne s'applique pas aux bourses"), (status = 429, description = "Trop de recherches : réessayer après Retry-After secondes")))]
pub async fn bourses(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    OriginalUri(uri): OriginalUri,
) -> Results {
    publications(&state, &ip, Kind::Bourse, &uri).await
}

#[utoipa::path(get, path = "/api/recherche/consultations/", tag = "recherche", params(PublicationParams, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "Consultations validées et ouvertes qui répondent à tous les filtres"),
        (status = 400, description = "Filtre invalide, ou qui ne s'applique pas aux consultations"), (status = 429, description = "Trop de recherches : réessayer après Retry-After secondes")))]
pub async fn consultations(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    OriginalUri(uri): OriginalUri,
) -> Results {
    publications(&state, &ip, Kind::Consultation, &uri).await
}

#[utoipa::path(get, path = "/api/recherche/candidats/", tag = "recherche", security(("bearer" = [])),
    params(CandidateParams, PageParams),
    responses((status = 200, body = Paginated<CandidateCard>, description = "Candidats actifs qui répondent à tous les filtres, du plus récent au plus ancien inscrit ; e-mail et téléphone seulement s'ils ont postulé à l'une de mes publications"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs validés par un administrateur et aux administrateurs"),
        (status = 429, description = "Trop de recherches : réessayer après Retry-After secondes")))]
pub async fn candidats(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<CandidateCard>>> {
    limited(&state, Caller::User(&user.sub)).await?;
    Ok(AxumJson(search::candidates(&state, &user, &uri).await?))
}

/// A recruiter's public company page, with its open publications.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CompanyPublicPage {
    #[serde(flatten)]
    pub entreprise: crate::accounts::public::CompanyPage,
    /// Its validated, open publications of every kind, newest first, with
    /// their `count`; `next` pages on.
    pub publications: Paginated<Publication>,
}

/// A public profile: read once, shown through `public` (404 when it
/// gives nothing: unknown, deactivated, not validated, not opted in).
/// `ip`: limited per address first, as the searches are (pages are as
/// scrapable); `None` when the caller limited it already.
async fn public_profile<T>(
    state: &AreaState,
    ip: Option<&str>,
    id: &str,
    public: fn(&crate::accounts::Profile) -> Option<T>,
) -> ApiResult<T> {
    let id = crate::store::path_id(id)?;
    if let Some(ip) = ip {
        limited(state, Caller::Client(ip)).await?;
    }
    let profile: Option<crate::accounts::Profile> = state
        .store
        .get(&crate::store::keys::user(id), false)
        .await?;
    profile
        .as_ref()
        .and_then(public)
        .ok_or(crate::error::ApiError::NotFound)
}

#[utoipa::path(get, path = "/api/profils/recruteurs/{id}/", tag = "profils",
    params(("id" = String, Path, description = "Id du compte recruteur"), PageParams),
    responses((status = 200, body = CompanyPublicPage, description = "La page publique de l'entreprise et ses publications ouvertes"),
        (status = 400, description = "Taille de page ou curseur invalide"),
        (status = 404, description = "Pas de recruteur validé et actif de ce numéro"),
        (status = 429, description = "Trop de pages consultées depuis cette adresse : réessayer après Retry-After secondes")))]
pub async fn recruteur(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    axum::extract::Path(id): axum::extract::Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<CompanyPublicPage>> {
    use crate::publications::{Statut, StatutValidation, lists::Selection};
    crate::store::path_id(&id)?;
    limited(&state, Caller::Client(&ip)).await?;
    let open = Selection {
        public: true,
        review: Some(StatutValidation::Validee),
        statut: Some(Statut::Active),
        recruteur: Some(id.clone()),
        ..Selection::default()
    };
    // The page and its publications at once; the list shows only if the
    // page exists.
    let (entreprise, publications) = tokio::join!(
        public_profile(&state, None, &id, crate::accounts::public::company),
        open.respond(&state, "company", &uri)
    );
    Ok(AxumJson(CompanyPublicPage {
        entreprise: entreprise?,
        publications: publications?,
    }))
}

#[utoipa::path(get, path = "/api/profils/prestataires/{id}/", tag = "profils",
    params(("id" = String, Path, description = "Id du compte prestataire")),
    responses((status = 200, body = crate::accounts::public::ProviderPage, description = "Le profil public du prestataire"),
        (status = 404, description = "Pas de prestataire validé et actif de ce numéro"),
        (status = 429, description = "Trop de pages consultées depuis cette adresse : réessayer après Retry-After secondes")))]
pub async fn prestataire(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<AxumJson<crate::accounts::public::ProviderPage>> {
    public_profile(&state, Some(&ip), &id, crate::accounts::public::provider)
        .await
        .map(AxumJson)
}

#[utoipa::path(get, path = "/api/profils/candidats/{id}/", tag = "profils",
    params(("id" = String, Path, description = "Id du compte candidat")),
    responses((status = 200, body = crate::accounts::public::CandidatePage, description = "Les champs que le candidat a rendus publics (`champs_publics`) ; jamais son e-mail ni son téléphone"),
        (status = 404, description = "Pas de candidat actif de ce numéro dont le profil est public (`profil_public`)"),
        (status = 429, description = "Trop de pages consultées depuis cette adresse : réessayer après Retry-After secondes")))]
pub async fn candidat(
    State(state): State<AreaState>,
    ClientIp(ip): ClientIp,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<AxumJson<crate::accounts::public::CandidatePage>> {
    public_profile(&state, Some(&ip), &id, crate::accounts::public::candidate)
        .await
        .map(AxumJson)
}
