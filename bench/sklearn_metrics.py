"""Peer timings for clmkit's metrics benchmarks: scikit-learn on the same vectors.

Usage: /usr/bin/python3 bench/sklearn_metrics.py SCORES.f64 LABELS.u8 RUNS

Reads little-endian float64 scores and uint8 labels (written by bench/metrics.ts), times
roc_auc_score and average_precision_score RUNS times each in this process, and prints one JSON
object: {"sklearn": version, "rocAuc": {"value", "samplesMs"}, "averagePrecision": {...}}.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

scores = np.fromfile(sys.argv[1], dtype="<f8")
labels = np.fromfile(sys.argv[2], dtype="u1")
runs = int(sys.argv[3])
out = {"sklearn": sklearn.__version__, "n": int(scores.size)}
for name, fn in (("rocAuc", roc_auc_score), ("averagePrecision", average_precision_score)):
    samples = []
    value = None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn(labels, scores)
        samples.append((time.perf_counter() - t0) * 1000)
    out[name] = {"value": float(value), "samplesMs": samples}
print(json.dumps(out))
