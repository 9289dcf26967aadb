#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    // Empty: the apps' dev and preview servers (the default).
    let origins = std::env::var("APPS_CORS_ALLOWED_ORIGINS")
        .ok()
        .map(|v| {
            v.split(',')
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|origins| !origins.is_empty());
    let services = shared::Services::new(config, &sdk);
    shared::http::run_lambda(apps::router(services, &sdk, origins)?).await
}
