//! End-to-end test harness: one emulator per test binary (on a free port,
//! bootstrapped from template.yaml), and an app per test, served over real
//! HTTP on its own port. Tests make their own users, so they run in
//! parallel.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use infra::bootstrap::Resources;
use infra::emulator::Emulator;
use infra::local;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

pub const PASSWORD: &str = "Str0ng!Passw0rd";
pub const REGION: &str = "eu-west-3";

pub struct Stack {
    pub emulator: Emulator,
    pub sdk: aws_config::SdkConfig,
    pub resources: Resources,
}

static STACK: OnceCell<Stack> = OnceCell::const_new();

/// The emulator of this test binary, bootstrapped once.
pub async fn stack() -> &'static Stack {
    STACK
        .get_or_init(|| async {
            let emulator = Emulator::start(0).await.expect("emulator");
            let sdk = local::sdk_config(&emulator.endpoint, REGION).await;
            let resources = local::bootstrap(&sdk, "destinyjobs-test")
                .await
                .expect("bootstrap");
            start_notifier(&emulator.endpoint, &resources);
            Stack {
                emulator,
                sdk,
                resources,
            }
        })
        .await
}

/// Drains the notifications queue and runs the reminders' job every
/// second, as the dev server does, once per test
/// binary, on a runtime of its own: each test's runtime ends with the test,
/// and a drain cut off mid-batch would hide its messages from the others.
/// A failed message comes back after a second.
fn start_notifier(endpoint: &str, resources: &Resources) {
    let endpoint = endpoint.to_string();
    let resources = resources.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let sdk = local::sdk_config(&endpoint, REGION).await;
            let config = local::config(&endpoint, REGION, &resources, |_| None).expect("config");
            let queue = resources.id("NotificationsQueue").unwrap().to_string();
            local::start_reminders(&config, &sdk, std::time::Duration::from_secs(1))
                .expect("reminders");
            local::start_notifier(&config, &sdk, queue, std::time::Duration::from_secs(1))
                .expect("notifier")
                .await
                .ok();
        });
    });
}

/// A unique email for this test run.
pub fn email(tag: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{tag}-{}-{}@test.destinyjobs.ci",
        ulid::Ulid::new().to_string().to_lowercase(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub config: shared::Config,
    pub stack: &'static Stack,
}

pub struct Response {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// The rate limits lifted (tests make many users and calls from one
/// address), then `overrides`.
pub fn lifted<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = shared::throttle::RateLimits::DEFAULTS
        .iter()
        .map(|(env, rate)| {
            let lifted: &'static str =
                Box::leak(format!("1000000/{}", rate.window).into_boxed_str());
            (*env, lifted)
        })
        .collect();
    all.extend_from_slice(overrides);
    all
}

/// Serves `router` on a free local port, in the background: its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

impl TestApp {
    /// An app with the local defaults.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// An app with some configuration overridden. The rate limits are
    /// lifted (tests make many users and calls from one address); tests
    /// of the limits use `spawn_limited`.
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> TestApp {
        let stack = stack().await;
        Self::spawn_on(
            stack,
            &stack.emulator.endpoint,
            &stack.sdk,
            &lifted(overrides),
        )
        .await
    }

    /// An app with the production rate limits (the defaults), unless
    /// `overrides` says otherwise.
    pub async fn spawn_limited(overrides: &[(&str, &str)]) -> TestApp {
        let stack = stack().await;
        Self::spawn_on(stack, &stack.emulator.endpoint, &stack.sdk, overrides).await
    }

    /// An app on `stack`'s resources, reaching AWS at `endpoint` with
    /// `sdk` (a proxy in front of the emulator, say).
    pub async fn spawn_on(
        stack: &'static Stack,
        endpoint: &str,
        sdk: &aws_config::SdkConfig,
        overrides: &[(&str, &str)],
    ) -> TestApp {
        // `TEST_LOGS=1` shows the server's logs (with `--nocapture`).
        if std::env::var_os("TEST_LOGS").is_some() {
            shared::telemetry::init();
        }
        let mut vars: HashMap<String, String> = HashMap::from([
            // Tests come from one address: each picks its own client address.
            ("TRUST_X_FORWARDED_FOR".to_string(), "true".to_string()),
        ]);
        vars.extend(
            overrides
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let config = local::config(endpoint, REGION, &stack.resources, |k| vars.get(k).cloned())
            .expect("config");
        let app = local::app(config.clone(), sdk).expect("app");
        TestApp {
            base: serve(app).await,
            http: reqwest::Client::new(),
            config,
            stack,
        }
    }

    /// The apps' API (#19) over this app's configuration, on a port of
    /// its own: its base URL.
    pub async fn spawn_apps(&self) -> String {
        serve(local::apps_app(self.config.clone(), &self.stack.sdk, None).expect("apps")).await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(
            self.http
                .post(self.url(path))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Response {
        self.send(self.http.get(self.url(path)).bearer_auth(token))
            .await
    }

    pub async fn put_auth(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(self.http.put(self.url(path)).bearer_auth(token).json(&body))
            .await
    }

    pub async fn delete_auth(&self, path: &str, token: &str) -> Response {
        self.send(self.http.delete(self.url(path)).bearer_auth(token))
            .await
    }

    /// A new admin account (admins are never self-registered), logged in.
    /// Returns (sub, access token).
    pub async fn admin(&self) -> (String, String) {
        let email = email("admin");
        let sub = local::ensure_admin(&self.stack.sdk, &self.config, &email, PASSWORD)
            .await
            .expect("admin");
        let r = self.login(&email, PASSWORD).await;
        assert_eq!(r.status, 200, "admin login: {}", r.body);
        (sub, r.body["access"].as_str().unwrap().into())
    }

    /// Registers an account of `type_compte` with its required fields,
    /// plus `extra`. Returns (email, profile).
    pub async fn register(&self, type_compte: &str, extra: Value) -> (String, Value) {
        let email = email(type_compte);
        let mut body = json!({
            "email": email, "password": PASSWORD, "nom": "Kouassi", "prenom": "Awa", "type_compte": type_compte,
        });
        match type_compte {
            "recruteur" => body["entreprise"] = json!("Acme CI"),
            "prestataire" => body["specialite"] = json!("Audit"),
            _ => {}
        }
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        let r = self.post("/api/auth/register/", body).await;
        assert_eq!(r.status, 201, "register: {}", r.body);
        (email, r.body)
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/auth/login/",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Asserts that an access token and its refresh token no longer work.
    pub async fn assert_tokens_dead(&self, access: &str, refresh: &str) {
        assert_eq!(
            self.get_auth("/api/auth/profile/", access).await.status,
            401,
            "access token still works"
        );
        let r = self
            .post("/api/auth/refresh/", json!({"refresh": refresh}))
            .await;
        assert_eq!(r.status, 401, "refresh token still works: {}", r.body);
    }

    /// Registers and logs in; returns (email, access, refresh, profile).
    pub async fn user(&self, type_compte: &str) -> (String, String, String, Value) {
        let (email, profile) = self.register(type_compte, json!({})).await;
        let r = self.login(&email, PASSWORD).await;
        assert_eq!(r.status, 200, "login: {}", r.body);
        (
            email,
            r.body["access"].as_str().unwrap().into(),
            r.body["refresh"].as_str().unwrap().into(),
            profile,
        )
    }
}

/// The emulator's token signing key as PEM (moto signs every pool's tokens
/// with one key, shipped in its package), to forge tokens the API must
/// refuse for reasons other than the signature (an expired one, say).
pub fn emulator_signing_key_pem() -> Vec<u8> {
    let python = local::project_root().join(".venv/bin/python");
    let script = r#"
import base64, gzip, json, importlib.resources as r
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
raw = (r.files("moto") / "cognitoidp/resources/jwks-private.json.gz").read_bytes()
k = json.loads(gzip.decompress(raw))
k = k.get("keys", [k])[0]
n = lambda f: int.from_bytes(base64.urlsafe_b64decode(k[f] + "=" * (-len(k[f]) % 4)), "big")
N, E, D = n("n"), n("e"), n("d")
p, q = rsa.rsa_recover_prime_factors(N, E, D)
pub = rsa.RSAPublicNumbers(E, N)
key = rsa.RSAPrivateNumbers(p, q, D, rsa.rsa_crt_dmp1(D, p), rsa.rsa_crt_dmq1(D, q), rsa.rsa_crt_iqmp(p, q), pub).private_key()
print(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode())
"#;
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .output()
        .expect("venv python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Asks the emulator directly for a password-reset code. moto hands the
/// code back in a header of its own (real Cognito emails it) and checks
/// codes of that form, so tests can prove a wrong code is refused.
pub async fn emulator_reset_code(email: &str) -> String {
    let stack = stack().await;
    let response = reqwest::Client::new()
        .post(&stack.emulator.endpoint)
        .header("X-Amz-Target", "AWSCognitoIdentityProviderService.ForgotPassword")
        .header("Content-Type", "application/x-amz-json-1.1")
        .header(
            "Authorization",
            format!("AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/cognito-idp/aws4_request, SignedHeaders=host, Signature=x"),
        )
        .body(json!({"ClientId": stack.resources.user_pool_client_id, "Username": email}).to_string())
        .send()
        .await
        .unwrap();
    let code = response
        .headers()
        .get("x-moto-forgot-password-confirmation-code")
        .map(|v| v.to_str().unwrap().to_string());
    code.unwrap_or_else(|| panic!("no code from the emulator (status {})", response.status()))
}

/// Everything the emulator recorded (`/moto-api/data.json`): sent mail,
/// SMS, pushes.
pub async fn emulator_data() -> Value {
    let stack = stack().await;
    reqwest::get(format!("{}/moto-api/data.json", stack.emulator.endpoint))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The emails the emulator sent to `address`.
pub async fn mail_to(address: &str) -> Vec<Value> {
    let data = emulator_data().await;
    data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| {
            m["destinations"]["ToAddresses"]
                .as_array()
                .is_some_and(|to| to.iter().any(|a| a == address))
        })
        .collect()
}

/// The SMS the emulator sent to `phone`.
pub async fn sms_to(phone: &str) -> Vec<String> {
    let data = emulator_data().await;
    data["sns"]["SMS"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m["phone_number"] == phone)
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The pushes the emulator delivered to the endpoint of device `token`.
pub async fn pushes_to(token: &str) -> Vec<Value> {
    let data = emulator_data().await;
    data["sns"]["PlatformEndpoint"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["token"] == token)
        .flat_map(|e| {
            e["messages"]
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_values()
                .map(|m| serde_json::from_str(m.as_str().unwrap_or("null")).unwrap_or(Value::Null))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Polls `check` until it returns `Some`, for up to `seconds`.
pub async fn eventually<T, F, Fut>(what: &str, seconds: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {seconds}s waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

/// A minimal valid PDF carrying `text` in a comment (distinct files,
/// distinct bytes), as the uploads accept it.
pub fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").into_bytes()
}

/// A unique E.164 phone number for this run.
pub fn phone() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let unique = ulid::Ulid::new().random() as u64 % 1_000_000;
    format!(
        "+22507{unique:06}{:02}",
        N.fetch_add(1, Ordering::Relaxed) % 100
    )
}

/// The event publisher the areas use, on this stack's topic.
pub async fn publisher() -> shared::notifications::events::Publisher {
    let stack = stack().await;
    shared::notifications::events::Publisher::new(
        aws_sdk_sns::Client::new(&stack.sdk),
        stack.resources.id("EventsTopic").unwrap().to_string(),
    )
}

impl TestApp {
    /// Has an admin validate a recruteur or prestataire account.
    pub async fn verify_account(&self, admin_token: &str, sub: &str) {
        let r = self
            .put_auth(
                &format!("/api/admin/recruteurs/{sub}/valider/"),
                admin_token,
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "validation: {}", r.body);
    }

    /// Sends a message; asserts 201 and returns it.
    pub async fn message(&self, token: &str, to: &str, sujet: &str) -> Value {
        let r = self
            .post_auth(
                "/api/messages/",
                token,
                json!({"destinataire": to, "sujet": sujet, "contenu": "<p>Bonjour, pouvez-vous venir mardi ?</p>"}),
            )
            .await;
        assert_eq!(r.status, 201, "message: {}", r.body);
        r.body
    }

    /// The caller's notifications (first page, newest first).
    pub async fn notifications(&self, token: &str) -> Value {
        let r = self
            .get_auth("/api/notifications/?page_size=100", token)
            .await;
        assert_eq!(r.status, 200, "notifications: {}", r.body);
        r.body
    }
}

/// The four publication kinds: (path segment, `type_publication`).
pub const KINDS: [(&str, &str); 4] = [
    ("offres", "offre"),
    ("financements", "financement"),
    ("bourses", "bourse"),
    ("consultations", "consultation"),
];

/// A valid create body of one kind (by path segment).
pub fn publication_body(kind: &str, titre: &str) -> Value {
    let mut body =
        json!({"titre": titre, "description": "<p>Une belle opportunité à Abidjan.</p>"});
    let fields = match kind {
        "offres" => {
            json!({"type_contrat": "cdi", "salaire_min": 300000, "salaire_max": 500000, "localisation": "Abidjan", "competences_requises": ["Rust"]})
        }
        "financements" => {
            json!({"type_financement": "subvention", "montant": 5000000, "secteur": "agriculture"})
        }
        "bourses" => {
            json!({"type_bourse": "excellence", "montant": 1200000, "domaine_etude": "informatique"})
        }
        "consultations" => {
            json!({"type_consultation": "informatique", "budget": 2000000, "duree": "3 mois"})
        }
        other => panic!("unknown kind {other}"),
    };
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

impl TestApp {
    /// A recruiter an admin has verified: (email, sub, access token).
    pub async fn verified_recruiter(&self, admin_token: &str) -> (String, String, String) {
        let (email, token, _, profile) = self.user("recruteur").await;
        let sub = profile["id"].as_str().unwrap().to_string();
        self.verify_account(admin_token, &sub).await;
        (email, sub, token)
    }

    /// Creates a publication of `kind`; asserts 201 and returns it.
    pub async fn publish(&self, token: &str, kind: &str, titre: &str) -> Value {
        let r = self
            .post_auth(
                &format!("/api/recruteur/{kind}/"),
                token,
                publication_body(kind, titre),
            )
            .await;
        assert_eq!(r.status, 201, "publish: {}", r.body);
        r.body
    }

    /// Has an admin validate or refuse a publication; asserts 200.
    pub async fn decide(&self, admin_token: &str, id: &str, decision: &str, body: Value) -> Value {
        let r = self
            .put_auth(
                &format!("/api/admin/publications/{id}/{decision}/"),
                admin_token,
                body,
            )
            .await;
        assert_eq!(r.status, 200, "{decision}: {}", r.body);
        r.body
    }

    /// Sets a recruiter's monthly quota; asserts 200.
    pub async fn set_quota(&self, admin_token: &str, sub: &str, quota: u32) {
        let r = self
            .put_auth(
                &format!("/api/admin/recruteurs/{sub}/quota/"),
                admin_token,
                json!({"quota_publications_mensuel": quota}),
            )
            .await;
        assert_eq!(r.status, 200, "quota: {}", r.body);
        assert_eq!(r.body["quota_publications_mensuel"], quota);
    }

    /// Every item of a paginated list, following `next` links.
    pub async fn walk(&self, path: &str, token: Option<&str>) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(path) = next {
            let r = match token {
                Some(t) => self.get_auth(&path, t).await,
                None => self.send(self.http.get(self.url(&path))).await,
            };
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            items.extend(r.body["results"].as_array().unwrap().iter().cloned());
            next = r.body["next"].as_str().map(String::from);
        }
        items
    }
}

impl TestApp {
    /// A publication of `kind` by `recruiter`, validated by `admin`.
    pub async fn open_publication(
        &self,
        admin: &str,
        recruiter: &str,
        kind: &str,
        titre: &str,
    ) -> Value {
        let p = self.publish(recruiter, kind, titre).await;
        self.decide(admin, p["id"].as_str().unwrap(), "valider", json!({}))
            .await
    }

    /// A logged-in account of `type_compte` whose profile was then edited
    /// with `profile`: (email, sub, access token).
    pub async fn applicant(&self, type_compte: &str, profile: Value) -> (String, String, String) {
        let (email, token, _, created) = self.user(type_compte).await;
        if profile.as_object().is_some_and(|o| !o.is_empty()) {
            let r = self.put_auth("/api/auth/profile/", &token, profile).await;
            assert_eq!(r.status, 200, "profile: {}", r.body);
        }
        (email, created["id"].as_str().unwrap().to_string(), token)
    }

    /// An S3 client on the stack (path-style, as the emulator needs).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.stack.sdk)
                .force_path_style(true)
                .build(),
        )
    }

    /// The keys under `prefix` in the bucket of template.yaml's
    /// `logical_id`.
    pub async fn bucket_keys(&self, logical_id: &str, prefix: &str) -> Vec<String> {
        let bucket = self.stack.resources.id(logical_id).unwrap();
        let out = self
            .s3()
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .send()
            .await
            .unwrap();
        out.contents()
            .iter()
            .filter_map(|o| o.key().map(String::from))
            .collect()
    }

    /// Sends a file to `POST /api/upload/<kind>/` (multipart, field
    /// `fichier`); asserts 201 and returns its id.
    pub async fn upload_file(&self, token: &str, kind: &str, name: &str, bytes: Vec<u8>) -> String {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part("fichier", part);
        let url = self.url(&format!("/api/upload/{kind}/"));
        let r = self
            .send(self.http.post(url).bearer_auth(token).multipart(form))
            .await;
        assert_eq!(r.status, 201, "{kind} {name}: {}", r.body);
        r.body["id"].as_str().unwrap().to_string()
    }

    /// Applies to a publication; returns the response.
    pub async fn apply(&self, token: &str, kind: &str, id: &str, body: Value) -> Response {
        self.post_auth(&format!("/api/{kind}/{id}/postuler/"), token, body)
            .await
    }
}

/// Whether `address` received a mail whose subject or body contains every
/// one of `words`.
pub async fn mailed(address: &str, words: &[&str]) -> Option<()> {
    mail_to(address)
        .await
        .iter()
        .any(|m| {
            let text = format!("{} {}", m["subject"], m["body"]);
            words.iter().all(|w| text.contains(w))
        })
        .then_some(())
}
