//! bench/report.md: tables, budgets with pass or fail, and the cost model.

use std::fmt::Write;

use crate::{BURST, COLD_RUNS, Results};

pub const BUDGET_COLD_RATIO: f64 = 1.2;
pub const BUDGET_BINARY_MB: f64 = 10.0;
pub const BUDGET_RSS_MB: f64 = 40.0;
pub const BUDGET_OWN_P99_MS: f64 = 1.0;

/// us-east-1 on-demand prices used by the cost model (see the report).
pub const LAMBDA_ARM_GB_SECOND: f64 = 0.000_013_333_4;
pub const LAMBDA_REQUEST: f64 = 0.20 / 1e6;
pub const HTTP_API_REQUEST: f64 = 1.00 / 1e6;
pub const DYNAMODB_RRU: f64 = 0.125 / 1e6;
pub const DYNAMODB_WRU: f64 = 0.625 / 1e6;
pub const MEMORY_GB: f64 = 0.125;

fn verdict(ok: bool) -> &'static str {
    if ok { "pass" } else { "**FAIL**" }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "n/a".into())
}

/// The report, and how many budgets failed.
pub fn render(r: &Results) -> (String, usize) {
    let mut failures = 0;
    let mut out = String::new();
    let mut check = |ok: bool| {
        if !ok {
            failures += 1;
        }
        verdict(ok)
    };
    let _ = writeln!(out, "# Benchmark report\n");
    let _ = writeln!(
        out,
        "Run {} on {}. Raw figures: `bench/results.json`. Regenerate with `make bench`.\n",
        r.date, r.machine
    );
    let _ = writeln!(out, "![cold start and own work per route](report.png)\n");

    let _ = writeln!(out, "## Cold start, size and memory per function\n");
    let _ = writeln!(
        out,
        "Cold start: exec to first response against the project's fake Lambda Runtime API (`bench/runner/src/runtime.rs`), median of {COLD_RUNS} runs, release profile of the template's build, host architecture (the arm64 binaries can't run here). `hello` is a hello-world lambda_http function built with the same profile, measured in the same run. Memory: peak RSS (VmHWM) after {BURST} invocations of the main route. Size: `cargo lambda build --release --arm64` (stripped binary, and its zip).\n"
    );
    let _ = writeln!(
        out,
        "| function | cold-start event | cold start p50 (ms) | × hello (≤ {BUDGET_COLD_RATIO}) | binary arm64 (MB = 10⁶ B, ≤ {BUDGET_BINARY_MB}) | zip (MB) | peak RSS (MB, ≤ {BUDGET_RSS_MB}) | main route |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for f in &r.functions {
        let baseline = f.name == "hello";
        let ratio = if baseline {
            "baseline".to_string()
        } else {
            format!(
                "{:.2} {}",
                f.cold_ratio,
                check(f.cold_ratio <= BUDGET_COLD_RATIO)
            )
        };
        let size = match f.binary_mb {
            Some(mb) if !baseline => format!("{mb:.2} {}", check(mb <= BUDGET_BINARY_MB)),
            Some(mb) => format!("{mb:.2}"),
            None => format!("n/a {}", check(baseline)),
        };
        let rss = if baseline {
            format!("{:.1}", f.peak_rss_mb)
        } else {
            format!(
                "{:.1} {}",
                f.peak_rss_mb,
                check(f.peak_rss_mb <= BUDGET_RSS_MB)
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {} | {} | {} | {} | {} |",
            f.name,
            f.cold_event,
            f.cold_median_ms,
            ratio,
            size,
            opt(f.zip_mb, 2),
            rss,
            f.burst_route
        );
    }

    let _ = writeln!(out, "\n## Warm latency per route\n");
    let _ = writeln!(
        out,
        "Through the dev server (release build) with the emulator behind it: {} requests per route, {} at a time. `server` is the time from the outermost layer of our Router to its response (the HTTP server itself excluded); `emulator` is the time AWS requests spent on the wire, measured in the same requests by the SDK interceptor (`shared/platform/src/metrics.rs`): from transmit to the response, so serialization, signing and parsing count as ours; `own` = server − emulator. Budget: own p99 ≤ {BUDGET_OWN_P99_MS} ms.\n",
        r.routes.first().map(|x| x.requests).unwrap_or(0),
        r.routes.first().map(|x| x.concurrency).unwrap_or(0)
    );
    let _ = writeln!(
        out,
        "| route | client p50 / p99 (ms) | server p50 / p99 | emulator p50 / p99 | own p50 / p99 | own ÷ emulator (p50) | own p99 budget |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for x in &r.routes {
        let _ = writeln!(
            out,
            "| {} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.3} / {:.3} | {} | {} |",
            x.route,
            x.client_p50_ms,
            x.client_p99_ms,
            x.server_p50_ms,
            x.server_p99_ms,
            x.aws_p50_ms,
            x.aws_p99_ms,
            x.own_p50_ms,
            x.own_p99_ms,
            x.overhead_ratio
                .map(|r| format!("{r:.3}"))
                .unwrap_or_else(|| "n/a (no AWS call)".into()),
            check(x.own_p99_ms <= BUDGET_OWN_P99_MS)
        );
    }

    let _ = writeln!(out, "\n## DynamoDB calls and capacity per route\n");
    let _ = writeln!(
        out,
        "Counted by the SDK interceptor, not by hand. Capacity twice: as the calls reported it (`ReturnConsumedCapacity=TOTAL` on every call; the emulator reports nothing for transactions and a flat 0.5 for other calls, consistent or not), and by DynamoDB's pricing rules computed from each request (0.5 per eventually consistent read, 1 per consistent read, 1 per write, 2 per transaction item; items assumed ≤ 1 KB written and ≤ 4 KB read). Minimum: the `Minimum DynamoDB calls per route` table of docs/data-model.md, against the most calls any request made. A route over its minimum is a finding; a Scan fails the benchmark.\n"
    );
    let _ = writeln!(
        out,
        "| route | AWS calls (typical request) | DynamoDB calls (typical / max) | documented minimum | reported read / write units | read / write units by the rules | Scan |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for x in &r.routes {
        let minimum = match x.dynamodb_minimum {
            Some(m) if x.dynamodb_calls_max > m => {
                format!("{m} (**finding: +{}**)", x.dynamodb_calls_max - m)
            }
            Some(m) => format!("{m} (met)"),
            None => "**not documented**".into(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} / {} | {} | {:.2} / {:.2} | {:.2} / {:.2} | {} |",
            x.route,
            if x.aws_calls.is_empty() {
                "none"
            } else {
                &x.aws_calls
            },
            x.dynamodb_calls,
            x.dynamodb_calls_max,
            minimum,
            x.read_units,
            x.write_units,
            x.model_read_units,
            x.model_write_units,
            check(x.scans == 0)
        );
    }

    let _ = writeln!(out, "\n## Cost per million requests\n");
    let _ = writeln!(
        out,
        "us-east-1 on-demand prices: Lambda arm64 ${LAMBDA_ARM_GB_SECOND} per GB-second and $0.20 per million requests; API Gateway HTTP API $1.00 per million requests; DynamoDB on-demand $0.125 per million read request units and $0.625 per million write request units (the prices in force since AWS's November 2024 reduction, as quoted by stored copies of public pricing pages read on 2026-11-24; not checked against the live pages). Duration: the mean over the requests of each one's server time rounded up to the millisecond (Lambda bills every request so), at 128 MB; it includes the emulator's latency, which real DynamoDB and Cognito would replace. Capacity: the larger of the reported and the rule-based units. Cognito is billed per monthly active user, not per request, and is left out.\n"
    );
    let _ = writeln!(
        out,
        "| route | billed ms (mean) | Lambda $ | API Gateway $ | DynamoDB $ | total $ per million |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for x in &r.routes {
        let lambda =
            1e6 * (LAMBDA_REQUEST + x.billed_ms_mean / 1000.0 * MEMORY_GB * LAMBDA_ARM_GB_SECOND);
        let api = 1e6 * HTTP_API_REQUEST;
        let reads = x.read_units.max(x.model_read_units);
        let writes = x.write_units.max(x.model_write_units);
        let ddb = 1e6 * (reads * DYNAMODB_RRU + writes * DYNAMODB_WRU);
        let _ = writeln!(
            out,
            "| {} | {:.1} | {lambda:.3} | {api:.3} | {ddb:.3} | {:.3} |",
            x.route,
            x.billed_ms_mean,
            lambda + api + ddb
        );
    }

    let _ = writeln!(out, "\n## Budgets\n");
    let _ = writeln!(
        out,
        "{}\n",
        if failures == 0 {
            "Every budget passes.".to_string()
        } else {
            format!("**{failures} budget(s) fail**: see the rows marked FAIL.")
        }
    );
    (out, failures)
}
