"""Peer timings for clmkit's tree, forest and information-gap benchmarks (bench/tree.ts).

Usage (Debian's python3-sklearn; OMP_NUM_THREADS=1 for a single-threaded comparison):
  /usr/bin/python3 bench/sklearn_tree.py tree X.f64 Y.i32 N_COLS MAX_DEPTH RUNS
      DecisionTreeClassifier(max_depth=MAX_DEPTH, random_state=0) on row-major little-endian
      float64 X and int32 labels; prints {"sklearn", "samplesMs", "nodeCount", "leaves",
      "trainAccuracy"}.
  /usr/bin/python3 bench/sklearn_tree.py forest-telco RUNS
      RandomForestClassifier(n_estimators=100, max_features="sqrt", oob_score=True, n_jobs=1,
      random_state=0..RUNS-1) on the Telco split of ../shared/peers/sklearn_peer.py; prints
      {"sklearn", "samplesMs", "oobAuc", "testAuc"} (the AUCs are means over the runs).
  /usr/bin/python3 bench/sklearn_tree.py pca X.f64 N_COLS K RUNS
      StandardScaler + PCA(K) fit, then the reconstruction residual norm of every row; prints
      {"sklearn", "samplesMs", "meanGap"}.
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import sklearn


def timed(fn, runs):
    samples, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples, out


def tree(xf, yf, cols, depth, runs):
    from sklearn.tree import DecisionTreeClassifier

    X = np.fromfile(xf, dtype="<f8").reshape(-1, cols)
    y = np.fromfile(yf, dtype="<i4")
    samples, m = timed(lambda: DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X, y), runs)
    acc = float((m.predict(X) == y).mean())
    return {"sklearn": sklearn.__version__, "samplesMs": samples, "nodeCount": int(m.tree_.node_count),
            "leaves": int(m.get_n_leaves()), "trainAccuracy": acc}


def forest_telco(runs):
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score

    peers = Path(os.environ.get("CLMKIT_PEERS", Path(__file__).resolve().parent.parent.parent / "shared" / "peers"))
    sys.path.insert(0, str(peers))
    import sklearn_peer  # noqa: E402

    p = sklearn_peer.telco_preprocess(pd.read_csv(sklearn_peer.TELCO))
    samples, oob, test = [], [], []
    for rs in range(runs):
        t0 = time.perf_counter()
        rf = RandomForestClassifier(n_estimators=100, max_features="sqrt", oob_score=True, n_jobs=1,
                                    random_state=rs).fit(p["Xtr"], p["ytr"])
        samples.append((time.perf_counter() - t0) * 1000)
        oob.append(roc_auc_score(p["ytr"], rf.oob_decision_function_[:, 1]))
        test.append(roc_auc_score(p["yte"], rf.predict_proba(p["Xte"])[:, 1]))
    return {"sklearn": sklearn.__version__, "samplesMs": samples, "oobAuc": float(np.mean(oob)), "testAuc": float(np.mean(test))}


def pca(xf, cols, k, runs):
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    X = np.fromfile(xf, dtype="<f8").reshape(-1, cols)

    def run():
        Z = StandardScaler().fit_transform(X)
        p = PCA(n_components=k, svd_solver="full").fit(Z)
        R = Z - p.inverse_transform(p.transform(Z))
        return np.sqrt((R * R).sum(axis=1))

    samples, gap = timed(run, runs)
    return {"sklearn": sklearn.__version__, "samplesMs": samples, "meanGap": float(gap.mean())}


def main():
    mode = sys.argv[1]
    if mode == "tree":
        out = tree(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif mode == "forest-telco":
        out = forest_telco(int(sys.argv[2]))
    elif mode == "pca":
        out = pca(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
