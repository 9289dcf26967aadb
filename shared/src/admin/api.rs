//! The admin area (spec 2.1, 2.2): recruteur and prestataire accounts and
//! publications awaiting validation, the decisions (validate, or refuse
//! with a reason), the validation statistics, and recruiters' publication
//! quotas. Admins only, on every route. Each decision is audited and
//! notifies the account holder or author by email and in-app.

use crate::accounts::{Profile, Verification};
use crate::admin::{self as review, Statistics};
use crate::auth::{AdminUser, AuthUser, Role};
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult};
use crate::json::{Json, OptionalJson};
use crate::notifications::events::Event;
use crate::page::{self, Filter, Listing, PageParams};
use crate::publications::{self, Kind, Publication, StatutValidation};
use crate::store::keys;
use crate::uploads::{self, Upload};
use crate::validation;
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The admin area's clients: the event publisher, and the identity
/// provider (deactivating an account disables its identity too).
#[derive(Clone)]
pub struct AreaState {
    pub notifying: crate::notifications::events::Notifying,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl AreaState {
    pub fn new(
        services: std::sync::Arc<crate::Services>,
        sdk: &aws_config::SdkConfig,
    ) -> Result<Self, crate::config::ConfigError> {
        Ok(AreaState {
            notifying: crate::notifications::events::Notifying::new(services, sdk)?,
            cognito: crate::metrics::cognito_client(sdk),
        })
    }
}

impl std::ops::Deref for AreaState {
    type Target = crate::notifications::events::Notifying;
    fn deref(&self) -> &Self::Target {
        &self.notifying
    }
}

impl axum::extract::FromRef<AreaState> for std::sync::Arc<crate::Services> {
    fn from_ref(state: &AreaState) -> Self {
        state.notifying.services.clone()
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PendingFilters {
    /// `recruteur` (by default) or `prestataire`.
    pub type_compte: Option<String>,
}

/// An account awaiting validation, with its verification documents and
/// their download links.
#[derive(Serialize, ToSchema)]
pub struct PendingAccount {
    #[serde(flatten)]
    pub profile: Profile,
    /// The files of `documents_verification`, each with a short-lived link.
    pub documents: Vec<Upload>,
}

#[utoipa::path(get, path = "/api/admin/recruteurs-en-attente/", tag = "admin", security(("bearer" = [])),
    params(PendingFilters, PageParams),
    responses((status = 200, body = Paginated<PendingAccount>, description = "Comptes en attente de validation, du plus ancien au plus récent, avec leurs documents de vérification à télécharger"),
        (status = 400, description = "Type, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn pending_accounts(
    State(state): State<AreaState>,
    _admin: AdminUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<PendingAccount>>> {
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
    let list = keys::users_by_validation(role.as_str(), Verification::EnAttente.as_str());
    let list = Listing::index("GSI2", list).oldest_first();
    let mut page: Paginated<Profile> = list.respond(services, &scope, &uri).await?;
    let documents = documents_of(services, &page.results).await?;
    let count = state
        .services
        .store
        .counters(review::SCOPE)
        .await?
        .get(&review::counter(role, Verification::EnAttente))
        .copied()
        .unwrap_or(0);
    let results = std::mem::take(&mut page.results)
        .into_iter()
        .zip(documents)
        .map(|(profile, documents)| PendingAccount { profile, documents })
        .collect();
    Ok(AxumJson(page.with_results(results).counted(Some(count))))
}

/// The verification documents of each profile, with their download
/// links: one BatchGetItem per 100 files, links signed locally.
async fn documents_of(
    services: &crate::Services,
    profiles: &[Profile],
) -> ApiResult<Vec<Vec<Upload>>> {
    let ids: Vec<String> = profiles
        .iter()
        .flat_map(|p| p.details.documents().iter().cloned())
        .collect();
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(100) {
        for u in uploads::store::get_many(&services.store, chunk)
            .await?
            .into_iter()
            .flatten()
        {
            found.insert(u.id.clone(), u);
        }
    }
    let files = if found.is_empty() {
        None
    } else {
        Some(services.files()?)
    };
    let mut all = Vec::with_capacity(profiles.len());
    for profile in profiles {
        let mut documents = Vec::new();
        for id in profile.details.documents() {
            if let (Some(u), Some(files)) = (found.get(id), files) {
                documents.push(crate::uploads::with_link(files, u.clone()).await?);
            }
        }
        all.push(documents);
    }
    Ok(all)
}

/// A validation, with an optional note for the audit log.
#[derive(Deserialize, Validate, ToSchema, Default)]
pub struct Validation {
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "validation::plain_text"),
        custom(function = "validation::not_blank")
    )]
    pub motif: Option<String>,
}

/// A refusal: the reason is sent to the account holder.
#[derive(Deserialize, Validate, ToSchema)]
pub struct Refusal {
    #[validate(
        required,
        length(min = 1, max = 1000),
        custom(function = "validation::plain_text"),
        custom(function = "validation::not_blank")
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
    let id = crate::store::path_id(id)?;
    let motif = motif.map(|m| m.trim().to_string());
    let store = &state.services.store;
    let (profile, from) = review::decide(store, &user.sub, id, to, motif.clone()).await?;
    let withdrawn = review::withdraws_validation(profile.details.role(), from, to);
    let event = match to {
        Verification::Verifie => Event::compte_valide(id),
        _ if withdrawn => Event::compte_retire(id, motif.as_deref()),
        _ => Event::compte_refuse(id, motif.as_deref()),
    };
    // The holder is told first: closing may take the rest of the time.
    state.notify(&event).await;
    if withdrawn {
        close_publications(state, id, profile.date_modification).await;
    }
    Ok(AxumJson(profile))
}

/// Closes the open publications of a recruiter whose validation was
/// just withdrawn (`publications::api::close_refused`). The refusal stands
/// whatever happens here: its transaction wrote the pending closing, which
/// the scheduled job finishes if this run could not (more publications
/// than a run takes, a failure).
async fn close_publications(state: &AreaState, id: &str, date: time::OffsetDateTime) {
    let closing = publications::api::Closing {
        recruteur: id.to_string(),
        date,
    };
    let closed =
        publications::api::close_refused(&state.services.store, &state.publisher, &closing);
    match tokio::time::timeout(INLINE_CLOSING, closed).await {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) | Err(_) => {
            tracing::info!(recruteur = %id, "closing left to the scheduled job")
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, recruteur = %id, "closing left to the scheduled job")
        }
    }
}

/// The longest a refusal's answer waits for its closings: the rest is the
/// scheduled job's, so the admin never gets a 503 for a refusal made.
const INLINE_CLOSING: std::time::Duration = std::time::Duration::from_secs(3);

#[utoipa::path(put, path = "/api/admin/recruteurs/{id}/valider/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte recruteur ou prestataire")),
    request_body(content = Validation, description = "Facultatif"),
    responses((status = 200, body = Profile, description = "Validé ; le titulaire est prévenu par e-mail et dans l'application"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte recruteur ou prestataire de ce numéro"),
        (status = 409, description = "Déjà validé, ou traité au même moment par un autre administrateur")))]
pub async fn validate_account(
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
pub async fn refuse_account(
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
pub async fn account_statistics(
    State(state): State<AreaState>,
    _admin: AdminUser,
) -> ApiResult<AxumJson<Statistics>> {
    Ok(AxumJson(review::statistics(&state.services.store).await?))
}

/// A recruiter's new monthly publication quota.
#[derive(Deserialize, Validate, ToSchema)]
pub struct Quota {
    /// Publications per calendar month (UTC), every kind together.
    #[validate(required, range(min = 0, max = 10000))]
    pub quota_publications_mensuel: Option<u32>,
}

#[utoipa::path(put, path = "/api/admin/recruteurs/{id}/quota/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte recruteur")),
    request_body = Quota,
    responses((status = 200, body = Profile, description = "Quota modifié ; il vaut dès la prochaine publication du mois en cours"),
        (status = 400, description = "Quota manquant ou hors limites"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte recruteur de ce numéro")))]
pub async fn set_quota(
    State(state): State<AreaState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
    Json(body): Json<Quota>,
) -> ApiResult<AxumJson<Profile>> {
    let id = crate::store::path_id(&id)?;
    let quota = body.quota_publications_mensuel.unwrap_or_default();
    Ok(AxumJson(
        review::set_quota(&state.services.store, &user.sub, id, quota).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicationFilters {
    /// offre, financement, bourse or consultation; every kind by default.
    pub type_publication: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/publications-en-attente/", tag = "admin", security(("bearer" = [])),
    params(PublicationFilters, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "Publications à valider, de la plus anciennement soumise à la plus récente"),
        (status = 400, description = "Type, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn pending_publications(
    State(state): State<AreaState>,
    _admin: AdminUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Publication>>> {
    let filters: PublicationFilters = page::query(&uri)?;
    let kind = Kind::from_param(filters.type_publication.as_deref())?;
    let scope = format!("review:{kind:?}");
    let services = &state.services;
    let filter = kind.map(|k| {
        (
            "type_publication",
            aws_sdk_dynamodb::types::AttributeValue::S(k.as_str().into()),
        )
    });
    let list = Listing::index("GSI1", keys::publications_in_review())
        .oldest_first()
        .filter(Filter::equal(filter.into_iter().collect()));
    let (page, values) = tokio::join!(
        list.respond(services, &scope, &uri),
        services.store.counters(publications::store::SCOPE)
    );
    let n = publications::count(&values?, kind, Some(StatutValidation::EnAttente), None);
    Ok(AxumJson(page?.counted(Some(n))))
}

/// The filters of the moderation list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModerationFilters {
    /// offre, financement, bourse or consultation; every kind by default.
    pub type_publication: Option<String>,
    /// en_attente, validee or refuse; every state by default.
    pub statut_validation: Option<String>,
    /// active or fermee.
    pub statut: Option<String>,
    /// One recruiter's publications (its account id).
    pub recruteur: Option<String>,
    /// Keywords, each the start of a word of the title, description or
    /// named fields; accents and case ignored. The page then has no `count`.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/publications/", tag = "admin", security(("bearer" = [])),
    params(ModerationFilters, PageParams),
    responses((status = 200, body = Paginated<Publication>, description = "Toutes les publications, de toute catégorie et dans tous les états, de la plus récente à la plus ancienne, avec leur nombre (`count`, sauf avec `q`)"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn publications_list(
    State(state): State<AreaState>,
    _admin: AdminUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Publication>>> {
    use crate::publications::api::{choice, id_param};
    let f: ModerationFilters = page::query(&uri)?;
    let words: Vec<String> =
        f.q.as_deref()
            .map(crate::text::fold)
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
    let selection = publications::api::Selection {
        kind: Kind::from_param(f.type_publication.as_deref())?,
        review: choice("statut_validation", f.statut_validation.as_deref())?,
        statut: choice("statut", f.statut.as_deref())?,
        recruteur: id_param("recruteur", f.recruteur)?,
        words,
        public: false,
    };
    Ok(AxumJson(
        selection.respond(&state.services, "admin", &uri).await?,
    ))
}

#[utoipa::path(get, path = "/api/admin/publications/{id}/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la publication, de toute catégorie")),
    responses((status = 200, body = Publication, description = "La publication, dans son état (en attente, validée, refusée, fermée)"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de publication de ce numéro")))]
pub async fn publication_detail(
    State(state): State<AreaState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Publication>> {
    let id = crate::store::path_id(&id)?;
    publications::store::get(&state.services.store, id, true)
        .await?
        .map(AxumJson)
        .ok_or(ApiError::NotFound)
}

/// An account's figures: a recruiter's publications and applications
/// received, an applicant's applications.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum AccountFigures {
    Recruteur(crate::stats::figures::RecruiterStatistics),
    Candidat(crate::stats::figures::ApplicantStatistics),
}

/// An account as its admins see it.
#[derive(Serialize, ToSchema)]
pub struct AccountDetail {
    #[serde(flatten)]
    pub profile: Profile,
    /// The files of `documents_verification`, each with a short-lived link.
    pub documents: Vec<Upload>,
    /// Null for an admin account.
    pub statistiques: Option<AccountFigures>,
    /// A recruiter's publications, every kind and state, newest first: the
    /// first page of `GET /api/admin/publications/?recruteur=<id>` (its
    /// `next` link goes on there). Null for other accounts.
    pub publications: Option<Paginated<Publication>>,
}

#[utoipa::path(get, path = "/api/admin/utilisateurs/{id}/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du compte (Cognito sub)")),
    responses((status = 200, body = AccountDetail, description = "Le profil, les documents de vérification à télécharger, les chiffres du compte et ses publications. La lecture est consignée au journal (`consulter_compte`)"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de compte de ce numéro")))]
pub async fn user_detail(
    State(state): State<AreaState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<AccountDetail>> {
    use crate::stats::figures;
    let id = crate::store::path_id(&id)?;
    let services = &state.services;
    let store = &services.store;
    let profile: Profile = store
        .get(&keys::user(id), true)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = profile.details.role();
    let figures = async {
        Ok::<_, ApiError>(match role {
            Role::Recruteur => Some(AccountFigures::Recruteur(
                figures::recruiter(store, id).await?,
            )),
            Role::Candidat | Role::Prestataire => Some(AccountFigures::Candidat(
                figures::applicant(store, id).await?,
            )),
            Role::Admin => None,
        })
    };
    let published = async {
        if role != Role::Recruteur {
            return Ok(None);
        }
        let selection = publications::api::Selection {
            recruteur: Some(id.to_string()),
            ..Default::default()
        };
        let uri: http::Uri = format!("/api/admin/publications/?recruteur={id}")
            .parse()
            .map_err(ApiError::internal)?;
        selection.respond(services, "admin", &uri).await.map(Some)
    };
    // A read of personal data and documents: consigned, as decisions are,
    // and not answered if it could not be.
    let entry =
        crate::logs::audit::Entry::new(&admin.sub, "consulter_compte", "utilisateur", id, None);
    let consigned = async { store.write(vec![entry.put(store)?]).await.map(|_| ()) };
    let (documents, figures, published, consigned) = tokio::join!(
        documents_of(services, std::slice::from_ref(&profile)),
        figures,
        published,
        consigned
    );
    consigned?;
    Ok(AxumJson(AccountDetail {
        documents: documents?.pop().unwrap_or_default(),
        statistiques: figures?,
        publications: published?,
        profile,
    }))
}

/// Records the decision, then notifies the author.
async fn decide_publication(
    state: &AreaState,
    user: &AuthUser,
    id: &str,
    to: StatutValidation,
    motif: Option<String>,
) -> ApiResult<AxumJson<Publication>> {
    let id = crate::store::path_id(id)?;
    let motif = motif.map(|m| m.trim().to_string());
    let p = publications::store::decide(&state.services.store, &user.sub, id, to, motif.clone())
        .await?;
    let event = match to {
        StatutValidation::Validee => Event::publication_validee(&p),
        _ => Event::publication_refusee(&p, motif.as_deref()),
    };
    state.notify(&event).await;
    Ok(AxumJson(p))
}

#[utoipa::path(put, path = "/api/admin/publications/{id}/valider/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la publication, de toute catégorie")),
    request_body(content = Validation, description = "Facultatif"),
    responses((status = 200, body = Publication, description = "Validée et publique si elle est ouverte ; l'auteur est prévenu"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de publication de ce numéro"),
        (status = 409, description = "Déjà validée, ou modifiée au même moment")))]
pub async fn validate_publication(
    State(state): State<AreaState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<Validation>,
) -> ApiResult<AxumJson<Publication>> {
    decide_publication(&state, &user, &id, StatutValidation::Validee, body.motif).await
}

#[utoipa::path(put, path = "/api/admin/publications/{id}/refuser/", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la publication, de toute catégorie")),
    request_body = Refusal,
    responses((status = 200, body = Publication, description = "Refusée, retirée du public ; le motif est envoyé à l'auteur"),
        (status = 400, description = "Motif manquant ou invalide"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 404, description = "Pas de publication de ce numéro"),
        (status = 409, description = "Déjà refusée, ou modifiée au même moment")))]
pub async fn refuse_publication(
    State(state): State<AreaState>,
    AdminUser(user): AdminUser,
    Path(id): Path<String>,
    Json(body): Json<Refusal>,
) -> ApiResult<AxumJson<Publication>> {
    decide_publication(&state, &user, &id, StatutValidation::Refuse, body.motif).await
}

#[utoipa::path(get, path = "/api/admin/publications/statistiques/", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = publications::Statistics, description = "Publications par catégorie et par état"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs")))]
pub async fn publication_statistics(
    State(state): State<AreaState>,
    _admin: AdminUser,
) -> ApiResult<AxumJson<publications::Statistics>> {
    Ok(AxumJson(
        publications::store::statistics(&state.services.store).await?,
    ))
}
