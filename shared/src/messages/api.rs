//! The messages area (spec 8.1, 8.2): inbox, sent box, sending, reading
//! and deleting. Who may write to whom is `crate::messages::may_write`
//! (docs/messaging.md); a new message notifies its recipient.

use crate::accounts::Profile;
use crate::auth::AuthUser;
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::json::Json;
use crate::messages::{self, Message, TypeMessage};
use crate::notifications::events::Event;
use crate::page::{self, Filter, Listing, PageParams};
use crate::store::{self, keys};
use crate::throttle::{self, Caller};
use crate::validation;
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use crate::notifications::events::Notifying as AreaState;

/// Filters of the inbox.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilters {
    /// `true` or `false`.
    pub lu: Option<String>,
    /// general, candidature, entretien or offre.
    pub type_message: Option<String>,
}

fn type_message(value: Option<&str>) -> ApiResult<Option<TypeMessage>> {
    match value {
        None | Some("") => Ok(None),
        Some(text) => serde_json::from_value(serde_json::Value::String(text.into()))
            .map(Some)
            .map_err(|_| {
                ApiError::field(
                    "type_message",
                    "Valeur inconnue : general, candidature, entretien ou offre.",
                )
            }),
    }
}

/// One page of the caller's inbox or sent box, newest first.
async fn list(
    state: &AreaState,
    user: &AuthUser,
    uri: &http::Uri,
    prefix: &str,
) -> ApiResult<AxumJson<Paginated<Message>>> {
    let filters: InboxFilters = page::query(uri)?;
    let lu = page::flag("lu", filters.lu.as_deref())?;
    let kind = type_message(filters.type_message.as_deref())?;
    let scope = format!("messages:{prefix}{}:{lu:?}:{kind:?}", user.sub);
    let services = &state.services;
    let request = page::query::<PageParams>(uri)?.resolve(&services.cursors, &scope)?;
    let mut equal = Vec::new();
    if let Some(lu) = lu {
        equal.push(("lu", aws_sdk_dynamodb::types::AttributeValue::Bool(lu)));
    }
    if let Some(kind) = kind {
        equal.push((
            "type_message",
            aws_sdk_dynamodb::types::AttributeValue::S(kind.as_str().into()),
        ));
    }
    let listing = Listing::table(keys::user(&user.sub).0, prefix).filter(Filter::equal(equal));
    // The caller's own box: counted by a COUNT Query of it (no counter).
    let (page, count) = tokio::join!(
        listing.page::<Message>(&services.store, &request),
        listing.count(&services.store)
    );
    Ok(AxumJson(
        page?
            .into_response(&services.cursors, &scope, uri, |m| m)
            .counted(count?.map(|n| n as i64)),
    ))
}

#[utoipa::path(get, path = "/api/messages/", tag = "messages", security(("bearer" = [])),
    params(InboxFilters, PageParams),
    responses((status = 200, body = Paginated<Message>, description = "Messages reçus, du plus récent au plus ancien"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"), (status = 401, description = "Non authentifié")))]
pub async fn list_received(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Message>>> {
    list(&state, &user, &uri, keys::INBOX_PREFIX).await
}

#[utoipa::path(get, path = "/api/messages/envoyes/", tag = "messages", security(("bearer" = [])),
    params(InboxFilters, PageParams),
    responses((status = 200, body = Paginated<Message>, description = "Messages envoyés, du plus récent au plus ancien ; `lu` : lu par le destinataire"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"), (status = 401, description = "Non authentifié")))]
pub async fn list_sent(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<Message>>> {
    list(&state, &user, &uri, keys::OUTBOX_PREFIX).await
}

/// A new message. `contenu` may hold basic HTML; it is sanitized.
#[derive(Deserialize, Validate, ToSchema)]
pub struct NewMessage {
    /// The recipient's id.
    #[validate(required, length(min = 1, max = 128))]
    pub destinataire: Option<String>,
    #[validate(
        required,
        length(min = 1, max = 200),
        custom(function = "validation::plain_text")
    )]
    pub sujet: Option<String>,
    #[validate(required, length(min = 1, max = 10000))]
    pub contenu: Option<String>,
    #[serde(default)]
    pub type_message: Option<TypeMessage>,
    /// Id of an existing publication the message is about.
    #[validate(length(min = 1, max = 64))]
    pub offre_liee: Option<String>,
}

const CANNOT_WRITE: &str = "Vous ne pouvez pas écrire à cet utilisateur : un candidat ou un prestataire \
     répond aux messages reçus et écrit aux administrateurs ; un recruteur vérifié écrit aux candidats et aux prestataires.";

#[utoipa::path(post, path = "/api/messages/", tag = "messages", security(("bearer" = [])),
    request_body = NewMessage,
    responses((status = 201, body = Message),
        (status = 400, description = "Champs invalides, destinataire ou publication introuvable, contenu vide"),
        (status = 401, description = "Non authentifié"),
        (status = 403, description = "Les règles de la messagerie ne permettent pas d'écrire à ce destinataire"),
        (status = 429, description = "Trop de messages envoyés : réessayer après Retry-After secondes")))]
pub async fn send(
    State(state): State<AreaState>,
    user: AuthUser,
    Json(body): Json<NewMessage>,
) -> ApiResult<(StatusCode, AxumJson<Message>)> {
    let to = body.destinataire.unwrap_or_default();
    let mut errors = FieldErrors::new();
    let (sujet, contenu) = messages::clean_content(body.sujet, body.contenu, &mut errors);
    // Only a message not already known to be wrong counts against the limit.
    let well_formed = errors.is_empty() && to != user.sub;
    let mut invalid =
        |field: &str, message: &str| errors.entry(field.into()).or_default().push(message.into());
    if to == user.sub {
        invalid(
            "destinataire",
            "Vous ne pouvez pas vous écrire à vous-même.",
        );
    }
    let mut wanted = vec![
        keys::user(&to),
        keys::user(&user.sub),
        keys::contact(&user.sub, &to),
    ];
    if let Some(id) = &body.offre_liee {
        wanted.push(keys::publication(id));
    }
    // Counted while the participants are read: no added wait.
    let (limited, found) = tokio::join!(
        async {
            if !well_formed {
                return Ok(());
            }
            let rate = state.services.config.rate_limits.messages;
            throttle::limit(
                &state.services.store,
                "messages",
                [(Caller::User(&user.sub), rate)],
            )
            .await
        },
        state.services.store.get_many(&wanted),
    );
    limited?;
    let mut found = found?.into_iter();
    let recipient: Option<Profile> = found.next().flatten().map(store::from_item).transpose()?;
    let sender: Profile = found
        .next()
        .flatten()
        .map(store::from_item)
        .transpose()?
        .ok_or(ApiError::NotFound)?;
    let is_reply = found.next().flatten().is_some();
    if body.offre_liee.is_some() && found.next().flatten().is_none() {
        invalid("offre_liee", "Publication introuvable.");
    }
    let recipient = recipient.filter(|r| r.is_active);
    if recipient.is_none() && to != user.sub {
        invalid("destinataire", "Utilisateur introuvable.");
    }
    let Some(recipient) = recipient.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Fields(errors));
    };
    let verified =
        sender.details.admin_validation() == Some(crate::accounts::Verification::Verifie);
    if !messages::may_write(user.role, verified, recipient.details.role(), is_reply) {
        return Err(ApiError::Forbidden(CANNOT_WRITE.into()));
    }
    let name = |p: &Profile| format!("{} {}", p.prenom, p.nom);
    let message = Message {
        id: ulid::Ulid::new().to_string(),
        expediteur: user.sub.clone(),
        expediteur_nom: name(&sender),
        destinataire: to.clone(),
        destinataire_nom: name(&recipient),
        sujet,
        contenu,
        type_message: body.type_message.unwrap_or_default(),
        date_envoi: OffsetDateTime::now_utc(),
        lu: false,
        offre_liee: body.offre_liee,
    };
    // A fresh id: never already delivered.
    messages::send(&state.services.store, &message).await?;
    let event = Event::message_recu(&to, &message.expediteur_nom, &message.sujet, &message.id);
    // The message is delivered (it is in the inbox) even if this fails.
    state.notify(&event).await;
    Ok((StatusCode::CREATED, AxumJson(message)))
}

#[utoipa::path(get, path = "/api/messages/{id}/", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du message")),
    responses((status = 200, body = Message), (status = 401, description = "Non authentifié"),
        (status = 404, description = "Pas de message de ce numéro dans vos messages reçus ou envoyés")))]
pub async fn get_message(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Message>> {
    let id = crate::store::path_id(&id)?;
    messages::get(&state.services.store, &user.sub, id)
        .await?
        .map(AxumJson)
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(put, path = "/api/messages/{id}/lu/", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id d'un message reçu")),
    responses((status = 200, body = Message), (status = 401, description = "Non authentifié"),
        (status = 404, description = "Pas de message reçu de ce numéro")))]
pub async fn mark_read(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Message>> {
    let id = crate::store::path_id(&id)?;
    messages::mark_read(&state.services.store, &user.sub, id)
        .await?
        .map(AxumJson)
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(delete, path = "/api/messages/{id}/", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id du message")),
    responses((status = 204, description = "Supprimé de vos messages ; l'autre partie garde le sien"),
        (status = 401, description = "Non authentifié"), (status = 404, description = "Pas de message de ce numéro")))]
pub async fn delete_message(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = crate::store::path_id(&id)?;
    if messages::delete(&state.services.store, &user.sub, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
