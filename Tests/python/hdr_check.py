"""Reads wsasend reports with the hdrhistogram package (HdrHistogram's Python library), independently of
wsasend's own decoder, and checks them against the figures the reports print.

usage: hdr_check.py MERGED.json SHARD.json...   prints one JSON line of figures; exits 1 on a mismatch.
"""
import json
import sys

from hdrh.histogram import HdrHistogram


def decode(report):
    encoded = report["summary"]["latency_histogram"]
    assert encoded["unit"] == "nanoseconds", encoded["unit"]
    return HdrHistogram.decode(encoded["data"])


def ns(seconds):
    return round(seconds * 1e9)


def main():
    merged = json.load(open(sys.argv[1]))
    shards = [json.load(open(path)) for path in sys.argv[2:]]
    problems = []
    combined = None
    for path, shard in zip(sys.argv[2:], shards):
        histogram = decode(shard)
        if histogram.get_total_count() != shard["summary"]["calls"]:
            problems.append(f"{path}: {histogram.get_total_count()} values for {shard['summary']['calls']} calls")
        if combined is None:
            combined = histogram
        else:
            combined.add(histogram)
    low = min(ns(s["summary"]["latency_seconds"]["min"]) for s in shards)
    high = max(ns(s["summary"]["latency_seconds"]["max"]) for s in shards)
    reread = decode(merged)
    figures = {"count": combined.get_total_count(), "min": low, "max": high}
    if reread.get_total_count() != combined.get_total_count():
        problems.append(f"merged histogram holds {reread.get_total_count()}, shards {combined.get_total_count()}")
    latency = merged["summary"]["latency_seconds"]
    for name, percentile in (("p50", 50), ("p90", 90), ("p99", 99)):
        expected = min(max(combined.get_value_at_percentile(percentile), low), high)
        figures[name] = expected
        if reread.get_value_at_percentile(percentile) != combined.get_value_at_percentile(percentile):
            problems.append(f"{name}: the merged histogram and the shards' disagree")
        if ns(latency[name]) != expected:
            problems.append(f"{name}: merged report {ns(latency[name])} ns, shards' histograms {expected} ns")
    if ns(latency["max"]) != high or ns(latency["min"]) != low:
        problems.append(f"min/max: merged report {latency['min']}/{latency['max']}, shards {low}/{high} ns")
    # The reports' min and max are exact; the histograms' extremes are slots, which a run timed in CPU
    # ticks converts to nanoseconds slot by slot: they agree to the histograms' resolution (3 digits).
    if abs(combined.get_min_value() - low) > max(2, 0.002 * low):
        problems.append(f"min {low} is not at the histogram's lowest slot ({combined.get_min_value()})")
    if abs(combined.get_max_value() - high) > max(2, 0.002 * high):
        problems.append(f"max {high} is not at the histogram's highest slot ({combined.get_max_value()})")
    print(json.dumps({"figures": figures, "problems": problems}))
    return 1 if problems else 0


sys.exit(main())
