"""Generate the demo shop's metric history: examples/shop/metrics.csv.

What the file holds
-------------------
Wide CSV, one row per workload per 5 minutes::

    timestamp,namespace,workload,replicas,requests_per_second,cpu_millicores,memory_bytes

* ``timestamp``: unix epoch seconds (int, UTC) of the start of the 5-minute sample. Four whole
  weeks: from Monday 2026-10-26T00:00:00Z up to Sunday 2026-11-22T23:55:00Z, so the history
  ends at Monday 2026-11-23T00:00:00Z (exclusive). Consumers shift every timestamp by a whole
  number of weeks so that the history ends near "now"; the weekly pattern survives the shift.
* ``namespace``: always ``shop``. ``workload``: frontend, checkoutservice, cartservice,
  paymentservice, productcatalogservice, recommendationservice, emailservice, redis-cart.
* ``replicas``: the demo values (frontend 3, checkoutservice 2, cartservice 2, paymentservice 1,
  productcatalogservice 2, recommendationservice 1, emailservice 1, redis-cart 1). Only frontend
  varies, between 3 and 6, as an HPA would scale it (target ~40 rps per pod, scale-down held for
  30 minutes).
* ``requests_per_second``: the workload's total request rate (all pods).
* ``cpu_millicores`` and ``memory_bytes``: workload totals (sum over pods). CPU is
  ``replicas * base + cost * rps`` plus noise, so the per-replica throughput is learnable:
  per-replica CPU = base + cost * (rps / replicas). checkoutservice has base 40m and cost 20m
  per request/s, so at the latest Friday peak (about 29 rps over 2 pods, noise on top) a pod
  uses 300-365m, i.e. 60-73 % of a 500m CPU (the demo manifest's limit; its request is 300m),
  so with the growth trend "handle Friday traffic" needs one or two more replicas.

Traffic shape
-------------
* Daily cycle (UTC): quiet night (minimum around 04:00), a midday peak (~12:30) and a larger
  evening peak (~19:30).
* Weekly cycle: weekdays rise slightly towards Friday; Friday evening 18:00–21:00 gets an extra
  bump and is the weekly peak; Saturday and Sunday run at ~80–85 % of a weekday.
* Mild growth: +2 % per week (compounded), the same for every workload.
* Noise: multiplicative, an AR(1) "weather" component (slow drift, ~3 %) plus white noise
  (~5 %); CPU gets its own small measurement noise.
* Memory: roughly flat per pod (small noise), times the replica count.

Injected anomaly (exactly one)
------------------------------
cartservice leaks memory during the last day: over the final 20 hours (240 samples) its memory
climbs linearly to 3x its normal value. Nothing else in the file is anomalous.

Run ``python3 examples/shop/make_metrics.py`` to rewrite metrics.csv; the output is
deterministic (numpy seed 20261123).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SEED = 20261123
END_EPOCH_SECONDS = 1795392000  # 2026-11-23T00:00:00Z, a Monday
STEP_SECONDS = 300
WEEKS = 4
GROWTH_PER_WEEK = 0.02
LEAK_SAMPLES = 240  # 20 hours at 5 minutes
FRONTEND_RPS_PER_POD = 40.0

# workload: (share of frontend rps, base cpu m per pod, cpu m per rps, memory MiB per pod, replicas)
# Chosen against examples/shop/20-shop.yaml: at the weekly peak every pod stays under its CPU
# limit and (except checkoutservice, see above) at or below ~85 % of its CPU request; memory
# sits at ~40-85 % of the memory request.
WORKLOADS: dict[str, tuple[float, float, float, float, int]] = {
    "frontend": (1.0, 30.0, 3.0, 180.0, 3),
    "checkoutservice": (0.147, 40.0, 20.0, 96.0, 2),
    "cartservice": (0.35, 35.0, 4.0, 160.0, 2),
    "paymentservice": (0.13, 10.0, 2.5, 40.0, 1),
    "productcatalogservice": (0.9, 15.0, 0.6, 60.0, 2),
    "recommendationservice": (0.3, 30.0, 2.0, 220.0, 1),
    "emailservice": (0.12, 10.0, 2.5, 45.0, 1),
    "redis-cart": (0.7, 10.0, 0.8, 40.0, 1),
}


def _daily_profile(hour: np.ndarray) -> np.ndarray:
    """Relative traffic by UTC hour of day: night trough, midday and evening peaks."""
    midday = 0.55 * np.exp(-0.5 * ((hour - 12.5) / 2.2) ** 2)
    evening = 0.75 * np.exp(-0.5 * ((hour - 19.5) / 2.0) ** 2)
    return 0.25 + midday + evening


def _weekly_factor(day_of_week: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """Day-of-week multiplier (0 = Monday) plus the Friday-evening bump."""
    by_day = np.array([1.0, 1.0, 1.02, 1.05, 1.1, 0.85, 0.8])[day_of_week]
    friday_evening = (day_of_week == 4) * 0.3 * np.exp(-0.5 * ((hour - 19.5) / 1.3) ** 2)
    return by_day + friday_evening


def _frontend_rps(timestamps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Frontend requests per second: the traffic all other workloads derive from."""
    hour = (timestamps % 86400) / 3600.0
    day_of_week = ((timestamps // 86400) + 3) % 7  # 1970-01-01 was a Thursday
    weeks = (timestamps - timestamps[0]) / (7 * 86400)
    growth = (1.0 + GROWTH_PER_WEEK) ** weeks
    weather = np.zeros(timestamps.size)
    for i in range(1, timestamps.size):
        weather[i] = 0.98 * weather[i - 1] + rng.normal(0.0, 0.006)
    noise = np.exp(weather + rng.normal(0.0, 0.05, timestamps.size))
    return 130.0 * _daily_profile(hour) * _weekly_factor(day_of_week, hour) * growth * noise


def _frontend_replicas(rps: np.ndarray) -> np.ndarray:
    """HPA-like replica count: ceil(rps / target), 3..6, scale-down held for 30 minutes."""
    desired = np.clip(np.ceil(rps / FRONTEND_RPS_PER_POD), 3, 6)
    held = np.array([desired[max(0, i - 5) : i + 1].max() for i in range(desired.size)])
    return held.astype(int)


def main() -> None:
    rng = np.random.default_rng(SEED)
    start = END_EPOCH_SECONDS - WEEKS * 7 * 86400
    timestamps = np.arange(start, END_EPOCH_SECONDS, STEP_SECONDS, dtype=np.int64)
    frontend = _frontend_rps(timestamps, rng)
    header = "timestamp,namespace,workload,replicas,requests_per_second,cpu_millicores,memory_bytes"
    lines = [header]
    columns = {}
    for name, (share, base_m, cost_m, mem_mib, replicas) in WORKLOADS.items():
        rps = frontend * share * np.exp(rng.normal(0.0, 0.03, timestamps.size))
        pods = _frontend_replicas(rps) if name == "frontend" else np.full(rps.size, replicas)
        cpu = pods * base_m + cost_m * rps
        cpu = cpu * np.exp(rng.normal(0.0, 0.03, rps.size))
        memory = pods * mem_mib * 2**20 * np.exp(rng.normal(0.0, 0.01, rps.size))
        if name == "cartservice":
            leak = np.ones(rps.size)
            leak[-LEAK_SAMPLES:] = np.linspace(1.0, 3.0, LEAK_SAMPLES + 1)[1:]
            memory = memory * leak
        columns[name] = (pods, rps, cpu, memory)
    for i, ts in enumerate(timestamps):
        for name, (pods, rps, cpu, memory) in columns.items():
            lines.append(
                f"{ts},shop,{name},{pods[i]},{rps[i]:.2f},{round(cpu[i])},{round(memory[i])}"
            )
    out = Path(__file__).with_name("metrics.csv")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(lines) - 1} rows)")


if __name__ == "__main__":
    main()
