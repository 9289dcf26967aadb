//! When AWS stops answering (#20): every answer is a 2xx whose write
//! persisted, or a 503 with Retry-After, in bounded time; a write cut
//! half-way is finished by its retry; and once the emulator is back the
//! same process serves again.
//!
//! The first test puts a TCP proxy between the app and its emulator and
//! cuts it mid-burst: for the app that is the emulator gone (refused and
//! reset connections), while the emulator keeps what was written, so the
//! test can check afterwards that each 2xx persisted. The second stops
//! the emulator itself, starts a new one on the same port, bootstraps it,
//! and asks the same app again.

use std::time::{Duration, Instant};

use e2e::*;
use futures_util::future::join_all;
use infra::emulator::Emulator;
use infra::local;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The time limits the apps of these tests run with: small, so the test
/// is quick; the bound asserted is the request's.
const TIMEOUTS: [(&str, &str); 4] = [
    ("AWS_CONNECT_TIMEOUT_MS", "300"),
    ("AWS_ATTEMPT_TIMEOUT_MS", "1000"),
    ("AWS_OPERATION_TIMEOUT_MS", "2000"),
    ("REQUEST_TIMEOUT_MS", "4000"),
];
const REQUEST_TIMEOUT: Duration = Duration::from_millis(4000);
/// What the answer may take beyond the request's limit: the response's
/// way back over local HTTP.
const SLACK: Duration = Duration::from_millis(500);

fn timeouts() -> aws_config::timeout::TimeoutConfig {
    shared::platform::timeouts(|name| {
        TIMEOUTS
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
}

async fn sdk(endpoint: &str) -> aws_config::SdkConfig {
    local::sdk_config(endpoint, REGION)
        .await
        .to_builder()
        .timeout_config(timeouts())
        .build()
}

/// A TCP proxy to the emulator that can be cut (listener closed, every
/// open connection dropped) and restored on the same port.
struct Proxy {
    port: u16,
    upstream: u16,
    task: Option<JoinHandle<()>>,
}

impl Proxy {
    async fn start(upstream: u16) -> Proxy {
        let mut proxy = Proxy {
            port: infra::emulator::free_port(),
            upstream,
            task: None,
        };
        proxy.restore();
        proxy
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn restore(&mut self) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket
            .bind(([127, 0, 0, 1], self.port).into())
            .expect("the proxy's port");
        let listener: TcpListener = socket.listen(256).unwrap();
        let upstream = self.upstream;
        self.task = Some(tokio::spawn(async move {
            // Dropped with the task: every connection ends with it.
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", upstream)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    async fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

/// Checks one answer given while AWS was going away, and returns it.
fn clean(what: &str, r: &Response, took: Duration) {
    assert!(
        took < REQUEST_TIMEOUT + SLACK,
        "{what}: answered after {took:?}"
    );
    match r.status {
        200..=299 => {}
        503 => {
            let retry = r.headers.get("retry-after").and_then(|v| v.to_str().ok());
            assert_eq!(retry, Some("5"), "{what}: a 503 says when to retry");
            assert!(
                r.body["detail"].as_str().unwrap().contains("indisponible"),
                "{what}: {}",
                r.body
            );
            let text = r.body.to_string();
            for leak in [
                "dispatch",
                "timeout",
                "Connector",
                "Dynamo",
                "Cognito",
                "http://",
            ] {
                assert!(!text.contains(leak), "{what}: AWS error text in {text}");
            }
        }
        other => panic!("{what}: {other} {}", r.body),
    }
}

fn register_body(email: &str) -> Value {
    json!({"email": email, "password": PASSWORD, "nom": "Kouassi", "prenom": "Awa", "type_compte": "candidat"})
}

#[tokio::test]
async fn with_aws_cut_mid_burst_every_answer_is_a_persisted_2xx_or_a_503_and_retries_finish_the_writes()
 {
    let emulator = Emulator::start(0).await.expect("emulator");
    let direct = local::sdk_config(&emulator.endpoint, REGION).await;
    let resources = local::bootstrap(&direct, "destinyjobs-outage")
        .await
        .expect("bootstrap");
    let mut proxy = Proxy::start(emulator.port).await;
    let endpoint = proxy.endpoint();
    let stack: &'static Stack = Box::leak(Box::new(Stack {
        emulator,
        sdk: direct,
        resources,
    }));
    let app = TestApp::spawn_on(stack, &endpoint, &sdk(&endpoint).await, &lifted(&TIMEOUTS)).await;

    // Before: 20 candidats, logged in (the token keys are fetched now).
    let users = join_all((0..20).map(|_| app.user("candidat"))).await;

    // The burst: 20 profile edits and 20 registrations, 15 ms apart;
    // the proxy is cut 250 ms in.
    let started = Instant::now();
    let edits = users.iter().enumerate().map(|(i, (_, token, _, _))| {
        let app = &app;
        async move {
            tokio::time::sleep(Duration::from_millis(15 * i as u64)).await;
            let t = Instant::now();
            let r = app
                .put_auth(
                    "/api/auth/profile/",
                    token,
                    json!({"nom": format!("Nom{i}")}),
                )
                .await;
            (r, t.elapsed())
        }
    });
    let emails: Vec<String> = (0..20).map(|_| email("outage")).collect();
    let registrations = emails.iter().enumerate().map(|(i, address)| {
        let app = &app;
        async move {
            tokio::time::sleep(Duration::from_millis(15 * i as u64 + 7)).await;
            let t = Instant::now();
            let r = app
                .post("/api/auth/register/", register_body(address))
                .await;
            (r, t.elapsed())
        }
    });
    let cut = async {
        tokio::time::sleep(Duration::from_millis(250)).await;
        proxy.cut().await;
    };
    let (edited, registered, ()) = tokio::join!(join_all(edits), join_all(registrations), cut);
    // While it is down, a read too is a quick 503.
    let t = Instant::now();
    let down = app.get_auth("/api/auth/profile/", &users[0].1).await;
    clean("a read while down", &down, t.elapsed());
    assert_eq!(down.status, 503);
    let anonymous = app.send(app.http.get(app.url("/api/offres/"))).await;
    assert_eq!(anonymous.status, 503, "{}", anonymous.body);
    eprintln!("burst answered in {:?}", started.elapsed());

    let mut unavailable = 0;
    for (i, (r, took)) in edited.iter().enumerate() {
        clean(&format!("edit {i}"), r, *took);
        unavailable += usize::from(r.status == 503);
    }
    for (i, (r, took)) in registered.iter().enumerate() {
        clean(&format!("registration {i}"), r, *took);
        unavailable += usize::from(r.status == 503);
    }
    assert!(unavailable > 0, "the cut came mid-burst");

    // Back: the same process serves again.
    proxy.restore();
    // Each 2xx persisted; each write that got a 503 is finished by its retry.
    for (i, ((r, _), (_, token, _, _))) in edited.iter().zip(&users).enumerate() {
        let wanted = format!("Nom{i}");
        if r.status != 200 {
            let again = app
                .put_auth("/api/auth/profile/", token, json!({"nom": wanted}))
                .await;
            assert_eq!(again.status, 200, "edit {i} retried: {}", again.body);
        }
        let profile = app.get_auth("/api/auth/profile/", token).await;
        assert_eq!(profile.status, 200, "{}", profile.body);
        assert_eq!(profile.body["nom"], wanted, "edit {i} ({})", r.status);
    }
    for (i, ((r, _), address)) in registered.iter().zip(&emails).enumerate() {
        if r.status != 201 {
            // An identity left without its profile by the cut is removed
            // by the retry, which then registers. A 503 may also be a
            // registration that was written but whose answer the cut
            // lost: its retry finds the account made.
            let again = app
                .post("/api/auth/register/", register_body(address))
                .await;
            let made = again.status == 400
                && again.body["email"][0]
                    .as_str()
                    .is_some_and(|m| m.contains("existe déjà"));
            assert!(
                again.status == 201 || made,
                "registration {i} retried: {} {}",
                again.status,
                again.body
            );
        }
        let login = app.login(address, PASSWORD).await;
        assert_eq!(
            login.status, 200,
            "registration {i} ({}): {}",
            r.status, login.body
        );
    }
    eprintln!("{unavailable} of 40 writes answered 503; every one finished by its retry");
}

#[tokio::test]
async fn after_the_emulator_is_restarted_and_bootstrapped_the_same_process_serves_again() {
    let emulator = Emulator::start(0).await.expect("emulator");
    let port = emulator.port;
    let endpoint = emulator.endpoint.clone();
    let direct = local::sdk_config(&endpoint, REGION).await;
    let resources = local::bootstrap(&direct, "destinyjobs-restart")
        .await
        .expect("bootstrap");
    let overrides = lifted(&TIMEOUTS);
    let config = local::config(&endpoint, REGION, &resources, |k| {
        overrides
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_string())
    })
    .expect("config");
    let base = serve(local::app(config, &sdk(&endpoint).await).expect("app")).await;
    let http = reqwest::Client::new();
    let list = || http.get(format!("{base}/api/offres/")).send();
    assert_eq!(list().await.unwrap().status(), 200);

    drop(emulator);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
        assert!(Instant::now() < deadline, "the emulator did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let t = Instant::now();
    let r = list().await.unwrap();
    let took = t.elapsed();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    assert!(took < REQUEST_TIMEOUT + SLACK, "{took:?}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "service_indisponible", "{body}");

    let emulator = Emulator::start(port).await.expect("the emulator again");
    local::bootstrap(
        &local::sdk_config(&emulator.endpoint, REGION).await,
        "destinyjobs-restart",
    )
    .await
    .expect("bootstrap again");
    let r = list().await.unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

/// SNS down, the table up: an application is written (201), its event is
/// kept, and the scheduled job (every second here, as the dev server runs
/// it) publishes it once SNS is back: the recruiter is told, late.
#[tokio::test]
async fn with_the_events_topic_down_an_application_stands_and_its_notification_comes_later() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.admin().await;
    let (_, _, recruiter) = app.verified_recruiter(&admin).await;
    let offre = app
        .open_publication(&admin, &recruiter, "offres", "Poste sans SNS")
        .await;
    let (_, _, candidat) = app.applicant("candidat", json!({})).await;
    // The same table and bucket; Cognito and SNS at an address nothing serves.
    let dead = sdk(&format!(
        "http://127.0.0.1:{}",
        infra::emulator::free_port()
    ))
    .await;
    let broken =
        serve(local::app_split(app.config.clone(), &app.stack.sdk, &dead).expect("app")).await;
    let t = Instant::now();
    let r = app
        .send(
            app.http
                .post(format!(
                    "{broken}/api/offres/{}/postuler/",
                    offre["id"].as_str().unwrap()
                ))
                .bearer_auth(&candidat)
                .json(&json!({})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(t.elapsed() < REQUEST_TIMEOUT + SLACK, "{:?}", t.elapsed());
    let application = r.body["id"].as_str().unwrap().to_string();
    let link = format!("/recruteur/candidatures/{application}");
    eventually("the recruiter told of the application", 20, || {
        let app = &app;
        let recruiter = &recruiter;
        let link = link.clone();
        async move {
            let all = app.notifications(recruiter).await;
            all["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["lien"] == link.as_str())
                .then_some(())
        }
    })
    .await;
}
