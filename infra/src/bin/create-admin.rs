//! Creates (or repairs) an admin account in a deployed stack. Reads the
//! functions' configuration (TABLE_NAME, USER_POOL_ID, ...) and
//! ADMIN_EMAIL / ADMIN_PASSWORD from the environment.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = shared::Config::from_env()?;
    let email = std::env::var("ADMIN_EMAIL").map_err(|_| "ADMIN_EMAIL is required")?;
    let password = std::env::var("ADMIN_PASSWORD").map_err(|_| "ADMIN_PASSWORD is required")?;
    let sdk = shared::aws_config().await;
    let sub = infra::local::ensure_admin(&sdk, &config, &email, &password).await?;
    println!("admin {email} ready (id {sub})");
    Ok(())
}
