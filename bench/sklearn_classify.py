"""Peer timings for clmkit's classify benchmarks: scikit-learn LogisticRegression on the same data.

Usage:
  /usr/bin/python3 bench/sklearn_classify.py telco TRAIN_X.f64 TRAIN_Y.u8 N_COLS RUNS
  /usr/bin/python3 bench/sklearn_classify.py synthetic X.f64 Y.u8 N_COLS RUNS

Reads row-major little-endian float64 features and uint8 0/1 labels written by bench/classify.ts
(for Telco: the preprocessed training part, exactly what clmkit fits), and times
LogisticRegression(C=1) `fit` RUNS times with the default solver (lbfgs, tol 1e-4, the usual call)
and with solver="newton-cholesky" (tol 1e-8; the solver that reaches the same optimum as clmkit).
Prints JSON: {"sklearn", "threads", "lbfgsMs", "newtonMs", "lbfgsCpuMs", "newtonCpuMs", "lbfgsIter",
"newtonIter", ...}: wall and CPU (time.process_time) milliseconds per fit.
Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 for a single-threaded comparison (clmkit is
single-threaded JavaScript).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

kind, xf, yf, cols, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(xf, dtype="<f8").reshape(-1, cols)
y = np.fromfile(yf, dtype=np.uint8).astype(np.int64)
out = {"sklearn": sklearn.__version__, "kind": kind, "rows": int(X.shape[0]),
       "threads": os.environ.get("OMP_NUM_THREADS", "default")}
max_iter = 1000
for key, kw in (("lbfgs", dict(solver="lbfgs", max_iter=max_iter)),
                ("newton", dict(solver="newton-cholesky", tol=1e-8, max_iter=100))):
    samples, cpu, m = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = LogisticRegression(C=1.0, **kw).fit(X, y)
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    out[f"{key}Ms"] = samples
    out[f"{key}CpuMs"] = cpu
    out[f"{key}Iter"] = int(m.n_iter_[0])
    out[f"{key}Coef0"] = float(m.coef_[0][0])
print(json.dumps(out))
