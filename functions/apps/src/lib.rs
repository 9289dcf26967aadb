//! The apps' Lambda (#19, docs/apps-api.md): the React apps' routes,
//! translated (`shared::apps`) to every area's, which it serves in
//! process. The areas' routes are merged here once: the dev server serves
//! the same router.

use std::sync::Arc;

use axum::Router;
use shared::Services;
use shared::config::ConfigError;

/// Every area's routes and the docs, with the HTTP conventions: our API,
/// as API Gateway routes it to the functions.
pub fn ours(services: Arc<Services>, sdk: &aws_config::SdkConfig) -> Result<Router, ConfigError> {
    let notifying = shared::notifications::events::Notifying::new(services.clone(), sdk)?;
    let config = services.config.clone();
    let api = Router::new()
        .merge(auth::router(auth::AuthState::new(services.clone(), sdk)))
        .merge(uploads::router(services.clone()))
        .merge(admin::router(admin::AreaState::new(services.clone(), sdk)?))
        .merge(recherche::router(services.clone()))
        .merge(statistiques::router(services))
        .merge(messages::router(notifying.clone()))
        .merge(offres::router(notifying.clone()))
        .merge(financements::router(notifying.clone()))
        .merge(bourses::router(notifying.clone()))
        .merge(consultations::router(notifying.clone()))
        .merge(candidatures::router(notifying.clone()))
        .merge(notifications::router(notifying))
        .merge(docs::router());
    Ok(shared::http::conventions(api, &config))
}

/// The apps' API over ours, with CORS for the apps' origins (`origins`,
/// or their dev and preview servers by default).
pub fn router(
    services: Arc<Services>,
    sdk: &aws_config::SdkConfig,
    origins: Option<Vec<String>>,
) -> Result<Router, ConfigError> {
    let mut config = services.config.clone();
    config.cors_allowed_origins = origins.unwrap_or_else(shared::apps::api::default_origins);
    let ours = ours(services, sdk)?;
    Ok(shared::http::conventions(
        shared::apps::api::router(ours),
        &config,
    ))
}
