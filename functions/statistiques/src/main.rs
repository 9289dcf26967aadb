#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    let sdk = shared::aws_config().await;
    let state = shared::Services::new(config.clone(), &sdk);
    shared::http::run_lambda(shared::http::conventions(
        statistiques::router(state),
        &config,
    ))
    .await
}
