/**
 * A fixed-capacity top-n list on typed arrays, shared by the recommenders.
 *
 * @internal
 * @module
 */

/**
 * Keeps the best `cap` (index, score) pairs: higher score first, ties → lower index. Shared by the kNN and ALS
 * recommenders' top-n lists.
 *
 * @internal
 */
export class TopList {
  readonly idx: Int32Array;
  readonly score: Float64Array;
  size = 0;

  constructor(readonly cap: number) {
    this.idx = new Int32Array(cap);
    this.score = new Float64Array(cap);
  }

  reset(): void {
    this.size = 0;
  }

  push(i: number, s: number): void {
    const { idx, score, cap } = this;
    let p = this.size;
    if (p === cap) {
      const ws = score[cap - 1];
      if (s < ws || (s === ws && i > idx[cap - 1])) return;
      p = cap - 1;
    } else {
      this.size++;
    }
    while (p > 0) {
      const ps = score[p - 1];
      if (ps > s || (ps === s && idx[p - 1] < i)) break;
      score[p] = ps;
      idx[p] = idx[p - 1]!;
      p--;
    }
    score[p] = s;
    idx[p] = i;
  }
}
