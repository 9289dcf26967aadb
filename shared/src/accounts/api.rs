//! The auth area (spec 1.2): registration, email verification, login,
//! logout, token refresh, password reset and the caller's profile.
//! Cognito holds identities and passwords; the profile is a table item.

use std::sync::Arc;

use crate::accounts::cognito::{error_code, internal};
use crate::accounts::{self, BaseEdit, Profile, TypeEdit};
use crate::auth::{AuthUser, Role};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::ClientIp;
use crate::json::{Json, JsonObject, Parts};
use crate::logs::{LogEntry, LogKind};
use crate::throttle::{self, Caller, Limit};
use crate::{Services, sessions, validation};
use aws_sdk_cognitoidentityprovider::Client as Cognito;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType};
use axum::Json as AxumJson;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The area's state: the shared services plus the Cognito client.
#[derive(Clone)]
pub struct AuthState {
    pub services: Arc<Services>,
    pub cognito: Cognito,
    /// Push endpoints, deleted with their account (docs/privacy.md): built
    /// by the first deletion, not at every cold start.
    pub sns: crate::Lazy<aws_sdk_sns::Client>,
}

impl FromRef<AuthState> for Arc<Services> {
    fn from_ref(state: &AuthState) -> Self {
        state.services.clone()
    }
}

impl AuthState {
    pub fn new(services: Arc<Services>, sdk: &aws_config::SdkConfig) -> Self {
        AuthState {
            services,
            cognito: crate::metrics::cognito_client(sdk),
            sns: {
                let sdk = sdk.clone();
                crate::Lazy::new(move || crate::metrics::sns_client(&sdk))
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Detail {
    pub detail: String,
}

fn detail(text: &str) -> AxumJson<Detail> {
    AxumJson(Detail {
        detail: text.into(),
    })
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The anonymous account routes are limited per client address and per
/// target email, so that no one's mailbox can be flooded from many
/// addresses, nor many mailboxes from one.
async fn limit_anonymous(
    state: &AuthState,
    route: &'static str,
    ip: &str,
    email: &str,
    (per_client, per_email): (throttle::Rate, throttle::Rate),
) -> ApiResult<()> {
    throttle::limit(
        &state.services.store,
        route,
        [
            (Caller::Client(ip), per_client),
            (Caller::Email(email), per_email),
        ],
    )
    .await
}

// ---------------------------------------------------------------- register

/// The account part of a registration body.
#[derive(Deserialize, Validate, ToSchema)]
pub struct RegisterAccount {
    #[validate(required, email, length(max = 254))]
    pub email: Option<String>,
    #[validate(required, custom(function = "validation::password"))]
    pub password: Option<String>,
    /// candidat, recruteur or prestataire (admins are never self-registered).
    #[validate(required)]
    #[schema(value_type = String, example = "candidat")]
    pub type_compte: Option<String>,
}

/// A registration: the account, the base fields, and the fields of the
/// chosen type (recruteur: `entreprise` is required; prestataire:
/// `specialite` is required).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct RegisterRequest {
    #[serde(flatten)]
    account: RegisterAccount,
    #[serde(flatten)]
    base: BaseEdit,
    #[serde(flatten)]
    candidat: accounts::CandidatEdit,
    #[serde(flatten)]
    recruteur: accounts::RecruteurEdit,
    #[serde(flatten)]
    prestataire: accounts::PrestataireEdit,
}

#[utoipa::path(post, path = "/api/auth/register/", tag = "auth",
    request_body(content = inline(RegisterRequest), description = "Compte, champs communs et champs du type choisi (aplatis)"),
    responses((status = 201, body = Profile), (status = 400, description = "Champs invalides, e-mail déjà utilisé, mot de passe faible"),
        (status = 429, description = "Trop d'inscriptions depuis cette adresse ou pour cet e-mail : réessayer après Retry-After secondes")))]
pub async fn register(
    State(state): State<AuthState>,
    ClientIp(ip): ClientIp,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, AxumJson<Profile>)> {
    let mut body = Parts::new(body)?;
    let account = body.part::<RegisterAccount>();
    let base = body.part::<BaseEdit>();
    if let Some(message) = base.as_ref().and_then(BaseEdit::location_error) {
        body.error("region", message);
    }
    body.read(accounts::READ_ONLY);
    // Read the type on its own, so its fields are checked even when other
    // parts of the body are wrong: the response lists every error at once.
    let role = match body.value().get("type_compte").and_then(|t| t.as_str()) {
        Some(t) => match Role::parse(t) {
            Some(role) if role != Role::Admin => Some(role),
            _ => {
                body.error("type_compte", format!("« {t} » n'est pas un choix valide."));
                None
            }
        },
        None => None,
    };
    let details = match role {
        Some(role) => match TypeEdit::parse(role, &mut body) {
            Some(edit) => body.keep(accounts::new_details(role, edit))?,
            None => None,
        },
        None => None,
    };
    if base.as_ref().is_some_and(|b| b.nom.is_none()) {
        body.error("nom", validation::REQUIRED);
    }
    if base.as_ref().is_some_and(|b| b.prenom.is_none()) {
        body.error("prenom", validation::REQUIRED);
    }
    body.finish()?;
    let (Some(account), Some(base), Some(role), Some(details)) = (account, base, role, details)
    else {
        return Err(ApiError::Fields(FieldErrors::new()));
    };
    let email = normalize_email(account.email.as_deref().unwrap_or_default());
    let password = account.password.unwrap_or_default();
    let config = &state.services.config;
    let limits = &config.rate_limits;
    limit_anonymous(
        &state,
        "register",
        &ip,
        &email,
        (limits.register_client, limits.register_email),
    )
    .await?;

    let sub = sign_up(&state, &email, &password).await?;
    // From here on, a failure removes the identity again: nothing is left
    // half-created.
    // The group and the confirmation depend on the identity alone: at once.
    // The profile comes after them, so a failed Cognito call never leaves
    // a profile behind (the cleanup below removes the identity only).
    let finish = async {
        let pool = &config.user_pool_id;
        let group = async {
            state
                .cognito
                .admin_add_user_to_group()
                .user_pool_id(pool)
                .username(&email)
                .group_name(role.as_str())
                .send()
                .await
                .map(|_| ())
                .map_err(internal)
        };
        let confirmed = async {
            if !config.auto_confirm_email {
                return Ok(());
            }
            let verified = AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .map_err(ApiError::internal)?;
            let confirm = state
                .cognito
                .admin_confirm_sign_up()
                .user_pool_id(pool)
                .username(&email)
                .send();
            let attributes = state
                .cognito
                .admin_update_user_attributes()
                .user_pool_id(pool)
                .username(&email)
                .user_attributes(verified)
                .send();
            let (confirm, attributes) = tokio::join!(confirm, attributes);
            confirm.map_err(internal)?;
            attributes.map_err(internal)?;
            Ok::<_, ApiError>(())
        };
        tokio::try_join!(group, confirmed)?;
        let created = async {
            let profile = accounts::new_profile(
                sub.clone(),
                email.clone(),
                base,
                details,
                config.auto_confirm_email,
            )?;
            if !accounts::create(&state.services.store, &profile).await? {
                return Err(ApiError::Conflict("Ce compte existe déjà.".into()));
            }
            Ok::<_, ApiError>(profile)
        };
        created.await
    };
    match finish.await {
        Ok(profile) => {
            tracing::info!(user_id = %profile.id, type_compte = role.as_str(), "account registered");
            Ok((StatusCode::CREATED, AxumJson(profile)))
        }
        Err(err) => {
            if let Err(cleanup) = state
                .cognito
                .admin_delete_user()
                .user_pool_id(&config.user_pool_id)
                .username(&email)
                .send()
                .await
            {
                tracing::error!(error = %internal(cleanup), "could not remove half-registered identity");
            }
            Err(err)
        }
    }
}

/// SignUp, mapping Cognito's refusals to field errors. An identity left
/// without a profile by an interrupted registration (a Lambda timeout
/// between SignUp and the profile write) holds no data: it is removed and
/// the registration goes on, so the email is never stuck.
async fn sign_up(state: &AuthState, email: &str, password: &str) -> ApiResult<String> {
    let config = &state.services.config;
    for attempt in 0..2 {
        let signed_up = state
            .cognito
            .sign_up()
            .client_id(&config.user_pool_client_id)
            .username(email)
            .password(password)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(email)
                    .build()
                    .map_err(ApiError::internal)?,
            )
            .send()
            .await;
        let e = match signed_up {
            Ok(out) => return Ok(out.user_sub),
            Err(e) => e,
        };
        return Err(match error_code(&e) {
            Some("UsernameExistsException") => {
                let orphan =
                    match crate::accounts::cognito::sub_of(&state.cognito, config, email).await? {
                        Some(sub) => accounts::get(&state.services.store, &sub).await?.is_none(),
                        None => false,
                    };
                if orphan && attempt == 0 {
                    tracing::warn!(
                        event = "orphan_identity_removed",
                        "removing an identity without profile"
                    );
                    state
                        .cognito
                        .admin_delete_user()
                        .user_pool_id(&config.user_pool_id)
                        .username(email)
                        .send()
                        .await
                        .map_err(internal)?;
                    continue;
                }
                ApiError::field("email", "Un compte existe déjà avec cette adresse e-mail.")
            }
            Some("InvalidPasswordException") => {
                ApiError::field("password", "Mot de passe trop faible.")
            }
            Some("InvalidParameterException") => {
                ApiError::BadRequest("Paramètres d'inscription invalides.".into())
            }
            _ => internal(e),
        });
    }
    Err(ApiError::internal("sign-up retry exhausted"))
}

// ------------------------------------------------------------ verify-email

#[derive(Deserialize, Validate, ToSchema)]
pub struct VerifyEmailRequest {
    #[validate(required, email)]
    pub email: Option<String>,
    #[validate(required, length(min = 1, max = 64))]
    pub code: Option<String>,
}

#[utoipa::path(post, path = "/api/auth/verify-email/", tag = "auth", request_body = VerifyEmailRequest,
    responses((status = 200, body = Detail), (status = 400, description = "Code invalide ou expiré"),
        (status = 429, description = "Trop d'essais : réessayer après Retry-After secondes")))]
pub async fn verify_email(
    State(state): State<AuthState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<VerifyEmailRequest>,
) -> ApiResult<AxumJson<Detail>> {
    let email = normalize_email(body.email.as_deref().unwrap_or_default());
    let config = &state.services.config;
    let limits = &config.rate_limits;
    limit_anonymous(
        &state,
        "verify-email",
        &ip,
        &email,
        (limits.verify_client, limits.verify_email),
    )
    .await?;
    let confirmed = state
        .cognito
        .confirm_sign_up()
        .client_id(&config.user_pool_client_id)
        .username(&email)
        .confirmation_code(body.code.unwrap_or_default())
        .send()
        .await;
    let already = match confirmed {
        Ok(_) => false,
        // Already confirmed: fall through and bring the profile in step
        // (a previous attempt may have stopped between the two writes).
        Err(e) if error_code(&e) == Some("NotAuthorizedException") => true,
        Err(e) => {
            return Err(match error_code(&e) {
                Some(
                    "CodeMismatchException" | "UserNotFoundException" | "InvalidParameterException",
                ) => ApiError::field("code", "Code invalide."),
                Some("ExpiredCodeException") => {
                    ApiError::field("code", "Code expiré : demandez-en un nouveau.")
                }
                Some("TooManyFailedAttemptsException" | "LimitExceededException") => {
                    ApiError::Throttled { retry_after: 60 }
                }
                _ => internal(e),
            });
        }
    };
    let user = state
        .cognito
        .admin_get_user()
        .user_pool_id(&config.user_pool_id)
        .username(&email)
        .send()
        .await
        .map_err(internal)?;
    if already
        && user.user_status()
            != Some(&aws_sdk_cognitoidentityprovider::types::UserStatusType::Confirmed)
    {
        return Err(ApiError::field("code", "Code invalide."));
    }
    let sub = crate::accounts::cognito::sub_attribute(user.user_attributes())
        .ok_or_else(|| ApiError::internal("user without sub"))?;
    accounts::mark_email_verified(&state.services.store, sub).await?;
    Ok(detail("Adresse e-mail vérifiée."))
}

// ------------------------------------------------------------------ login

#[derive(Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(required, length(min = 1, max = 254))]
    pub email: Option<String>,
    #[validate(required, length(min = 1, max = 256))]
    pub password: Option<String>,
}

/// SimpleJWT's token pair, with the user.
#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub access: String,
    pub refresh: String,
    pub user: Profile,
}

fn bad_credentials() -> ApiError {
    ApiError::unauthorized(
        "Aucun compte actif n'a été trouvé avec les identifiants fournis.",
        "no_active_account",
    )
}

fn inactive() -> ApiError {
    ApiError::unauthorized("Ce compte est désactivé.", "user_inactive")
}

#[utoipa::path(post, path = "/api/auth/login/", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
        (status = 401, description = "Identifiants invalides ou compte désactivé"),
        (status = 403, description = "Adresse e-mail non vérifiée"),
        (status = 429, description = "Trop d'échecs : réessayer après Retry-After secondes")))]
pub async fn login(
    State(state): State<AuthState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Json(body): Json<LoginRequest>,
) -> ApiResult<AxumJson<LoginResponse>> {
    let services = &state.services;
    let config = &services.config;
    let email = normalize_email(body.email.as_deref().unwrap_or_default());
    let window = config.login_throttle.window.as_secs();
    let account_limit = Limit {
        scope: "login-account",
        subject: email.clone(),
        max: config.login_throttle.max_failures_per_account,
    };
    let attempt = |kind| LogEntry {
        email: Some(email.clone()),
        ip: Some(ip.clone()),
        ..LogEntry::new(kind)
    };
    let limits = [
        account_limit.clone(),
        Limit {
            scope: "login-client",
            subject: ip.clone(),
            max: config.login_throttle.max_failures_per_client,
        },
    ];
    // Counted before trying: parallel guesses cannot pass the limit.
    if let Err(e) = throttle::attempt(&services.store, &limits, window).await {
        if matches!(e, ApiError::Throttled { .. }) {
            let refused = LogEntry {
                motif: Some("trop de tentatives".into()),
                ..attempt(LogKind::EchecConnexion)
            };
            refused.record(&services.store).await;
        }
        return Err(e);
    }

    let auth = state
        .cognito
        .initiate_auth()
        .client_id(&config.user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &email)
        .auth_parameters("PASSWORD", body.password.unwrap_or_default())
        .send()
        .await;
    let result = match auth {
        Ok(out) => out,
        Err(e) => {
            return Err(match error_code(&e) {
                // A disabled account answers like a wrong password (the
                // password is not checked first, so saying "disabled" would
                // reveal the account without it), as SimpleJWT does.
                Some("NotAuthorizedException" | "UserNotFoundException" | "InvalidParameterException") => {
                    tracing::info!(event = "login_failed", "failed login");
                    attempt(LogKind::EchecConnexion).record(&services.store).await;
                    bad_credentials()
                }
                Some("UserNotConfirmedException") => ApiError::Forbidden(
                    "Adresse e-mail non vérifiée : confirmez-la avec le code reçu (POST /api/auth/verify-email/).".into(),
                ),
                Some("PasswordResetRequiredException") => {
                    ApiError::Forbidden("Réinitialisation du mot de passe requise (POST /api/auth/reset-password/).".into())
                }
                Some("TooManyRequestsException") => ApiError::Throttled { retry_after: 1 },
                _ => internal(e),
            });
        }
    };
    let tokens = result.authentication_result.ok_or_else(|| {
        ApiError::Forbidden("Une étape de connexion supplémentaire est requise.".into())
    })?;
    let (Some(access), Some(refresh)) = (tokens.access_token, tokens.refresh_token) else {
        return Err(ApiError::internal("Cognito returned no tokens"));
    };
    let claims = services.verifier.verify(&access).await?;
    // An identity without group is an interrupted registration: no account.
    let role = Role::from_groups(&claims.groups).ok_or_else(bad_credentials)?;
    let agent = user_agent(&headers);
    let (opened, profile) = tokio::join!(
        sessions::open(
            &services.store,
            &claims.sub,
            &claims.origin_jti,
            role,
            config.session_ttl.as_secs(),
            sessions::Client {
                user_agent: agent.as_deref(),
                ip: Some(&ip),
            },
        ),
        accounts::get(&services.store, &claims.sub),
    );
    if opened? != sessions::Opened::Yes {
        let refused = LogEntry {
            utilisateur: Some(claims.sub.clone()),
            motif: Some("compte désactivé".into()),
            ..attempt(LogKind::EchecConnexion)
        };
        refused.record(&services.store).await;
        return Err(inactive());
    }
    let user = profile?.ok_or_else(bad_credentials)?;
    // A success clears the account's failures and does not count against
    // the client.
    let logged = LogEntry {
        utilisateur: Some(user.id.clone()),
        ..attempt(LogKind::Connexion)
    };
    let (reset, forgiven, ()) = tokio::join!(
        throttle::reset(&services.store, &account_limit, window),
        throttle::forgive(&services.store, &limits[1], window),
        logged.record(&services.store),
    );
    reset?;
    forgiven?;
    tracing::info!(event = "login", user_id = %user.id, "login");
    Ok(AxumJson(LoginResponse {
        access,
        refresh,
        user,
    }))
}

// ------------------------------------------------------------------ logout

#[utoipa::path(post, path = "/api/auth/logout/", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Detail), (status = 401, description = "Non authentifié")))]
pub async fn logout(State(state): State<AuthState>, user: AuthUser) -> ApiResult<AxumJson<Detail>> {
    // The access token and the refresh token of this login share the
    // session: both stop working now.
    sessions::close(&state.services.store, &user.sub, &user.session_id).await?;
    Ok(detail("Déconnexion effectuée."))
}

// ----------------------------------------------------------------- refresh

#[derive(Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    #[validate(required, length(min = 1, max = 8192))]
    pub refresh: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RefreshResponse {
    pub access: String,
}

#[utoipa::path(post, path = "/api/auth/refresh/", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = RefreshResponse), (status = 401, description = "Jeton de rafraîchissement invalide, expiré ou révoqué")))]
pub async fn refresh(
    State(state): State<AuthState>,
    Json(body): Json<RefreshRequest>,
) -> ApiResult<AxumJson<RefreshResponse>> {
    let services = &state.services;
    let out = state
        .cognito
        .initiate_auth()
        .client_id(&services.config.user_pool_client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", body.refresh.unwrap_or_default())
        .send()
        .await
        .map_err(|e| match error_code(&e) {
            Some("TooManyRequestsException") => ApiError::Throttled { retry_after: 1 },
            Some("InternalErrorException") | None => internal(e),
            // Any other refusal (revoked, malformed, unknown) is the token's fault.
            Some(_) => ApiError::invalid_token(),
        })?;
    let access = out
        .authentication_result
        .and_then(|r| r.access_token)
        .ok_or_else(ApiError::invalid_token)?;
    // The new token belongs to the same login: it is only good while that
    // session is (logout and deactivation end it), whose last use is now.
    let claims = services.verifier.verify(&access).await?;
    Role::from_groups(&claims.groups).ok_or_else(ApiError::invalid_token)?;
    if !sessions::touch(&services.store, &claims.sub, &claims.origin_jti).await? {
        return Err(ApiError::invalid_token());
    }
    Ok(AxumJson(RefreshResponse { access }))
}

// ---------------------------------------------------------- reset-password

/// A code-mailing call's outcome, told the caller the same way whether
/// the account exists, is unusable or already verified (no enumeration):
/// those refusals are only logged; any other failure is the server's.
fn hide_refusal<T, E>(
    sent: Result<
        T,
        aws_sdk_cognitoidentityprovider::error::SdkError<E, crate::error::HttpResponse>,
    >,
    event: &'static str,
) -> ApiResult<()>
where
    E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    match sent {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                error_code(&e),
                Some(
                    "UserNotFoundException"
                        | "NotAuthorizedException"
                        | "InvalidParameterException"
                        | "LimitExceededException"
                )
            ) =>
        {
            tracing::info!(event, code = error_code(&e).unwrap_or(""), "code not sent");
            Ok(())
        }
        Err(e) => Err(internal(e)),
    }
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct ResetPasswordRequest {
    #[validate(required, email)]
    pub email: Option<String>,
}

const RESET_SENT: &str =
    "Si un compte existe pour cette adresse, un code de réinitialisation a été envoyé.";

#[utoipa::path(post, path = "/api/auth/reset-password/", tag = "auth", request_body = ResetPasswordRequest,
    responses((status = 200, body = Detail, description = "Même réponse que le compte existe ou non"),
        (status = 400, description = "Champs invalides"),
        (status = 429, description = "Trop de demandes depuis cette adresse ou pour cet e-mail : réessayer après Retry-After secondes")))]
pub async fn reset_password(
    State(state): State<AuthState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResetPasswordRequest>,
) -> ApiResult<AxumJson<Detail>> {
    let email = normalize_email(body.email.as_deref().unwrap_or_default());
    let limits = &state.services.config.rate_limits;
    limit_anonymous(
        &state,
        "reset-password",
        &ip,
        &email,
        (limits.reset_client, limits.reset_email),
    )
    .await?;
    let sent = state
        .cognito
        .forgot_password()
        .client_id(&state.services.config.user_pool_client_id)
        .username(&email)
        .send()
        .await;
    hide_refusal(sent, "reset_password_ignored")?;
    Ok(detail(RESET_SENT))
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct ResetPasswordConfirmRequest {
    #[validate(required, email)]
    pub email: Option<String>,
    #[validate(required, length(min = 1, max = 64))]
    pub code: Option<String>,
    #[validate(required, custom(function = "validation::password"))]
    pub new_password: Option<String>,
}

#[utoipa::path(post, path = "/api/auth/reset-password/confirm/", tag = "auth", request_body = ResetPasswordConfirmRequest,
    responses((status = 200, body = Detail), (status = 400, description = "Code invalide ou expiré, mot de passe faible"),
        (status = 429, description = "Trop d'essais : réessayer après Retry-After secondes")))]
pub async fn reset_password_confirm(
    State(state): State<AuthState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResetPasswordConfirmRequest>,
) -> ApiResult<AxumJson<Detail>> {
    let email = normalize_email(body.email.as_deref().unwrap_or_default());
    let limits = &state.services.config.rate_limits;
    limit_anonymous(
        &state,
        "reset-confirm",
        &ip,
        &email,
        (limits.reset_confirm_client, limits.reset_confirm_email),
    )
    .await?;
    let confirmed = state
        .cognito
        .confirm_forgot_password()
        .client_id(&state.services.config.user_pool_client_id)
        .username(&email)
        .confirmation_code(body.code.unwrap_or_default())
        .password(body.new_password.unwrap_or_default())
        .send()
        .await;
    if let Err(e) = confirmed {
        return Err(match error_code(&e) {
            Some(
                "CodeMismatchException"
                | "ExpiredCodeException"
                | "UserNotFoundException"
                | "ResourceNotFoundException"
                | "NotAuthorizedException"
                | "InvalidParameterException",
            ) => ApiError::field("code", "Code invalide ou expiré."),
            Some("InvalidPasswordException") => {
                ApiError::field("new_password", "Mot de passe trop faible.")
            }
            Some("TooManyFailedAttemptsException" | "LimitExceededException") => {
                ApiError::Throttled { retry_after: 60 }
            }
            _ => internal(e),
        });
    }
    // A new password ends every open session: a stolen token does not
    // outlive the reset.
    if let Some(sub) =
        crate::accounts::cognito::sub_of(&state.cognito, &state.services.config, &email).await?
    {
        sessions::close_all(&state.services.store, &sub).await?;
    }
    Ok(detail("Mot de passe réinitialisé."))
}

// ----------------------------------------------------------------- profile

#[utoipa::path(get, path = "/api/auth/profile/", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401, description = "Non authentifié")))]
pub async fn get_profile(
    State(state): State<AuthState>,
    user: AuthUser,
) -> ApiResult<AxumJson<Profile>> {
    let profile = accounts::get(&state.services.store, &user.sub)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(AxumJson(profile))
}

/// Fields that may be edited; all optional (only those present change).
/// Read-only fields (email, type_compte, statuts, quota...) are ignored;
/// any other key is a 400 naming it.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ProfileUpdate {
    #[serde(flatten)]
    base: BaseEdit,
    #[serde(flatten)]
    candidat: accounts::CandidatEdit,
    #[serde(flatten)]
    recruteur: accounts::RecruteurEdit,
    #[serde(flatten)]
    prestataire: accounts::PrestataireEdit,
}

#[utoipa::path(put, path = "/api/auth/profile/", tag = "auth", security(("bearer" = [])),
    request_body(content = inline(ProfileUpdate), description = "Champs modifiables du type de compte (aplatis)"),
    responses((status = 200, body = Profile), (status = 400, description = "Champs invalides"), (status = 401, description = "Non authentifié")))]
pub async fn put_profile(
    State(state): State<AuthState>,
    user: AuthUser,
    JsonObject(body): JsonObject,
) -> ApiResult<AxumJson<Profile>> {
    let mut body = Parts::new(body)?;
    let base = body.part::<BaseEdit>();
    if let Some(message) = base.as_ref().and_then(BaseEdit::location_error) {
        body.error("region", message);
    }
    body.read(accounts::READ_ONLY);
    let edit = TypeEdit::parse(user.role, &mut body);
    body.finish()?;
    let (Some(base), Some(edit)) = (base, edit) else {
        return Err(ApiError::Fields(FieldErrors::new()));
    };
    let base = base.normalized();
    let profile = accounts::update(&state.services.store, &user.sub, &base, &edit).await?;
    Ok(AxumJson(profile))
}

// ----------------------------------------------------------------- privacy

#[utoipa::path(get, path = "/api/auth/profile/export/", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = accounts::privacy::Export, description = "Tout ce que la plateforme garde de moi, en un document (docs/privacy.md) : profil, publications, candidatures (pour un recruteur, le nombre reçu), messages reçus et envoyés, notifications, fichiers avec un lien de téléchargement, sessions, appareils, entrées du journal"),
        (status = 401, description = "Non authentifié"),
        (status = 404, description = "Compte en cours de suppression : il n'a plus de profil")))]
pub async fn export_profile(
    State(state): State<AuthState>,
    user: AuthUser,
) -> ApiResult<AxumJson<accounts::privacy::Export>> {
    Ok(AxumJson(
        accounts::privacy::export(&state.services, &user).await?,
    ))
}

/// The confirmation of an account's deletion.
#[derive(Deserialize, Validate, ToSchema)]
pub struct DeleteAccountRequest {
    /// The account's password.
    #[validate(required, length(min = 1, max = 256))]
    pub mot_de_passe: Option<String>,
}

#[utoipa::path(delete, path = "/api/auth/profile/", tag = "auth", security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses((status = 204, description = "Compte supprimé (docs/privacy.md) : identité, profil, sessions (les jetons sont refusés), appareils, fichiers, messages et notifications reçus ; candidatures retirées ; publications fermées et anonymisées (supprimées si personne n'y a postulé). L'adresse e-mail peut servir à une nouvelle inscription"),
        (status = 400, description = "Mot de passe absent ou incorrect (rien n'est supprimé)"),
        (status = 401, description = "Non authentifié"),
        (status = 403, description = "Compte administrateur, ou désactivé"),
        (status = 409, description = "Des données ont changé pendant la suppression : renvoyer la même demande la termine"),
        (status = 429, description = "Trop de mots de passe incorrects : réessayer après Retry-After secondes")))]
pub async fn delete_profile(
    State(state): State<AuthState>,
    user: AuthUser,
    body: Result<Json<DeleteAccountRequest>, ApiError>,
) -> ApiResult<StatusCode> {
    // Who may before what they sent (the authorization matrix, #20).
    accounts::privacy::check_deletable(user.role)?;
    let Json(body) = body?;
    accounts::privacy::erase(
        &state.services,
        &state.cognito,
        &state.sns,
        &user,
        body.mot_de_passe.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The request's `User-Agent` (bytes that are not UTF-8 replaced).
fn user_agent(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

// --------------------------------------------------------- change-password

#[derive(Deserialize, Validate, ToSchema)]
pub struct ChangePasswordRequest {
    #[validate(required, length(min = 1, max = 256))]
    pub old_password: Option<String>,
    #[validate(required, custom(function = "validation::password"))]
    pub new_password: Option<String>,
}

#[utoipa::path(post, path = "/api/auth/change-password/", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 200, body = Detail, description = "Mot de passe changé ; mes autres sessions sont fermées, celle-ci reste ouverte"),
        (status = 400, description = "Ancien mot de passe incorrect, ou nouveau trop faible"),
        (status = 401, description = "Non authentifié"),
        (status = 429, description = "Trop d'échecs : réessayer après Retry-After secondes")))]
pub async fn change_password(
    State(state): State<AuthState>,
    user: AuthUser,
    headers: axum::http::HeaderMap,
    Json(body): Json<ChangePasswordRequest>,
) -> ApiResult<AxumJson<Detail>> {
    let services = &state.services;
    let config = &services.config;
    let window = config.login_throttle.window.as_secs();
    // Wrong old passwords count as failed logins of the account do.
    let limit = Limit {
        scope: "password-account",
        subject: user.sub.clone(),
        max: config.login_throttle.max_failures_per_account,
    };
    throttle::attempt(&services.store, std::slice::from_ref(&limit), window).await?;
    let token = crate::auth::bearer_of(&headers)?;
    let changed = state
        .cognito
        .change_password()
        .access_token(token)
        .previous_password(body.old_password.unwrap_or_default())
        .proposed_password(body.new_password.unwrap_or_default())
        .send()
        .await;
    if let Err(e) = changed {
        return Err(match error_code(&e) {
            Some("NotAuthorizedException") => {
                ApiError::field("old_password", "Mot de passe actuel incorrect.")
            }
            Some("InvalidPasswordException" | "InvalidParameterException") => {
                ApiError::field("new_password", "Mot de passe trop faible.")
            }
            Some("TooManyRequestsException" | "LimitExceededException") => {
                ApiError::Throttled { retry_after: 60 }
            }
            _ => internal(e),
        });
    }
    // The other logins end: a stolen token does not outlive the change.
    let (closed, reset) = tokio::join!(
        sessions::close_all_but(&services.store, &user.sub, Some(&user.session_id)),
        throttle::reset(&services.store, &limit, window),
    );
    closed?;
    reset?;
    Ok(detail(
        "Mot de passe changé. Vos autres sessions sont fermées.",
    ))
}

// ------------------------------------------------------------- resend-code

#[derive(Deserialize, Validate, ToSchema)]
pub struct ResendCodeRequest {
    #[validate(required, email)]
    pub email: Option<String>,
}

const CODE_SENT: &str =
    "Si un compte non vérifié existe pour cette adresse, un nouveau code lui a été envoyé.";

#[utoipa::path(post, path = "/api/auth/resend-code/", tag = "auth", request_body = ResendCodeRequest,
    responses((status = 200, body = Detail, description = "Même réponse que le compte existe, soit déjà vérifié, ou non"),
        (status = 400, description = "Champs invalides"),
        (status = 429, description = "Trop de demandes depuis cette adresse ou pour cet e-mail : réessayer après Retry-After secondes")))]
pub async fn resend_code(
    State(state): State<AuthState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResendCodeRequest>,
) -> ApiResult<AxumJson<Detail>> {
    let email = normalize_email(body.email.as_deref().unwrap_or_default());
    let limits = &state.services.config.rate_limits;
    limit_anonymous(
        &state,
        "resend-code",
        &ip,
        &email,
        (limits.resend_client, limits.resend_email),
    )
    .await?;
    let sent = state
        .cognito
        .resend_confirmation_code()
        .client_id(&state.services.config.user_pool_client_id)
        .username(&email)
        .send()
        .await;
    hide_refusal(sent, "resend_code_ignored")?;
    Ok(detail(CODE_SENT))
}

// ---------------------------------------------------------------- sessions

/// One of my login sessions.
#[derive(Serialize, ToSchema)]
#[schema(as = SessionConnexion)]
pub struct SessionView {
    /// Its id, for `DELETE /api/auth/sessions/{id}/`.
    pub id: String,
    pub date_creation: String,
    /// The last login or token refresh (an access token lives an hour).
    pub derniere_utilisation: String,
    /// The client's `User-Agent` at login.
    pub client: Option<String>,
    /// The address it logged in from.
    pub adresse: Option<String>,
    /// True for the session of this request.
    pub courante: bool,
}

impl SessionView {
    /// `session` as its holder sees it, `current` being this request's.
    pub fn of(session: sessions::Session, current: &str) -> SessionView {
        SessionView {
            id: session.id().to_string(),
            courante: session.id() == current,
            date_creation: epoch_text(session.created_at),
            derniere_utilisation: epoch_text(session.last_used.max(session.created_at)),
            client: session.user_agent,
            adresse: session.ip,
        }
    }
}

fn epoch_text(secs: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs as i64)
        .map(crate::text::rfc3339)
        .unwrap_or_default()
}

/// The sessions routes are limited per user, as the other routes that
/// touch credentials are.
async fn limit_sessions(state: &AuthState, user: &AuthUser) -> ApiResult<()> {
    throttle::limit(
        &state.services.store,
        "sessions",
        [(
            Caller::User(&user.sub),
            state.services.config.rate_limits.sessions,
        )],
    )
    .await
}

#[utoipa::path(get, path = "/api/auth/sessions/", tag = "auth", security(("bearer" = [])),
    params(crate::page::PageParams),
    responses((status = 200, body = crate::cursor::Paginated<SessionView>, description = "Mes sessions ouvertes, par id (un ordre stable, pas chronologique : chacune dit ses dates), avec leur nombre"),
        (status = 400, description = "Taille de page ou curseur invalide"),
        (status = 401, description = "Non authentifié"),
        (status = 429, description = "Trop de demandes : réessayer après Retry-After secondes")))]
pub async fn sessions_list(
    State(state): State<AuthState>,
    user: AuthUser,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> ApiResult<AxumJson<crate::cursor::Paginated<SessionView>>> {
    use crate::page::{Filter, Listing};
    limit_sessions(&state, &user).await?;
    let services = &state.services;
    let now = crate::store::now_epoch();
    let live = Filter::all(vec![(
        "expires_at",
        ">",
        aws_sdk_dynamodb::types::AttributeValue::N(now.to_string()),
    )]);
    let list = Listing::table(
        crate::store::keys::user(&user.sub).0,
        crate::store::keys::SESSION_PREFIX,
    )
    .filter(live);
    let scope = format!("sessions:{}", user.sub);
    let (page, count) = tokio::join!(
        list.respond::<sessions::Session>(services, &scope, &uri),
        list.count(&services.store)
    );
    let mut page = page?;
    let results = std::mem::take(&mut page.results)
        .into_iter()
        .map(|s| SessionView::of(s, &user.session_id))
        .collect();
    Ok(AxumJson(
        page.with_results(results).counted(count?.map(|n| n as i64)),
    ))
}

#[utoipa::path(delete, path = "/api/auth/sessions/{id}/", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id d'une de mes sessions")),
    responses((status = 204, description = "Fermée : ses jetons d'accès et de rafraîchissement sont refusés dès maintenant (la session courante aussi, comme une déconnexion)"),
        (status = 401, description = "Non authentifié"),
        (status = 404, description = "Pas une de mes sessions ouvertes"),
        (status = 429, description = "Trop de demandes : réessayer après Retry-After secondes")))]
pub async fn session_close(
    State(state): State<AuthState>,
    user: AuthUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    limit_sessions(&state, &user).await?;
    let id = crate::store::path_id(&id)?;
    if sessions::close_one(&state.services.store, &user.sub, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// How many sessions were closed.
#[derive(Serialize, ToSchema)]
pub struct Closed {
    pub detail: String,
    pub fermees: usize,
}

#[utoipa::path(post, path = "/api/auth/sessions/logout-others/", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Closed, description = "Toutes mes autres sessions sont fermées ; celle-ci reste ouverte"),
        (status = 401, description = "Non authentifié"),
        (status = 429, description = "Trop de demandes : réessayer après Retry-After secondes")))]
pub async fn sessions_close_others(
    State(state): State<AuthState>,
    user: AuthUser,
) -> ApiResult<AxumJson<Closed>> {
    limit_sessions(&state, &user).await?;
    let fermees =
        sessions::close_all_but(&state.services.store, &user.sub, Some(&user.session_id)).await?;
    Ok(AxumJson(Closed {
        detail: "Vos autres sessions sont fermées.".into(),
        fermees,
    }))
}
