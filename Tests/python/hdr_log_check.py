"""Reads a wsasend --histogram-log with the hdrhistogram package's HistogramLogReader (HdrHistogram's
Python library), independently of wsasend's own code, and checks it against the run's JSON report: the
intervals together hold every call's latency, the same histogram the report carries (none, and a log of
no intervals, for a run of no calls such as an idle shard's). With --rate the
lines tagged "scheduled" together hold the report's scheduled_latency_histogram, one value per buffer set.

usage: hdr_log_check.py LOG REPORT.json   prints one JSON line of figures; exits 1 on a mismatch.
"""
import json
import sys

from hdrh.histogram import HdrHistogram
from hdrh.log import HistogramLogReader


def main():
    log_path, report_path = sys.argv[1], sys.argv[2]
    report = json.load(open(report_path))
    summary = report["summary"]
    reference = HdrHistogram(1, 3_600_000_000_000, 3)
    reader = HistogramLogReader(log_path, reference)
    combined = HdrHistogram(1, 3_600_000_000_000, 3)
    scheduled = HdrHistogram(1, 3_600_000_000_000, 3)
    intervals, tagged = [], []
    while True:
        histogram = reader.get_next_interval_histogram()
        if histogram is None:
            break
        if histogram.get_tag() == "scheduled":
            tagged.append(histogram.get_total_count())
            scheduled.add(histogram)
            continue
        intervals.append(histogram.get_total_count())
        combined.add(histogram)
    # A report of no calls (an idle shard's) has no histogram: its log must then hold no values either.
    encoded = summary.get("latency_histogram")
    whole = HdrHistogram.decode(encoded["data"]) if encoded else HdrHistogram(1, 3_600_000_000_000, 3)
    problems = []
    if "scheduled_latency_histogram" in summary:
        scheduled_whole = HdrHistogram.decode(summary["scheduled_latency_histogram"]["data"])
        if len(tagged) != len(intervals):
            problems.append(f"{len(tagged)} scheduled lines for {len(intervals)} intervals")
        if scheduled.get_total_count() != summary["sets"]:
            problems.append(f"the scheduled lines hold {scheduled.get_total_count()} values for {summary['sets']} sets")
        for percentile in (50, 90, 99, 100):
            mine, theirs = scheduled.get_value_at_percentile(percentile), scheduled_whole.get_value_at_percentile(percentile)
            if mine != theirs:
                problems.append(f"scheduled p{percentile}: intervals {mine} ns, report {theirs} ns")
    elif tagged:
        problems.append(f"{len(tagged)} scheduled lines in a run without --rate")
    if summary["calls"] > 0 and len(intervals) < 2:
        problems.append(f"{len(intervals)} intervals read")
    if summary["calls"] == 0 and intervals:
        problems.append(f"{len(intervals)} intervals in the log of a run of no calls")
    if combined.get_total_count() != summary["calls"]:
        problems.append(f"the intervals hold {combined.get_total_count()} values for {summary['calls']} calls")
    if combined.get_total_count() != whole.get_total_count():
        problems.append(f"the intervals hold {combined.get_total_count()}, the report's histogram {whole.get_total_count()}")
    figures = {"intervals": intervals, "count": combined.get_total_count(), "scheduled": tagged}
    for percentile in (50, 90, 99, 100):
        mine, theirs = combined.get_value_at_percentile(percentile), whole.get_value_at_percentile(percentile)
        figures[f"p{percentile}"] = mine
        if mine != theirs:
            problems.append(f"p{percentile}: intervals {mine} ns, report {theirs} ns")
    if reader.get_start_time_sec() != round(reader.get_start_time_sec(), 3) or reader.get_start_time_sec() < 1e9:
        problems.append(f"start time {reader.get_start_time_sec()} is not the run's (seconds since the epoch)")
    print(json.dumps({"figures": figures, "problems": problems}))
    return 1 if problems else 0


sys.exit(main())
