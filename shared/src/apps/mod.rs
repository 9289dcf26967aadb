//! The DestinyJobs React apps' API (#19, docs/apps-api.md): their paths,
//! names and shapes, translated to ours. A translation never decides
//! anything: it renames (`mapping`), then calls the same route of ours
//! that our own clients call, so every rule, check and write is the one
//! our API has.

pub mod api;
pub mod mapping;
pub mod openapi;

/// Declares the apps' function (`functions/apps`): `ours`, every area's
/// routes merged as API Gateway routes them to the functions (the dev
/// server serves it too), and `router`, the apps' API over it. A macro,
/// like `area!`: the function crate links the areas' crates, and this
/// names them.
#[macro_export]
macro_rules! apps_area {
    () => {
        /// Every area's routes and the docs, with the HTTP conventions.
        pub fn ours(
            services: std::sync::Arc<$crate::Services>,
            sdk: &aws_config::SdkConfig,
        ) -> Result<axum::Router, $crate::config::ConfigError> {
            let notifying = $crate::notifications::events::Notifying::new(services.clone(), sdk)?;
            let config = services.config.clone();
            let api = axum::Router::new()
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
            Ok($crate::http::conventions(api, &config))
        }

        /// The apps' API over `ours`, with CORS for the apps' origins
        /// (`origins`, or their dev and preview servers by default).
        pub fn router(
            services: std::sync::Arc<$crate::Services>,
            sdk: &aws_config::SdkConfig,
            origins: Option<Vec<String>>,
        ) -> Result<axum::Router, $crate::config::ConfigError> {
            let mut config = services.config.clone();
            config.cors_allowed_origins =
                origins.unwrap_or_else($crate::apps::api::default_origins);
            let ours = ours(services, sdk)?;
            Ok($crate::http::conventions(
                $crate::apps::api::router(ours),
                &config,
            ))
        }
    };
}
