/**
 * The user × item interaction matrix every recommender is fitted on: CSR (by user) and CSC (by
 * item) on typed arrays, with id ↔ index maps.
 *
 * @module
 */
import * as z from 'zod/mini';
import { IssueCollector, InvalidInputError } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import type { EntityId, InteractionInput } from './types.js';

/**
 * A sparse user × item matrix. Users and items are indexed in order of first appearance; within
 * a row (user) item indices ascend, and within a column (item) user indices ascend.
 */
export interface InteractionMatrix {
  /** User ids (as strings) by index. */
  readonly users: readonly string[];
  /** Item ids (as strings) by index. */
  readonly items: readonly string[];
  readonly userIndex: ReadonlyMap<string, number>;
  readonly itemIndex: ReadonlyMap<string, number>;
  /** CSR: the entries of user u are `rowPtr[u] .. rowPtr[u + 1] − 1` of `colIdx` / `values`. */
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
  /** CSC: the entries of item i are `colPtr[i] .. colPtr[i + 1] − 1` of `rowIdx` / `colValues`. */
  readonly colPtr: Int32Array;
  readonly rowIdx: Int32Array;
  readonly colValues: Float64Array;
  /** Stored entries (distinct user–item pairs). */
  readonly nnz: number;
  /** Input rows merged into an earlier row of the same user–item pair. */
  readonly mergedDuplicates: number;
}

/** Options of {@link interactionMatrix}. */
export interface InteractionMatrixOptions {
  /**
   * What to do with several rows for the same user–item pair: add their values (`'sum'`, e.g.
   * purchase counts), keep the largest (`'max'`, e.g. repeated ratings), or throw naming both rows.
   * @defaultValue `'sum'`
   */
  duplicates?: 'sum' | 'max' | 'error';
}

const schema = z.strictObject({ duplicates: z.optional(z.enum(['sum', 'max', 'error'])) });

function idKey(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Builds the sparse interaction matrix from interactions (records or columns). `value` defaults
 * to 1 and must be finite; ids must be non-empty strings or finite numbers (`1` ≡ `'1'`). Every
 * bad row is named in one {@link InvalidInputError}.
 *
 * @example
 * ```ts
 * import { interactionMatrix } from 'clmkit';
 * const m = interactionMatrix([
 *   { userId: 'ann', itemId: 'a', value: 2 },
 *   { userId: 'ann', itemId: 'b' },
 *   { userId: 'bob', itemId: 'a', value: 1 },
 *   { userId: 'ann', itemId: 'a', value: 3 }, // same pair: summed
 * ]);
 * console.log(m.users, m.items, m.nnz, m.mergedDuplicates); // [ 'ann', 'bob' ] [ 'a', 'b' ] 3 1
 * console.log(m.values); // Float64Array(3) [ 5, 1, 1 ]
 * ```
 */
export function interactionMatrix(input: InteractionInput, options?: InteractionMatrixOptions): InteractionMatrix {
  const opts = parseOptions(schema, options, 'interactionMatrix');
  const policy = opts.duplicates ?? 'sum';
  let n: number;
  let get: (i: number) => { u: unknown; it: unknown; v: unknown };
  if (Array.isArray(input)) {
    const recs = input as readonly Readonly<Record<string, unknown>>[];
    n = recs.length;
    get = (i) => {
      const r: unknown = recs[i];
      if (r === null || typeof r !== 'object') return { u: undefined, it: undefined, v: undefined };
      const rec = r as Readonly<Record<string, unknown>>;
      return { u: rec['userId'], it: rec['itemId'], v: rec['value'] };
    };
  } else {
    const cols = input as Exclude<InteractionInput, readonly unknown[]>;
    n = cols.userId.length;
    if (cols.itemId.length !== n || (cols.value !== undefined && cols.value.length !== n)) {
      throw new InvalidInputError('interactionMatrix: columns must have equal lengths', [
        { path: 'interactions', message: `userId has ${n} values, itemId ${cols.itemId.length}${cols.value ? `, value ${cols.value.length}` : ''}` },
      ]);
    }
    const vals = cols.value;
    get = (i) => ({ u: cols.userId[i], it: cols.itemId[i], v: vals === undefined ? undefined : vals[i] });
  }

  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const users: string[] = [];
  const items: string[] = [];
  const U = new Int32Array(n);
  const I = new Int32Array(n);
  const V = new Float64Array(n);
  const issues = new IssueCollector();
  for (let r = 0; r < n; r++) {
    const { u, it, v } = get(r);
    const uk = idKey(u);
    const ik = idKey(it);
    if (uk === undefined) issues.add('userId', `expected a non-empty string or a finite number, got ${show(u)}`, r);
    if (ik === undefined) issues.add('itemId', `expected a non-empty string or a finite number, got ${show(it)}`, r);
    const value = v === undefined || v === null ? 1 : v;
    if (typeof value !== 'number' || !Number.isFinite(value)) issues.add('value', `expected a finite number, got ${show(v)}`, r);
    if (uk === undefined || ik === undefined || typeof value !== 'number' || !Number.isFinite(value)) continue;
    let ui = userIndex.get(uk);
    if (ui === undefined) {
      ui = users.length;
      userIndex.set(uk, ui);
      users.push(uk);
    }
    let ii = itemIndex.get(ik);
    if (ii === undefined) {
      ii = items.length;
      itemIndex.set(ik, ii);
      items.push(ik);
    }
    U[r] = ui;
    I[r] = ii;
    V[r] = value;
  }
  issues.throwIfAny('interactionMatrix');

  // CSR: counting sort by user (stable), then sort each row by item and merge duplicates.
  const nu = users.length;
  const ni = items.length;
  const start = new Int32Array(nu + 1);
  for (let r = 0; r < n; r++) start[U[r] + 1]++;
  for (let u = 0; u < nu; u++) start[u + 1] += start[u];
  const order = new Int32Array(n);
  const fill = start.slice(0, nu);
  for (let r = 0; r < n; r++) order[fill[U[r]]++] = r;
  const rowPtr = new Int32Array(nu + 1);
  const colIdx = new Int32Array(n);
  const values = new Float64Array(n);
  let nnz = 0;
  let merged = 0;
  const key = new Float64Array(64);
  let keys = key;
  for (let u = 0; u < nu; u++) {
    const s0 = start[u];
    const len = start[u + 1] - s0;
    if (keys.length < len) keys = new Float64Array(Math.max(len, 2 * keys.length));
    // Sort the row's rows by (item, input row): key = item · n + row is exact below 2^53.
    for (let q = 0; q < len; q++) {
      const r = order[s0 + q];
      keys[q] = I[r] * n + r;
    }
    const seg = keys.subarray(0, len).sort();
    rowPtr[u] = nnz;
    let lastItem = -1;
    let lastRow = -1;
    for (let q = 0; q < len; q++) {
      const item = Math.floor(seg[q] / n);
      const r = seg[q] - item * n;
      if (item === lastItem) {
        merged++;
        if (policy === 'error') {
          throw new InvalidInputError('interactionMatrix', [
            { path: 'interactions', row: r, message: `user ${show(users[u])} and item ${show(items[item])} already appear at row ${lastRow} (pass options.duplicates: 'sum' or 'max')` },
          ]);
        }
        values[nnz - 1] = policy === 'sum' ? values[nnz - 1] + V[r] : Math.max(values[nnz - 1], V[r]);
        continue;
      }
      colIdx[nnz] = item;
      values[nnz] = V[r];
      nnz++;
      lastItem = item;
      lastRow = r;
    }
  }
  rowPtr[nu] = nnz;

  // CSC from CSR (counting sort by item; users ascend within each column).
  const colPtr = new Int32Array(ni + 1);
  for (let p = 0; p < nnz; p++) colPtr[colIdx[p] + 1]++;
  for (let i = 0; i < ni; i++) colPtr[i + 1] += colPtr[i];
  const rowIdx = new Int32Array(nnz);
  const colValues = new Float64Array(nnz);
  const cfill = colPtr.slice(0, ni);
  for (let u = 0; u < nu; u++) {
    for (let p = rowPtr[u]; p < rowPtr[u + 1]; p++) {
      const q = cfill[colIdx[p]]++;
      rowIdx[q] = u;
      colValues[q] = values[p];
    }
  }
  return {
    users,
    items,
    userIndex,
    itemIndex,
    rowPtr,
    colIdx: colIdx.slice(0, nnz),
    values: values.slice(0, nnz),
    colPtr,
    rowIdx,
    colValues,
    nnz,
    mergedDuplicates: merged,
  };
}

/** The string key of an id, or undefined when it is not a valid id. @internal */
export function entityKey(id: EntityId): string | undefined {
  return idKey(id);
}
