#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let config = shared::Config::from_env()?;
    shared::http::run_lambda(shared::http::conventions(docs::router(), &config)).await
}
