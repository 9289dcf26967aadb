//! What each request costs in AWS calls, counted by an SDK interceptor
//! (never by hand): calls per operation, time spent in them, and the
//! capacity DynamoDB reports. With `SERVER_TIMING=true` every response
//! carries the tally (the benchmark reads it); a Scan is always flagged.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_sdk_dynamodb::operation as op;
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// The AWS work of one request.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Tally {
    /// `service.Operation` → number of calls.
    pub calls: BTreeMap<String, u32>,
    /// Wall time with at least one AWS call in flight, in milliseconds
    /// (calls run side by side count once).
    pub aws_ms: f64,
    #[serde(skip)]
    in_flight: u32,
    #[serde(skip)]
    busy_since: Option<Instant>,
    /// A call that went out ended since `busy_since` (a presigned request
    /// alone is no AWS time).
    #[serde(skip)]
    busy_sent: bool,
    /// Each attempt's time on the wire, from transmit to response.
    #[serde(skip)]
    spans: Vec<(Instant, Instant)>,
    /// Read and write capacity units DynamoDB reported as consumed.
    pub read_units: f64,
    pub write_units: f64,
    /// The units the calls cost on DynamoDB by its pricing rules, from the
    /// requests themselves (items assumed ≤ 1 KB written, ≤ 4 KB read):
    /// 0.5 per eventually consistent read, 1 per strongly consistent read,
    /// 1 per write, 2 per item in a transaction. Emulators under-report.
    pub model_read_units: f64,
    pub model_write_units: f64,
}

impl Tally {
    pub fn dynamodb_calls(&self) -> u32 {
        self.calls
            .iter()
            .filter(|(k, _)| k.starts_with("dynamodb."))
            .map(|(_, n)| n)
            .sum()
    }

    /// The critical path: the most AWS round trips the request waited for
    /// one after the other (calls that overlap count once). On real AWS
    /// this, not the number of calls, is what the caller waits for.
    pub fn depth(&self) -> u32 {
        chain(&self.spans)
    }

    /// `dynamodb.GetItem=1,cognito.InitiateAuth=1`
    pub fn calls_header(&self) -> String {
        self.calls
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

tokio::task_local! {
    static CURRENT: Arc<Mutex<Tally>>;
}

/// The longest chain of intervals each starting after the previous one
/// ended: the greedy choice by earliest end is optimal (interval
/// scheduling), and any set of disjoint intervals is such a chain.
fn chain(spans: &[(Instant, Instant)]) -> u32 {
    let mut by_end = spans.to_vec();
    by_end.sort_by_key(|(_, end)| *end);
    let mut last: Option<Instant> = None;
    let mut depth = 0;
    for (start, end) in by_end {
        if last.is_none_or(|l| start >= l) {
            depth += 1;
            last = Some(end);
        }
    }
    depth
}

/// Runs `f`, counting the AWS calls it makes. Inside a measured future
/// already (the apps' API calls ours in process), the calls count in the
/// outer tally, which is returned: so the outer request's figures hold
/// every call its inner ones made.
pub async fn measure<F: Future>(f: F) -> (F::Output, Tally) {
    if let Ok(outer) = CURRENT.try_with(Arc::clone) {
        let out = f.await;
        let tally = outer.lock().map(|t| t.clone()).unwrap_or_default();
        return (out, tally);
    }
    let tally = Arc::new(Mutex::new(Tally::default()));
    let out = CURRENT.scope(tally.clone(), f).await;
    let tally = tally.lock().map(|t| t.clone()).unwrap_or_default();
    (out, tally)
}

/// The interceptor; install it on every client (`instrument`).
#[derive(Debug, Default)]
pub struct AwsCallRecorder;

/// Asks DynamoDB for the consumed capacity of every call (no cost in AWS).
macro_rules! ask_capacity {
    ($input:expr, $($ty:ty),*) => {
        $(if let Some(i) = $input.downcast_mut::<$ty>() {
            i.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
        })*
    };
}

fn units(c: &ConsumedCapacity) -> f64 {
    c.capacity_units().unwrap_or_default()
}

impl Intercept for AwsCallRecorder {
    fn name(&self) -> &'static str {
        "AwsCallRecorder"
    }

    fn read_before_transmit(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Only the time on the wire counts as AWS's: serialization and
        // signing before it, deserialization after it, are our work.
        cfg.interceptor_state().store_put(OnTheWire(Instant::now()));
        let _ = CURRENT.try_with(|tally| {
            if let Ok(mut t) = tally.lock() {
                if t.in_flight == 0 {
                    t.busy_since = Some(Instant::now());
                }
                t.in_flight += 1;
            }
        });
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        _ctx: &BeforeDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        off_the_wire(cfg, true);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // An attempt that got no response ends here. It was handed to the
        // connection if its request was taken for transmit (it failed on
        // the wire, or after); a presigned request stops before transmit
        // (after `read_before_transmit`) and keeps it.
        off_the_wire(cfg, ctx.request().is_none());
        Ok(())
    }

    fn modify_before_serialization(
        &self,
        ctx: &mut BeforeSerializationInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = ctx.input_mut();
        cfg.interceptor_state().store_put(model_units(input));
        ask_capacity!(
            input,
            op::get_item::GetItemInput,
            op::put_item::PutItemInput,
            op::update_item::UpdateItemInput,
            op::delete_item::DeleteItemInput,
            op::query::QueryInput,
            op::scan::ScanInput,
            op::batch_get_item::BatchGetItemInput,
            op::batch_write_item::BatchWriteItemInput,
            op::transact_write_items::TransactWriteItemsInput,
            op::transact_get_items::TransactGetItemsInput
        );
        Ok(())
    }

    fn read_after_execution(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (service_label(m.service()), m.name().to_string()))
            .unwrap_or_default();
        if operation == "Scan" {
            tracing::warn!(event = "dynamodb_scan", "a Scan ran on a request path");
        }
        // A call the service could not serve, after the retries: named here
        // (service and operation; the request's span adds its id), its cause
        // in the error the handler turns into a 503.
        if let Some(Err(err)) = ctx.output_or_error() {
            let status = ctx.response().map(|r| r.status().as_u16());
            if err.is_timeout_error()
                || err.is_connector_error()
                || err.is_response_error()
                || status.is_some_and(|s| s >= 500 || s == 429)
            {
                tracing::error!(
                    event = "aws_call_failed",
                    service = %service,
                    operation = %operation,
                    status = status.unwrap_or_default(),
                    error = %err,
                    "an AWS call failed"
                );
            }
        }
        // A presigned request is signed and never sent (the SDK stops it
        // before transmit): it is no call to AWS, and neither is one that
        // failed before it left (credentials, serialization; logged above).
        if cfg.load::<Sent>().is_none() {
            return Ok(());
        }
        let model = cfg.load::<ModelUnits>().copied();
        let mut capacity = 0.0;
        if let Some(Ok(output)) = ctx.output_or_error() {
            if let Some(o) = output.downcast_ref::<op::get_item::GetItemOutput>() {
                capacity += o.consumed_capacity().map(units).unwrap_or_default();
            } else if let Some(o) = output.downcast_ref::<op::put_item::PutItemOutput>() {
                capacity += o.consumed_capacity().map(units).unwrap_or_default();
            } else if let Some(o) = output.downcast_ref::<op::update_item::UpdateItemOutput>() {
                capacity += o.consumed_capacity().map(units).unwrap_or_default();
            } else if let Some(o) = output.downcast_ref::<op::delete_item::DeleteItemOutput>() {
                capacity += o.consumed_capacity().map(units).unwrap_or_default();
            } else if let Some(o) = output.downcast_ref::<op::query::QueryOutput>() {
                capacity += o.consumed_capacity().map(units).unwrap_or_default();
            } else if let Some(o) = output.downcast_ref::<op::scan::ScanOutput>() {
                capacity += o.consumed_capacity().map(units).unwrap_or_default();
            } else if let Some(o) = output.downcast_ref::<op::batch_get_item::BatchGetItemOutput>()
            {
                capacity += o.consumed_capacity().iter().map(units).sum::<f64>();
            } else if let Some(o) =
                output.downcast_ref::<op::batch_write_item::BatchWriteItemOutput>()
            {
                capacity += o.consumed_capacity().iter().map(units).sum::<f64>();
            } else if let Some(o) =
                output.downcast_ref::<op::transact_write_items::TransactWriteItemsOutput>()
            {
                capacity += o.consumed_capacity().iter().map(units).sum::<f64>();
            } else if let Some(o) =
                output.downcast_ref::<op::transact_get_items::TransactGetItemsOutput>()
            {
                capacity += o.consumed_capacity().iter().map(units).sum::<f64>();
            }
        }
        let _ = CURRENT.try_with(|tally| {
            if let Ok(mut t) = tally.lock() {
                *t.calls.entry(format!("{service}.{operation}")).or_default() += 1;
                if let Some(model) = model {
                    t.model_read_units += model.read;
                    t.model_write_units += model.write;
                }
                if is_read(&operation) {
                    t.read_units += capacity;
                } else {
                    t.write_units += capacity;
                }
            }
        });
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct ModelUnits {
    read: f64,
    write: f64,
}
impl Storable for ModelUnits {
    type Storer = StoreReplace<Self>;
}

/// The execution reached the wire (at least one attempt was sent).
#[derive(Debug, Clone, Copy)]
struct Sent;
impl Storable for Sent {
    type Storer = StoreReplace<Self>;
}

#[derive(Debug, Clone, Copy)]
struct OnTheWire(Instant);
impl Storable for OnTheWire {
    type Storer = StoreReplace<Self>;
}

/// Ends the wire time of the current attempt, once; an attempt that was
/// never `sent` leaves no span, no AWS time, and no call.
fn off_the_wire(cfg: &mut ConfigBag, sent: bool) {
    let Some(OnTheWire(at)) = cfg.load::<OnTheWire>().copied() else {
        return;
    };
    cfg.interceptor_state().unset::<OnTheWire>();
    if sent {
        cfg.interceptor_state().store_put(Sent);
    }
    let _ = CURRENT.try_with(|tally| {
        if let Ok(mut t) = tally.lock() {
            if sent {
                t.spans.push((at, Instant::now()));
                t.busy_sent = true;
            }
            t.in_flight = t.in_flight.saturating_sub(1);
            if t.in_flight == 0
                && let Some(since) = t.busy_since.take()
                && std::mem::take(&mut t.busy_sent)
            {
                t.aws_ms += since.elapsed().as_secs_f64() * 1000.0;
            }
        }
    });
}

/// What a DynamoDB request costs by the pricing rules (see `Tally`).
fn model_units(input: &aws_smithy_runtime_api::client::interceptors::context::Input) -> ModelUnits {
    let read = |consistent: Option<bool>| if consistent == Some(true) { 1.0 } else { 0.5 };
    if let Some(i) = input.downcast_ref::<op::get_item::GetItemInput>() {
        ModelUnits {
            read: read(i.consistent_read),
            write: 0.0,
        }
    } else if let Some(i) = input.downcast_ref::<op::query::QueryInput>() {
        ModelUnits {
            read: read(i.consistent_read),
            write: 0.0,
        }
    } else if let Some(i) = input.downcast_ref::<op::scan::ScanInput>() {
        ModelUnits {
            read: read(i.consistent_read),
            write: 0.0,
        }
    } else if let Some(i) = input.downcast_ref::<op::batch_get_item::BatchGetItemInput>() {
        let units = i
            .request_items
            .iter()
            .flatten()
            .map(|(_, k)| k.keys().len() as f64 * read(k.consistent_read))
            .sum();
        ModelUnits {
            read: units,
            write: 0.0,
        }
    } else if let Some(i) = input.downcast_ref::<op::transact_get_items::TransactGetItemsInput>() {
        ModelUnits {
            read: 2.0 * i.transact_items.as_ref().map_or(0, Vec::len) as f64,
            write: 0.0,
        }
    } else if let Some(i) =
        input.downcast_ref::<op::transact_write_items::TransactWriteItemsInput>()
    {
        ModelUnits {
            read: 0.0,
            write: 2.0 * i.transact_items.as_ref().map_or(0, Vec::len) as f64,
        }
    } else if let Some(i) = input.downcast_ref::<op::batch_write_item::BatchWriteItemInput>() {
        ModelUnits {
            read: 0.0,
            write: i
                .request_items
                .iter()
                .flatten()
                .map(|(_, r)| r.len() as f64)
                .sum(),
        }
    } else if input.downcast_ref::<op::put_item::PutItemInput>().is_some()
        || input
            .downcast_ref::<op::update_item::UpdateItemInput>()
            .is_some()
        || input
            .downcast_ref::<op::delete_item::DeleteItemInput>()
            .is_some()
    {
        ModelUnits {
            read: 0.0,
            write: 1.0,
        }
    } else {
        ModelUnits::default()
    }
}

fn is_read(operation: &str) -> bool {
    matches!(
        operation,
        "GetItem" | "Query" | "Scan" | "BatchGetItem" | "TransactGetItems"
    )
}

fn service_label(service: &str) -> String {
    let s = service.to_ascii_lowercase();
    if s.contains("dynamodb") {
        "dynamodb".into()
    } else if s.contains("cognito") {
        "cognito".into()
    } else {
        s.replace(' ', "")
    }
}

/// A DynamoDB client with the recorder installed.
pub fn dynamodb_client(sdk: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(sdk)
            .interceptor(AwsCallRecorder)
            .build(),
    )
}

/// A Cognito client with the recorder installed.
#[cfg(feature = "cognito")]
pub fn cognito_client(sdk: &aws_config::SdkConfig) -> aws_sdk_cognitoidentityprovider::Client {
    aws_sdk_cognitoidentityprovider::Client::from_conf(
        aws_sdk_cognitoidentityprovider::config::Builder::from(sdk)
            .interceptor(AwsCallRecorder)
            .build(),
    )
}

#[cfg(feature = "sns")]
pub fn sns_client(sdk: &aws_config::SdkConfig) -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::config::Builder::from(sdk)
            .interceptor(AwsCallRecorder)
            .build(),
    )
}

/// Middleware (with `SERVER_TIMING=true`): the request's AWS tally in
/// response headers: `Server-Timing` (total, aws, app = our own work),
/// `X-Aws-Calls`, `X-Aws-Depth` (the critical path, `Tally::depth`) and
/// `X-DynamoDB-Capacity`.
pub async fn server_timing(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let start = Instant::now();
    let (mut response, tally) = measure(next.run(request)).await;
    let total = start.elapsed().as_secs_f64() * 1000.0;
    let headers = response.headers_mut();
    let timing = format!(
        "total;dur={total:.3}, aws;dur={:.3}, app;dur={:.3}",
        tally.aws_ms,
        (total - tally.aws_ms).max(0.0)
    );
    for (name, value) in [
        ("server-timing", timing),
        ("x-aws-calls", tally.calls_header()),
        ("x-aws-depth", tally.depth().to_string()),
        (
            "x-dynamodb-capacity",
            format!("read={},write={}", tally.read_units, tally.write_units),
        ),
        (
            "x-dynamodb-capacity-model",
            format!(
                "read={},write={}",
                tally.model_read_units, tally.model_write_units
            ),
        ),
    ] {
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn measure_scopes_the_tally_to_one_future() {
        let ((), tally) = measure(async {
            CURRENT.with(|t| {
                let mut t = t.lock().unwrap();
                *t.calls.entry("dynamodb.GetItem".into()).or_default() += 2;
                *t.calls.entry("cognito.InitiateAuth".into()).or_default() += 1;
            })
        })
        .await;
        assert_eq!(tally.dynamodb_calls(), 2);
        assert_eq!(
            tally.calls_header(),
            "cognito.InitiateAuth=1,dynamodb.GetItem=2"
        );
        // Outside a measured future nothing is recorded, and nothing fails.
        assert!(CURRENT.try_with(|_| ()).is_err());
        // A measured future inside another: its calls are the outer's too.
        let (((), inner), outer) = measure(async {
            CURRENT.with(|t| {
                *t.lock()
                    .unwrap()
                    .calls
                    .entry("dynamodb.Query".into())
                    .or_default() += 1
            });
            measure(async {
                CURRENT.with(|t| {
                    *t.lock()
                        .unwrap()
                        .calls
                        .entry("dynamodb.GetItem".into())
                        .or_default() += 1
                });
            })
            .await
        })
        .await;
        assert_eq!(inner.dynamodb_calls(), 2);
        assert_eq!(outer.dynamodb_calls(), 2);
    }

    #[test]
    fn depth_counts_round_trips_waited_for_one_after_the_other() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + std::time::Duration::from_millis(ms);
        assert_eq!(chain(&[]), 0);
        // Two calls at once, then a third after the first ended: 2.
        assert_eq!(
            chain(&[(at(0), at(10)), (at(0), at(20)), (at(11), at(30))]),
            2
        );
        // Three at once: 1. Three one after the other: 3.
        assert_eq!(chain(&[(at(0), at(5)), (at(1), at(6)), (at(2), at(7))]), 1);
        assert_eq!(chain(&[(at(0), at(5)), (at(5), at(9)), (at(9), at(12))]), 3);
    }
}
