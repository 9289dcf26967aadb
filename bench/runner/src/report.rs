//! bench/report.md: tables, budgets with pass or fail, and the cost model.

use std::fmt::Write;

use crate::{BURST, COLD_RUNS, MEASURED, Results, WARMUP, p99_confidence, p99_ranks};

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
        "Run {} on commit {}, {}. Raw figures: `bench/results.json`. Regenerate with `make bench`.\n",
        r.date, r.commit, r.machine
    );
    let _ = writeln!(out, "## Where the run's time went\n");
    let _ = writeln!(out, "| phase | seconds |\n|---|---|");
    for p in &r.phases {
        let _ = writeln!(out, "| {} | {:.1} |", p.name, p.seconds);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "![cold start and own work per route](report.png)\n");

    let _ = writeln!(out, "## Cold start, size and memory per function\n");
    let _ = writeln!(
        out,
        "Cold start: exec to first response against the project's fake Lambda Runtime API (`bench/runner/src/runtime.rs`), median of {COLD_RUNS} runs, release profile of the template's build, host architecture (the arm64 binaries can't run here). `hello` is a hello-world lambda_http function built with the same profile, measured in the same run. Memory: peak RSS (VmHWM) after {BURST} invocations of the main route. Size: the same host build (x86-64, the template's release profile: `opt-level = \"s\"`, fat LTO, stripped) and its zip (deflate, as Lambda takes it); SAM's arm64 build is not made by the bench (docs/performance.md).\n"
    );
    let _ = writeln!(
        out,
        "| function | cold-start event | cold start p50 (ms) | × hello (≤ {BUDGET_COLD_RATIO}) | binary (MB = 10⁶ B, ≤ {BUDGET_BINARY_MB}) | zip (MB) | peak RSS (MB, ≤ {BUDGET_RSS_MB}) | main route |"
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

    let _ = writeln!(out, "\n## What a cold start is made of\n");
    let _ = writeln!(
        out,
        "Inside main, from the function's own `init` event (`shared/platform/src/telemetry.rs`, logged at info when it starts serving), medians of {COLD_RUNS} cold starts, in µs: the logger, the AWS configuration (`aws_config::load`), the shared clients (`Services::new`: DynamoDB, S3 where used), and the rest (the configuration from the environment, the area's own clients, the router). Before main: exec and loading the binary; after it: the Runtime API's first event and the answer; both are the cold start's remainder, compared with hello's (which has the same runtime loop). Then the first real request: exec to the first answer of the function's main route, beside that route's warm invocation: what is not merely the route's AWS calls is what init left to the first request (connections opened).\n"
    );
    let _ = writeln!(
        out,
        "| function | main → serving (µs) | logger | AWS config | shared clients | rest | cold start − main (ms) | minor page faults by the first answer | cold start with main route (ms) | main route warm (ms) | first request's extra (ms) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
    for f in &r.functions {
        let phase = |k: &str| {
            f.init_us
                .as_ref()
                .and_then(|p| p.get(k))
                .map(|v| format!("{v:.0}"))
                .unwrap_or_else(|| "n/a".into())
        };
        let main_ms = f
            .init_us
            .as_ref()
            .and_then(|p| p.get("main_us"))
            .map(|v| v / 1000.0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
            f.name,
            phase("main_us"),
            phase("telemetry_us"),
            phase("sdk_config_us"),
            phase("services_us"),
            phase("other_us"),
            opt(main_ms.map(|m| f.cold_median_ms - m), 2),
            f.cold_faults,
            f.cold_main_ms,
            f.warm_main_ms,
            f.cold_main_ms - f.cold_median_ms - f.warm_main_ms
        );
    }
    if let Some(us) = r.page_fault_us {
        let _ = writeln!(
            out,
            "\nPage faults: `minflt` of /proc/<pid>/stat as the first answer arrives (median), inside main and outside it: pages of the binary mapped from the page cache, of its data copied on write, and fresh pages of memory. A fault on a fresh page costs **{us:.2} µs** here (the runner touching {} fresh pages, one byte each, median of {}): an order of magnitude for what the faults beyond hello's cost, not a measure of each kind; a larger binary also costs in cache and TLB misses, which faults do not count.",
            crate::FAULT_PAGES,
            crate::FAULT_RUNS
        );
    }

    let _ = writeln!(out, "\n## Warm latency per route\n");
    let _ = writeln!(
        out,
        "Through the dev server (release build) with the emulator behind it, a fresh emulator and dev server per group of routes (so that no table grows large: moto answers a Query by walking and sorting the whole table), the notifications queue drained during the set-up only: {} requests per route counted after {WARMUP} sent and not counted, {} at a time. The p99 of {MEASURED} requests is their {}th value; the true p99 lies between the {}th and the largest with {:.0} % confidence (binomial order statistics), shown as the own p99's interval. `server` is the time from the outermost layer of our Router to its response (the HTTP server itself excluded); `emulator` is the time AWS requests spent on the wire, measured in the same requests by the SDK interceptor (`shared/platform/src/metrics.rs`): from transmit to the response, so serialization, signing and parsing count as ours; `own` = server − emulator. Budget: own p99 ≤ {BUDGET_OWN_P99_MS} ms.\n",
        r.routes.first().map(|x| x.requests).unwrap_or(0),
        r.routes.first().map(|x| x.concurrency).unwrap_or(0),
        (0.99 * MEASURED as f64).ceil(),
        p99_ranks(MEASURED).0,
        100.0 * p99_confidence(MEASURED)
    );
    let _ = writeln!(
        out,
        "| route | client p50 / p99 (ms) | server p50 / p99 | emulator p50 / p99 | own p50 / p99 | own p99 interval | own ÷ emulator (p50) | own p99 budget |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for x in &r.routes {
        let _ = writeln!(
            out,
            "| {} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.3} / {:.3} | {:.3}–{:.3} | {} | {} |",
            x.route,
            x.client_p50_ms,
            x.client_p99_ms,
            x.server_p50_ms,
            x.server_p99_ms,
            x.aws_p50_ms,
            x.aws_p99_ms,
            x.own_p50_ms,
            x.own_p99_ms,
            x.own_p99_low_ms,
            x.own_p99_high_ms,
            x.overhead_ratio
                .map(|r| format!("{r:.3}"))
                .unwrap_or_else(|| "n/a (no AWS call)".into()),
            check(x.own_p99_ms <= BUDGET_OWN_P99_MS)
        );
    }
    if let Some(f) = &r.sdk_floor {
        let _ = writeln!(
            out,
            "\nThe SDK's floor per call, measured alone in this run: {} GetItems of a key that holds nothing, through the instrumented client the functions build, in the runner's process (same profile), each timed as a route is (its time less its time on the wire): own p50 **{:.3} ms**, p99 **{:.3} ms**. That is the SDK's work (building, serializing and signing the request, its orchestration, parsing the answer) and our interceptor's, which counts the calls; no handler, no item to read. A call on a route's critical path costs at least this much of its own time (calls side by side do part of theirs while another is on the wire, which own time leaves out).",
            f.calls, f.own_p50_ms, f.own_p99_ms
        );
    }

    let _ = writeln!(out, "\n## DynamoDB calls and capacity per route\n");
    let _ = writeln!(
        out,
        "Counted by the SDK interceptor, not by hand. Capacity twice: as the calls reported it (`ReturnConsumedCapacity=TOTAL` on every call; the emulator reports nothing for transactions and a flat 0.5 for other calls, consistent or not), and by DynamoDB's pricing rules computed from each request (0.5 per eventually consistent read, 1 per consistent read, 1 per write, 2 per transaction item; items assumed ≤ 1 KB written and ≤ 4 KB read). Minimum: the `Minimum DynamoDB calls per route` table of docs/data-model.md, against the most calls any request made. A route over its minimum is a finding; a Scan fails the benchmark.\n"
    );
    let _ = writeln!(
        out,
        "| route | AWS calls (typical request) | DynamoDB calls (typical / max) | critical path (round trips, median / max) | documented minimum | reported read / write units | read / write units by the rules | Scan |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for x in &r.routes {
        let minimum = match x.dynamodb_minimum {
            // Over only by the log entry of a slow request (documented).
            Some(m) if x.over_minimum > 0 && x.over_minimum == x.over_minimum_logged => format!(
                "{m} (met; +1, the slow-request log entry, on {} request(s) over {} ms)",
                x.over_minimum,
                crate::SLOW_REQUEST_MS
            ),
            Some(m) if x.dynamodb_calls_max > m => format!(
                "{m} {} (+{} on {} request(s))",
                check(false),
                x.dynamodb_calls_max - m,
                x.over_minimum
            ),
            Some(m) => format!("{m} (met)"),
            None => "grows with what it reads (apps' table)".into(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} / {} | {} / {} | {} | {:.2} / {:.2} | {:.2} / {:.2} | {} |",
            x.route,
            if x.aws_calls.is_empty() {
                "none"
            } else {
                &x.aws_calls
            },
            x.dynamodb_calls,
            x.dynamodb_calls_max,
            x.depth,
            x.depth_max,
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

    if let Some(p) = &r.peer {
        let _ = writeln!(out, "\n## Warm path beside the Django peer\n");
        let _ = writeln!(
            out,
            "`GET /api/offres/` answering 20 items, {} requests one at a time after {WARMUP} not counted, in this run on this machine: CPU time (user + system, `/proc/<pid>/stat`) of the serving process per request. Ours: the dev server (release build; the SDK's work on each DynamoDB call counts, the emulator's process does not). The peer: bench/peer, Django {} + DRF {} + SimpleJWT on SQLite under gunicorn with one sync worker (Python {}).\n",
            p.requests,
            p.django["django"].as_str().unwrap_or("?"),
            p.django["drf"].as_str().unwrap_or("?"),
            p.django["python"].as_str().unwrap_or("?"),
        );
        let _ = writeln!(
            out,
            "| | CPU per request (ms) | wall p50 (ms) | own time p50 (ms, wall − wire) |\n|---|---|---|---|"
        );
        let _ = writeln!(
            out,
            "| ours (Rust, two DynamoDB Queries to the emulator) | {:.3} | {:.2} | {:.3} |",
            p.ours_cpu_ms, p.ours_wall_p50_ms, p.ours_own_p50_ms
        );
        let _ = writeln!(
            out,
            "| Django + DRF (SQLite, in process) | {:.3} | {:.2} | n/a |",
            p.django_cpu_ms,
            p.django["wall_p50_ms"].as_f64().unwrap_or(f64::NAN)
        );
        let _ = writeln!(
            out,
            "\nDjango uses **{:.1}×** our CPU per request. Accuracy: each process's CPU is read in {tick} ms ticks, so each mean per request is within {:.3} ms ({:.1} % of ours).",
            p.ratio,
            crate::PEER_TICK_MS / p.requests as f64,
            100.0 * crate::PEER_TICK_MS / p.requests as f64 / p.ours_cpu_ms,
            tick = crate::PEER_TICK_MS,
        );
    }

    let _ = writeln!(out, "\n## Budgets\n");
    let _ = writeln!(
        out,
        "{}\n",
        if failures == 0 {
            "Every budget passes.".to_string()
        } else {
            format!(
                "**{failures} budget(s) fail**, each with its cause below (measured in this run, but the arm64 weights the size lines cite)."
            )
        }
    );
    for line in causes(r) {
        let _ = writeln!(out, "- {line}");
    }
    (out, failures)
}

/// All AWS calls of a route's typical request.
fn aws_calls(x: &crate::RouteResult) -> u32 {
    x.aws_calls
        .split(',')
        .filter_map(|c| c.split('=').nth(1)?.parse::<u32>().ok())
        .sum()
}

/// Own time against AWS calls over every route that makes some, by least
/// squares: own p50 ≈ a + b × calls. `b` is what each call costs us (the
/// SDK's serialization, signing, endpoint resolution and parsing, and our
/// code around it).
pub fn per_call_fit(r: &Results) -> Option<(f64, f64)> {
    let points: Vec<(f64, f64)> = r
        .routes
        .iter()
        .filter(|x| aws_calls(x) > 0 && x.own_p50_ms.is_finite())
        .map(|x| (aws_calls(x) as f64, x.own_p50_ms))
        .collect();
    let n = points.len() as f64;
    if n < 3.0 {
        return None;
    }
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let b = sxy / sxx;
    Some((my - b * mx, b))
}

/// One line per failed budget: the figure, and its measured cause.
fn causes(r: &Results) -> Vec<String> {
    let mut lines = Vec::new();
    let hello = r.functions.iter().find(|f| f.name == "hello");
    for f in &r.functions {
        if f.name == "hello" || f.cold_ratio <= BUDGET_COLD_RATIO {
            continue;
        }
        let base = hello.map(|h| h.cold_median_ms).unwrap_or(f64::NAN);
        let phases = f.init_us.as_ref();
        let main_ms = phases.and_then(|p| p.get("main_us")).map(|v| v / 1000.0);
        let largest = phases.and_then(|p| {
            p.iter()
                .filter(|(k, _)| *k != "main_us")
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(k, v)| format!("{} {:.0} µs", k.trim_end_matches("_us"), v))
        });
        let pages = match (hello, r.page_fault_us) {
            (Some(h), Some(us)) => format!(
                " In all {:.0} minor page faults against hello's {:.0}: about {:.2} ms at a fresh page's {us:.2} µs.",
                f.cold_faults,
                h.cold_faults,
                (f.cold_faults - h.cold_faults) * us / 1000.0,
            ),
            _ => String::new(),
        };
        // A cold event that does AWS work (rappels' two Queries): the same
        // event warm is that work.
        let work = if f.cold_is_main {
            format!(
                " Its cold event is its work: warm, the same event takes {:.2} ms (its AWS calls and their handling), {:.2} ms from the cold start.",
                f.warm_main_ms,
                f.cold_median_ms - f.warm_main_ms,
            )
        } else {
            String::new()
        };
        lines.push(format!(
            "cold start of `{}`: {:.2} ms, {:.2}× hello's {:.2} ms: {} in main (largest: {}), {} outside it (exec, loading a {} MB binary against hello's {}, the first event).{pages}{work}",
            f.name,
            f.cold_median_ms,
            f.cold_ratio,
            base,
            main_ms.map(|m| format!("{m:.2} ms")).unwrap_or_else(|| "no init event".into()),
            largest.unwrap_or_else(|| "n/a".into()),
            main_ms.map(|m| format!("{:.2} ms", f.cold_median_ms - m)).unwrap_or_else(|| "all".into()),
            opt(f.binary_mb, 1),
            opt(hello.and_then(|h| h.binary_mb), 1),
        ));
    }
    for f in &r.functions {
        if f.name != "hello" && f.binary_mb.is_some_and(|mb| mb > BUDGET_BINARY_MB) {
            lines.push(format!(
                "binary of `{}`: {:.1} MB (x86-64 host build), over {BUDGET_BINARY_MB} MB; the template's arm64 build, which Lambda runs, weighed 0.83–0.87× the host's on 2026-12-04 (docs/performance.md says what that leaves over the budget).",
                f.name,
                f.binary_mb.unwrap_or_default()
            ));
        }
    }
    let fit = per_call_fit(r);
    let (mut own_failures, mut within_floor) = (0, 0);
    for x in &r.routes {
        if x.own_p99_ms > BUDGET_OWN_P99_MS {
            let calls = aws_calls(x);
            let model = fit.map(|(a, b)| a + b * calls as f64);
            let mut line = format!(
                "own p99 of `{}`: {:.3} ms (p50 {:.3}): {} AWS call(s) on a critical path of {}; the per-call fit predicts a p50 of {} ms.",
                x.route,
                x.own_p99_ms,
                x.own_p50_ms,
                calls,
                x.depth,
                opt(model, 3)
            );
            own_failures += 1;
            if let Some(f) = &r.sdk_floor {
                // The critical path's calls, at a bare call's p50: tails do
                // not add, and calls side by side do their SDK work while
                // another is on the wire, which own time leaves out.
                let floor = x.depth as f64 * f.own_p50_ms;
                let beyond = x.own_p99_ms - floor - BUDGET_OWN_P99_MS;
                within_floor += usize::from(beyond <= 0.0);
                let _ = write!(
                    line,
                    " Its critical path at a bare DynamoDB call's floor: {floor:.3} ms (p50; the rest of its own p50 {:.3}); its own p99 less that is {}.",
                    x.own_p50_ms - floor,
                    if beyond <= 0.0 {
                        format!("within {BUDGET_OWN_P99_MS} ms")
                    } else {
                        format!("over {BUDGET_OWN_P99_MS} ms by {beyond:.3}")
                    }
                );
            }
            lines.push(line);
        }
        if let Some(m) = x.dynamodb_minimum
            && x.over_minimum > x.over_minimum_logged
        {
            lines.push(format!(
                "DynamoDB calls of `{}`: {} on its worst request, over its documented {m} on {} request(s), {} of them slow-request log entries.",
                x.route, x.dynamodb_calls_max, x.over_minimum, x.over_minimum_logged
            ));
        }
    }
    if let Some((a, b)) = fit {
        lines.push(format!(
            "The own-time model over every route with AWS calls: own p50 ≈ {a:.3} ms + {b:.3} ms × calls. A route of n calls cannot meet an own p99 of {BUDGET_OWN_P99_MS} ms once a + b·n approaches it (n ≥ {:.0} here): the SDK's work per call is not ours to change, only the number of calls and their depth.",
            ((BUDGET_OWN_P99_MS - a) / b).ceil()
        ));
    }
    if let Some(f) = &r.sdk_floor
        && own_failures > 0
    {
        lines.push(format!(
            "{within_floor} of the {own_failures} own-time failures have an own p99 within {BUDGET_OWN_P99_MS} ms once their critical path is taken at a bare DynamoDB call's floor ({:.3} ms a call at p50, measured alone: the SDK's work and our interceptor's; Cognito, SNS and S3 calls taken at the same floor, not measured alone): what they are over is of the size of the SDK's work on their calls, which only fewer or shallower calls would cut (the calls table above gives each route against its documented minimum). The others are over by more than that, each by what its line says.",
            f.own_p50_ms
        ));
    }
    lines
}
