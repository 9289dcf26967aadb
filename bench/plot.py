"""Draws bench/report.png from bench/results.json: cold start per function
(against the hello-world baseline) and our own work per route (p50, p99,
against the 1 ms budget)."""
import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

here = pathlib.Path(__file__).parent
results = json.loads((here / "results.json").read_text())

fig, (cold, own) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [1, 2]})

names = [f["name"] for f in results["functions"]]
medians = [f["cold_median_ms"] for f in results["functions"]]
hello = next(f["cold_median_ms"] for f in results["functions"] if f["name"] == "hello")
cold.bar(names, medians, color=["#999999" if n == "hello" else "#2b6cb0" for n in names])
cold.axhline(hello * 1.2, color="#c53030", linestyle="--", label="budget: 1.2 × hello")
cold.set_title("Cold start, exec to first response (median, ms)")
cold.set_ylabel("ms")
cold.legend()

routes = [r["route"].replace(" /api/", "\n/api/") for r in results["routes"]]
x = range(len(routes))
own.bar([i - 0.2 for i in x], [r["own_p50_ms"] for r in results["routes"]], width=0.4, label="own work p50", color="#2b6cb0")
own.bar([i + 0.2 for i in x], [r["own_p99_ms"] for r in results["routes"]], width=0.4, label="own work p99", color="#90cdf4")
own.axhline(1.0, color="#c53030", linestyle="--", label="budget: p99 ≤ 1 ms")
own.set_xticks(list(x))
own.set_xticklabels(routes, fontsize=7)
own.set_title("Warm latency: our own work per route (ms, emulator time excluded)")
own.set_ylabel("ms")
own.legend()

fig.tight_layout()
fig.savefig(here / "report.png", dpi=110)
print("wrote bench/report.png")
