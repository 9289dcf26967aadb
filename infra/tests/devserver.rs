//! `make run`'s server, as a process: against a fresh emulator it creates
//! the resources and the admin, serves the API and the docs on $PORT; a
//! second start on the same emulator works too (idempotent bootstrap).

use std::process::Stdio;
use std::time::{Duration, Instant};

use infra::emulator::{Emulator, free_port};
use tokio::process::Command;

async fn start_devserver(endpoint: &str, port: u16) -> tokio::process::Child {
    Command::new(env!("CARGO_BIN_EXE_devserver"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("PORT", port.to_string())
        .env("ADMIN_EMAIL", "boss@destinyjobs.test")
        .env("ADMIN_PASSWORD", "Boss-Passw0rd!")
        .env_remove("USER_POOL_ID")
        .env("WRITE_LOCAL_ENV", "false")
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("devserver starts")
}

async fn wait_ready(http: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if http
            .get(format!("{base}/api/openapi.json"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("devserver did not answer on {base}");
}

#[tokio::test]
async fn devserver_bootstraps_creates_the_admin_and_serves_twice() {
    let emulator = Emulator::start(0).await.unwrap();
    let http = reqwest::Client::new();
    for run in 0..2 {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut server = start_devserver(&emulator.endpoint, port).await;
        wait_ready(&http, &base).await;

        let login = http
            .post(format!("{base}/api/auth/login/"))
            .json(&serde_json::json!({"email": "boss@destinyjobs.test", "password": "Boss-Passw0rd!"}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200, "run {run}");
        let body: serde_json::Value = login.json().await.unwrap();
        assert_eq!(body["user"]["type_compte"], "admin", "run {run}");
        let docs = http.get(format!("{base}/api/docs/")).send().await.unwrap();
        assert_eq!(docs.status(), 200, "run {run}");

        // The server drains the notifications queue: an announcement the
        // admin sends itself is in the emulator's mail within seconds.
        let access = body["access"].as_str().unwrap();
        let titre = format!("Essai {run}");
        let sent = Instant::now();
        let r = http
            .post(format!("{base}/api/notifications/"))
            .bearer_auth(access)
            .json(&serde_json::json!({"destinataire": body["user"]["id"], "titre": titre, "message": "Bonjour."}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "run {run}");
        let subject = format!("DestinyJobs : {titre}");
        loop {
            let data: serde_json::Value = http
                .get(format!("{}/moto-api/data.json", emulator.endpoint))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let delivered = data["ses"]["Message"].as_array().is_some_and(|mails| {
                mails.iter().any(|m| {
                    m["subject"] == subject.as_str()
                        && m["destinations"]["ToAddresses"][0] == "boss@destinyjobs.test"
                })
            });
            if delivered {
                eprintln!(
                    "run {run}: mail delivered {} ms after the request",
                    sent.elapsed().as_millis()
                );
                break;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(5),
                "run {run}: no mail within 5 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        server.kill().await.unwrap();
        // A killed server's last long poll (1 s) lives on in the emulator
        // and would take the next message with it for the visibility
        // timeout: let it end before the next run sends one.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

#[tokio::test]
async fn the_emulator_keeps_its_log() {
    let emulator = Emulator::start(0).await.unwrap();
    assert!(
        emulator
            .log
            .starts_with(infra::local::project_root().join("target/emulator"))
    );
    let r = reqwest::Client::new()
        .get(format!("{}/moto-api/", emulator.endpoint))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    // Werkzeug writes each request it served, and any traceback.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = std::fs::read_to_string(&emulator.log).unwrap_or_default();
        if log.contains("GET /moto-api/") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the log at {} holds: {log}",
            emulator.log.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
