//! The HTTP side of the four kinds, written once: public list and detail,
//! the author's create, read, update, delete and list, and (through
//! `application_routes!`) applying and the applications received. Each kind's
//! function crate declares its routes with `publication_area!`, which
//! documents them with the kind's paths and body schema and calls these.

use axum::Json as AxumJson;
use axum::http::StatusCode;
use http::Uri;
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::IntoParams;

use super::{Content, Kind, Publication, Statut, StatutValidation, store};
use crate::accounts::{self, Details as Account, Verification};
use crate::auth::{AuthUser, Role};
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult};
use crate::logs::audit;
use crate::notifications::events::{Event, Notifying};
use crate::page::{self, Listing};
use crate::store::{keys, path_id};

pub type ListResponse = ApiResult<AxumJson<Paginated<Publication>>>;
pub type ItemResponse = ApiResult<AxumJson<Publication>>;

/// Filters of an author's own list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MineFilters {
    /// en_attente, validee or refuse.
    pub statut_validation: Option<String>,
    /// active or fermee.
    pub statut: Option<String>,
}

/// An enumeration from a query parameter, or a 400 naming it.
pub fn choice<T: serde::de::DeserializeOwned>(
    name: &str,
    value: Option<&str>,
) -> ApiResult<Option<T>> {
    match value {
        None | Some("") => Ok(None),
        Some(text) => serde_json::from_value(Value::String(text.into()))
            .map(Some)
            .map_err(|_| ApiError::field(name, format!("« {text} » n'est pas un choix valide."))),
    }
}

/// `?recruteur=` of the public lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicFilters {
    /// Only this recruiter's publications (its account id).
    pub recruteur: Option<String>,
}

pub use super::lists::{Selection, id_param};

/// The public list of a kind: validated, open publications, newest first,
/// with their exact `count`; `?recruteur=` keeps one author's.
pub async fn list_public(state: &Notifying, kind: Kind, uri: &Uri) -> ListResponse {
    let services = &state.services;
    let filters: PublicFilters = page::query(uri)?;
    if let Some(recruteur) = id_param("recruteur", filters.recruteur)? {
        let only = Selection {
            public: true,
            kind: Some(kind),
            review: Some(StatutValidation::Validee),
            statut: Some(Statut::Active),
            recruteur: Some(recruteur),
            ..Selection::default()
        };
        return Ok(AxumJson(only.respond(services, "public", uri).await?));
    }
    let scope = format!("public:{}", kind.as_str());
    let list = Listing::index("GSI1", keys::public_publications(kind.as_str()))
        .filter(super::lists::before_deadline(OffsetDateTime::now_utc()));
    let (page, values) = tokio::join!(
        list.respond(services, &scope, uri),
        services.store.counters(store::SCOPE)
    );
    let n = super::count(
        &values?,
        Some(kind),
        Some(StatutValidation::Validee),
        Some(Statut::Active),
    );
    Ok(AxumJson(page?.counted(Some(n))))
}

/// A public publication; anything else (awaiting review, refused, closed,
/// another kind) is not found.
pub async fn detail_public(state: &Notifying, kind: Kind, id: &str) -> ItemResponse {
    store::get(&state.services.store, path_id(id)?, false)
        .await?
        .filter(|p| p.kind() == kind && p.is_public_at(OffsetDateTime::now_utc()))
        .map(AxumJson)
        .ok_or(ApiError::NotFound)
}

/// The caller's publication of this kind, or, for an admin, any. Another
/// author's is not found (404): its existence is not disclosed.
async fn owned(state: &Notifying, kind: Kind, user: &AuthUser, id: &str) -> ApiResult<Publication> {
    store::get(&state.services.store, path_id(id)?, true)
        .await?
        .filter(|p| p.kind() == kind && (p.recruteur == user.sub || user.is_admin()))
        .ok_or(ApiError::NotFound)
}

fn recruiter_only(user: &AuthUser) -> ApiResult<()> {
    user.require(&[Role::Recruteur]).map_err(|_| {
        ApiError::Forbidden(
            "Seuls les comptes recruteurs publient et gèrent des publications.".into(),
        )
    })
}

/// The author's publications of a kind, newest first, in every state.
pub async fn list_mine(state: &Notifying, kind: Kind, user: &AuthUser, uri: &Uri) -> ListResponse {
    recruiter_only(user)?;
    let filters: MineFilters = page::query(uri)?;
    let review: Option<StatutValidation> =
        choice("statut_validation", filters.statut_validation.as_deref())?;
    let statut: Option<Statut> = choice("statut", filters.statut.as_deref())?;
    let mine = Selection {
        kind: Some(kind),
        review,
        statut,
        recruteur: Some(user.sub.clone()),
        ..Selection::default()
    };
    Ok(AxumJson(mine.respond(&state.services, "mine", uri).await?))
}

/// One of the author's publications, in any state.
pub async fn detail_mine(state: &Notifying, kind: Kind, user: &AuthUser, id: &str) -> ItemResponse {
    recruiter_only(user)?;
    owned(state, kind, user, id).await.map(AxumJson)
}

/// The caller's recruiter profile, if an admin verified it (403 with the
/// reason otherwise): what submitting for review needs.
async fn verified(state: &Notifying, user: &AuthUser) -> ApiResult<accounts::Recruteur> {
    let profile = state
        .services
        .store
        .get::<accounts::Profile>(&keys::user(&user.sub), true)
        .await?
        .ok_or(ApiError::NotFound)?;
    match profile.details {
        Account::Recruteur(r) if r.statut_verification_admin == Verification::Verifie => Ok(r),
        Account::Recruteur(_) => Err(ApiError::Forbidden(
            "Votre compte recruteur doit être validé par un administrateur avant de publier. \
             Complétez votre profil et vos documents de vérification (Kbis...) ; vous serez prévenu par e-mail."
                .into(),
        )),
        _ => Err(ApiError::forbidden()),
    }
}

/// A new publication by a verified recruiter, within its monthly quota:
/// awaiting review, invisible to the public; admins are notified.
pub async fn create(
    state: &Notifying,
    kind: Kind,
    user: &AuthUser,
    mut body: Value,
) -> ApiResult<(StatusCode, AxumJson<Publication>)> {
    recruiter_only(user)?;
    let store = &state.services.store;
    let recruteur = verified(state, user).await?;
    if kind == Kind::Offre && body.get("entreprise").is_none_or(Value::is_null) {
        body["entreprise"] = Value::String(recruteur.entreprise.clone());
    }
    let now = OffsetDateTime::now_utc();
    let content = Content::parse(kind, body)?;
    super::check_deadline(None, &content, now)?;
    let mut publication = Publication::new(&user.sub, content, now);
    publication.logo = recruteur.logo.clone();
    store::create(
        store,
        &publication,
        recruteur.quota_publications_mensuel,
        now,
    )
    .await?;
    state
        .notify(&Event::publication_a_valider(&publication, false))
        .await;
    Ok((StatusCode::CREATED, AxumJson(publication)))
}

/// The author's edit: only the fields sent change. A change to what an
/// admin approved sends it back to review (and notifies the admins);
/// `statut` closes or reopens it.
pub async fn update(
    state: &Notifying,
    kind: Kind,
    user: &AuthUser,
    id: &str,
    body: Value,
) -> ItemResponse {
    recruiter_only(user)?;
    let before = owned(state, kind, user, id).await?;
    let mut merged = serde_json::to_value(&before).map_err(ApiError::internal)?;
    if let (Some(target), Value::Object(changes)) = (merged.as_object_mut(), body) {
        if changes.contains_key("salaire") {
            // `salaire` replaces both bounds as they were.
            target.remove("salaire_min");
            target.remove("salaire_max");
        }
        target.extend(changes);
    }
    let now = OffsetDateTime::now_utc();
    let content = Content::parse(kind, merged)?;
    super::check_deadline(Some(&before), &content, now)?;
    let after = before.edited(content, now);
    let resubmitted = after.statut_validation == StatutValidation::EnAttente
        && before.statut_validation != StatutValidation::EnAttente;
    if super::needs_verified_author(&before, &after) {
        // A recruiter whose account was refused since can neither
        // resubmit nor reopen (its publications were closed then).
        verified(state, user).await?;
    }
    store::save(&state.services.store, &before, &after, None).await?;
    if resubmitted {
        state
            .notify(&Event::publication_a_valider(&after, true))
            .await;
    }
    Ok(AxumJson(after))
}

/// Most publications one run of the deadlines' job closes; the next run
/// takes the rest.
pub const MAX_EXPIRED_PER_RUN: usize = 200;

/// The deadlines' job (the `rappels` function's schedule, and the dev
/// server's timer): closes each public publication whose deadline has
/// passed, as its author would (a state change with its counters, under
/// the same condition), and tells its author once. A publication changed
/// meanwhile is left to the next run. Answers how many it closed.
pub async fn close_expired(state: &Notifying, now: OffsetDateTime) -> ApiResult<usize> {
    let db = &state.services.store;
    let mut closed = 0;
    for id in store::past_deadline(db, now, MAX_EXPIRED_PER_RUN).await? {
        // One publication that fails (unreadable, a write refused) is
        // logged and left: it must not hold back the others.
        let before = match store::get(db, &id, true).await {
            Ok(Some(before)) => before,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(error = %e, publication_id = %id, "expired publication not closed");
                continue;
            }
        };
        if !before.is_public() || !before.is_expired_at(now) {
            continue;
        }
        let after = before.closed(now);
        match store::save(db, &before, &after, None).await {
            Ok(()) => {
                closed += 1;
                state.notify(&Event::publication_expiree(&after)).await;
            }
            Err(ApiError::Conflict(_)) => continue,
            Err(e) => {
                tracing::error!(error = %e, publication_id = %id, "expired publication not closed");
            }
        }
    }
    Ok(closed)
}

pub use store::Closing;

/// Most publications one run of a closing takes; the scheduled job takes
/// the rest.
pub const MAX_CLOSED_PER_RUN: usize = 100;

/// Closes the open publications of a recruiter whose validation was
/// withdrawn, ten at a time: the public ones, and those in review or
/// refused, which an admin's later validation must not make public. Each
/// closes as its author would close it (a state change with its counters,
/// under the same condition), after its applicants with an open
/// application are told (`Event::publication_fermee`).
/// Idempotent: a publication already closed is left, a notification
/// already delivered is not sent again. A recruiter validated again
/// meanwhile keeps what is still open. Once nothing is left, the pending
/// closing is dropped; answers whether it was.
pub async fn close_refused(
    db: &crate::store::Store,
    publisher: &crate::notifications::events::Publisher,
    closing: &Closing,
) -> ApiResult<bool> {
    use futures_util::{StreamExt, TryStreamExt};
    if !accounts::admin_verified(db, &closing.recruteur).await? {
        let (ids, more) = store::open_of(db, &closing.recruteur, MAX_CLOSED_PER_RUN).await?;
        futures_util::stream::iter(ids)
            .map(|id| close_for_refusal(db, publisher, closing, id))
            .buffer_unordered(10)
            .try_collect::<Vec<()>>()
            .await?;
        if more {
            return Ok(false);
        }
    }
    store::closing_done(db, closing).await?;
    Ok(true)
}

/// Most pending closings one run of the scheduled job takes.
pub const MAX_CLOSINGS_PER_RUN: usize = 10;

/// The scheduled job's part (the `rappels` function, every few minutes):
/// finishes the closings a refusal left (more publications than a run
/// takes, a failure). One that fails is logged and left to the next run.
/// Answers how many it finished.
pub async fn finish_closings(state: &Notifying) -> ApiResult<usize> {
    let db = &state.services.store;
    let mut finished = 0;
    for closing in store::pending_closings(db, MAX_CLOSINGS_PER_RUN).await? {
        match close_refused(db, &state.publisher, &closing).await {
            Ok(true) => finished += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::error!(error = %e, recruteur = %closing.recruteur, "closing not finished");
            }
        }
    }
    Ok(finished)
}

/// One publication of `close_refused`: its open applicants told, then
/// closed; read again if it changed in between (an edit of its author).
async fn close_for_refusal(
    db: &crate::store::Store,
    publisher: &crate::notifications::events::Publisher,
    closing: &Closing,
    id: String,
) -> ApiResult<()> {
    use crate::applications::{self, Statut as ApplicationState};
    let open: Vec<ApplicationState> = ApplicationState::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .collect();
    for _ in 0..3 {
        let Some(before) = store::get(db, &id, true).await? else {
            return Ok(());
        };
        if before.statut != Statut::Active || before.recruteur != closing.recruteur {
            return Ok(());
        }
        let events: Vec<Event> = applications::store::applicants_in(db, &id, &open)
            .await?
            .iter()
            .map(|a| Event::publication_fermee(&before, &a.candidat, closing.date))
            .collect();
        // Closed first: with SNS down the publication must still leave the
        // public lists; its events are then kept and sent by the job.
        match store::save(db, &before, &before.closed(OffsetDateTime::now_utc()), None).await {
            Err(ApiError::Conflict(_)) => continue,
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        if let Err(e) = publisher.publish_all(&events).await {
            tracing::warn!(error = %e, publication = %id, "closing's events not published: kept to be sent again");
            for event in &events {
                crate::notifications::unsent::keep(db, event).await?;
            }
        }
        return Ok(());
    }
    Err(ApiError::internal(format!(
        "publication {id} kept changing while it was closed"
    )))
}

/// Deletes a publication without applications, by its author or an admin
/// (audited); one with applications is kept (409, close it instead).
pub async fn delete(
    state: &Notifying,
    kind: Kind,
    user: &AuthUser,
    id: &str,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Recruteur, Role::Admin])?;
    let p = owned(state, kind, user, id).await?;
    let entry = user.is_admin().then(|| {
        audit::Entry::new(
            &user.sub,
            "supprimer_publication",
            "publication",
            &p.id,
            None,
        )
    });
    store::delete(&state.services.store, &p, entry.as_ref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Declares a kind's area: its routes, documented with the kind's paths
/// and body schema, each calling the generic handler above. A function
/// crate is this one call plus its `main`.
#[macro_export]
macro_rules! publication_area {
    (
        kind: $kind:ident,
        fields: $fields:ident,
        tag: $tag:tt,
        public: $public:tt,
        public_item: $public_item:tt,
        mine: $mine:tt,
        mine_item: $mine_item:tt,
        postuler: $postuler:tt,
        score: $score:tt,
        received: $received:tt $(,)?
    ) => {
        use axum::extract::{OriginalUri, Path, State};
        use axum::http::StatusCode;
        use axum::Json as AxumJson;
        use shared::auth::AuthUser;
        use shared::cursor::Paginated;
        use shared::json::JsonObject;
        use shared::page::PageParams;
        use shared::publications::api::{self, ItemResponse, ListResponse, MineFilters};
        use shared::publications::{Input, Kind, Publication, $fields};

        pub use shared::notifications::events::Notifying as AreaState;

        const KIND: Kind = Kind::$kind;

        shared::area!(AreaState; list, detail, mine, create, mine_detail, update, delete, postuler, score, received);

        shared::application_routes!(tag: $tag, postuler: $postuler, score: $score, received: $received);

        #[utoipa::path(get, path = $public, tag = $tag, params(api::PublicFilters, PageParams),
            responses((status = 200, body = Paginated<Publication>, description = "Publications validées et ouvertes, de la plus récente à la plus ancienne, avec leur nombre (`count`)"),
                (status = 400, description = "Recruteur, taille de page ou curseur invalide")))]
        async fn list(State(state): State<AreaState>, OriginalUri(uri): OriginalUri) -> ListResponse {
            api::list_public(&state, KIND, &uri).await
        }

        #[utoipa::path(get, path = $public_item, tag = $tag,
            params(("id" = String, Path, description = "Id de la publication")),
            responses((status = 200, body = Publication),
                (status = 404, description = "Introuvable, en attente de validation, refusée ou fermée")))]
        async fn detail(State(state): State<AreaState>, Path(id): Path<String>) -> ItemResponse {
            api::detail_public(&state, KIND, &id).await
        }

        #[utoipa::path(get, path = $mine, tag = $tag, security(("bearer" = [])), params(MineFilters, PageParams),
            responses((status = 200, body = Paginated<Publication>, description = "Mes publications, dans tous les états, de la plus récente à la plus ancienne"),
                (status = 400, description = "Filtre, taille de page ou curseur invalide"),
                (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs")))]
        async fn mine(State(state): State<AreaState>, user: AuthUser, OriginalUri(uri): OriginalUri) -> ListResponse {
            api::list_mine(&state, KIND, &user, &uri).await
        }

        #[utoipa::path(post, path = $mine, tag = $tag, security(("bearer" = [])), request_body = Input<$fields>,
            responses((status = 201, body = Publication, description = "Créée en attente de validation ; les administrateurs sont prévenus"),
                (status = 400, description = "Champs invalides"), (status = 401, description = "Non authentifié"),
                (status = 403, description = "Pas un recruteur, compte pas encore validé, ou quota mensuel atteint (`quota_publications_mensuel`, `reinitialisation`)")))]
        async fn create(State(state): State<AreaState>, user: AuthUser, JsonObject(body): JsonObject) -> Result<(StatusCode, AxumJson<Publication>), shared::ApiError> {
            api::create(&state, KIND, &user, body).await
        }

        #[utoipa::path(get, path = $mine_item, tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id de la publication")),
            responses((status = 200, body = Publication), (status = 401, description = "Non authentifié"),
                (status = 403, description = "Réservé aux recruteurs"), (status = 404, description = "Pas une de mes publications")))]
        async fn mine_detail(State(state): State<AreaState>, user: AuthUser, Path(id): Path<String>) -> ItemResponse {
            api::detail_mine(&state, KIND, &user, &id).await
        }

        #[utoipa::path(put, path = $mine_item, tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id de la publication")),
            request_body(content = Input<$fields>, description = "Les champs à modifier seulement. Modifier un autre champ que `statut` renvoie la publication en validation."),
            responses((status = 200, body = Publication), (status = 400, description = "Champs invalides"),
                (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux recruteurs"),
                (status = 404, description = "Pas une de mes publications"),
                (status = 409, description = "Modifiée au même moment par ailleurs (décision d'un administrateur)")))]
        async fn update(State(state): State<AreaState>, user: AuthUser, Path(id): Path<String>, JsonObject(body): JsonObject) -> ItemResponse {
            api::update(&state, KIND, &user, &id, body).await
        }

        #[utoipa::path(delete, path = $mine_item, tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id de la publication")),
            responses((status = 204, description = "Supprimée"), (status = 401, description = "Non authentifié"),
                (status = 403, description = "Réservé aux recruteurs et aux administrateurs"),
                (status = 404, description = "Pas une de mes publications"),
                (status = 409, description = "Elle a reçu des candidatures : fermez-la plutôt")))]
        async fn delete(State(state): State<AreaState>, user: AuthUser, Path(id): Path<String>) -> Result<StatusCode, shared::ApiError> {
            api::delete(&state, KIND, &user, &id).await
        }
    };
}
