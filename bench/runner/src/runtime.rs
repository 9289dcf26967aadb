//! A local Lambda Runtime API (the part a function talks to): it hands out
//! queued events on `/next` and collects what the function answers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::Value;
use tokio::sync::{Mutex, mpsc};

pub enum Outcome {
    Response { at: Instant, body: Value },
    Error(String),
}

struct Shared {
    queue: Mutex<mpsc::UnboundedReceiver<(String, Value)>>,
    done: mpsc::UnboundedSender<Outcome>,
}

pub struct FakeRuntime {
    pub addr: SocketAddr,
    events: mpsc::UnboundedSender<(String, Value)>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    server: tokio::task::JoinHandle<()>,
}

async fn next(State(shared): State<Arc<Shared>>) -> (HeaderMap, String) {
    let (id, event) = match shared.queue.lock().await.recv().await {
        Some(e) => e,
        // No more events: hold the function here, as Lambda would.
        None => std::future::pending().await,
    };
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + Duration::from_secs(60);
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
    headers.insert(
        "lambda-runtime-deadline-ms",
        deadline.as_millis().to_string().parse().unwrap(),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:bench"
            .parse()
            .unwrap(),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        "Root=1-00000000-000000000000000000000000;Sampled=0"
            .parse()
            .unwrap(),
    );
    headers.insert("content-type", "application/json".parse().unwrap());
    (headers, event.to_string())
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(_id): Path<String>,
    body: Bytes,
) -> &'static str {
    let at = Instant::now();
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = shared.done.send(Outcome::Response { at, body });
    "{}"
}

async fn error(State(shared): State<Arc<Shared>>, body: Bytes) -> &'static str {
    let _ = shared
        .done
        .send(Outcome::Error(String::from_utf8_lossy(&body).into_owned()));
    "{}"
}

impl FakeRuntime {
    pub async fn start() -> FakeRuntime {
        let (events, queue) = mpsc::unbounded_channel();
        let (done, outcomes) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            queue: Mutex::new(queue),
            done,
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(error))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeRuntime {
            addr,
            events,
            outcomes,
            server,
        }
    }

    pub fn push(&self, event: &Value) {
        let _ = self
            .events
            .send((ulid::Ulid::new().to_string(), event.clone()));
    }

    /// The next answer of the function, within 30 s.
    pub async fn outcome(&mut self) -> Result<(Instant, Value), String> {
        match tokio::time::timeout(Duration::from_secs(30), self.outcomes.recv()).await {
            Ok(Some(Outcome::Response { at, body })) => Ok((at, body)),
            Ok(Some(Outcome::Error(e))) => Err(format!("function error: {e}")),
            Ok(None) => Err("runtime closed".into()),
            Err(_) => Err("no answer within 30 s".into()),
        }
    }
}

impl Drop for FakeRuntime {
    fn drop(&mut self) {
        self.server.abort();
    }
}
