//! JSON logs, one object per line, with the request span's fields
//! (request id, method, path) on every line.

use tracing_subscriber::EnvFilter;

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once `init` ran: logging is on (functions, the dev server, tests
/// with `TEST_LOGS=1`).
pub fn enabled() -> bool {
    ENABLED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The phases of a cold start inside `main`, logged once as the `init`
/// event (info) when the function starts serving (`http::run_lambda`):
/// from `init` (the first line of every main) to serving, and within it
/// the logger, the AWS configuration and the clients. What comes before
/// main (exec, loading the binary) and the first event are the rest of the
/// cold start the bench measures.
pub mod startup {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;

    static MAIN: OnceLock<Instant> = OnceLock::new();
    pub(crate) static TELEMETRY_US: AtomicU64 = AtomicU64::new(0);
    pub(crate) static SDK_US: AtomicU64 = AtomicU64::new(0);
    pub(crate) static SERVICES_US: AtomicU64 = AtomicU64::new(0);

    pub(crate) fn begin() -> Instant {
        *MAIN.get_or_init(Instant::now)
    }

    pub(crate) fn record(slot: &AtomicU64, since: Instant) {
        slot.store(since.elapsed().as_micros() as u64, Ordering::Relaxed);
    }

    /// The `init` event, once the function is about to serve.
    pub fn log() {
        let Some(main) = MAIN.get() else { return };
        let us = |slot: &AtomicU64| slot.load(Ordering::Relaxed);
        let total = main.elapsed().as_micros() as u64;
        let (telemetry, sdk, services) = (us(&TELEMETRY_US), us(&SDK_US), us(&SERVICES_US));
        tracing::info!(
            event = "init",
            main_us = total,
            telemetry_us = telemetry,
            sdk_config_us = sdk,
            services_us = services,
            other_us = total.saturating_sub(telemetry + sdk + services),
            "ready to serve"
        );
    }
}

/// Installs the subscriber once; later calls are no-ops.
pub fn init() {
    let started = startup::begin();
    ENABLED.store(true, std::sync::atomic::Ordering::Relaxed);
    let filter = EnvFilter::try_from_env("LOG_LEVEL")
        .or_else(|_| EnvFilter::try_new("info,aws_config=warn,aws_smithy_runtime=warn,hyper=warn"))
        .expect("valid log filter");
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .with_ansi(false)
        .without_time()
        .try_init();
    startup::record(&startup::TELEMETRY_US, started);
}
