"""Peer timing for clmkit's k-means benchmark: scikit-learn on the same points.

Usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/sklearn_kmeans.py POINTS.f64 N_COLS K INIT.f64 RUNS

Reads row-major little-endian float64 points and the k initial centroids (written by
bench/segment.ts), runs KMeans(n_clusters=K, init=INIT, n_init=1, max_iter=100, algorithm='lloyd')
RUNS times and prints JSON: {"sklearn", "samplesMs", "inertia", "iterations"}. Giving both sides the
same initial centroids makes the work comparable (k-means++ seeding differs between RNGs).
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans

cols = int(sys.argv[2])
X = np.fromfile(sys.argv[1], dtype="<f8").reshape(-1, cols)
k = int(sys.argv[3])
init = np.fromfile(sys.argv[4], dtype="<f8").reshape(k, cols)
runs = int(sys.argv[5])
samples, km = [], None
for _ in range(runs):
    t0 = time.perf_counter()
    km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=100, algorithm="lloyd").fit(X)
    samples.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"sklearn": sklearn.__version__, "samplesMs": samples, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)}))
