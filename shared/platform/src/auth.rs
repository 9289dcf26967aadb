//! Bearer-token authentication: RS256 verification against the user pool's
//! JWKS (fetched once per warm instance), then the session check that makes
//! logout and deactivation take effect at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::Services;
use crate::error::{ApiError, ApiResult};
use crate::sessions;

/// The four account types; `type_compte` in the API, a Cognito group in
/// the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Candidat,
    Recruteur,
    Prestataire,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Candidat,
        Role::Recruteur,
        Role::Prestataire,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidat => "candidat",
            Role::Recruteur => "recruteur",
            Role::Prestataire => "prestataire",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role carried by a token's groups. Admin wins if a user is in
    /// several groups, then the first known group.
    pub fn from_groups(groups: &[String]) -> Option<Role> {
        if groups.iter().any(|g| g == "admin") {
            return Some(Role::Admin);
        }
        groups.iter().find_map(|g| Role::parse(g))
    }
}

/// The claims of a Cognito access token that we rely on.
#[derive(Clone, Debug, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub client_id: String,
    pub token_use: String,
    /// Identifies the login (refresh-token family) this token belongs to.
    pub origin_jti: String,
    #[serde(default, rename = "cognito:groups")]
    pub groups: Vec<String>,
    pub exp: u64,
}

/// Verifies access tokens. One per warm instance; the key set is cached
/// and re-fetched only for an unknown key id (rotation), at most once a
/// minute.
pub struct Verifier {
    jwks_url: String,
    issuer: String,
    client_id: String,
    keys: RwLock<Option<(Arc<JwkSet>, Instant)>>,
}

const REFETCH_INTERVAL: Duration = Duration::from_secs(60);

impl Verifier {
    pub fn new(jwks_url: String, issuer: String, client_id: String) -> Self {
        Verifier {
            jwks_url,
            issuer,
            client_id,
            keys: RwLock::new(None),
        }
    }

    /// Checks signature, expiry, issuer, client id and token use.
    pub async fn verify(&self, token: &str) -> ApiResult<AccessClaims> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::invalid_token())?;
        if header.alg != Algorithm::RS256 {
            return Err(ApiError::invalid_token());
        }
        let kid = header.kid.ok_or_else(ApiError::invalid_token)?;
        let jwk = self.key(&kid).await?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| ApiError::invalid_token())?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key, &validation)
            .map_err(|_| ApiError::invalid_token())?;
        let claims = data.claims;
        if claims.token_use != "access" || claims.client_id != self.client_id {
            return Err(ApiError::invalid_token());
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> ApiResult<jsonwebtoken::jwk::Jwk> {
        if let Some(found) = cached(self.keys.read().await.as_ref(), kid) {
            return found;
        }
        let mut guard = self.keys.write().await;
        // Another request may have refreshed the set while we waited.
        if let Some(found) = cached(guard.as_ref(), kid) {
            return found;
        }
        let set = Arc::new(fetch_jwks(&self.jwks_url).await?);
        *guard = Some((set.clone(), Instant::now()));
        set.find(kid).cloned().ok_or_else(ApiError::invalid_token)
    }
}

/// The key from the cached set; an unknown key id is refused without a
/// fetch while the set is fresh; `None`: fetch the set.
fn cached(
    keys: Option<&(Arc<JwkSet>, Instant)>,
    kid: &str,
) -> Option<ApiResult<jsonwebtoken::jwk::Jwk>> {
    let (set, fetched) = keys?;
    match set.find(kid) {
        Some(jwk) => Some(Ok(jwk.clone())),
        None if fetched.elapsed() < REFETCH_INTERVAL => Some(Err(ApiError::invalid_token())),
        None => None,
    }
}

async fn fetch_jwks(url: &str) -> ApiResult<JwkSet> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Empty<Bytes>>(connector);
    let uri: hyper::Uri = url
        .parse()
        .map_err(|e| ApiError::internal(format!("JWKS_URL {url}: {e}")))?;
    let fetch = async {
        let response = client
            .get(uri)
            .await
            .map_err(|e| ApiError::Unavailable(format!("JWKS fetch: {e}")))?;
        if !response.status().is_success() {
            return Err(ApiError::Unavailable(format!(
                "JWKS fetch: HTTP {}",
                response.status()
            )));
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| ApiError::Unavailable(format!("JWKS body: {e}")))?;
        serde_json::from_slice::<JwkSet>(&body.to_bytes())
            .map_err(|e| ApiError::Unavailable(format!("JWKS parse: {e}")))
    };
    // The key set is Cognito's: when it cannot be had, Cognito is
    // unavailable (a 503), in at most 3 s.
    tokio::time::timeout(Duration::from_secs(3), fetch)
        .await
        .map_err(|_| ApiError::Unavailable("JWKS fetch timed out".into()))?
}

/// The caller, authenticated: a valid access token whose session is live.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub sub: String,
    pub role: Role,
    /// The session (login) the token belongs to.
    pub session_id: String,
}

impl AuthUser {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// The raw bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> ApiResult<&str> {
    bearer_of(&parts.headers)
}

/// The raw bearer token in `headers`, if any.
pub fn bearer_of(headers: &http::HeaderMap) -> ApiResult<&str> {
    let value = headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            "Informations d'authentification non fournies.",
            "not_authenticated",
        )
    })?;
    let value = value.to_str().map_err(|_| ApiError::invalid_token())?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::invalid_token()),
    }
}

/// Verifies a token and its session: the one path every authenticated
/// request takes.
pub async fn authenticate(services: &Services, token: &str) -> ApiResult<AuthUser> {
    let claims = services.verifier.verify(token).await?;
    let role = Role::from_groups(&claims.groups).ok_or_else(ApiError::invalid_token)?;
    if !sessions::is_live(&services.store, &claims.sub, &claims.origin_jti).await? {
        return Err(ApiError::invalid_token());
    }
    Ok(AuthUser {
        sub: claims.sub,
        role,
        session_id: claims.origin_jti,
    })
}

impl<S> FromRequestParts<S> for AuthUser
where
    S: Send + Sync,
    Arc<Services>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let services = Arc::<Services>::from_ref(state);
        let user = authenticate(&services, bearer(parts)?).await?;
        if let Some(caller) = parts.extensions.get::<crate::monitoring::Caller>() {
            caller.set_user(&user.sub);
        }
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_from_groups_prefers_admin_and_ignores_unknown() {
        let g = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Role::from_groups(&g(&["recruteur", "admin"])),
            Some(Role::Admin)
        );
        assert_eq!(
            Role::from_groups(&g(&["beta", "candidat"])),
            Some(Role::Candidat)
        );
        assert_eq!(Role::from_groups(&g(&["beta"])), None);
        assert_eq!(Role::from_groups(&[]), None);
    }

    #[test]
    fn require_admits_only_the_listed_roles() {
        let user = |role| AuthUser {
            sub: "s".into(),
            role,
            session_id: "j".into(),
        };
        assert!(
            user(Role::Recruteur)
                .require(&[Role::Recruteur, Role::Admin])
                .is_ok()
        );
        assert!(matches!(
            user(Role::Candidat).require(&[Role::Recruteur, Role::Admin]),
            Err(ApiError::Forbidden(_))
        ));
        assert!(user(Role::Admin).is_admin() && !user(Role::Prestataire).is_admin());
    }

    #[test]
    fn role_round_trips() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}

/// The caller, authenticated and an admin (403 otherwise), checked before
/// the body is read: a non-admin learns nothing from its body's errors.
#[derive(Clone, Debug)]
pub struct AdminUser(pub AuthUser);

impl<S> FromRequestParts<S> for AdminUser
where
    S: Send + Sync,
    Arc<Services>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        user.require(&[Role::Admin])?;
        Ok(AdminUser(user))
    }
}
