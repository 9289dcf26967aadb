//! The DestinyJobs domain: one slice per area (its rules as plain
//! functions, its storage, its HTTP handlers), over the `platform` crate,
//! which knows no domain. docs/architecture.md draws the house.
//!
//! The platform's modules are re-exported here, so a function crate
//! depends on this crate alone and writes `shared::error::ApiError` as
//! before; inside a slice, `crate::store` is the platform's table.

pub use platform;
#[cfg(feature = "s3")]
pub use platform::files;
pub use platform::{ApiError, ApiResult, Config};
pub use platform::{
    Services, auth, aws_config, config, cursor, docs, error, http, http_client, json, metrics,
    monitoring, page, sessions, store, telemetry, text, throttle, validation,
};

#[cfg(feature = "cognito")]
pub mod accounts;
pub mod applications;
pub mod audit;
pub mod events;
pub mod figures;
pub mod logs;
pub mod mail;
pub mod messages;
pub mod notifications;
pub mod publications;
pub mod review;
pub mod search;
pub mod stats;
pub mod uploads;
pub mod users;

/// Declares an area's routes once, from its handlers (each with a
/// `#[utoipa::path]`): the platform's `area!`, with every answered request
/// going to the system log (`logs::SystemLog`), which keeps server errors
/// and slow requests. Generates `routes()`, `openapi()` and `router(state)`.
#[macro_export]
macro_rules! area {
    ($state:ty; $($handler:ident),+ $(,)?) => {
        $crate::platform::area!($crate::logs::SystemLog; $state; $($handler),+);
    };
}
