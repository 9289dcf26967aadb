//! `make bench`: measures every function and route and writes
//! bench/results.json and bench/report.md (bench/plot.py draws the PNG).
//!
//! Expects the release binaries (target/release/<fn>, hello and devserver)
//! (each function built alone, with the template's release profile);
//! the Makefile builds them first.

mod report;
mod runtime;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine;
use infra::emulator::{Emulator, free_port};
use infra::local;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::process::Command;

use runtime::FakeRuntime;

pub const COLD_RUNS: usize = 11;
pub const BURST: usize = 100;
/// Requests per route counted, after `WARMUP` sent and not counted; a
/// route that consumes what it acts on (a deletion, a decision) is given
/// `REQUESTS_PER_ROUTE` of them.
pub const MEASURED: usize = 100;
pub const WARMUP: usize = 10;
pub const REQUESTS_PER_ROUTE: usize = WARMUP + MEASURED;
/// One request at a time: on 2 cores shared with the emulator, more would
/// measure waiting for a CPU, not our work.
pub const CONCURRENCY: usize = 1;
/// The items each moderation queue holds when it is read.
const QUEUE: usize = 25;
/// Open offres where a list reads them: a full page (20) and more.
const OPEN_OFFRES: usize = 25;
const PASSWORD: &str = "Bench-Passw0rd!";

#[derive(Serialize, Clone)]
pub struct FunctionResult {
    pub name: String,
    pub cold_event: String,
    pub cold_ms: Vec<f64>,
    pub cold_median_ms: f64,
    /// Minor page faults by the first response (median).
    pub cold_faults: f64,
    pub cold_ratio: f64,
    pub burst_route: String,
    pub burst_requests: usize,
    pub peak_rss_mb: f64,
    /// Exec to the first answer of the main route (AWS calls included),
    /// and the main route's median invocation once warm: what init left
    /// to the first request shows as their difference, beyond the calls.
    pub cold_main_ms: f64,
    pub warm_main_ms: f64,
    /// The cold event is the main route's (rappels: a scheduled run, which
    /// queries): its warm time is then the event's own work.
    pub cold_is_main: bool,
    /// The `init` event's phases (medians, µs): `main_us` from main to
    /// serving, and within it `telemetry_us`, `sdk_config_us`,
    /// `services_us`, `other_us`. None for the functions that log none.
    pub init_us: Option<BTreeMap<String, f64>>,
    pub binary_mb: Option<f64>,
    pub zip_mb: Option<f64>,
}

#[derive(Serialize, Clone)]
pub struct RouteResult {
    pub route: String,
    pub requests: usize,
    pub warmup: usize,
    pub concurrency: usize,
    pub client_p50_ms: f64,
    pub client_p99_ms: f64,
    pub server_p50_ms: f64,
    pub server_p99_ms: f64,
    pub aws_p50_ms: f64,
    pub aws_p99_ms: f64,
    pub own_p50_ms: f64,
    pub own_p99_ms: f64,
    /// The interval the true own-time p99 lies in (`p99_bounds`).
    pub own_p99_low_ms: f64,
    pub own_p99_high_ms: f64,
    /// Our own work per unit of emulator time (p50); none without AWS calls.
    pub overhead_ratio: Option<f64>,
    /// Mean of each request's duration rounded up to the millisecond, as
    /// Lambda bills every request.
    pub billed_ms_mean: f64,
    pub aws_calls: String,
    pub dynamodb_calls: u32,
    /// The most DynamoDB calls any request of the route made.
    pub dynamodb_calls_max: u32,
    pub dynamodb_minimum: Option<u32>,
    /// Requests above the minimum, and of those the ones whose one extra
    /// call is the system log's entry of a slow request.
    pub over_minimum: usize,
    pub over_minimum_logged: usize,
    /// The critical path in AWS round trips (`X-Aws-Depth`): median, most.
    pub depth: u32,
    pub depth_max: u32,
    /// Capacity as the emulator reported it, per request.
    pub read_units: f64,
    pub write_units: f64,
    /// Capacity by DynamoDB's pricing rules, per request (shared::metrics).
    pub model_read_units: f64,
    pub model_write_units: f64,
    pub scans: u32,
}

#[derive(Serialize)]
pub struct Results {
    pub date: String,
    pub commit: String,
    pub machine: String,
    pub functions: Vec<FunctionResult>,
    pub routes: Vec<RouteResult>,
    pub phases: Vec<Phase>,
    /// The warm-path comparison with the Django peer (bench/peer).
    pub peer: Option<Peer>,
    pub sdk_floor: Option<SdkFloor>,
    /// What one minor page fault costs on this host (`page_fault_us`).
    pub page_fault_us: Option<f64>,
}

/// Fresh pages the runner touches to time a minor page fault, and times.
pub const FAULT_PAGES: usize = 16_384;
pub const FAULT_RUNS: usize = 5;

/// What a minor page fault on a fresh page costs here, in µs, median of
/// `FAULT_RUNS`: `FAULT_PAGES` pages of memory (calloc maps them,
/// untouched), one byte written in each, so the kernel maps and zeroes
/// each; the time over the faults counted. None where huge pages served
/// them (far fewer faults than pages: a cost per 2 MB, not per page).
fn page_fault_us() -> Option<f64> {
    let mut runs = Vec::new();
    for _ in 0..FAULT_RUNS {
        let before = minor_faults(std::process::id())?;
        let start = Instant::now();
        let mut pages = vec![0u8; FAULT_PAGES * 4096];
        for i in (0..pages.len()).step_by(4096) {
            pages[i] = 1;
        }
        std::hint::black_box(&pages);
        let us = start.elapsed().as_secs_f64() * 1e6;
        let faults = minor_faults(std::process::id())? - before;
        drop(pages);
        if faults < FAULT_PAGES as f64 / 2.0 {
            return None;
        }
        runs.push(us / faults);
    }
    Some(percentile(&runs, 50.0))
}

/// The SDK's own work on one DynamoDB call, alone (`sdk_floor`).
#[derive(Serialize, Clone)]
pub struct SdkFloor {
    pub calls: usize,
    pub own_p50_ms: f64,
    pub own_p99_ms: f64,
}

/// Calls timed for the SDK's floor, after `WARMUP` not counted.
pub const FLOOR_CALLS: usize = 500;

/// The least own time a DynamoDB call costs: `FLOOR_CALLS` GetItems of a
/// key that holds nothing, through the instrumented client every
/// function builds (`platform::metrics::dynamodb_client`), each timed as a
/// route is: its time less its time on the wire. What is left is the SDK's
/// (building, serializing and signing the request, its orchestration,
/// parsing the answer) and our interceptor's; no handler, no item. A call
/// on a route's critical path costs at least this much of its own time.
/// In this process, with the same profile.
async fn sdk_floor(stack: &Stack) -> SdkFloor {
    use shared::platform::{metrics, store};
    let client = metrics::dynamodb_client(&stack.sdk);
    let key = store::key(&("BENCH#FLOOR".to_string(), "BENCH#FLOOR".to_string()));
    let mut own = Vec::new();
    for i in 0..WARMUP + FLOOR_CALLS {
        let call = client
            .get_item()
            .table_name(&stack.table)
            .set_key(Some(key.clone()))
            .send();
        let start = Instant::now();
        let (answer, tally) = metrics::measure(call).await;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert!(answer.expect("GetItem").item.is_none());
        if i >= WARMUP {
            own.push(ms - tally.aws_ms);
        }
    }
    SdkFloor {
        calls: FLOOR_CALLS,
        own_p50_ms: percentile(&own, 50.0),
        own_p99_ms: percentile(&own, 99.0),
    }
}

fn root() -> PathBuf {
    local::project_root()
}

pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

/// The size of `path` zipped as Lambda takes it (`bootstrap`, deflate),
/// in MB.
fn zipped_mb(path: &Path) -> Option<f64> {
    use std::io::Write;
    let bytes = std::fs::read(path).ok()?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o755);
    out.start_file("bootstrap", options).ok()?;
    out.write_all(&bytes).ok()?;
    let len = out.finish().ok()?.into_inner().len();
    Some(len as f64 / 1e6)
}

fn mb(path: &Path) -> Option<f64> {
    std::fs::metadata(path).ok().map(|m| m.len() as f64 / 1e6)
}

/// An API Gateway v2 event for `method path`, from the auth samples.
fn event(method: &str, path: &str, body: Option<&Value>, auth: Option<&str>) -> Value {
    let text = std::fs::read_to_string(root().join("events/auth/profile-no-token.json")).unwrap();
    let mut e: Value = serde_json::from_str(&text).unwrap();
    e["rawPath"] = json!(path);
    e["rawQueryString"] = json!("");
    e.as_object_mut().unwrap().remove("queryStringParameters");
    e["requestContext"]["stage"] = json!("$default");
    e["requestContext"]["http"]["method"] = json!(method);
    e["requestContext"]["http"]["path"] = json!(path);
    if let Some(body) = body {
        e["body"] = json!(base64::engine::general_purpose::STANDARD.encode(body.to_string()));
        e["isBase64Encoded"] = json!(true);
        e["headers"]["content-type"] = json!("application/json");
    }
    if let Some(token) = auth {
        e["headers"]["authorization"] = json!(format!("Bearer {token}"));
    }
    e
}

/// `e` with the query string `query` (`name=value` pairs that need no
/// escaping), as API Gateway sends it: raw and parsed.
fn with_query(mut e: Value, query: &str) -> Value {
    e["rawQueryString"] = json!(query);
    let params: serde_json::Map<String, Value> = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    e["queryStringParameters"] = Value::Object(params);
    e
}

struct Function {
    name: &'static str,
    cold: (Value, &'static str, u16),
    burst: (Value, &'static str, u16),
}

/// Every function of template.yaml, with the event of its cold start (a
/// route that needs no AWS call, so the figure is our start-up alone) and
/// of its main route (for memory). A function missing here fails the run.
/// The notifier's (an SQS batch) and the reminders' job (a schedule's
/// event) answer no HTTP status: 0 stands for "not an HTTP response".
fn functions(email: &str, access: &str, sub: &str) -> Vec<Function> {
    let login = json!({"email": email, "password": PASSWORD});
    let openapi = event("GET", "/api/openapi.json", None, None);
    let no_token = event("GET", "/api/auth/profile/", None, None);
    let sqs = |records: Vec<Value>| json!({ "Records": records });
    let notification = json!({
        "messageId": "bench-1", "receiptHandle": "h", "eventSource": "aws:sqs", "awsRegion": "eu-west-3",
        "body": serde_json::to_string(&shared::notifications::events::Event::compte_valide(sub)).unwrap(),
    });
    vec![
        Function {
            name: "hello",
            cold: (no_token.clone(), "any event", 200),
            burst: (no_token.clone(), "any event", 200),
        },
        Function {
            name: "auth",
            cold: (no_token, "GET /api/auth/profile/ (401, no AWS call)", 401),
            burst: (
                event("POST", "/api/auth/login/", Some(&login), None),
                "POST /api/auth/login/",
                200,
            ),
        },
        Function {
            name: "docs",
            // Not its main route: that answers the whole document (hundreds
            // of kB), whose copy to the Runtime API is no part of a start.
            cold: (
                event("GET", "/api/docs", None, None),
                "GET /api/docs (308 to the docs page, no AWS call)",
                308,
            ),
            burst: (openapi, "GET /api/openapi.json", 200),
        },
        Function {
            name: "admin",
            cold: (
                event("GET", "/api/admin/recruteurs-en-attente/", None, None),
                "GET /api/admin/recruteurs-en-attente/ (401, no AWS call)",
                401,
            ),
            burst: (
                event(
                    "GET",
                    "/api/admin/recruteurs/statistiques/",
                    None,
                    Some(access),
                ),
                "GET /api/admin/recruteurs/statistiques/ (403 for a candidate: authenticated, refused)",
                403,
            ),
        },
        Function {
            name: "messages",
            cold: (
                event("GET", "/api/messages/", None, None),
                "GET /api/messages/ (401, no AWS call)",
                401,
            ),
            burst: (
                event("GET", "/api/messages/", None, Some(access)),
                "GET /api/messages/",
                200,
            ),
        },
        Function {
            name: "notifications",
            cold: (
                event("GET", "/api/notifications/", None, None),
                "GET /api/notifications/ (401, no AWS call)",
                401,
            ),
            burst: (
                event("GET", "/api/notifications/", None, Some(access)),
                "GET /api/notifications/",
                200,
            ),
        },
        publication_function("offres"),
        publication_function("financements"),
        publication_function("bourses"),
        publication_function("consultations"),
        Function {
            name: "candidatures",
            cold: (
                event("GET", "/api/candidat/candidatures/", None, None),
                "GET /api/candidat/candidatures/ (401, no AWS call)",
                401,
            ),
            burst: (
                event("GET", "/api/candidat/candidatures/", None, Some(access)),
                "GET /api/candidat/candidatures/",
                200,
            ),
        },
        Function {
            name: "uploads",
            cold: (
                event("GET", "/api/upload/", None, None),
                "GET /api/upload/ (401, no AWS call)",
                401,
            ),
            burst: (
                event("GET", "/api/upload/", None, Some(access)),
                "GET /api/upload/",
                200,
            ),
        },
        Function {
            name: "recherche",
            cold: (
                event("GET", "/api/recherche/candidats/", None, None),
                "GET /api/recherche/candidats/ (401, no AWS call)",
                401,
            ),
            burst: (
                with_query(
                    event("GET", "/api/recherche/offres/", None, None),
                    "q=developpeur&type_contrat=cdi",
                ),
                "GET /api/recherche/offres/?q=developpeur&type_contrat=cdi",
                200,
            ),
        },
        Function {
            name: "statistiques",
            cold: (
                event("GET", "/api/recruteur/statistiques/", None, None),
                "GET /api/recruteur/statistiques/ (401, no AWS call)",
                401,
            ),
            burst: (
                event("GET", "/api/candidat/statistiques/", None, Some(access)),
                "GET /api/candidat/statistiques/",
                200,
            ),
        },
        Function {
            name: "apps",
            cold: (
                event("GET", "/api/auth/profile/", None, None),
                "GET /api/auth/profile/ of the apps' API (401 from our route, in process, no AWS call)",
                401,
            ),
            burst: (
                event("GET", "/api/jobs/job-offers/", None, None),
                "GET /api/jobs/job-offers/ of the apps' API (our public list, renamed)",
                200,
            ),
        },
        Function {
            name: "rappels",
            cold: (json!({}), "a scheduled run (two Queries, nothing due)", 0),
            burst: (json!({}), "a scheduled run", 0),
        },
        Function {
            name: "notifier",
            cold: (sqs(vec![]), "an empty SQS batch", 0),
            burst: (
                sqs(vec![notification]),
                "an SQS batch of one account-validation event (sent once, then deduplicated)",
                0,
            ),
        },
    ]
}

/// A publication kind's function: cold, its recruiter list without a
/// token (401, no AWS call); warm, its public list.
fn publication_function(name: &'static str) -> Function {
    let mine = format!("/api/recruteur/{name}/");
    let public = format!("/api/{name}/");
    Function {
        name,
        cold: (
            event("GET", &mine, None, None),
            "GET /api/recruteur/<kind>/ (401, no AWS call)",
            401,
        ),
        burst: (event("GET", &public, None, None), "GET /api/<kind>/", 200),
    }
}

fn template_functions() -> Vec<String> {
    let template = infra::bootstrap::load(&root().join("template.yaml")).unwrap();
    infra::bootstrap::function_binaries(&template).unwrap()
}

fn spawn(binary: &Path, runtime: &FakeRuntime, env: &[(String, String)]) -> tokio::process::Child {
    spawn_logging(binary, runtime, env, false)
}

/// `logs`: at info, the standard output piped (the `init` event).
fn spawn_logging(
    binary: &Path,
    runtime: &FakeRuntime,
    env: &[(String, String)],
    logs: bool,
) -> tokio::process::Child {
    Command::new(binary)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", binary.file_name().unwrap())
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("LOG_LEVEL", if logs { "info" } else { "warn" })
        .stdout(if logs { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()))
}

/// The `init` event of one cold start: its `*_us` fields.
async fn init_phases(
    binary: &Path,
    event: &Value,
    env: &[(String, String)],
) -> Option<BTreeMap<String, f64>> {
    use tokio::io::AsyncBufReadExt;
    let mut runtime = FakeRuntime::start().await;
    runtime.push(event);
    let mut child = spawn_logging(binary, &runtime, env, true);
    let _ = runtime.outcome().await;
    let stdout = child.stdout.take()?;
    let _ = child.kill().await;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if v["event"] == "init" {
            return Some(
                v.as_object()?
                    .iter()
                    .filter(|(k, _)| k.ends_with("_us"))
                    .filter_map(|(k, n)| Some((k.clone(), n.as_f64()?)))
                    .collect(),
            );
        }
    }
    None
}

/// Medians of each phase over runs.
fn median_phases(runs: &[BTreeMap<String, f64>]) -> Option<BTreeMap<String, f64>> {
    let first = runs.first()?;
    Some(
        first
            .keys()
            .map(|k| {
                let values: Vec<f64> = runs.iter().filter_map(|r| r.get(k).copied()).collect();
                (k.clone(), percentile(&values, 50.0))
            })
            .collect(),
    )
}

fn status_of(body: &Value) -> u16 {
    body["statusCode"].as_u64().unwrap_or(0) as u16
}

/// Exec to first response, in milliseconds, and the minor page faults
/// the process had taken by then.
async fn cold_start(
    binary: &Path,
    event: &Value,
    expected: u16,
    env: &[(String, String)],
) -> (f64, f64) {
    let mut runtime = FakeRuntime::start().await;
    runtime.push(event);
    let start = Instant::now();
    let mut child = spawn(binary, &runtime, env);
    let (at, body) = runtime
        .outcome()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let faults = child.id().and_then(minor_faults).unwrap_or(f64::NAN);
    let _ = child.kill().await;
    assert_eq!(status_of(&body), expected, "{}: {body}", binary.display());
    ((at - start).as_secs_f64() * 1000.0, faults)
}

/// `minflt` of /proc/<pid>/stat: the pages the process mapped in without
/// reading a disk (its binary's, from the page cache, and fresh memory).
fn minor_faults(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command's name, in parentheses: state, ppid, pgrp,
    // session, tty_nr, tpgid, flags, minflt.
    let (_, fields) = stat.rsplit_once(')')?;
    fields.split_whitespace().nth(7)?.parse().ok()
}

/// Peak resident memory (VmHWM) after a burst of sequential invocations,
/// and the median invocation (ms) of its second half.
async fn peak_rss(
    binary: &Path,
    event: &Value,
    expected: u16,
    env: &[(String, String)],
) -> (f64, f64) {
    let mut runtime = FakeRuntime::start().await;
    let mut child = spawn(binary, &runtime, env);
    let mut warm = Vec::new();
    for i in 0..BURST {
        let start = Instant::now();
        runtime.push(event);
        let (at, body) = runtime
            .outcome()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
        assert_eq!(status_of(&body), expected, "{}: {body}", binary.display());
        if i >= BURST / 2 {
            warm.push((at - start).as_secs_f64() * 1000.0);
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id().unwrap())).unwrap();
    let _ = child.kill().await;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    (kb / 1024.0, percentile(&warm, 50.0))
}

/// `Server-Timing: total;dur=1.2, aws;dur=0.9, app;dur=0.3`
fn timing(headers: &reqwest::header::HeaderMap) -> BTreeMap<String, f64> {
    headers
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .filter_map(|part| {
            let (name, dur) = part.trim().split_once(";dur=")?;
            Some((name.to_string(), dur.parse().ok()?))
        })
        .collect()
}

fn capacity(headers: &reqwest::header::HeaderMap, header: &str, which: &str) -> f64 {
    headers
        .get(header)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .find_map(|p| {
            p.strip_prefix(&format!("{which}="))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0.0)
}

/// The rows of the markdown table under `heading` in docs/data-model.md:
/// its cells, trimmed, header and rule left out.
fn table(heading: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root().join("docs/data-model.md")).unwrap();
    let section = text
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("docs/data-model.md has no section \"{heading}\""));
    section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .skip(1)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The minimum calls per route of docs/data-model.md's table: one row per
/// route, a whole number each. A row that is neither stops the run.
fn documented_minimums() -> BTreeMap<String, u32> {
    let mut minimums = BTreeMap::new();
    for cells in table("Minimum DynamoDB calls per route") {
        let route = cells[0].trim_matches('`').to_string();
        let calls = cells
            .get(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| {
                panic!("docs/data-model.md: the minimum of {route} is not a number: {cells:?}")
            });
        assert!(
            minimums.insert(route.clone(), calls).is_none(),
            "docs/data-model.md: two rows for {route}"
        );
    }
    minimums
}

/// The routes served by a row's code: route → the row.
fn documented_aliases() -> BTreeMap<String, String> {
    table("Routes that share a row's code")
        .into_iter()
        .map(|cells| {
            (
                cells[0].trim_matches('`').to_string(),
                cells[1].trim_matches('`').to_string(),
            )
        })
        .collect()
}

/// The apps' table: each route of a row's first cell (`{a,b}` expanded),
/// with the row's minimum as written ("2 per page", "3 + 1 per item").
fn documented_apps_minimums() -> BTreeMap<String, String> {
    let mut rows = BTreeMap::new();
    for cells in table("Minimum DynamoDB calls per route of the apps' API (#19)") {
        for route in cells[0].split(", ") {
            let route = route.trim_matches('`');
            if route.contains(" /api/") {
                for r in expand(route) {
                    rows.insert(r, cells[1].clone());
                }
            }
        }
    }
    rows
}

/// `GET /a/{b,c}/` → `GET /a/b/`, `GET /a/c/` (a path parameter such as
/// `{id}` has no comma and stays).
fn expand(route: &str) -> Vec<String> {
    let Some(open) = route.find('{').filter(|o| {
        route[*o..]
            .find('}')
            .is_some_and(|c| route[*o..*o + c].contains(','))
    }) else {
        return vec![route.to_string()];
    };
    let close = open + route[open..].find('}').unwrap();
    route[open + 1..close]
        .split(',')
        .flat_map(|alt| expand(&format!("{}{alt}{}", &route[..open], &route[close + 1..])))
        .collect()
}

/// The minimum of an apps' route measured as `apps METHOD /path?query`:
/// the number its row starts with, for the first page; none when it grows
/// with what is read ("per item", "per file", "per id").
fn apps_minimum(rows: &BTreeMap<String, String>, route: &str) -> Option<u32> {
    let cell = apps_row(rows, route)?;
    if ["per item", "per file", "per id", "per other"]
        .iter()
        .any(|p| cell.contains(p))
    {
        return None;
    }
    cell.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .max()
}

fn apps_row<'a>(rows: &'a BTreeMap<String, String>, route: &str) -> Option<&'a String> {
    let route = route.strip_prefix("apps ")?;
    let route = route.split('?').next().unwrap_or(route);
    rows.get(route)
}

/// The other three kinds are served by the `offres` routes' code.
fn as_offres(route: &str) -> String {
    route
        .split('/')
        .map(|s| match s {
            "financements" | "bourses" | "consultations" => "offres",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every operation of our OpenAPI document is a row or shares one's code;
/// every row is an operation (`GET /api/openapi.json` is the document).
fn check_table_against_document(minimums: &BTreeMap<String, u32>) {
    let aliases = documented_aliases();
    let text = std::fs::read_to_string(root().join("functions/docs/openapi.json")).unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    let mut operations = vec!["GET /api/openapi.json".to_string()];
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                operations.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let covered = |op: &str| {
        [op.to_string(), as_offres(op)].iter().any(|o| {
            minimums.contains_key(o) || aliases.get(o).is_some_and(|row| minimums.contains_key(row))
        })
    };
    let missing: Vec<&String> = operations
        .iter()
        .filter(|op| !covered(op.as_str()))
        .collect();
    let stray: Vec<&String> = minimums
        .keys()
        .filter(|r| !operations.contains(*r))
        .collect();
    assert!(
        missing.is_empty() && stray.is_empty(),
        "docs/data-model.md's minimum-calls table and functions/docs/openapi.json differ: \
         operations without a row {missing:?}, rows that are no operation {stray:?}"
    );
}

/// DynamoDB calls in an `X-Aws-Calls` header.
fn dynamodb_calls(header: &str) -> u32 {
    header
        .split(',')
        .filter_map(|c| {
            c.strip_prefix("dynamodb.")
                .and_then(|c| c.split('=').nth(1))
                .and_then(|n| n.parse::<u32>().ok())
        })
        .sum()
}

type RequestFn = Box<dyn Fn(usize) -> reqwest::RequestBuilder + Send + Sync>;

async fn measure_route(
    route: &str,
    expected: u16,
    make: RequestFn,
    minimum: Option<u32>,
) -> RouteResult {
    let mut client_ms = Vec::new();
    let (mut server, mut aws, mut own, mut reads, mut writes) =
        (Vec::new(), Vec::new(), Vec::new(), 0.0, 0.0);
    let (mut model_reads, mut model_writes, mut billed, mut max_calls) = (0.0, 0.0, 0.0, 0u32);
    let (mut depths, mut over_minimum, mut over_minimum_logged) = (Vec::new(), 0, 0);
    let mut calls: BTreeMap<String, usize> = BTreeMap::new();
    let mut scans = 0;
    for i in 0..REQUESTS_PER_ROUTE {
        let start = Instant::now();
        let r = make(i).send().await.expect("request");
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.bytes().await.unwrap_or_default();
        assert_eq!(
            status,
            expected,
            "{route}: {}",
            String::from_utf8_lossy(&body)
        );
        // The first requests warm the connections, the caches and the
        // emulator's code paths: sent, checked, not counted.
        if i < WARMUP {
            continue;
        }
        let t = timing(&headers);
        let total = t.get("total").copied().unwrap_or(f64::NAN);
        client_ms.push(elapsed);
        server.push(total);
        aws.push(t.get("aws").copied().unwrap_or(0.0));
        own.push(t.get("app").copied().unwrap_or(f64::NAN));
        reads += capacity(&headers, "x-dynamodb-capacity", "read");
        writes += capacity(&headers, "x-dynamodb-capacity", "write");
        model_reads += capacity(&headers, "x-dynamodb-capacity-model", "read");
        model_writes += capacity(&headers, "x-dynamodb-capacity-model", "write");
        billed += total.ceil().max(1.0);
        let c = headers
            .get("x-aws-calls")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let n = dynamodb_calls(&c);
        max_calls = max_calls.max(n);
        if minimum.is_some_and(|m| n > m) {
            over_minimum += 1;
            // The system log's entry of a slow request (SLOW_REQUEST_MS)
            // or a server error: one PutItem, documented beside the table.
            if total >= SLOW_REQUEST_MS && n == minimum.unwrap_or(0) + 1 {
                over_minimum_logged += 1;
            }
        }
        depths.push(
            headers
                .get("x-aws-depth")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0),
        );
        if c.contains("dynamodb.Scan") {
            scans += 1;
        }
        *calls.entry(c).or_default() += 1;
    }
    // The calls most requests made (a first request may also fetch keys).
    let typical = calls
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(c, _)| c.clone())
        .unwrap_or_default();
    let dynamodb_calls = dynamodb_calls(&typical);
    depths.sort_unstable();
    let n = MEASURED as f64;
    let (own_p99_low, own_p99_high) = p99_bounds(&own);
    RouteResult {
        route: route.to_string(),
        requests: MEASURED,
        warmup: WARMUP,
        concurrency: CONCURRENCY,
        client_p50_ms: percentile(&client_ms, 50.0),
        client_p99_ms: percentile(&client_ms, 99.0),
        server_p50_ms: percentile(&server, 50.0),
        server_p99_ms: percentile(&server, 99.0),
        aws_p50_ms: percentile(&aws, 50.0),
        aws_p99_ms: percentile(&aws, 99.0),
        own_p50_ms: percentile(&own, 50.0),
        own_p99_ms: percentile(&own, 99.0),
        own_p99_low_ms: own_p99_low,
        own_p99_high_ms: own_p99_high,
        overhead_ratio: (percentile(&aws, 50.0) > 0.0)
            .then(|| percentile(&own, 50.0) / percentile(&aws, 50.0)),
        billed_ms_mean: billed / n,
        aws_calls: typical,
        dynamodb_calls,
        dynamodb_calls_max: max_calls,
        dynamodb_minimum: minimum,
        over_minimum,
        over_minimum_logged,
        depth: depths.get(depths.len() / 2).copied().unwrap_or(0),
        depth_max: depths.last().copied().unwrap_or(0),
        read_units: reads / n,
        write_units: writes / n,
        model_read_units: model_reads / n,
        model_write_units: model_writes / n,
        scans,
    }
}

/// `SLOW_REQUEST_MS`'s default (shared::logs): a request at least this
/// slow is written to the system log.
const SLOW_REQUEST_MS: f64 = 1000.0;

/// A distribution-free interval for the p99 of `values`: the order
/// statistics x(r) ≤ p99 ≤ x(s) that hold with the confidence
/// `p99_ranks` gives for as many values (binomial ranks; the report
/// prints the ranks and the confidence).
fn p99_bounds(values: &[f64]) -> (f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let (low, high) = p99_ranks(v.len());
    match (v.get(low.saturating_sub(1)), v.get(high.saturating_sub(1))) {
        (Some(l), Some(h)) => (*l, *h),
        _ => (f64::NAN, f64::NAN),
    }
}

/// The ranks (1-based) of the p99 interval for `n` values: the lower at
/// most 2.5 % likely to be above the true p99, the upper the maximum.
pub fn p99_ranks(n: usize) -> (usize, usize) {
    // P(X < r) for X ~ Binomial(n, 0.99), the number of values below p99.
    let mut below = 0.0;
    let mut low = 1;
    for k in 0..n {
        below += binomial(n, k, 0.99);
        if below > 0.025 {
            break;
        }
        low = k + 1;
    }
    (low.max(1), n)
}

/// The confidence that the true p99 lies within `p99_ranks(n)`.
pub fn p99_confidence(n: usize) -> f64 {
    let (low, high) = p99_ranks(n);
    (low..high).map(|k| binomial(n, k, 0.99)).sum()
}

fn binomial(n: usize, k: usize, p: f64) -> f64 {
    let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
    (ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp()
}

/// A fresh emulator with the template's resources, and the dev server
/// (release build) over it. Each group of routes gets its own, so that no
/// table grows large enough to slow the emulator: moto answers a Query by
/// walking and sorting the whole table. The dev server's in-process jobs are off;
/// the notifications queue is drained here, during the set-up only.
struct Stack {
    http: reqwest::Client,
    base: String,
    apps_base: String,
    /// The functions' environment (cold starts), rate limits lifted.
    env: Vec<(String, String)>,
    notifier: tokio::task::JoinHandle<()>,
    /// The emulator's configuration and table, for the SDK's floor.
    sdk: aws_config::SdkConfig,
    table: String,
    _devserver: tokio::process::Child,
    _emulator: Emulator,
}

impl Stack {
    async fn start(group: &str) -> Stack {
        let emulator = Emulator::start(0).await.expect("emulator");
        let sdk = local::sdk_config(&emulator.endpoint, local::DEFAULT_REGION).await;
        let resources = local::bootstrap(&sdk, local::DEFAULT_STACK)
            .await
            .expect("bootstrap");
        let config = local::config(
            &emulator.endpoint,
            local::DEFAULT_REGION,
            &resources,
            |_| None,
        )
        .unwrap();
        let mut env = local::function_env(&config, &emulator.endpoint);
        // The rate limits count as in production (their write is measured)
        // but never refuse: the bench sends hundreds of calls per route.
        let lifted: Vec<(String, String)> = shared::throttle::RateLimits::DEFAULTS
            .iter()
            .map(|(name, rate)| (name.to_string(), format!("1000000000/{}", rate.window)))
            .collect();
        env.extend(lifted.iter().cloned());
        let port = free_port();
        let apps_port = free_port();
        let mut devserver = Command::new(root().join("target/release/devserver"));
        devserver.env_clear().envs(lifted);
        let devserver = devserver
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL", &emulator.endpoint)
            .env("AWS_REGION", local::DEFAULT_REGION)
            .env("STACK_NAME", local::DEFAULT_STACK)
            .env("WRITE_LOCAL_ENV", "false")
            .env("IN_PROCESS_JOBS", "false")
            .env("PORT", port.to_string())
            .env("APPS_PORT", apps_port.to_string())
            .env("SERVER_TIMING", "true")
            .env("LOG_LEVEL", "warn")
            .env("LOGIN_MAX_FAILURES_PER_CLIENT", "100000")
            .stdout(Stdio::null())
            // Its warnings and errors (a route's 500) stay readable after a run.
            .stderr(
                std::fs::File::create(root().join(format!(
                    "target/bench-devserver-{}.log",
                    group.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
                )))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
            )
            .kill_on_drop(true)
            .spawn()
            .expect("target/release/devserver");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while http
            .get(format!("{base}/api/openapi.json"))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "devserver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let queue = resources
            .id("NotificationsQueue")
            .expect("the notifications queue")
            .to_string();
        let notifier =
            local::start_notifier(&config, &sdk, queue, Duration::from_secs(1)).expect("notifier");
        Stack {
            http,
            base,
            apps_base: format!("http://127.0.0.1:{apps_port}"),
            env,
            notifier,
            table: config.table_name.clone(),
            sdk,
            _devserver: devserver,
            _emulator: emulator,
        }
    }

    /// Stops the drain: from here a route's own time is its work alone.
    fn quiet(&self) {
        self.notifier.abort();
    }

    /// The bench candidate: a new candidat account, logged in.
    async fn candidate(&self) -> Candidate {
        let email = format!(
            "bench-{}@destinyjobs.test",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let r = self
            .http
            .post(format!("{}/api/auth/register/", self.base))
            .json(&json!({"email": email, "password": PASSWORD, "nom": "Bench", "prenom": "Mark", "type_compte": "candidat"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let tokens = login_as(&self.http, &self.base, &email, PASSWORD).await;
        Candidate {
            access: tokens["access"].as_str().unwrap().to_string(),
            refresh: tokens["refresh"].as_str().unwrap().to_string(),
            sub: tokens["user"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            email,
        }
    }
}

struct Candidate {
    email: String,
    access: String,
    refresh: String,
    sub: String,
}

/// The groups of routes, each measured on its own stack. The export reads
/// every part of an account by index Queries, which moto answers by
/// walking the table: alone, it reads a table of one account's items.
const GROUPS: [&str; 9] = [
    "auth",
    "self-service",
    "export",
    "messages and notifications",
    "publications, search and statistics",
    "applications",
    "moderation",
    "uploads",
    "the apps' API",
];

type Routes = Vec<(&'static str, u16, RequestFn)>;

async fn group_routes(group: &str, stack: &Stack) -> Routes {
    let (http, base) = (&stack.http, stack.base.as_str());
    match group {
        "auth" => auth_routes(http, base, &stack.candidate().await).await,
        "self-service" => self_service_routes(http, base).await,
        "export" => {
            // Its account has what a user's has: sessions, log entries.
            let (email, token) = candidate_account(http, base, "export", "Export").await;
            for _ in 0..20 {
                login_as(http, base, &email, PASSWORD).await;
            }
            let (h, b) = (http.clone(), base.to_string());
            let export: RequestFn = Box::new(move |_| {
                h.get(format!("{b}/api/auth/profile/export/"))
                    .bearer_auth(&token)
            });
            vec![("GET /api/auth/profile/export/", 200, export)]
        }
        "messages and notifications" => {
            let c = stack.candidate().await;
            notification_routes(http, base, &c.access, &c.sub).await
        }
        "publications, search and statistics" => publication_routes(http, base).await,
        "applications" => application_routes(http, base).await,
        "moderation" => moderation_routes(http, base).await,
        "uploads" => upload_routes(http, base).await,
        "the apps' API" => {
            let c = stack.candidate().await;
            apps_routes(http, &stack.apps_base, &c.access)
        }
        other => panic!("no group {other}"),
    }
}

/// The builds before the run, as infra/scripts/bench-build.sh timed them
/// (target/bench-builds.tsv: build, worker, seconds; then the total): one
/// phase, its slowest builds named. None without the file (the runner run
/// by hand).
fn builds() -> Vec<Phase> {
    let Ok(text) = std::fs::read_to_string(root().join("target/bench-builds.tsv")) else {
        return Vec::new();
    };
    let rows: Vec<(&str, f64)> = text
        .lines()
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let (name, _, seconds) = (cols.next()?, cols.next()?, cols.next()?);
            Some((name, seconds.parse().ok()?))
        })
        .collect();
    let Some(&(_, total)) = rows.iter().find(|(name, _)| *name == "total") else {
        return Vec::new();
    };
    let dependencies = rows
        .iter()
        .find(|(name, _)| *name == "dependencies")
        .map(|(_, s)| format!("the dependencies once, {s:.0} s; then "))
        .unwrap_or_default();
    let mut each: Vec<_> = rows
        .iter()
        .filter(|(name, _)| !["total", "dependencies"].contains(name))
        .collect();
    each.sort_by(|a, b| b.1.total_cmp(&a.1));
    let slowest: Vec<String> = each
        .iter()
        .take(4)
        .map(|(name, s)| format!("{name} {s:.0} s"))
        .collect();
    vec![Phase {
        name: format!(
            "builds (infra/scripts/bench-build.sh; {dependencies}{} builds in two chains, slowest: {})",
            each.len(),
            slowest.join(", ")
        ),
        seconds: total,
    }]
}

/// How long each phase took, as the report shows it.
#[derive(Serialize, Clone)]
pub struct Phase {
    pub name: String,
    pub seconds: f64,
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let release = root().join("target/release");
    let names = template_functions();
    let mut phases = builds();
    let mut phase = |name: String, since: Instant| {
        let seconds = since.elapsed().as_secs_f64();
        eprintln!(
            "[{:>6.1} s] {name}: {seconds:.1} s",
            started.elapsed().as_secs_f64()
        );
        phases.push(Phase { name, seconds });
    };

    // Before any set-up: every operation of the document has its row, and
    // every row is an operation (checked again, route by route, as measured).
    let minimums = documented_minimums();
    let apps_minimums = documented_apps_minimums();
    check_table_against_document(&minimums);

    // BENCH_GROUPS=publications,uploads: those groups alone (words of
    // their names), for working on the bench; no cold starts, no report.
    let only: Option<Vec<String>> = std::env::var("BENCH_GROUPS")
        .ok()
        .filter(|g| !g.is_empty())
        .map(|g| g.split(',').map(|w| w.trim().to_string()).collect());
    if let Some(only) = &only {
        for group in GROUPS
            .iter()
            .filter(|g| only.iter().any(|w| g.contains(w.as_str())))
        {
            let stack = Stack::start(group).await;
            let routes = group_routes(group, &stack).await;
            stack.quiet();
            measure_routes(routes, &minimums, &apps_minimums).await;
        }
        if only.iter().any(|w| w == "peer") {
            let peer = django_peer(&[])
                .await
                .map(|p| serde_json::to_string(&p).unwrap());
            eprintln!("peer: {peer:?}");
        }
        return;
    }

    // Cold starts and memory, round-robin so machine noise falls on every
    // function alike.
    let t = Instant::now();
    let stack = Stack::start("functions").await;
    let candidate = stack.candidate().await;
    stack.quiet();
    let env = stack.env.clone();
    // The functions' environment, to replay a cold start by hand (perf).
    let _ = std::fs::write(
        root().join("target/bench-functions.env"),
        env.iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect::<String>(),
    );
    let fns = functions(&candidate.email, &candidate.access, &candidate.sub);
    for name in &names {
        assert!(
            fns.iter().any(|f| f.name == name),
            "bench/runner: add the events of function {name}"
        );
    }
    let mut cold: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut cold_main: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut faults: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut init: BTreeMap<&str, Vec<BTreeMap<String, f64>>> = BTreeMap::new();
    for _ in 0..COLD_RUNS {
        for f in &fns {
            let binary = release.join(f.name);
            let (ms, pages) = cold_start(&binary, &f.cold.0, f.cold.2, &env).await;
            cold.entry(f.name).or_default().push(ms);
            faults.entry(f.name).or_default().push(pages);
            let (ms, _) = cold_start(&binary, &f.burst.0, f.burst.2, &env).await;
            cold_main.entry(f.name).or_default().push(ms);
            if let Some(phases) = init_phases(&binary, &f.cold.0, &env).await {
                init.entry(f.name).or_default().push(phases);
            }
        }
    }
    let hello_median = percentile(&cold["hello"], 50.0);
    let mut functions = Vec::new();
    for f in &fns {
        let (rss, warm_main_ms) =
            peak_rss(&release.join(f.name), &f.burst.0, f.burst.2, &env).await;
        let median = percentile(&cold[f.name], 50.0);
        functions.push(FunctionResult {
            name: f.name.to_string(),
            cold_event: f.cold.1.to_string(),
            cold_ms: cold[f.name].clone(),
            cold_median_ms: median,
            cold_faults: percentile(&faults[f.name], 50.0),
            cold_ratio: median / hello_median,
            burst_route: f.burst.1.to_string(),
            burst_requests: BURST,
            peak_rss_mb: rss,
            cold_main_ms: percentile(&cold_main[f.name], 50.0),
            warm_main_ms,
            cold_is_main: f.cold.0 == f.burst.0,
            init_us: init.get(f.name).and_then(|runs| median_phases(runs)),
            binary_mb: mb(&release.join(f.name)),
            zip_mb: zipped_mb(&release.join(f.name)),
        });
        eprintln!("{}: cold {:.1} ms, peak RSS {:.1} MB", f.name, median, rss);
    }
    phase("cold starts and memory".into(), t);
    let t = Instant::now();
    let floor = sdk_floor(&stack).await;
    eprintln!(
        "the SDK's floor per call: own p50 {:.3} ms, p99 {:.3} ms",
        floor.own_p50_ms, floor.own_p99_ms
    );
    drop(stack);
    let fault_us = page_fault_us();
    eprintln!("a minor page fault: {fault_us:?} µs");
    phase("the SDK's floor per call".into(), t);

    // Warm latency per route, a fresh stack per group.
    let mut results = Vec::new();
    for group in GROUPS {
        let t = Instant::now();
        let stack = Stack::start(group).await;
        let routes = group_routes(group, &stack).await;
        for (route, _, _) in &routes {
            assert!(
                minimums.contains_key(*route) || apps_row(&apps_minimums, route).is_some(),
                "{route} is measured but has no row in docs/data-model.md's minimum-calls tables"
            );
        }
        stack.quiet();
        phase(format!("{group}: set-up"), t);
        let t = Instant::now();
        let count = routes.len();
        results.extend(measure_routes(routes, &minimums, &apps_minimums).await);
        phase(format!("{group}: {count} routes measured"), t);
    }
    let unmeasured: Vec<&String> = minimums
        .keys()
        .filter(|route| !results.iter().any(|r| &r.route == *route))
        .collect();
    assert!(
        unmeasured.is_empty(),
        "docs/data-model.md lists routes the bench does not measure: {unmeasured:?}"
    );
    let t = Instant::now();
    let peer = django_peer(&results).await;
    phase("the Django peer".into(), t);

    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_default()
    );
    phase("the run (all above but the builds)".into(), started);
    let results = Results {
        date: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap(),
        commit: commit(),
        machine,
        functions,
        routes: results,
        phases,
        peer,
        sdk_floor: Some(floor),
        page_fault_us: fault_us,
    };
    let out = root().join("bench");
    std::fs::write(
        out.join("results.json"),
        serde_json::to_string_pretty(&results).unwrap(),
    )
    .unwrap();
    let (text, failures) = report::render(&results);
    std::fs::write(out.join("report.md"), text).unwrap();
    eprintln!("wrote bench/report.md and bench/results.json");
    if failures > 0 {
        eprintln!("{failures} budget(s) failed: see bench/report.md");
    }
    if results.routes.iter().any(|r| r.scans > 0) {
        eprintln!("a Scan ran on a request path");
        std::process::exit(1);
    }
}

/// Each route of a group, one after the other, against its documented
/// minimum (either table).
async fn measure_routes(
    routes: Routes,
    minimums: &BTreeMap<String, u32>,
    apps_minimums: &BTreeMap<String, String>,
) -> Vec<RouteResult> {
    let mut results = Vec::new();
    for (route, expected, make) in routes {
        let minimum = minimums
            .get(route)
            .copied()
            .or_else(|| apps_minimum(apps_minimums, route));
        let r = measure_route(route, expected, make, minimum).await;
        eprintln!(
            "{route}: own p99 {:.3} ms, emulator p50 {:.2} ms, calls {} (most {}, minimum {minimum:?}), depth {}",
            r.own_p99_ms, r.aws_p50_ms, r.aws_calls, r.dynamodb_calls_max, r.depth_max
        );
        results.push(r);
    }
    results
}

/// The commit measured (`+` when the tree has changes).
fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let head = git(&["rev-parse", "--short", "HEAD"]);
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty();
    format!("{head}{}", if dirty { "+" } else { "" })
}

async fn auth_routes(http: &reqwest::Client, base: &str, c: &Candidate) -> Routes {
    let (access, refresh, email) = (c.access.clone(), c.refresh.clone(), c.email.clone());
    let run = ulid::Ulid::new().to_string().to_lowercase();
    let mut routes: Routes = vec![
        ("GET /api/auth/profile/", 200, {
            let (h, b, t) = (http.clone(), base.to_string(), access.clone());
            Box::new(move |_| h.get(format!("{b}/api/auth/profile/")).bearer_auth(&t))
        }),
        ("PUT /api/auth/profile/", 200, {
            let (h, b, t) = (http.clone(), base.to_string(), access.clone());
            Box::new(move |i| {
                h.put(format!("{b}/api/auth/profile/"))
                    .bearer_auth(&t)
                    .json(&json!({"localisation": format!("Abidjan {i}")}))
            })
        }),
        ("POST /api/auth/login/", 200, {
            let (h, b, e) = (http.clone(), base.to_string(), email.clone());
            Box::new(move |_| {
                h.post(format!("{b}/api/auth/login/"))
                    .json(&json!({"email": e, "password": PASSWORD}))
            })
        }),
        ("POST /api/auth/refresh/", 200, {
            let (h, b, r) = (http.clone(), base.to_string(), refresh.clone());
            Box::new(move |_| {
                h.post(format!("{b}/api/auth/refresh/"))
                    .json(&json!({"refresh": r}))
            })
        }),
        ("POST /api/auth/register/", 201, {
            let (h, b) = (http.clone(), base.to_string());
            Box::new(move |i| {
                h.post(format!("{b}/api/auth/register/")).json(&json!({
                    "email": format!("r{i}-{run}@destinyjobs.test"), "password": PASSWORD,
                    "nom": "Bench", "prenom": "Reg", "type_compte": "candidat"
                }))
            })
        }),
        ("GET /api/openapi.json", 200, {
            let (h, b) = (http.clone(), base.to_string());
            Box::new(move |_| h.get(format!("{b}/api/openapi.json")))
        }),
    ];
    // Logout needs a session per request: open them first.
    let sessions = set_up(REQUESTS_PER_ROUTE, |_| {
        let login = login_as(http, base, &email, PASSWORD);
        async move { login.await["access"].as_str().unwrap().to_string() }
    })
    .await;
    routes.push(("POST /api/auth/logout/", 200, {
        let (h, b) = (http.clone(), base.to_string());
        Box::new(move |i| {
            h.post(format!("{b}/api/auth/logout/"))
                .bearer_auth(&sessions[i])
                .json(&json!({}))
        })
    }));
    routes.push(("POST /api/auth/verify-email/", 200, {
        let (h, b, e) = (http.clone(), base.to_string(), email.clone());
        Box::new(move |_| {
            h.post(format!("{b}/api/auth/verify-email/"))
                .json(&json!({"email": e, "code": "123456"}))
        })
    }));
    routes.push(("POST /api/auth/reset-password/", 200, {
        let (h, b, e) = (http.clone(), base.to_string(), email.clone());
        Box::new(move |_| {
            h.post(format!("{b}/api/auth/reset-password/"))
                .json(&json!({"email": e}))
        })
    }));
    // The refusal path (a wrong code): a right code per request would need
    // one account per request.
    routes.push(("POST /api/auth/reset-password/confirm/", 400, {
        let (h, b, e) = (http.clone(), base.to_string(), email.clone());
        Box::new(move |_| {
            h.post(format!("{b}/api/auth/reset-password/confirm/"))
                .json(&json!({"email": e, "code": "moto-confirmation-code:000000", "new_password": "N3w-Passw0rd!"}))
        })
    }));
    routes
}

/// The admin account's access token.
async fn admin_token(http: &reqwest::Client, base: &str) -> String {
    login_as(
        http,
        base,
        local::DEFAULT_ADMIN_EMAIL,
        local::DEFAULT_ADMIN_PASSWORD,
    )
    .await["access"]
        .as_str()
        .expect("admin login")
        .to_string()
}

/// A new recruteur `bench-<tag>-<ulid>` that `admin` validated, with a
/// monthly quota of `quota` publications, logged in: (its id, its token).
async fn verified_recruiter(
    http: &reqwest::Client,
    base: &str,
    admin: &str,
    tag: &str,
    quota: u32,
) -> (String, String) {
    let email = format!(
        "bench-{tag}-{}@destinyjobs.test",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let r = http
        .post(format!("{base}/api/auth/register/"))
        .json(&json!({"email": email, "password": PASSWORD, "nom": "Bench", "prenom": "Pub", "type_compte": "recruteur", "entreprise": "Bench SA"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sub = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (path, body) in [
        (format!("/api/admin/recruteurs/{sub}/valider/"), None),
        (
            format!("/api/admin/recruteurs/{sub}/quota/"),
            Some(json!({"quota_publications_mensuel": quota})),
        ),
    ] {
        let request = http.put(format!("{base}{path}")).bearer_auth(admin);
        let r = match body {
            Some(body) => request.json(&body),
            None => request,
        }
        .send()
        .await
        .unwrap();
        assert!(
            r.status().is_success(),
            "{path}: {}",
            r.text().await.unwrap()
        );
    }
    // Logged in once validated.
    let token = login_as(http, base, &email, PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_string();
    (sub, token)
}

async fn login_as(http: &reqwest::Client, base: &str, email: &str, password: &str) -> Value {
    let r = http
        .post(format!("{base}/api/auth/login/"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    r.json().await.unwrap()
}

/// The messages and notifications routes. The admin writes to the bench
/// candidate; a second candidate receives the messages whose copies the
/// DELETE route removes, one per request.
async fn notification_routes(
    http: &reqwest::Client,
    base: &str,
    access: &str,
    sub: &str,
) -> Vec<(&'static str, u16, RequestFn)> {
    let admin = admin_token(http, base).await;
    let other_email = format!(
        "bench-other-{}@destinyjobs.test",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let r = http
        .post(format!("{base}/api/auth/register/"))
        .json(&json!({"email": other_email, "password": PASSWORD, "nom": "Bench", "prenom": "Other", "type_compte": "candidat"}))
        .send()
        .await
        .unwrap();
    let other_sub = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = login_as(http, base, &other_email, PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_string();
    let send = |to: &str| {
        http.post(format!("{base}/api/messages/"))
            .bearer_auth(&admin)
            .json(&json!({"destinataire": to, "sujet": "Bench", "contenu": "<p>Bonjour</p>"}))
    };
    let first: Value = send(sub).send().await.unwrap().json().await.unwrap();
    let message = first["id"].as_str().unwrap().to_string();
    let to_delete = set_up(REQUESTS_PER_ROUTE, |_| {
        let request = send(&other_sub);
        async move {
            let m: Value = request.send().await.unwrap().json().await.unwrap();
            m["id"].as_str().unwrap().to_string()
        }
    })
    .await;
    // The first notification, once the pipeline has delivered it.
    let mut notification = String::new();
    for _ in 0..100 {
        let page: Value = http
            .get(format!("{base}/api/notifications/"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(id) = page["results"][0]["id"].as_str() {
            notification = id.to_string();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!notification.is_empty(), "the notifier delivered nothing");
    let run = ulid::Ulid::new().to_string();
    let get = |path: String, token: &str| -> RequestFn {
        let (h, t) = (http.clone(), token.to_string());
        Box::new(move |_| h.get(&path).bearer_auth(&t))
    };
    let put = |path: String, token: &str, body: Value| -> RequestFn {
        let (h, t) = (http.clone(), token.to_string());
        Box::new(move |_| h.put(&path).bearer_auth(&t).json(&body))
    };
    let u = |path: &str| format!("{base}{path}");
    vec![
        ("GET /api/messages/", 200, get(u("/api/messages/"), access)),
        (
            "GET /api/messages/envoyes/",
            200,
            get(u("/api/messages/envoyes/"), &admin),
        ),
        ("POST /api/messages/", 201, {
            let (h, t, b, to) = (
                http.clone(),
                admin.clone(),
                base.to_string(),
                sub.to_string(),
            );
            Box::new(move |i| {
                h.post(format!("{b}/api/messages/"))
                    .bearer_auth(&t)
                    .json(&json!({"destinataire": to, "sujet": format!("Bench {i}"), "contenu": "<p>Bonjour <b>vous</b></p>"}))
            })
        }),
        (
            "GET /api/messages/{id}/",
            200,
            get(u(&format!("/api/messages/{message}/")), access),
        ),
        (
            "PUT /api/messages/{id}/lu/",
            200,
            put(
                u(&format!("/api/messages/{message}/lu/")),
                access,
                json!({}),
            ),
        ),
        ("DELETE /api/messages/{id}/", 204, {
            let (h, t, b) = (http.clone(), other.clone(), base.to_string());
            Box::new(move |i| {
                h.delete(format!("{b}/api/messages/{}/", to_delete[i]))
                    .bearer_auth(&t)
            })
        }),
        (
            "GET /api/notifications/",
            200,
            get(u("/api/notifications/"), access),
        ),
        (
            "PUT /api/notifications/{id}/lu/",
            200,
            put(
                u(&format!("/api/notifications/{notification}/lu/")),
                access,
                json!({}),
            ),
        ),
        (
            "PUT /api/notifications/tout-lu/",
            200,
            put(u("/api/notifications/tout-lu/"), access, json!({})),
        ),
        ("POST /api/notifications/", 202, {
            let (h, t, b, to) = (
                http.clone(),
                admin.clone(),
                base.to_string(),
                sub.to_string(),
            );
            Box::new(move |i| {
                h.post(format!("{b}/api/notifications/"))
                    .bearer_auth(&t)
                    .json(&json!({"destinataire": to, "titre": format!("Annonce {i}"), "message": "Bench."}))
            })
        }),
        (
            "GET /api/notifications/preferences/",
            200,
            get(u("/api/notifications/preferences/"), access),
        ),
        (
            "PUT /api/notifications/preferences/",
            200,
            put(
                u("/api/notifications/preferences/"),
                access,
                json!({"push": true}),
            ),
        ),
        (
            "GET /api/notifications/appareils/",
            200,
            get(u("/api/notifications/appareils/"), access),
        ),
        ("POST /api/notifications/appareils/", 201, {
            let (h, t, b, run) = (
                http.clone(),
                access.to_string(),
                base.to_string(),
                run.clone(),
            );
            Box::new(move |i| {
                h.post(format!("{b}/api/notifications/appareils/"))
                    .bearer_auth(&t)
                    .json(&json!({"plateforme": "fcm", "token": format!("bench-{run}-{i}")}))
            })
        }),
        ("DELETE /api/notifications/appareils/{id}/", 204, {
            let (h, t, b) = (http.clone(), access.to_string(), base.to_string());
            Box::new(move |i| {
                let id = shared::notifications::device_id(
                    shared::notifications::Platform::Fcm,
                    &format!("bench-{run}-{i}"),
                );
                h.delete(format!("{b}/api/notifications/appareils/{id}/"))
                    .bearer_auth(&t)
            })
        }),
    ]
}

/// The publication routes (one kind stands for the four: same code), the
/// admin routes, the applications', and search, statistics and the admin
/// panel's. A verified recruiter publishes; what a route consumes (a
/// pending publication to decide or delete, a pending account, an account
/// to deactivate) is made beforehand, one per request.
/// A new candidat account `bench-<tag>-<ulid>`, logged in: (email, access).
async fn candidate_account(
    http: &reqwest::Client,
    base: &str,
    tag: &str,
    prenom: &str,
) -> (String, String) {
    account_of(
        http,
        base,
        tag,
        json!({"prenom": prenom, "type_compte": "candidat"}),
    )
    .await
}

/// A new account `bench-<tag>-<ulid>` registered with `fields`, logged
/// in: (email, access).
async fn account_of(
    http: &reqwest::Client,
    base: &str,
    tag: &str,
    fields: Value,
) -> (String, String) {
    let email = format!(
        "bench-{tag}-{}@destinyjobs.test",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let mut body = json!({"email": email, "password": PASSWORD, "nom": "Bench", "prenom": "Bench"});
    body.as_object_mut()
        .unwrap()
        .extend(fields.as_object().cloned().unwrap_or_default());
    let r = http
        .post(format!("{base}/api/auth/register/"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let token = login_as(http, base, &email, PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_string();
    (email, token)
}

/// An account's own sessions and password (#17), on a fresh account:
/// REQUESTS_PER_ROUTE more logins give the sessions that the DELETE route
/// closes one per request; the list reads them all before. Changing the
/// password to itself keeps every request alike (and the account usable).
async fn self_service_routes(
    http: &reqwest::Client,
    base: &str,
) -> Vec<(&'static str, u16, RequestFn)> {
    let (email, token) = candidate_account(http, base, "self", "Self").await;
    set_up(REQUESTS_PER_ROUTE, |_| {
        login_as(http, base, &email, PASSWORD)
    })
    .await;
    // The deletion consumes its account: one per request (docs/privacy.md).
    let doomed = set_up(REQUESTS_PER_ROUTE, |_| {
        let account = candidate_account(http, base, "erase", "Erase");
        async move { account.await.1 }
    })
    .await;
    let mut others = Vec::new();
    let mut next = Some(format!("{base}/api/auth/sessions/?page_size=100"));
    while let Some(url) = next {
        let page: Value = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for s in page["results"].as_array().unwrap() {
            if s["courante"] == false {
                others.push(s["id"].as_str().unwrap().to_string());
            }
        }
        next = page["next"].as_str().map(|n| format!("{base}{n}"));
    }
    let (h, b) = (http.clone(), base.to_string());
    let with = |method: reqwest::Method, path: &'static str, body: Option<Value>| -> RequestFn {
        let (h, b, t) = (h.clone(), b.clone(), token.clone());
        Box::new(move |_| {
            let r = h
                .request(method.clone(), format!("{b}{path}"))
                .bearer_auth(&t);
            match &body {
                Some(body) => r.json(body),
                None => r,
            }
        })
    };
    vec![
        (
            "GET /api/auth/sessions/",
            200,
            with(reqwest::Method::GET, "/api/auth/sessions/", None),
        ),
        ("DELETE /api/auth/sessions/{id}/", 204, {
            let (h, b, t) = (h.clone(), b.clone(), token.clone());
            Box::new(move |i| {
                h.delete(format!("{b}/api/auth/sessions/{}/", others[i]))
                    .bearer_auth(&t)
            })
        }),
        (
            "POST /api/auth/sessions/logout-others/",
            200,
            with(
                reqwest::Method::POST,
                "/api/auth/sessions/logout-others/",
                None,
            ),
        ),
        ("DELETE /api/auth/profile/", 204, {
            let (h, b) = (h.clone(), b.clone());
            Box::new(move |i| {
                h.delete(format!("{b}/api/auth/profile/"))
                    .bearer_auth(&doomed[i])
                    .json(&json!({"mot_de_passe": PASSWORD}))
            })
        }),
        (
            "POST /api/auth/change-password/",
            200,
            with(
                reqwest::Method::POST,
                "/api/auth/change-password/",
                Some(json!({"old_password": PASSWORD, "new_password": PASSWORD})),
            ),
        ),
        ("POST /api/auth/resend-code/", 200, {
            let (h, b) = (h.clone(), b.clone());
            Box::new(move |_| {
                h.post(format!("{b}/api/auth/resend-code/"))
                    .json(&json!({"email": email}))
            })
        }),
    ]
}

/// A new account of `kind` (`recruteur`, `prestataire`, `candidat`): its
/// email and id. Each type takes its own fields only (an unknown field is
/// a 400).
async fn register_account(http: &reqwest::Client, base: &str, kind: &str) -> (String, String) {
    let email = format!(
        "bench-{kind}-{}@destinyjobs.test",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let mut body = json!({"email": email, "password": PASSWORD, "nom": "Bench", "prenom": "Pub", "type_compte": kind});
    match kind {
        "recruteur" => body["entreprise"] = json!("Bench SA"),
        "prestataire" => body["specialite"] = json!("Audit"),
        _ => {}
    }
    let r = http
        .post(format!("{base}/api/auth/register/"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    (email, id)
}

/// A new candidat account, logged in: (sub, access).
async fn registered_candidate(http: &reqwest::Client, base: &str) -> (String, String) {
    let (email, sub) = register_account(http, base, "candidat").await;
    let access = login_as(http, base, &email, PASSWORD).await["access"]
        .as_str()
        .unwrap()
        .to_string();
    (sub, access)
}

/// The bench's offre `i`: cdi, 100-200, "Offre bench i".
fn offre(i: usize) -> Value {
    json!({"titre": format!("Offre bench {i}"), "description": "<p>Poste à pourvoir.</p>", "type_contrat": "cdi", "salaire_min": 100, "salaire_max": 200})
}

/// Set-up requests in flight at once. moto handles its DynamoDB requests
/// one at a time (infra/moto_server.py), so more than a few would only
/// queue there; a few overlap its work with ours and Cognito's. At most
/// 5: a login in flight holds one of its account's attempts
/// (`LOGIN_MAX_FAILURES_PER_ACCOUNT`, 5), and the set-ups log one account
/// in many times. Never while a route is measured (`CONCURRENCY`).
const SET_UP_CONCURRENCY: usize = 4;

/// `step(0..n)`, `SET_UP_CONCURRENCY` at a time: their outputs, in order.
async fn set_up<T, F: Future<Output = T>>(n: usize, step: impl FnMut(usize) -> F) -> Vec<T> {
    use futures_util::stream::{self, StreamExt};
    stream::iter(0..n)
        .map(step)
        .buffered(SET_UP_CONCURRENCY)
        .collect()
        .await
}

/// Offre `i`, published by `recruiter` (pending validation): its id.
async fn publish(http: &reqwest::Client, base: &str, recruiter: &str, i: usize) -> String {
    let r = http
        .post(format!("{base}/api/recruteur/offres/"))
        .bearer_auth(recruiter)
        .json(&offre(i))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Offre `i`, published by `recruiter` and validated by `admin`: open.
async fn open_offre(
    http: &reqwest::Client,
    base: &str,
    recruiter: &str,
    admin: &str,
    i: usize,
) -> String {
    let id = publish(http, base, recruiter, i).await;
    admin_put(
        http,
        base,
        admin,
        &format!("/api/admin/publications/{id}/valider/"),
    )
    .await;
    id
}

/// `candidate` applies to offre `id`, which must succeed.
async fn apply(http: &reqwest::Client, base: &str, candidate: &str, id: &str) {
    let r = http
        .post(format!("{base}/api/offres/{id}/postuler/"))
        .bearer_auth(candidate)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

/// `PUT path` as the admin, which must succeed.
async fn admin_put(http: &reqwest::Client, base: &str, admin: &str, path: &str) {
    let r = http
        .put(format!("{base}{path}"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "{path}: {}",
        r.text().await.unwrap()
    );
}

/// The same GET on every request, anonymous or with `token`.
fn get(http: &reqwest::Client, url: String, token: Option<&str>) -> RequestFn {
    let (h, t) = (http.clone(), token.map(String::from));
    Box::new(move |_| match &t {
        Some(t) => h.get(&url).bearer_auth(t),
        None => h.get(&url),
    })
}

/// Request `i` acts on `ids[i]` (`{id}` in `path`): for the routes that
/// consume what they act on.
fn each(
    http: &reqwest::Client,
    base: &str,
    ids: Vec<String>,
    token: &str,
    method: reqwest::Method,
    path: &'static str,
    body: Option<Value>,
) -> RequestFn {
    let (h, t, b) = (http.clone(), token.to_string(), base.to_string());
    Box::new(move |i| {
        let request = h
            .request(
                method.clone(),
                format!("{b}{}", path.replace("{id}", &ids[i])),
            )
            .bearer_auth(&t);
        match &body {
            Some(body) => request.json(body),
            None => request,
        }
    })
}

/// Publications, search, statistics and the admin's reads, over OPEN_OFFRES
/// open offres and one application. The applications' routes, which need
/// hundreds of open offres, and the moderation's decisions, which need
/// hundreds of pending items, have stacks of their own
/// (`application_routes`, `moderation_routes`): moto's Query walks and
/// sorts the whole table (moto/dynamodb/models/table.py), so those items
/// would slow every list here.
async fn publication_routes(http: &reqwest::Client, base: &str) -> Routes {
    let admin = admin_token(http, base).await;
    let (recruiter_sub, recruiter) =
        verified_recruiter(http, base, &admin, "recruteur", 10000).await;
    let public = open_offre(http, base, &recruiter, &admin, 0).await;
    // Pending: what its author edits.
    let draft = publish(http, base, &recruiter, 1).await;
    // A page of open offres for the public lists (a full one: 20).
    set_up(OPEN_OFFRES, |i| {
        open_offre(http, base, &recruiter, &admin, 10_000 + i)
    })
    .await;
    let (candidate_sub, candidate) = registered_candidate(http, base).await;
    apply(http, base, &candidate, &public).await;
    // A verified prestataire, for its public page.
    let (_, provider_sub) = register_account(http, base, "prestataire").await;
    admin_put(
        http,
        base,
        &admin,
        &format!("/api/admin/recruteurs/{provider_sub}/valider/"),
    )
    .await;
    let u = |path: &str| format!("{base}{path}");
    let today = time::OffsetDateTime::now_utc().date();
    let (month_ago, yesterday) = (
        today - time::Duration::days(29),
        today - time::Duration::days(1),
    );
    // The reads first, then the writes, which grow the table the reads
    // would walk.
    vec![
        (
            "GET /api/offres/{id}/compatibilite/",
            200,
            get(
                http,
                u(&format!("/api/offres/{public}/compatibilite/")),
                Some(&candidate),
            ),
        ),
        (
            "GET /api/admin/publications/",
            200,
            get(
                http,
                u("/api/admin/publications/?statut_validation=validee"),
                Some(&admin),
            ),
        ),
        (
            "GET /api/admin/publications/{id}/",
            200,
            get(
                http,
                u(&format!("/api/admin/publications/{public}/")),
                Some(&admin),
            ),
        ),
        (
            // A candidate's: a recruiter's adds its publications (6 calls).
            "GET /api/admin/utilisateurs/{id}/",
            200,
            get(
                http,
                u(&format!("/api/admin/utilisateurs/{candidate_sub}/")),
                Some(&admin),
            ),
        ),
        (
            "GET /api/profils/recruteurs/{id}/",
            200,
            get(
                http,
                u(&format!("/api/profils/recruteurs/{recruiter_sub}/")),
                None,
            ),
        ),
        (
            "GET /api/profils/prestataires/{id}/",
            200,
            get(
                http,
                u(&format!("/api/profils/prestataires/{provider_sub}/")),
                None,
            ),
        ),
        ("GET /api/offres/", 200, get(http, u("/api/offres/"), None)),
        (
            "GET /api/offres/{id}/",
            200,
            get(http, u(&format!("/api/offres/{public}/")), None),
        ),
        (
            "GET /api/recruteur/offres/",
            200,
            get(http, u("/api/recruteur/offres/"), Some(&recruiter)),
        ),
        (
            "GET /api/recruteur/offres/{id}/",
            200,
            get(
                http,
                u(&format!("/api/recruteur/offres/{public}/")),
                Some(&recruiter),
            ),
        ),
        // Search, statistics and the admin panel, over what is seeded
        // above. One search kind stands for the four (same code); every
        // public offre is an "Offre bench N", cdi, 100-200, so the filters
        // keep them all and one Query fills the page. The candidates'
        // search has no filter (they are applied in code to the same
        // Query; the bench candidates fill in nothing) and is run by the
        // recruiter, whose page needs the BatchGetItem of who applied to
        // it.
        (
            "GET /api/recherche/offres/",
            200,
            get(
                http,
                u("/api/recherche/offres/?q=bench&type_contrat=cdi&salaire_min=150"),
                None,
            ),
        ),
        (
            "GET /api/recherche/candidats/",
            200,
            get(http, u("/api/recherche/candidats/"), Some(&recruiter)),
        ),
        (
            "GET /api/recruteur/statistiques/",
            200,
            get(http, u("/api/recruteur/statistiques/"), Some(&recruiter)),
        ),
        (
            "GET /api/candidat/statistiques/",
            200,
            get(http, u("/api/candidat/statistiques/"), Some(&candidate)),
        ),
        (
            "GET /api/analytics/offres/",
            200,
            get(
                http,
                u("/api/analytics/offres/?periode=semaine&type_publication=offre"),
                Some(&recruiter),
            ),
        ),
        (
            "GET /api/analytics/candidatures/",
            200,
            get(
                http,
                u(&format!(
                    "/api/analytics/candidatures/?periode=jour&date_debut={month_ago}&date_fin={today}"
                )),
                Some(&recruiter),
            ),
        ),
        (
            "GET /api/statistiques/publiques/",
            200,
            get(http, u("/api/statistiques/publiques/"), None),
        ),
        (
            "GET /api/reference/",
            200,
            get(http, u("/api/reference/"), None),
        ),
        (
            "GET /api/reference/{liste}/",
            200,
            get(http, u("/api/reference/departements/"), None),
        ),
        (
            "GET /api/reference/pays/{id}/regions/",
            200,
            get(http, u("/api/reference/pays/CI/regions/"), None),
        ),
        (
            "GET /api/reference/departements/{id}/categories/",
            200,
            get(
                http,
                u("/api/reference/departements/informatique/categories/"),
                None,
            ),
        ),
        (
            "GET /api/admin/statistiques-globales/",
            200,
            get(http, u("/api/admin/statistiques-globales/"), Some(&admin)),
        ),
        (
            "GET /api/admin/dashboard/",
            200,
            get(http, u("/api/admin/dashboard/"), Some(&admin)),
        ),
        (
            "GET /api/admin/utilisateurs/",
            200,
            get(
                http,
                u("/api/admin/utilisateurs/?type_compte=candidat&is_active=true"),
                Some(&admin),
            ),
        ),
        (
            "GET /api/admin/logs/",
            200,
            get(
                http,
                u(&format!(
                    "/api/admin/logs/?type=connexion&date_debut={yesterday}"
                )),
                Some(&admin),
            ),
        ),
        ("POST /api/recruteur/offres/", 201, {
            let (h, t, b) = (http.clone(), recruiter.clone(), base.to_string());
            Box::new(move |i| {
                h.post(format!("{b}/api/recruteur/offres/"))
                    .bearer_auth(&t)
                    .json(&offre(i))
            })
        }),
        ("PUT /api/recruteur/offres/{id}/", 200, {
            let (h, t, path) = (
                http.clone(),
                recruiter.clone(),
                u(&format!("/api/recruteur/offres/{draft}/")),
            );
            Box::new(move |i| {
                h.put(&path)
                    .bearer_auth(&t)
                    .json(&json!({"localisation": format!("Abidjan {i}")}))
            })
        }),
    ]
}

/// The applications: one candidate applies to REQUESTS_PER_ROUTE open
/// offres (one application per request); the status and withdrawal
/// routes then take those applications, whose ids are known
/// (`<publication>.<applicant>`). The lists and the items are read first,
/// on the candidate's OPEN_OFFRES applications (made in the set-up); the
/// mass mailing goes to the applicants of one of those offres.
async fn application_routes(http: &reqwest::Client, base: &str) -> Routes {
    let admin = admin_token(http, base).await;
    let (_, recruiter) = verified_recruiter(http, base, &admin, "recruteur", 10000).await;
    let (candidate_sub, candidate) = registered_candidate(http, base).await;
    let mut open = set_up(OPEN_OFFRES + REQUESTS_PER_ROUTE, |i| {
        open_offre(http, base, &recruiter, &admin, 10_000 + i)
    })
    .await;
    let applied = open.split_off(REQUESTS_PER_ROUTE);
    set_up(applied.len(), |i| {
        apply(http, base, &candidate, &applied[i])
    })
    .await;
    let public = applied[0].clone();
    let mine = format!("{public}.{candidate_sub}");
    let applications: Vec<String> = open
        .iter()
        .map(|p| format!("{p}.{candidate_sub}"))
        .collect();
    let u = |path: &str| format!("{base}{path}");
    let interview = (time::OffsetDateTime::now_utc() + time::Duration::days(7))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    vec![
        (
            "GET /api/recruteur/candidatures/",
            200,
            get(http, u("/api/recruteur/candidatures/"), Some(&recruiter)),
        ),
        (
            "GET /api/candidat/candidatures/",
            200,
            get(http, u("/api/candidat/candidatures/"), Some(&candidate)),
        ),
        (
            "GET /api/recruteur/candidatures/{id}/",
            200,
            get(
                http,
                u(&format!("/api/recruteur/candidatures/{}/", mine)),
                Some(&recruiter),
            ),
        ),
        (
            "GET /api/candidat/candidatures/{id}/",
            200,
            get(
                http,
                u(&format!("/api/candidat/candidatures/{}/", mine)),
                Some(&candidate),
            ),
        ),
        (
            "POST /api/offres/{id}/postuler/",
            201,
            each(
                http,
                base,
                open,
                &candidate,
                reqwest::Method::POST,
                "/api/offres/{id}/postuler/",
                Some(json!({"lettre_motivation": "<p>Bonjour</p>"})),
            ),
        ),
        (
            "PUT /api/recruteur/candidatures/{id}/statut/",
            200,
            each(
                http,
                base,
                applications.clone(),
                &recruiter,
                reqwest::Method::PUT,
                "/api/recruteur/candidatures/{id}/statut/",
                Some(json!({"statut": "en_cours", "date_entretien": interview})),
            ),
        ),
        (
            "DELETE /api/candidat/candidatures/{id}/",
            204,
            each(
                http,
                base,
                applications,
                &candidate,
                reqwest::Method::DELETE,
                "/api/candidat/candidatures/{id}/",
                None,
            ),
        ),
        ("POST /api/recruteur/messages/envoi-masse/", 202, {
            let (h, t, b) = (http.clone(), recruiter.clone(), base.to_string());
            let body =
                json!({"publication": public, "sujet": "Bench", "contenu": "<p>Bonjour</p>"});
            Box::new(move |_| {
                h.post(format!("{b}/api/recruteur/messages/envoi-masse/"))
                    .bearer_auth(&t)
                    .json(&body)
            })
        }),
    ]
}

/// The moderation's queues and decisions, one item consumed per request:
/// 3 × REQUESTS_PER_ROUTE pending offres (validated, refused, deleted by
/// their author), REQUESTS_PER_ROUTE recruiters and as many prestataires
/// waiting (validated, refused), and as many candidates, which never wait
/// for validation and never logged in (no session to close), deactivated,
/// then reactivated. The queues and their statistics are read after the
/// decisions, which leave QUEUE offres, QUEUE recruiters and QUEUE
/// prestataires waiting: moto sorts every match of a Query before it
/// takes a page, and the reads before the decisions sorted hundreds.
async fn moderation_routes(http: &reqwest::Client, base: &str) -> Routes {
    let admin = admin_token(http, base).await;
    let (recruiter_sub, recruiter) =
        verified_recruiter(http, base, &admin, "recruteur", 10000).await;
    let mut pending = set_up(3 * REQUESTS_PER_ROUTE + QUEUE, |i| {
        publish(http, base, &recruiter, i)
    })
    .await;
    // The last QUEUE stay pending: the queue the reads after the decisions see.
    pending.truncate(3 * REQUESTS_PER_ROUTE);
    let to_refuse: Vec<String> = pending.split_off(2 * REQUESTS_PER_ROUTE);
    let to_delete: Vec<String> = pending.split_off(REQUESTS_PER_ROUTE);
    let to_validate = pending;
    let accounts = |n: usize, kind: &'static str| {
        set_up(n, move |_| {
            let account = register_account(http, base, kind);
            async move { account.await.1 }
        })
    };
    let to_validate_accounts = accounts(REQUESTS_PER_ROUTE, "recruteur").await;
    let to_refuse_accounts = accounts(REQUESTS_PER_ROUTE, "prestataire").await;
    let disposable = accounts(REQUESTS_PER_ROUTE, "candidat").await;
    accounts(QUEUE, "recruteur").await;
    accounts(QUEUE, "prestataire").await;
    let u = |path: &str| format!("{base}{path}");
    let put = reqwest::Method::PUT;
    vec![
        (
            "DELETE /api/recruteur/offres/{id}/",
            204,
            each(
                http,
                base,
                to_delete,
                &recruiter,
                reqwest::Method::DELETE,
                "/api/recruteur/offres/{id}/",
                None,
            ),
        ),
        (
            "PUT /api/admin/recruteurs/{id}/valider/",
            200,
            each(
                http,
                base,
                to_validate_accounts,
                &admin,
                put.clone(),
                "/api/admin/recruteurs/{id}/valider/",
                None,
            ),
        ),
        (
            "PUT /api/admin/recruteurs/{id}/refuser/",
            200,
            each(
                http,
                base,
                to_refuse_accounts,
                &admin,
                put.clone(),
                "/api/admin/recruteurs/{id}/refuser/",
                Some(json!({"motif": "Kbis illisible"})),
            ),
        ),
        ("PUT /api/admin/recruteurs/{id}/quota/", 200, {
            let (h, t, path) = (
                http.clone(),
                admin.clone(),
                u(&format!("/api/admin/recruteurs/{recruiter_sub}/quota/")),
            );
            Box::new(move |i| {
                h.put(&path)
                    .bearer_auth(&t)
                    .json(&json!({"quota_publications_mensuel": 5000 + i}))
            })
        }),
        (
            "PUT /api/admin/publications/{id}/valider/",
            200,
            each(
                http,
                base,
                to_validate,
                &admin,
                put.clone(),
                "/api/admin/publications/{id}/valider/",
                None,
            ),
        ),
        (
            "PUT /api/admin/publications/{id}/refuser/",
            200,
            each(
                http,
                base,
                to_refuse,
                &admin,
                put.clone(),
                "/api/admin/publications/{id}/refuser/",
                Some(json!({"motif": "Hors sujet"})),
            ),
        ),
        (
            "PUT /api/admin/utilisateurs/{id}/desactiver/",
            200,
            each(
                http,
                base,
                disposable.clone(),
                &admin,
                put.clone(),
                "/api/admin/utilisateurs/{id}/desactiver/",
                None,
            ),
        ),
        // The accounts the route above deactivated, one per request.
        (
            "PUT /api/admin/utilisateurs/{id}/reactiver/",
            200,
            each(
                http,
                base,
                disposable,
                &admin,
                put,
                "/api/admin/utilisateurs/{id}/reactiver/",
                None,
            ),
        ),
        // The queues, down to what the decisions left: QUEUE of each kind.
        (
            "GET /api/admin/recruteurs-en-attente/",
            200,
            get(http, u("/api/admin/recruteurs-en-attente/"), Some(&admin)),
        ),
        (
            "GET /api/admin/publications-en-attente/",
            200,
            get(http, u("/api/admin/publications-en-attente/"), Some(&admin)),
        ),
        (
            "GET /api/admin/recruteurs/statistiques/",
            200,
            get(http, u("/api/admin/recruteurs/statistiques/"), Some(&admin)),
        ),
        (
            "GET /api/admin/publications/statistiques/",
            200,
            get(
                http,
                u("/api/admin/publications/statistiques/"),
                Some(&admin),
            ),
        ),
    ]
}

/// Files a bench account sends, under the per-account limit.
const FILES_PER_ACCOUNT: usize = 25;

/// A CV of about 200 KB, a usual size: a PDF whose body is padding.
fn bench_pdf(i: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% bench {i}\n").into_bytes();
    bytes.extend(std::iter::repeat_n(b'A', 200 * 1024));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

fn cv_form(i: usize) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "fichier",
        reqwest::multipart::Part::bytes(bench_pdf(i)).file_name("CV Bench.pdf"),
    )
}

/// The uploads routes. Candidates send `FILES_PER_ACCOUNT` CVs each (the
/// POST route); others' files, sent beforehand, are read and deleted one
/// per request.
/// The apps' API's main reads (docs/apps-api.md), as the candidat of the
/// run: each costs the routes of ours it calls (docs/data-model.md, the
/// apps' table), measured here as one of their pages calls them.
fn apps_routes(
    http: &reqwest::Client,
    apps: &str,
    access: &str,
) -> Vec<(&'static str, u16, RequestFn)> {
    [
        (
            "apps GET /api/jobs/job-offers/",
            "/api/jobs/job-offers/?page=1&page_size=20",
            false,
        ),
        (
            "apps GET /api/jobs/departments/",
            "/api/jobs/departments/",
            false,
        ),
        (
            "apps GET /api/common/stats/public/",
            "/api/common/stats/public/",
            false,
        ),
        ("apps GET /api/openapi.json", "/api/openapi.json", false),
        ("apps GET /api/auth/profile/", "/api/auth/profile/", true),
        (
            "apps GET /api/auth/profile/candidate/",
            "/api/auth/profile/candidate/",
            true,
        ),
        (
            "apps GET /api/notifications/",
            "/api/notifications/?page=1&page_size=10",
            true,
        ),
        (
            "apps GET /api/notifications/stats/",
            "/api/notifications/stats/",
            true,
        ),
        (
            "apps GET /api/applications/my-stats/",
            "/api/applications/my-stats/",
            true,
        ),
        (
            "apps GET /api/applications/job/",
            "/api/applications/job/?page=1&page_size=10",
            true,
        ),
    ]
    .into_iter()
    .map(|(route, path, signed)| {
        let (h, url, t) = (http.clone(), format!("{apps}{path}"), access.to_string());
        let make: RequestFn = Box::new(move |_| {
            let request = h.get(&url);
            if signed {
                request.bearer_auth(&t)
            } else {
                request
            }
        });
        (route, 200, make)
    })
    .collect()
}

async fn upload_routes(http: &reqwest::Client, base: &str) -> Vec<(&'static str, u16, RequestFn)> {
    let accounts = REQUESTS_PER_ROUTE.div_ceil(FILES_PER_ACCOUNT);
    let mut senders = Vec::new();
    let mut owners = Vec::new();
    for n in 0..2 * accounts {
        let (_, token) = candidate_account(http, base, &format!("upload-{n}"), "Cv").await;
        if n < accounts {
            senders.push(token)
        } else {
            owners.push(token)
        }
    }
    // The files the detail and delete routes take, one per request.
    let mut files = Vec::new();
    for i in 0..REQUESTS_PER_ROUTE {
        let token = &owners[i / FILES_PER_ACCOUNT];
        let r = http
            .post(format!("{base}/api/upload/cv/"))
            .bearer_auth(token)
            .multipart(cv_form(i))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        files.push((token.clone(), id));
    }
    let files = std::sync::Arc::new(files);
    let b = base.to_string();
    let mut routes: Vec<(&'static str, u16, RequestFn)> = vec![
        ("POST /api/upload/cv/", 201, {
            let (h, b) = (http.clone(), b.clone());
            Box::new(move |i| {
                h.post(format!("{b}/api/upload/cv/"))
                    .bearer_auth(&senders[i / FILES_PER_ACCOUNT])
                    .multipart(cv_form(i))
            })
        }),
        ("GET /api/upload/", 200, {
            let (h, b, t) = (http.clone(), b.clone(), owners[0].clone());
            Box::new(move |_| h.get(format!("{b}/api/upload/")).bearer_auth(&t))
        }),
        ("GET /api/upload/{id}/", 200, {
            let (h, b, f) = (http.clone(), b.clone(), files.clone());
            Box::new(move |i| {
                let (token, id) = &f[i];
                h.get(format!("{b}/api/upload/{id}/")).bearer_auth(token)
            })
        }),
        ("DELETE /api/upload/{id}/", 204, {
            let (h, b, f) = (http.clone(), b.clone(), files.clone());
            Box::new(move |i| {
                let (token, id) = &f[i];
                h.delete(format!("{b}/api/upload/{id}/")).bearer_auth(token)
            })
        }),
    ];
    routes.extend(image_routes(http, base, accounts).await);
    routes
}

/// An 8 × 8 PNG.
const BENCH_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbElEQVR4nBXNQRUAUQhCUZOYhCQmeUlIQhISzR+XXA7ODDtouIHBQ4YOM8suWm5h8ZKl+0CskDiBsIioHhx76LiDw0eO3oN/4FVf+J8h0PduzBqZ8x/bxNQPwgaFy192SGgelC0q13/CJaXlA+odUoHdRJQGAAAAAElFTkSuQmCC";

fn image_form() -> reqwest::multipart::Form {
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(BENCH_PNG)
        .unwrap();
    reqwest::multipart::Form::new().part(
        "fichier",
        reqwest::multipart::Part::bytes(png).file_name("photo.png"),
    )
}

/// Photos and logos: `accounts` candidats and recruteurs (of no
/// publication: the logo's Query finds none) replace theirs
/// `FILES_PER_ACCOUNT` times each (under the upload rate). The DELETE
/// routes are measured on accounts that have no image left (404 after
/// reading the profile): one image per account, and one account per
/// request would cost minutes of registrations.
async fn image_routes(
    http: &reqwest::Client,
    base: &str,
    accounts: usize,
) -> Vec<(&'static str, u16, RequestFn)> {
    let mut candidats = Vec::new();
    let mut recruteurs = Vec::new();
    for n in 0..accounts {
        candidats.push(
            candidate_account(http, base, &format!("photo-{n}"), "Photo")
                .await
                .1,
        );
        let fields = json!({"type_compte": "recruteur", "entreprise": "Bench SA"});
        recruteurs.push(account_of(http, base, &format!("logo-{n}"), fields).await.1);
    }
    let (candidats, recruteurs) = (
        std::sync::Arc::new(candidats),
        std::sync::Arc::new(recruteurs),
    );
    let b = base.to_string();
    let put = |slot: &'static str, tokens: &std::sync::Arc<Vec<String>>| -> RequestFn {
        let (h, b, t) = (http.clone(), b.clone(), tokens.clone());
        Box::new(move |i| {
            h.put(format!("{b}/api/upload/{slot}/"))
                .bearer_auth(&t[i / FILES_PER_ACCOUNT])
                .multipart(image_form())
        })
    };
    // Accounts that never have an image, for the deletes.
    let bare_candidat = candidate_account(http, base, "photo-none", "Photo").await.1;
    let fields = json!({"type_compte": "recruteur", "entreprise": "Bench SA"});
    let bare_recruteur = account_of(http, base, "logo-none", fields).await.1;
    let delete = |slot: &'static str, token: String| -> RequestFn {
        let (h, b) = (http.clone(), b.clone());
        Box::new(move |_| {
            h.delete(format!("{b}/api/upload/{slot}/"))
                .bearer_auth(&token)
        })
    };
    vec![
        ("PUT /api/upload/photo/", 200, put("photo", &candidats)),
        ("PUT /api/upload/logo/", 200, put("logo", &recruteurs)),
        (
            "DELETE /api/upload/photo/",
            404,
            delete("photo", bare_candidat),
        ),
        (
            "DELETE /api/upload/logo/",
            404,
            delete("logo", bare_recruteur),
        ),
    ]
}

/// The warm-path comparison (#21): `GET /api/offres/` answering 20 items,
/// as CPU per request of the serving process, ours and the Django + DRF
/// peer's (bench/peer, SQLite), on this machine in this run.
#[derive(Serialize, Clone)]
pub struct Peer {
    pub requests: usize,
    pub ours_cpu_ms: f64,
    pub ours_wall_p50_ms: f64,
    /// Own time (server − wire, `Server-Timing`) of the same requests.
    pub ours_own_p50_ms: f64,
    /// What bench/peer/measure.py printed.
    pub django: Value,
    pub django_cpu_ms: f64,
    /// Django's CPU per request over ours.
    pub ratio: f64,
}

/// Enough for a mean of CPU time: the dev server's is read from /proc in
/// 10 ms ticks, about 1 % of what 300 requests take (`PEER_TICK_MS`).
const PEER_REQUESTS: usize = 300;
pub const PEER_TICK_MS: f64 = 10.0;

/// CPU time (user + system) of process `pid` so far, in milliseconds.
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are
    // the 14th and 15th of the line, the 12th and 13th after it.
    let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    // USER_HZ is 100 on Linux.
    ticks * PEER_TICK_MS
}

/// Ours on a fresh stack with 40 validated offres, then the peer's script
/// (PEER_PYTHON, made by `make bench`). None, said why, when the peer
/// cannot run: the rest of the report stands without it.
async fn django_peer(_: &[RouteResult]) -> Option<Peer> {
    let python = std::env::var("PEER_PYTHON").ok().filter(|p| !p.is_empty());
    let Some(python) = python else {
        eprintln!("PEER_PYTHON is not set: the Django comparison is left out");
        return None;
    };
    let stack = Stack::start("peer").await;
    let (http, base) = (&stack.http, stack.base.as_str());
    let admin = admin_token(http, base).await;
    let (_, recruiter) = verified_recruiter(http, base, &admin, "peer", 1000).await;
    for i in 0..40 {
        let r: Value = http
            .post(format!("{base}/api/recruteur/offres/"))
            .bearer_auth(&recruiter)
            .json(&json!({"titre": format!("Développeur {i}"), "description": "<p>Poste à pourvoir à Abidjan.</p>", "type_contrat": "cdi", "localisation": "Abidjan", "salaire_min": 100, "salaire_max": 200, "competences_requises": ["rust", "aws"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = r["id"].as_str().expect("offre").to_string();
        let r = http
            .put(format!("{base}/api/admin/publications/{id}/valider/"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    stack.quiet();
    let pid = stack._devserver.id().expect("the dev server's pid");
    let url = format!("{base}/api/offres/");
    let (mut wall, mut own) = (Vec::new(), Vec::new());
    let mut before = 0.0;
    for i in 0..WARMUP + PEER_REQUESTS {
        if i == WARMUP {
            before = cpu_ms(pid);
        }
        let start = Instant::now();
        let r = http.get(&url).send().await.unwrap();
        own.push(timing(r.headers()).get("app").copied().unwrap_or(f64::NAN));
        let page: Value = r.json().await.unwrap();
        wall.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page["results"].as_array().map(Vec::len), Some(20), "{page}");
    }
    let ours_cpu_ms = (cpu_ms(pid) - before) / PEER_REQUESTS as f64;
    drop(stack);
    let out = Command::new(&python)
        .arg(root().join("bench/peer/measure.py"))
        .args(["--requests", &PEER_REQUESTS.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .await;
    let django: Value = match out {
        Ok(o) if o.status.success() => serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
        Ok(o) => panic!("bench/peer/measure.py failed: {}", o.status),
        Err(e) => panic!("{python}: {e}"),
    };
    let django_cpu_ms = django["cpu_ms_per_request"]
        .as_f64()
        .expect("the peer's CPU per request");
    Some(Peer {
        requests: PEER_REQUESTS,
        ours_cpu_ms,
        ours_wall_p50_ms: percentile(&wall[WARMUP..], 50.0),
        ours_own_p50_ms: percentile(&own[WARMUP..], 50.0),
        django,
        django_cpu_ms,
        ratio: django_cpu_ms / ours_cpu_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In `make test`, long before a bench run: the minimum-calls table
    /// and the OpenAPI document agree, and every row is a route this
    /// runner sends (its name as a literal); the run checks again that
    /// each was measured.
    #[test]
    fn every_documented_route_is_in_the_document_and_in_the_runner() {
        let minimums = documented_minimums();
        assert!(minimums.len() > 80, "{}", minimums.len());
        check_table_against_document(&minimums);
        let source = include_str!("main.rs");
        let missing: Vec<&String> = minimums
            .keys()
            .filter(|route| !source.contains(&format!("\"{route}\"")))
            .collect();
        assert!(
            missing.is_empty(),
            "routes the bench would not measure: {missing:?}"
        );
        let apps = documented_apps_minimums();
        for route in source
            .split('"')
            .filter(|s| s.starts_with("apps ") && s.contains(" /api/"))
        {
            assert!(
                apps_row(&apps, route).is_some(),
                "{route}: no row in the apps' table"
            );
        }
    }

    #[test]
    fn the_apps_table_expands_alternatives_and_reads_first_page_minimums() {
        assert_eq!(
            expand("GET /api/jobs/{job-offers,scholarships}/{id}/"),
            [
                "GET /api/jobs/job-offers/{id}/",
                "GET /api/jobs/scholarships/{id}/"
            ]
        );
        let rows = BTreeMap::from([
            ("GET /a/".to_string(), "2 per page".to_string()),
            ("GET /b/".to_string(), "3 + 1 per item".to_string()),
            ("GET /c/".to_string(), "2 or 3".to_string()),
        ]);
        assert_eq!(apps_minimum(&rows, "apps GET /a/?page=1"), Some(2));
        assert_eq!(apps_minimum(&rows, "apps GET /b/"), None);
        assert_eq!(apps_minimum(&rows, "apps GET /c/"), Some(3));
        assert_eq!(apps_minimum(&rows, "GET /a/"), None);
        assert_eq!(
            as_offres("GET /api/recruteur/bourses/{id}/"),
            "GET /api/recruteur/offres/{id}/"
        );
    }

    #[test]
    fn a_page_fault_is_timed_by_the_faults_counted() {
        // A fault on a fresh 4 KB page costs a fraction of a µs to a few
        // µs; none where huge pages served the memory.
        let us = page_fault_us();
        assert!(us.is_none_or(|us| us > 0.01 && us < 100.0), "{us:?}");
    }

    #[tokio::test]
    async fn set_up_answers_in_the_order_of_its_steps() {
        // The later steps finish first; each output stays at its index.
        let out = set_up(8, |i| async move {
            tokio::time::sleep(Duration::from_millis(2 * (8 - i as u64))).await;
            i
        })
        .await;
        assert_eq!(out, (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn the_p99_interval_has_the_confidence_it_states() {
        // 200 values: x(195) and the largest, ≈ 85 % (binomial, p = 0.99).
        assert_eq!(p99_ranks(200), (195, 200));
        let c = p99_confidence(200);
        assert!((0.84..0.87).contains(&c), "{c}");
        // 150 values: x(146) and the largest, ≈ 76 %.
        assert_eq!(p99_ranks(150), (146, 150));
        let c = p99_confidence(150);
        assert!((0.75..0.77).contains(&c), "{c}");
        // 100 values, the bench's: x(97) and the largest, ≈ 62 %.
        assert_eq!(p99_ranks(100), (97, 100));
        let c = p99_confidence(100);
        assert!((0.61..0.63).contains(&c), "{c}");
        // 300 values: the largest alone is a 95 % upper bound.
        assert!(1.0 - 0.99f64.powi(300) > 0.95);
        let values: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(p99_bounds(&values), (195.0, 200.0));
        assert_eq!(percentile(&values, 99.0), 198.0);
    }
}
