//! JSON logs, one object per line, with the request span's fields
//! (request id, method, path) on every line.

use tracing_subscriber::EnvFilter;

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once `init` ran: logging is on (functions, the dev server, tests
/// with `TEST_LOGS=1`).
pub fn enabled() -> bool {
    ENABLED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Installs the subscriber once; later calls are no-ops.
pub fn init() {
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
}
