#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    // In AWS the origins are the stack's parameter, none when it is empty
    // (the localhost defaults are the dev server's).
    let origins: Vec<String> = std::env::var("APPS_CORS_ALLOWED_ORIGINS")
        .unwrap_or_default()
        .split(',')
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    let origins = Some(origins);
    let services = shared::Services::new(config, &sdk);
    shared::http::run_lambda(apps::router(services, &sdk, origins)?).await
}
