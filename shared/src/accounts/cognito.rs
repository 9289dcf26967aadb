//! Account operations that span the identity provider and the table.

use aws_sdk_cognitoidentityprovider::Client as Cognito;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};

use crate::accounts::{self, BaseEdit, TypeEdit};
use crate::auth::Role;
use crate::error::{ApiError, ApiResult};
use crate::store::Store;
use crate::{Config, sessions};

/// The error code of a failed Cognito call (`NotAuthorizedException`...),
/// or None for a transport failure.
pub fn error_code<E: ProvideErrorMetadata, R>(
    err: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> Option<&str> {
    err.as_service_error().and_then(|e| e.code())
}

pub fn error_message<E: ProvideErrorMetadata, R>(
    err: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> &str {
    err.as_service_error()
        .and_then(|e| e.message())
        .unwrap_or("")
}

/// A Cognito failure no handler expects: logged in full, a 503 when
/// Cognito was unavailable, else a plain 500 (`ApiError`'s `From`).
pub fn internal<E>(
    err: aws_sdk_cognitoidentityprovider::error::SdkError<E, crate::error::HttpResponse>,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    ApiError::from(err)
}

/// Deactivates or reactivates an account, at once: the profile flag (login
/// refuses inactive accounts), the identity (Cognito refuses it too), and,
/// on deactivation, every open session (tokens already held stop working).
/// `admin` is who did it (audited). 409 when the account already is in
/// that state. Returns the updated profile.
pub async fn set_active(
    store: &Store,
    cognito: &Cognito,
    config: &Config,
    sub: &str,
    active: bool,
    admin: Option<&str>,
) -> ApiResult<accounts::Profile> {
    let (mut profile, deleting) = accounts::privacy::profile_item(store, sub)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Its owner is deleting it: it stays inactive until it is gone.
    if active && deleting {
        return Err(accounts::privacy::reactivation_refused());
    }
    let entry = admin.map(|a| {
        let action = if active {
            "reactiver_compte"
        } else {
            "desactiver_compte"
        };
        crate::logs::audit::Entry::new(a, action, "utilisateur", sub, None)
    });
    // Order matters on deactivation: once the flag is off no new session
    // opens, then the open ones are closed; the identity provider comes
    // last, so its failure cannot leave a token working. The steps after
    // the flag run even when it was already set: a call that failed
    // half-way is completed by the next one (which then answers 409).
    let flipped = accounts::set_active(store, &profile, active, entry.as_ref()).await?;
    let pool = &config.user_pool_id;
    if active {
        cognito
            .admin_enable_user()
            .user_pool_id(pool)
            .username(&profile.email)
            .send()
            .await
            .map_err(internal)?;
    } else {
        sessions::close_all(store, sub).await?;
        cognito
            .admin_disable_user()
            .user_pool_id(pool)
            .username(&profile.email)
            .send()
            .await
            .map_err(internal)?;
    }
    if !flipped
        && active
        && accounts::privacy::profile_item(store, sub)
            .await?
            .is_some_and(|(_, d)| d)
    {
        return Err(accounts::privacy::reactivation_refused());
    }
    if !flipped {
        return Err(ApiError::Conflict(if active {
            "Ce compte est déjà actif.".into()
        } else {
            "Ce compte est déjà désactivé.".into()
        }));
    }
    profile.is_active = active;
    profile.date_modification = time::OffsetDateTime::now_utc();
    Ok(profile)
}

/// Creates the admin account if missing, and makes sure its password,
/// group and profile are as configured. Safe to run at every start.
pub async fn ensure_admin(
    store: &Store,
    cognito: &Cognito,
    config: &Config,
    email: &str,
    password: &str,
) -> ApiResult<String> {
    let pool = &config.user_pool_id;
    let email = email.trim().to_lowercase();
    let created = cognito
        .admin_create_user()
        .user_pool_id(pool)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(&email)
                .build()
                .map_err(ApiError::internal)?,
        )
        .user_attributes(
            AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .map_err(ApiError::internal)?,
        )
        .send()
        .await;
    let attributes = match created {
        Ok(out) => out
            .user
            .map(|u| u.attributes.unwrap_or_default())
            .unwrap_or_default(),
        Err(e) if error_code(&e) == Some("UsernameExistsException") => cognito
            .admin_get_user()
            .user_pool_id(pool)
            .username(&email)
            .send()
            .await
            .map_err(internal)?
            .user_attributes
            .unwrap_or_default(),
        Err(e) => return Err(internal(e)),
    };
    let sub = sub_attribute(&attributes)
        .ok_or_else(|| ApiError::internal("admin user has no sub"))?
        .to_string();
    cognito
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(&email)
        .password(password)
        .permanent(true)
        .send()
        .await
        .map_err(internal)?;
    cognito
        .admin_add_user_to_group()
        .user_pool_id(pool)
        .username(&email)
        .group_name(Role::Admin.as_str())
        .send()
        .await
        .map_err(internal)?;
    let base = BaseEdit {
        nom: Some("Administrateur".into()),
        prenom: Some("DestinyJobs".into()),
        ..BaseEdit::default()
    };
    let details = accounts::new_details(Role::Admin, TypeEdit::Admin)?;
    let profile = accounts::new_profile(sub.clone(), email, base, details, true)?;
    accounts::create(store, &profile).await?; // false: already there, kept as is
    Ok(sub)
}

/// The `sub` among a Cognito user's attributes.
pub fn sub_attribute(attributes: &[AttributeType]) -> Option<&str> {
    attributes
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
}

/// The `sub` of the identity named `email`, if there is one.
pub async fn sub_of(cognito: &Cognito, config: &Config, email: &str) -> ApiResult<Option<String>> {
    match cognito
        .admin_get_user()
        .user_pool_id(&config.user_pool_id)
        .username(email)
        .send()
        .await
    {
        Ok(user) => Ok(sub_attribute(user.user_attributes()).map(String::from)),
        Err(e) if error_code(&e) == Some("UserNotFoundException") => Ok(None),
        Err(e) => Err(internal(e)),
    }
}

/// What the identity provider says of a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    Right,
    Wrong,
    /// No identity of that name (any more).
    NoIdentity,
}

/// Checks `password` for the identity `email` with the sign-in the login
/// uses (USER_PASSWORD_AUTH); nothing changes. The tokens it mints open
/// no session, so they are good for nothing here and are dropped.
pub async fn check_password(
    cognito: &Cognito,
    config: &Config,
    email: &str,
    password: &str,
) -> ApiResult<PasswordCheck> {
    let auth = cognito
        .initiate_auth()
        .client_id(&config.user_pool_client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await;
    match auth {
        Ok(_) => Ok(PasswordCheck::Right),
        Err(e) => match error_code(&e) {
            Some("NotAuthorizedException" | "InvalidParameterException") => {
                Ok(PasswordCheck::Wrong)
            }
            Some("UserNotFoundException") => Ok(PasswordCheck::NoIdentity),
            Some("TooManyRequestsException") => Err(ApiError::Throttled { retry_after: 1 }),
            _ => Err(internal(e)),
        },
    }
}
