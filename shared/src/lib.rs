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
    Lazy, Services, auth, aws_config, config, cursor, docs, error, http, http_client, json,
    metrics, monitoring, page, sessions, store, telemetry, text, throttle, validation,
};

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod apps;
pub mod logs;
pub mod messages;
pub mod notifications;
pub mod publications;
pub mod reference;
pub mod search;
pub mod stats;
pub mod uploads;

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

#[cfg(test)]
mod tests {
    /// A function crate is an area declaration and a short main (#16):
    /// its handlers, rules and storage live in their slice here. `docs`
    /// serves the embedded OpenAPI document and links no area code.
    #[test]
    fn function_crates_only_declare_their_area() {
        let functions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions");
        let mut seen = 0;
        for entry in std::fs::read_dir(functions).unwrap() {
            let dir = entry.unwrap().path();
            if dir.file_name().unwrap() == "docs" {
                continue;
            }
            let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
            for line in lib.lines().map(str::trim) {
                let code = !line.is_empty() && !line.starts_with("//");
                let declares = [
                    "fn ", "struct ", "enum ", "impl ", "mod ", "trait ", "const ", "static ",
                ]
                .iter()
                .any(|word| line.contains(word));
                let imports = line.starts_with("use ")
                    || (line.contains("use ") && !line.starts_with("pub use shared::"));
                assert!(
                    !(code && (declares || imports)),
                    "{}: `{line}` belongs in its slice in shared/src",
                    dir.display()
                );
            }
            let main = std::fs::read_to_string(dir.join("src/main.rs")).unwrap();
            assert!(
                main.lines().count() <= 25,
                "{}: main.rs is a few lines",
                dir.display()
            );
            seen += 1;
        }
        assert_eq!(seen, 15, "every function but docs");
    }
}
