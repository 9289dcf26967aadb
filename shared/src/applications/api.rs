//! The HTTP side of applications, written once for the four kinds:
//! applying (`postuler`), the applicant's list, detail and withdrawal,
//! the recruiter's lists, detail and status changes, the mass mailing to
//! a publication's applicants, and the interview reminders' job.

use axum::Json as AxumJson;
use axum::http::StatusCode;
use http::Uri;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{Application, MAX_TEXT_CHARS, Statut, check_applicant, check_withdrawal, split_id};
use crate::accounts::{Profile, Verification};
use crate::auth::{AuthUser, Role};
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::messages::{Bulk, Recipient, TypeMessage};
use crate::notifications::events::{Event, Notifying, Publisher};
use crate::page::{self, Filter, Listing};
use crate::publications::api::choice;
use crate::publications::{Kind, Publication, StatutValidation};
use crate::store::{self as table, Store, keys, path_id};
use crate::throttle::Caller;
use crate::validation;

pub type ListResponse = ApiResult<AxumJson<Paginated<Application>>>;
pub type ItemResponse = ApiResult<AxumJson<Application>>;

/// The body of `postuler` (optional: applying without a letter is fine).
#[derive(Deserialize, Validate, ToSchema, Default)]
#[schema(as = Postuler)]
pub struct ApplyBody {
    /// Lettre de motivation : HTML simple (nettoyé), 5000 caractères au plus.
    #[serde(default)]
    pub lettre_motivation: Option<String>,
    /// Id d'un de vos fichiers de type cv ; par défaut, le cv de votre profil.
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    pub cv: Option<String>,
    /// Id d'un de vos fichiers de type lettre, joint en plus (ou à la place)
    /// du texte.
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    pub lettre_motivation_fichier: Option<String>,
    /// Ids de vos fichiers de type diplome (5 au plus).
    #[serde(default)]
    #[validate(length(max = super::MAX_ATTACHED), custom(function = "upload_ids"))]
    pub diplomes: Vec<String>,
    /// Ids de vos fichiers de type certificat (5 au plus).
    #[serde(default)]
    #[validate(length(max = super::MAX_ATTACHED), custom(function = "upload_ids"))]
    pub certificats: Vec<String>,
    /// Id d'un de vos fichiers de type portfolio.
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    pub portfolio: Option<String>,
    /// Id d'un de vos fichiers de type business_plan.
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    pub business_plan: Option<String>,
    /// Financements : le montant demandé, dans la fourchette du programme.
    #[serde(default)]
    #[validate(range(min = 1))]
    pub montant_demande: Option<u64>,
    /// Consultations : la méthodologie proposée, HTML simple (nettoyé),
    /// 5000 caractères au plus.
    #[serde(default)]
    pub methodologie_proposee: Option<String>,
}

/// Each id of a list of uploads is one (1 to 64 characters).
fn upload_ids(ids: &[String]) -> Result<(), validator::ValidationError> {
    if ids.iter().all(|id| (1..=64).contains(&id.len())) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("id").with_message("Id de fichier invalide.".into()))
    }
}

/// The offre a `POST /api/candidat/candidatures/` names.
#[derive(Deserialize, Validate)]
pub struct ApplicationTarget {
    #[validate(required, length(min = 1, max = 64))]
    pub offre: Option<String>,
}

/// `POST /api/candidat/candidatures/`: `postuler` to an offre, by id
/// (the documented form: it is read as `ApplicationTarget` and
/// `ApplyBody`).
#[derive(Deserialize, Validate, ToSchema)]
#[schema(as = NouvelleCandidature)]
pub struct NewApplication {
    /// Id de l'offre d'emploi.
    #[validate(required, length(min = 1, max = 64))]
    pub offre: Option<String>,
    /// Checked by `apply`, which names its fields as the body does.
    #[serde(flatten)]
    pub candidature: ApplyBody,
}

/// A text of the applicant's (the cover letter, a methodology):
/// sanitized HTML; none if blank; a 400 on `field` if too long.
fn rich_text(field: &str, text: Option<String>) -> ApiResult<Option<String>> {
    let Some(text) = text else { return Ok(None) };
    let clean = validation::sanitize(&text);
    if validation::is_blank(&clean) {
        return Ok(None);
    }
    if clean.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::field(
            field,
            format!("Ce texte dépasse {MAX_TEXT_CHARS} caractères."),
        ));
    }
    Ok(Some(clean))
}

/// Applies to a validated, open publication of `kind`, as one of the roles
/// that may (403 otherwise). The application is scored, counted on the
/// publication in the same transaction, and its recruiter notified. 404
/// for an unknown (or unvalidated) publication, 409 for a closed one or a
/// second application.
pub async fn apply(
    state: &Notifying,
    kind: Kind,
    user: &AuthUser,
    id: &str,
    body: ApplyBody,
) -> ApiResult<(StatusCode, AxumJson<Application>)> {
    // The role first, without reading anything; the verification below.
    check_applicant(kind, user.role, true)?;
    validator::Validate::validate(&body)?;
    let lettre = rich_text("lettre_motivation", body.lettre_motivation)?;
    let methodologie = rich_text("methodologie_proposee", body.methodologie_proposee)?;
    let db = &state.services.store;
    let limit = state.services.config.rate_limits.applications;
    let (limited, read) = tokio::join!(
        crate::throttle::limit(db, "applications", [(Caller::User(&user.sub), limit)]),
        publication_and_caller(db, id, user),
    );
    limited?;
    let (publication, profile) = read?;
    let p = publication
        .filter(|p| p.kind() == kind && p.statut_validation == StatutValidation::Validee)
        .ok_or(ApiError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    if !p.is_public() {
        return Err(ApiError::Conflict(super::store::CLOSED.into()));
    }
    if p.is_expired_at(now) {
        return Err(ApiError::Conflict(
            "La date limite de candidature est passée.".into(),
        ));
    }
    let verified = profile.details.admin_validation() == Some(Verification::Verifie);
    check_applicant(kind, user.role, verified)?;
    super::check_kind_fields(&p, body.montant_demande, methodologie.is_some())?;
    let mut a = Application::new(&p, &profile, lettre, now);
    if body.cv.is_some() {
        a.cv = body.cv;
    }
    a.lettre_motivation_fichier = body.lettre_motivation_fichier;
    a.diplomes = body.diplomes;
    a.certificats = body.certificats;
    a.portfolio = body.portfolio;
    a.business_plan = body.business_plan;
    a.montant_demande = body.montant_demande;
    a.methodologie_proposee = methodologie;
    super::check_files(&a)?;
    super::required_documents(&p, &a)?;
    super::store::create(db, &a).await?;
    state.notify(&Event::nouvelle_candidature(&a)).await;
    Ok((StatusCode::CREATED, AxumJson(a.for_applicant())))
}

/// An applicant's score against a publication, before applying.
#[derive(Serialize, ToSchema)]
#[schema(as = Compatibilite)]
pub struct Compatibility {
    pub publication: String,
    /// 0 to 100, as `postuler` would store it.
    pub score_compatibilite: u8,
    pub score_details: Vec<super::Criterion>,
}

/// The score `apply` would store, by the same rules (`Application::new`),
/// for a public publication of `kind`; nothing is written.
pub async fn compatibility(
    state: &Notifying,
    kind: Kind,
    user: &AuthUser,
    id: &str,
) -> ApiResult<AxumJson<Compatibility>> {
    check_applicant(kind, user.role, true)?;
    let (publication, profile) = publication_and_caller(&state.services.store, id, user).await?;
    let p = publication
        .filter(|p| p.kind() == kind && p.is_public_at(OffsetDateTime::now_utc()))
        .ok_or(ApiError::NotFound)?;
    let verified = profile.details.admin_validation() == Some(Verification::Verifie);
    check_applicant(kind, user.role, verified)?;
    let a = Application::new(&p, &profile, None, OffsetDateTime::now_utc());
    Ok(AxumJson(Compatibility {
        publication: p.id,
        score_compatibilite: a.score_compatibilite,
        score_details: a.score_details,
    }))
}

/// A publication (if any) and the caller's profile, in one BatchGetItem.
async fn publication_and_caller(
    db: &Store,
    publication: &str,
    user: &AuthUser,
) -> ApiResult<(Option<Publication>, Profile)> {
    let mut found = db
        .get_many(&[
            keys::publication(path_id(publication)?),
            keys::user(&user.sub),
        ])
        .await?
        .into_iter();
    let p = found.next().flatten().map(table::from_item).transpose()?;
    let caller = found
        .next()
        .flatten()
        .map(table::from_item)
        .transpose()?
        .ok_or(ApiError::NotFound)?;
    Ok((p, caller))
}

fn applicant_only(user: &AuthUser) -> ApiResult<()> {
    user.require(&[Role::Candidat, Role::Prestataire])
        .map_err(|_| {
            ApiError::Forbidden(
                "Réservé aux candidats et aux prestataires, pour leurs candidatures.".into(),
            )
        })
}

fn recruiter_only(user: &AuthUser) -> ApiResult<()> {
    user.require(&[Role::Recruteur]).map_err(|_| {
        ApiError::Forbidden(
            "Réservé aux recruteurs, pour les candidatures à leurs publications.".into(),
        )
    })
}

/// Filters of the applicant's list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MineFilters {
    /// nouvelle, en_cours, acceptee or refusee.
    pub statut: Option<String>,
    /// offre, financement, bourse or consultation.
    pub type_publication: Option<String>,
}

/// The caller's applications, every kind, newest first, without the
/// recruiters' notes.
pub async fn list_mine(state: &Notifying, user: &AuthUser, uri: &Uri) -> ListResponse {
    applicant_only(user)?;
    let filters: MineFilters = page::query(uri)?;
    let statut: Option<Statut> = choice("statut", filters.statut.as_deref())?;
    let kind: Option<Kind> = choice("type_publication", filters.type_publication.as_deref())?;
    let mut equal = Vec::new();
    if let Some(statut) = statut {
        equal.push(("statut", s(statut.as_str())));
    }
    if let Some(kind) = kind {
        equal.push(("type_publication", s(kind.as_str())));
    }
    let scope = format!("applications:{}:{statut:?}:{kind:?}", user.sub);
    let list = Listing::index("GSI1", keys::applications_by_applicant(&user.sub))
        .filter(Filter::equal(equal));
    let counters = crate::stats::applicant_scope(&user.sub);
    let (page, values) = tokio::join!(
        list.respond::<Application>(&state.services, &scope, uri),
        state.services.store.counters(&counters)
    );
    let n = super::count(&values?, kind, statut);
    let mut page = page?.counted(Some(n));
    page.results = page
        .results
        .into_iter()
        .map(Application::for_applicant)
        .collect();
    Ok(AxumJson(page))
}

fn s(text: &str) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::S(text.into())
}

/// The caller's own application (another's, or none, is 404).
async fn mine(state: &Notifying, user: &AuthUser, id: &str) -> ApiResult<Application> {
    applicant_only(user)?;
    match split_id(path_id(id)?) {
        Some((_, applicant)) if applicant == user.sub => {}
        _ => return Err(ApiError::NotFound),
    }
    super::store::get(&state.services.store, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One of the caller's applications, with its history, without the
/// recruiter's notes.
pub async fn detail_mine(state: &Notifying, user: &AuthUser, id: &str) -> ItemResponse {
    Ok(AxumJson(mine(state, user, id).await?.for_applicant()))
}

/// Withdraws one of the caller's open applications.
pub async fn withdraw(state: &Notifying, user: &AuthUser, id: &str) -> ApiResult<StatusCode> {
    let a = mine(state, user, id).await?;
    check_withdrawal(a.statut)?;
    super::store::withdraw(&state.services.store, &a).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters and order of a recruiter's lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceivedFilters {
    /// Id of one of my publications.
    pub publication: Option<String>,
    /// nouvelle, en_cours, acceptee or refusee.
    pub statut: Option<String>,
    /// Lowest score_compatibilite, 0 to 100.
    pub score_min: Option<String>,
    /// Highest score_compatibilite, 0 to 100.
    pub score_max: Option<String>,
    /// `-date_candidature` (default: newest first), `date_candidature`,
    /// `-score_compatibilite` (best first) or `score_compatibilite`.
    pub ordering: Option<String>,
}

/// A score bound from the query, or a field error.
fn score_bound(name: &str, value: Option<&str>, errors: &mut FieldErrors) -> Option<u8> {
    let text = value.filter(|v| !v.is_empty())?;
    match text.parse::<u8>() {
        Ok(n) if n <= 100 => Some(n),
        _ => {
            errors
                .entry(name.into())
                .or_default()
                .push("Un entier entre 0 et 100 est attendu.".into());
            None
        }
    }
}

/// The applications a recruiter received for publications of `kind`:
/// by date or by score, filtered by publication, statut and score.
pub async fn list_received(
    state: &Notifying,
    kind: Kind,
    user: &AuthUser,
    uri: &Uri,
) -> ListResponse {
    recruiter_only(user)?;
    let f: ReceivedFilters = page::query(uri)?;
    let mut errors = FieldErrors::new();
    let min = score_bound("score_min", f.score_min.as_deref(), &mut errors);
    let max = score_bound("score_max", f.score_max.as_deref(), &mut errors);
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        errors
            .entry("score_min".into())
            .or_default()
            .push("score_min dépasse score_max.".into());
    }
    let ordering = f
        .ordering
        .as_deref()
        .filter(|o| !o.is_empty())
        .unwrap_or("-date_candidature");
    let (index, oldest_first) = match ordering {
        "-date_candidature" => ("GSI2", false),
        "date_candidature" => ("GSI2", true),
        "-score_compatibilite" => ("GSI3", false),
        "score_compatibilite" => ("GSI3", true),
        _ => {
            errors.entry("ordering".into()).or_default().push(
                "-date_candidature, date_candidature, -score_compatibilite ou score_compatibilite."
                    .into(),
            );
            ("GSI2", false)
        }
    };
    let statut = match choice::<Statut>("statut", f.statut.as_deref()) {
        Ok(statut) => statut,
        Err(ApiError::Fields(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let publication = match crate::publications::lists::id_param("publication", f.publication) {
        Ok(p) => p,
        Err(ApiError::Fields(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let mut terms = Vec::new();
    if let Some(p) = &publication {
        terms.push(("publication", "=", s(p)));
    }
    if let Some(statut) = statut {
        terms.push(("statut", "=", s(statut.as_str())));
    }
    let n = |v: u8| aws_sdk_dynamodb::types::AttributeValue::N(v.to_string());
    if let Some(min) = min {
        terms.push(("score_compatibilite", ">=", n(min)));
    }
    if let Some(max) = max {
        terms.push(("score_compatibilite", "<=", n(max)));
    }
    let scope = format!(
        "received:{}:{}:{publication:?}:{statut:?}:{min:?}:{max:?}:{ordering}",
        user.sub,
        kind.as_str()
    );
    let mut list = Listing::index(index, keys::applications_received(&user.sub, kind.as_str()))
        .filter(Filter::all(terms));
    if oldest_first {
        list = list.oldest_first();
    }
    let store = &state.services.store;
    // Exact where counters tell: by state from the recruiter's, one
    // publication's from its own; a score range, or a publication with a
    // state, has none.
    let count = async {
        Ok::<_, ApiError>(match (&publication, statut, min.or(max)) {
            (_, _, Some(_)) | (Some(_), Some(_), _) => None,
            (Some(p), None, None) => Some(
                crate::publications::store::get(store, p, true)
                    .await?
                    .filter(|p| p.recruteur == user.sub && p.kind() == kind)
                    .map_or(0, |p| p.nombre_candidatures as i64),
            ),
            (None, statut, None) => Some(super::count(
                &store
                    .counters(&crate::stats::recruiter_scope(&user.sub))
                    .await?,
                Some(kind),
                statut,
            )),
        })
    };
    let (page, count, verified) = tokio::join!(
        list.respond::<Application>(&state.services, &scope, uri),
        count,
        crate::accounts::admin_verified(store, &user.sub)
    );
    let (mut page, verified) = (page?.counted(count?), verified?);
    page.results = page
        .results
        .into_iter()
        .map(|a| a.for_recruiter(verified))
        .collect();
    Ok(AxumJson(page))
}

/// An application to one of the caller's publications (or, for an admin,
/// any); another recruiter's is 404. With it, whether the caller sees it
/// whole: an admin does; a recruiter while an admin validates it (its
/// profile, read with the application in one BatchGetItem).
async fn received(state: &Notifying, user: &AuthUser, id: &str) -> ApiResult<(Application, bool)> {
    let db = &state.services.store;
    if user.is_admin() {
        let a = super::store::get(db, path_id(id)?).await?;
        return a.map(|a| (a, true)).ok_or(ApiError::NotFound);
    }
    let (publication, applicant) = split_id(path_id(id)?).ok_or(ApiError::NotFound)?;
    let mut found = db
        .get_many_consistent(&[
            keys::application(publication, applicant),
            keys::user(&user.sub),
        ])
        .await?
        .into_iter();
    let a: Option<Application> = found.next().flatten().map(table::from_item).transpose()?;
    let caller: Option<Profile> = found.next().flatten().map(table::from_item).transpose()?;
    let a = a
        .filter(|a| a.recruteur == user.sub)
        .ok_or(ApiError::NotFound)?;
    let verified = caller.and_then(|p| p.details.admin_validation()) == Some(Verification::Verifie);
    Ok((a, verified))
}

/// One application received, with the recruiter's notes and the history
/// (without the applicant's contact details for a recruiter whose
/// validation was withdrawn).
pub async fn detail_received(state: &Notifying, user: &AuthUser, id: &str) -> ItemResponse {
    user.require(&[Role::Recruteur, Role::Admin])?;
    let (a, verified) = received(state, user, id).await?;
    Ok(AxumJson(a.for_recruiter(verified)))
}

/// A status change by the recruiter.
#[derive(Deserialize, Validate, ToSchema)]
#[schema(as = ChangementDeStatut)]
pub struct StatusBody {
    #[validate(required)]
    pub statut: Option<Statut>,
    /// Private notes (replace the previous ones; "" clears them).
    #[validate(length(max = 5000), custom(function = "validation::plain_text"))]
    pub notes_recruteur: Option<String>,
    /// RFC 3339, with `en_cours` only: schedules the reminder the day before.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub date_entretien: Option<OffsetDateTime>,
    /// With `en_cours` only: the step in the recruiter's pipeline (vue,
    /// preselectionnee, entretien); a new step is a move of its own.
    #[serde(default)]
    pub etape: Option<super::Etape>,
}

/// Moves an application along the workflow (docs/applications.md),
/// recorded in its history; the applicant is notified.
pub async fn set_status(
    state: &Notifying,
    user: &AuthUser,
    id: &str,
    body: ApiResult<StatusBody>,
) -> ItemResponse {
    user.require(&[Role::Recruteur]).map_err(|_| {
        ApiError::Forbidden(
            "Seul le recruteur de la publication change le statut d'une candidature.".into(),
        )
    })?;
    let (before, verified) = received(state, user, id).await?;
    // The body's errors only once the caller is known to be the
    // publication's recruiter: the guard runs first.
    let body = body?;
    super::check_recruiter_decides(verified)?;
    let to = body
        .statut
        .ok_or_else(|| ApiError::field("statut", "Ce champ est obligatoire."))?;
    let now = OffsetDateTime::now_utc();
    super::check_change(
        (before.statut, before.etape),
        to,
        body.date_entretien,
        body.etape,
        body.notes_recruteur.is_some(),
        now,
    )?;
    let after = before.moved(
        to,
        &user.sub,
        body.notes_recruteur,
        body.date_entretien,
        body.etape,
        now,
    );
    super::check_history(&after)?;
    super::store::save(&state.services.store, &before, &after).await?;
    if after.tells_applicant(&before) {
        state.notify(&Event::statut_candidature(&after)).await;
    }
    Ok(AxumJson(after))
}

/// `POST /api/recruteur/messages/envoi-masse/`.
#[derive(Deserialize, Validate, ToSchema)]
#[schema(as = EnvoiMasse)]
pub struct BulkBody {
    /// Id of one of my publications: its applicants receive the message.
    #[validate(required, length(min = 1, max = 64))]
    pub publication: Option<String>,
    /// Only the applications in this statut.
    pub statut: Option<Statut>,
    #[validate(
        required,
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub sujet: Option<String>,
    /// HTML simple, nettoyé.
    #[validate(required, length(min = 1, max = 10000))]
    pub contenu: Option<String>,
    /// `candidature` by default.
    pub type_message: Option<TypeMessage>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = EnvoiMasseEnFile)]
pub struct BulkQueued {
    /// Id of the mailing: each message's id starts with it.
    pub envoi: String,
    /// How many messages were queued.
    pub destinataires: usize,
}

/// Messages every applicant of one of the caller's publications (in a
/// statut, if given). The applicants are read here; the messages are
/// written by the notifier from the queue, `BULK_BATCH` per queue message.
pub async fn bulk_message(
    state: &Notifying,
    user: &AuthUser,
    body: ApiResult<BulkBody>,
) -> ApiResult<(StatusCode, AxumJson<BulkQueued>)> {
    recruiter_only(user)?;
    let body = body?;
    let publication = body.publication.unwrap_or_default();
    let mut errors = FieldErrors::new();
    let (sujet, contenu) = crate::messages::clean_content(body.sujet, body.contenu, &mut errors);
    let db = &state.services.store;
    let limit = state.services.config.rate_limits.mass_mailing;
    // A body already known to be wrong is not counted.
    let well_formed = errors.is_empty();
    let (limited, read) = tokio::join!(
        async {
            match well_formed {
                true => {
                    crate::throttle::limit(db, "mass-mailing", [(Caller::User(&user.sub), limit)])
                        .await
                }
                false => Ok(()),
            }
        },
        publication_and_caller(db, &publication, user),
    );
    limited?;
    let (p, sender) = read?;
    if p.as_ref().is_none_or(|p| p.recruteur != user.sub) {
        errors
            .entry("publication".into())
            .or_default()
            .push("Publication introuvable parmi les vôtres.".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    if sender.details.admin_validation() != Some(Verification::Verifie) {
        return Err(ApiError::Forbidden(
            "Votre compte recruteur doit être validé pour écrire aux candidats.".into(),
        ));
    }
    let applicants = super::store::applicants(db, &publication, body.statut).await?;
    let now = OffsetDateTime::now_utc();
    let bulk = Bulk {
        // The same mailing sent again soon (a retry after a 503 whose
        // first batches went out) has the same id: nobody gets it twice.
        id: crate::messages::bulk_id(
            &user.sub,
            &publication,
            &format!("{:?}", body.statut),
            &sujet,
            &contenu,
            now,
        ),
        expediteur: user.sub.clone(),
        expediteur_nom: format!("{} {}", sender.prenom, sender.nom),
        sujet,
        contenu,
        type_message: body.type_message.unwrap_or(TypeMessage::Candidature),
        offre_liee: Some(publication),
        date_envoi: now,
        destinataires: applicants
            .into_iter()
            .map(|a| Recipient {
                id: a.candidat,
                nom: a.candidat_nom,
            })
            .collect(),
    };
    let queued = BulkQueued {
        envoi: bulk.id.clone(),
        destinataires: bulk.destinataires.len(),
    };
    state.publisher.publish_all_json(&bulk.batches()).await?;
    Ok((StatusCode::ACCEPTED, AxumJson(queued)))
}

/// The interview reminders' job (the `rappels` function, every few
/// minutes; the dev server's ticker locally): publishes each due
/// reminder's event, then drops it. Its event id is fixed, so a reminder
/// published twice (a run cut short) is delivered once. Returns how many
/// were sent.
pub async fn send_due_reminders(
    store: &Store,
    publisher: &Publisher,
    now: OffsetDateTime,
) -> ApiResult<usize> {
    let due = super::store::due_reminders(store, now).await?;
    for chunk in due.chunks(10) {
        let events: Vec<Event> = chunk
            .iter()
            .map(|(_, r)| Event::rappel_entretien(r))
            .collect();
        publisher.publish_all(&events).await?;
        for (key, _) in chunk {
            super::store::reminder_sent(store, key).await?;
        }
    }
    Ok(due.len())
}

/// Declares the `postuler` and received-list routes of a kind's area
/// (called by `publication_area!`).
#[macro_export]
macro_rules! application_routes {
    (tag: $tag:tt, postuler: $postuler:tt, score: $score:tt, received: $received:tt $(,)?) => {
        #[utoipa::path(get, path = $score, tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id de la publication")),
            responses((status = 200, body = shared::applications::api::Compatibility, description = "Mon score de compatibilité avec cette publication, et son détail, tels que postuler les enregistrerait ; rien n'est écrit"),
                (status = 401, description = "Non authentifié"),
                (status = 403, description = "Type de compte qui ne peut pas postuler à ce type de publication, ou prestataire non validé pour une consultation"),
                (status = 404, description = "Publication introuvable ou pas publique")))]
        async fn score(State(state): State<AreaState>, user: AuthUser, Path(id): Path<String>)
            -> Result<AxumJson<shared::applications::api::Compatibility>, shared::ApiError> {
            shared::applications::api::compatibility(&state, KIND, &user, &id).await
        }

        #[utoipa::path(post, path = $postuler, tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id de la publication")),
            request_body(content = Option<shared::applications::api::ApplyBody>, description = "Facultatif"),
            responses((status = 201, body = shared::applications::Application, description = "Candidature enregistrée, notée (score_compatibilite) ; le recruteur est prévenu. Sans notes_recruteur."),
                (status = 400, description = "Lettre de motivation trop longue"), (status = 401, description = "Non authentifié"),
                (status = 404, description = "Publication introuvable ou pas encore validée ; ou cv, lettre_motivation_fichier qui n'est pas un de vos fichiers de ce type"),
                (status = 403, description = "Type de compte qui ne peut pas postuler à ce type de publication (docs/applications.md), ou prestataire non validé pour une consultation"),
                (status = 409, description = "Déjà postulé, ou publication fermée"),
                (status = 429, description = "Trop de candidatures envoyées : réessayer après Retry-After secondes")))]
        async fn postuler(State(state): State<AreaState>, user: AuthUser, Path(id): Path<String>,
            shared::json::OptionalJson(body): shared::json::OptionalJson<shared::applications::api::ApplyBody>)
            -> Result<(StatusCode, AxumJson<shared::applications::Application>), shared::ApiError> {
            shared::applications::api::apply(&state, KIND, &user, &id, body).await
        }

        #[utoipa::path(get, path = $received, tag = $tag, security(("bearer" = [])),
            params(shared::applications::api::ReceivedFilters, PageParams),
            responses((status = 200, body = Paginated<shared::applications::Application>, description = "Candidatures reçues pour mes publications de ce type"),
                (status = 400, description = "Filtre, tri, taille de page ou curseur invalide"),
                (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs")))]
        async fn received(State(state): State<AreaState>, user: AuthUser, OriginalUri(uri): OriginalUri)
            -> shared::applications::api::ListResponse {
            shared::applications::api::list_received(&state, KIND, &user, &uri).await
        }
    };
}
