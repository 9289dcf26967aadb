//! The notifications area (spec 8.3, 15): the caller's in-app
//! notifications, marking them read, channel preferences, push devices,
//! and admin announcements (delivered by the notifier, never inside the
//! request).

use crate::auth::{AdminUser, AuthUser, Role};
use crate::cursor::Paginated;
use crate::error::{ApiError, ApiResult};
use crate::json::Json;
use crate::notifications::events::{Audience, Event, Kind};
use crate::notifications::{self, Device, DeviceView, Notification, Platform, Preferences};
use crate::page::{self, Filter, Listing, PageParams};
use crate::store::keys;
use crate::validation;
use aws_sdk_dynamodb::types::AttributeValue;
use axum::Json as AxumJson;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

pub use crate::notifications::events::Notifying as AreaState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilters {
    /// `false`: unread only; `true`: read only.
    pub lu: Option<String>,
}

/// A page of notifications, with the caller's unread count.
#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    /// Unread notifications in total (all pages).
    pub non_lues: usize,
    #[serde(flatten)]
    pub page: Paginated<Notification>,
}

#[utoipa::path(get, path = "/api/notifications/", tag = "notifications", security(("bearer" = [])),
    params(NotificationFilters, PageParams),
    responses((status = 200, body = NotificationPage, description = "Vos notifications, de la plus récente à la plus ancienne"),
        (status = 400, description = "Filtre, taille de page ou curseur invalide"), (status = 401, description = "Non authentifié")))]
pub async fn list(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<NotificationPage>> {
    let filters: NotificationFilters = page::query(&uri)?;
    let lu = page::flag("lu", filters.lu.as_deref())?;
    let scope = format!("notifications:{}:{lu:?}", user.sub);
    let services = &state.services;
    let request = page::query::<PageParams>(&uri)?.resolve(&services.cursors, &scope)?;
    let listing = match lu {
        // Unread ones have their own (sparse) index: no filtering needed.
        Some(false) => Listing::index("GSI1", keys::unread(&user.sub)),
        Some(true) => Listing::table(keys::user(&user.sub).0, keys::NOTIFICATION_PREFIX)
            .filter(Filter::equal(vec![("lu", AttributeValue::Bool(true))])),
        None => Listing::table(keys::user(&user.sub).0, keys::NOTIFICATION_PREFIX),
    };
    // The page, the unread count and, unless it is that one, the list's.
    let store = &services.store;
    let count = async {
        match lu {
            Some(false) => Ok(None),
            _ => listing.count(store).await.map(|n| n.map(Some)),
        }
    };
    let (page, non_lues, count) = tokio::join!(
        listing.page::<Notification>(store, &request),
        notifications::unread_count(store, &user.sub),
        count
    );
    let non_lues = non_lues?;
    // `Some(None)`: too many to count here; `None`: the unread count.
    let count = match count? {
        None => Some(non_lues as u64),
        Some(n) => n,
    };
    Ok(AxumJson(NotificationPage {
        non_lues,
        page: page?
            .into_response(&services.cursors, &scope, &uri, |n| n)
            .counted(count.map(|n| n as i64)),
    }))
}

#[utoipa::path(put, path = "/api/notifications/{id}/lu/", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de la notification")),
    responses((status = 200, body = Notification), (status = 401, description = "Non authentifié"),
        (status = 404, description = "Pas de notification de ce numéro parmi les vôtres")))]
pub async fn mark_read(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<Notification>> {
    let id = crate::store::path_id(&id)?;
    notifications::mark_read(&state.services.store, &user.sub, id)
        .await?
        .map(AxumJson)
        .ok_or(ApiError::NotFound)
}

/// Notifications marked read per call.
pub const MARK_ALL_BATCH: i32 = 100;

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notifications marked read by this call (at most 100).
    pub marquees: usize,
    /// True when unread notifications remain: call again.
    pub reste_non_lues: bool,
}

#[utoipa::path(put, path = "/api/notifications/tout-lu/", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = MarkedRead, description = "Jusqu'à 100 par appel ; `reste_non_lues` : rappeler"), (status = 401, description = "Non authentifié")))]
pub async fn mark_all_read(
    State(state): State<AreaState>,
    user: AuthUser,
) -> ApiResult<AxumJson<MarkedRead>> {
    let (marquees, reste_non_lues) =
        notifications::mark_all_read(&state.services.store, &user.sub, MARK_ALL_BATCH).await?;
    Ok(AxumJson(MarkedRead {
        marquees,
        reste_non_lues,
    }))
}

/// An admin announcement, to one user (`destinataire`) or to every user
/// of a type (`type_compte`): exactly one of the two.
#[derive(Deserialize, Validate, ToSchema)]
pub struct Announcement {
    #[validate(length(min = 1, max = 128))]
    pub destinataire: Option<String>,
    pub type_compte: Option<Role>,
    #[validate(
        required,
        length(min = 1, max = 150),
        custom(function = "validation::plain_text")
    )]
    pub titre: Option<String>,
    #[validate(
        required,
        length(min = 1, max = 2000),
        custom(function = "validation::plain_text")
    )]
    pub message: Option<String>,
    /// A path of the web app (`/offres/...`), never another site.
    #[validate(length(max = 500), custom(function = "app_path"))]
    pub lien: Option<String>,
}

fn app_path(value: &str) -> Result<(), ValidationError> {
    if value.starts_with('/') && !value.starts_with("//") && !value.contains('\\') {
        validation::plain_text(value)
    } else {
        let mut e = ValidationError::new("app_path");
        e.message = Some("Un chemin de l'application est attendu (« /offres/... »).".into());
        Err(e)
    }
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub detail: String,
    /// The event's id; each recipient's notification has it (or starts
    /// with it, for a whole type of account).
    pub id: String,
}

#[utoipa::path(post, path = "/api/notifications/", tag = "notifications", security(("bearer" = [])),
    request_body = Announcement,
    responses((status = 202, body = Accepted, description = "Acceptée : le pipeline de notifications la distribue"),
        (status = 400, description = "Champs invalides, destinataire introuvable"),
        (status = 401, description = "Non authentifié"), (status = 403, description = "Réservé aux administrateurs"),
        (status = 429, description = "Trop d'annonces : réessayer après Retry-After secondes")))]
pub async fn announce(
    State(state): State<AreaState>,
    admin: AdminUser,
    Json(body): Json<Announcement>,
) -> ApiResult<(StatusCode, AxumJson<Accepted>)> {
    let (destinataire, role) = match (body.destinataire, body.type_compte) {
        (Some(id), None) => (Some(id), None),
        (None, Some(role)) => (None, Some(role)),
        _ => {
            return Err(ApiError::BadRequest(
                "Indiquez soit « destinataire », soit « type_compte ».".into(),
            ));
        }
    };
    // A well-formed announcement counts, whoever it turns out to reach.
    crate::throttle::limit(
        &state.services.store,
        "announcements",
        [(
            crate::throttle::Caller::User(&admin.0.sub),
            state.services.config.rate_limits.announcements,
        )],
    )
    .await?;
    let to = match (destinataire, role) {
        (Some(id), _) => {
            if notifications::contact(&state.services.store, &id)
                .await?
                .is_none()
            {
                return Err(ApiError::field("destinataire", "Utilisateur introuvable."));
            }
            Audience::User { id }
        }
        (None, Some(role)) => Audience::Role { role, after: None },
        (None, None) => unreachable!("checked above"),
    };
    let event = Event::annonce(
        to,
        body.titre.unwrap_or_default(),
        body.message.unwrap_or_default(),
        body.lien,
    );
    state.publisher.publish(&event).await?;
    Ok((
        StatusCode::ACCEPTED,
        AxumJson(Accepted {
            detail: "Notification en cours d'envoi.".into(),
            id: event.id,
        }),
    ))
}

/// The caller's channel preferences, and the types whose email cannot be
/// turned off.
#[derive(Serialize, ToSchema)]
pub struct PreferencesView {
    #[serde(flatten)]
    pub preferences: Preferences,
    pub types_email_obligatoire: Vec<Kind>,
}

fn view(preferences: Preferences) -> AxumJson<PreferencesView> {
    AxumJson(PreferencesView {
        preferences,
        types_email_obligatoire: Kind::ALL
            .into_iter()
            .filter(|k| k.email_mandatory())
            .collect(),
    })
}

#[utoipa::path(get, path = "/api/notifications/preferences/", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = PreferencesView), (status = 401, description = "Non authentifié")))]
pub async fn get_preferences(
    State(state): State<AreaState>,
    user: AuthUser,
) -> ApiResult<AxumJson<PreferencesView>> {
    let contact = notifications::contact(&state.services.store, &user.sub)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(view(contact.preferences_notification))
}

/// Channels to change; those absent stay as they are.
#[derive(Deserialize, Validate, ToSchema)]
pub struct PreferencesUpdate {
    /// Email for the optional types (messages, new applications).
    pub email: Option<bool>,
    pub push: Option<bool>,
    /// Needs a phone number on the profile.
    pub sms: Option<bool>,
    /// Read-only: what `GET` shows may be sent back as read (ignored).
    #[serde(default, rename = "types_email_obligatoire")]
    #[schema(ignore)]
    #[allow(dead_code)]
    read_only: Option<serde_json::Value>,
}

#[utoipa::path(put, path = "/api/notifications/preferences/", tag = "notifications", security(("bearer" = [])),
    request_body = PreferencesUpdate,
    responses((status = 200, body = PreferencesView),
        (status = 400, description = "Champs invalides, SMS sans numéro de téléphone"), (status = 401, description = "Non authentifié")))]
pub async fn put_preferences(
    State(state): State<AreaState>,
    user: AuthUser,
    Json(body): Json<PreferencesUpdate>,
) -> ApiResult<AxumJson<PreferencesView>> {
    let store = &state.services.store;
    let contact = notifications::contact(store, &user.sub)
        .await?
        .ok_or(ApiError::NotFound)?;
    let current = contact.preferences_notification;
    let wanted = Preferences {
        email: body.email.unwrap_or(current.email),
        push: body.push.unwrap_or(current.push),
        sms: body.sms.unwrap_or(current.sms),
    };
    if wanted.sms && contact.telephone.is_none() {
        return Err(ApiError::field(
            "sms",
            "Ajoutez d'abord un numéro de téléphone à votre profil.",
        ));
    }
    notifications::set_preferences(store, &user.sub, &wanted).await?;
    Ok(view(wanted))
}

#[utoipa::path(get, path = "/api/notifications/appareils/", tag = "notifications", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Paginated<DeviceView>, description = "Vos appareils enregistrés pour les notifications push"),
        (status = 401, description = "Non authentifié")))]
pub async fn list_devices(
    State(state): State<AreaState>,
    user: AuthUser,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<AxumJson<Paginated<DeviceView>>> {
    let scope = format!("devices:{}", user.sub);
    let services = &state.services;
    let request = page::query::<PageParams>(&uri)?.resolve(&services.cursors, &scope)?;
    let page = Listing::table(keys::user(&user.sub).0, keys::DEVICE_PREFIX)
        .page::<Device>(&services.store, &request)
        .await?;
    Ok(AxumJson(page.into_response(
        &services.cursors,
        &scope,
        &uri,
        DeviceView::from,
    )))
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct NewDevice {
    #[validate(required)]
    pub plateforme: Option<Platform>,
    /// The push token the platform gave the app.
    #[validate(
        required,
        length(min = 1, max = 4096),
        custom(function = "validation::plain_text")
    )]
    pub token: Option<String>,
}

#[utoipa::path(post, path = "/api/notifications/appareils/", tag = "notifications", security(("bearer" = [])),
    request_body = NewDevice,
    responses((status = 201, body = DeviceView, description = "Enregistré (le même jeton deux fois donne le même appareil)"),
        (status = 400, description = "Champs invalides, plateforme non configurée, jeton refusé"),
        (status = 401, description = "Non authentifié"),
        (status = 409, description = "Le même jeton est enregistré au même moment par un autre compte")))]
pub async fn add_device(
    State(state): State<AreaState>,
    user: AuthUser,
    Json(body): Json<NewDevice>,
) -> ApiResult<(StatusCode, AxumJson<DeviceView>)> {
    let platform = body.plateforme.unwrap_or(Platform::Fcm);
    let token = body.token.unwrap_or_default();
    let config = &state.services.config;
    let application = match platform {
        Platform::Fcm => config.push_platform_fcm.as_ref(),
        Platform::Apns => config.push_platform_apns.as_ref(),
    }
    .ok_or_else(|| {
        ApiError::field(
            "plateforme",
            "Les notifications push ne sont pas configurées pour cette plateforme.",
        )
    })?;
    let created = state
        .sns
        .create_platform_endpoint()
        .platform_application_arn(application)
        .token(&token)
        .send()
        .await;
    let endpoint_arn = match created {
        Ok(out) => out
            .endpoint_arn
            .ok_or_else(|| ApiError::internal("no endpoint ARN"))?,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_invalid_parameter_exception()) =>
        {
            return Err(ApiError::field("token", "Jeton refusé par la plateforme."));
        }
        Err(e) => return Err(e.into()),
    };
    // SNS hands back an existing endpoint as it is: one it disabled (the
    // app was reinstalled, say) must be enabled again with the new token.
    state
        .sns
        .set_endpoint_attributes()
        .endpoint_arn(&endpoint_arn)
        .attributes("Enabled", "true")
        .attributes("Token", &token)
        .send()
        .await?;
    let device = Device {
        id: notifications::device_id(platform, &token),
        plateforme: platform,
        token,
        endpoint_arn,
        date_creation: OffsetDateTime::now_utc(),
    };
    notifications::save_device(&state.services.store, &user.sub, &device).await?;
    Ok((StatusCode::CREATED, AxumJson(device.into())))
}

#[utoipa::path(delete, path = "/api/notifications/appareils/{id}/", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id de l'appareil")),
    responses((status = 204, description = "Cet appareil ne reçoit plus vos notifications"),
        (status = 401, description = "Non authentifié"), (status = 404, description = "Pas d'appareil de ce numéro parmi les vôtres")))]
pub async fn delete_device(
    State(state): State<AreaState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = crate::store::path_id(&id)?;
    if notifications::delete_device(&state.services.store, &user.sub, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
