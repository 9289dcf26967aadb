//! `make run`: bootstraps the emulator, creates the admin account, then
//! serves the whole API on 127.0.0.1:$PORT.

use std::net::SocketAddr;

use infra::local;

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shared::telemetry::init();
    let endpoint = env("AWS_ENDPOINT_URL").unwrap_or_else(|| "http://127.0.0.1:4566".into());
    let region = env("AWS_REGION").unwrap_or_else(|| local::DEFAULT_REGION.into());
    let stack = env("STACK_NAME").unwrap_or_else(|| local::DEFAULT_STACK.into());
    let port: u16 = env("PORT").map(|p| p.parse()).transpose()?.unwrap_or(3000);

    let sdk = local::sdk_config(&endpoint, &region).await;
    let resources = local::bootstrap(&sdk, &stack).await?;
    let config = local::config(&endpoint, &region, &resources, env)?;

    let admin_email = env("ADMIN_EMAIL").unwrap_or_else(|| local::DEFAULT_ADMIN_EMAIL.into());
    let admin_password =
        env("ADMIN_PASSWORD").unwrap_or_else(|| local::DEFAULT_ADMIN_PASSWORD.into());
    let services = shared::Services::new(config.clone(), &sdk);
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    shared::accounts::ensure_admin(
        &services.store,
        &cognito,
        &config,
        &admin_email,
        &admin_password,
    )
    .await
    .map_err(|e| format!("admin account: {e}"))?;

    // The variables `cargo lambda watch` needs to run the same functions.
    let env_file = local::project_root().join(".local.env");
    std::fs::write(
        &env_file,
        format!(
            "APP_ENV=local\nAWS_REGION={region}\nAWS_ENDPOINT_URL={endpoint}\nAWS_ACCESS_KEY_ID=test\nAWS_SECRET_ACCESS_KEY=test\nTABLE_NAME={}\nUSER_POOL_ID={}\nUSER_POOL_CLIENT_ID={}\nJWKS_URL={}\nAUTO_CONFIRM_EMAIL={}\n",
            config.table_name,
            config.user_pool_id,
            config.user_pool_client_id,
            config.jwks_url,
            config.auto_confirm_email
        ),
    )?;

    let app = local::app(config.clone(), &sdk);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!();
    println!("  DestinyJobs API   http://{addr}/api/");
    println!("  Docs              http://{addr}/api/docs/");
    println!("  OpenAPI           http://{addr}/api/openapi.json");
    println!("  Emulator          {endpoint}  (sent mail: {endpoint}/moto-api/data.json)");
    println!("  Admin account     {admin_email} / {admin_password}");
    println!("  Emails auto-confirmed: {}", config.auto_confirm_email);
    println!();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
