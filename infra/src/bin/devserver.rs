//! `make run`: serves the whole API on 127.0.0.1:$PORT.
//!
//! Local mode (default): bootstraps the template's resources into the
//! emulator at AWS_ENDPOINT_URL and creates the admin account.
//! Existing-stack mode (USER_POOL_ID set): uses the deployed stack named by
//! the environment (real AWS, or LocalStack via AWS_ENDPOINT_URL) as is.

use std::net::SocketAddr;

use infra::local;

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shared::telemetry::init();
    let port: u16 = env("PORT").map(|p| p.parse()).transpose()?.unwrap_or(3000);

    let (sdk, config, admin, queue) = if env("USER_POOL_ID").is_some() {
        let sdk = shared::aws_config().await;
        let config = shared::Config::from_env()?;
        let admin = env("ADMIN_EMAIL").zip(env("ADMIN_PASSWORD"));
        // In AWS the queue feeds the deployed notifier; drain it here
        // only when asked to (NOTIFICATIONS_QUEUE_URL).
        (sdk, config, admin, env("NOTIFICATIONS_QUEUE_URL"))
    } else {
        let endpoint = env("AWS_ENDPOINT_URL").unwrap_or_else(|| "http://127.0.0.1:4566".into());
        let region = env("AWS_REGION").unwrap_or_else(|| local::DEFAULT_REGION.into());
        let stack = env("STACK_NAME").unwrap_or_else(|| local::DEFAULT_STACK.into());
        let sdk = local::sdk_config(&endpoint, &region).await;
        let resources = local::bootstrap(&sdk, &stack).await?;
        let config = local::config(&endpoint, &region, &resources, env)?;
        let admin = (
            env("ADMIN_EMAIL").unwrap_or_else(|| local::DEFAULT_ADMIN_EMAIL.into()),
            env("ADMIN_PASSWORD").unwrap_or_else(|| local::DEFAULT_ADMIN_PASSWORD.into()),
        );
        if env("WRITE_LOCAL_ENV").as_deref() != Some("false") {
            local::write_env_file(&config, &endpoint)?;
        }
        let queue = resources.id("NotificationsQueue").map(String::from);
        (sdk, config, Some(admin), queue)
    };
    if let Some((email, password)) = &admin {
        local::ensure_admin(&sdk, &config, email, password).await?;
    }

    // The benchmark drains the queue in its own process, and only while it
    // sets up, so that a route's own time is its work, not the drain's.
    let in_process_jobs = env("IN_PROCESS_JOBS").as_deref() != Some("false");
    if let Some(queue) = queue.filter(|_| in_process_jobs) {
        let retry = env("NOTIFIER_RETRY_SECONDS")
            .map(|s| s.parse())
            .transpose()?
            .unwrap_or(2);
        local::start_notifier(&config, &sdk, queue, std::time::Duration::from_secs(retry))?;
        let every = env("REMINDERS_INTERVAL_SECONDS")
            .map(|s| s.parse())
            .transpose()?
            .unwrap_or(60);
        local::start_reminders(&config, &sdk, std::time::Duration::from_secs(every))?;
    }
    let app = local::app(config.clone(), &sdk)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    // The apps' API (#19), where the apps look for it.
    let apps_port: u16 = env("APPS_PORT")
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(8000);
    let apps_origins = env("APPS_CORS_ALLOWED_ORIGINS").map(|v| {
        v.split(',')
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect()
    });
    let apps = local::apps_app(config.clone(), &sdk, apps_origins)?;
    let apps_addr = SocketAddr::from(([127, 0, 0, 1], apps_port));
    let apps_listener = tokio::net::TcpListener::bind(apps_addr).await?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(
            apps_listener,
            apps.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        {
            eprintln!("the apps' API stopped: {e}");
        }
    });
    let endpoint = env("AWS_ENDPOINT_URL").unwrap_or_else(|| "real AWS".into());
    println!();
    println!("  DestinyJobs API   http://{addr}/api/");
    println!("  Docs              http://{addr}/api/docs/");
    println!("  OpenAPI           http://{addr}/api/openapi.json");
    println!(
        "  The apps' API     http://{apps_addr}/api/  (#19: docs/apps-api.md lists what it serves; the rest 501)"
    );
    println!("  AWS endpoint      {endpoint}  (emulator's sent mail: /moto-api/data.json)");
    if let Some((email, password)) = &admin {
        println!("  Admin account     {email} / {password}");
    }
    println!("  Emails auto-confirmed: {}", config.auto_confirm_email);
    println!(
        "  Notifications     delivered in-process from the queue (email, push, SMS: see /moto-api/data.json)"
    );
    println!(
        "  Scheduled jobs    interview reminders and deadlines checked every REMINDERS_INTERVAL_SECONDS (60)"
    );
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
