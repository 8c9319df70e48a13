/**
 * The IBM Telco customer churn data set (../shared/datasets/telco-churn, see
 * ../shared/datasets/README-ml.md) with the preprocessing documented in
 * ../shared/peers/sklearn_peer.py and reproduced by test/fixtures/make_telco_fixtures.py:
 *
 * - drop `customerID`; `TotalCharges` blank (" ", 11 rows) → drop the row (7043 → 7032 rows);
 * - y = 1 when `Churn` is "Yes";
 * - numeric columns SeniorCitizen, tenure, MonthlyCharges, TotalCharges (in that order), then the
 *   15 text columns one-hot with every category (pandas `get_dummies(drop_first=False)`, categories
 *   sorted) → 4 + 41 = 45 features, named as pandas names them (`Contract_One year`);
 * - the stratified 75/25 split of scikit-learn's `train_test_split(test_size=0.25, stratify=y,
 *   random_state=42)`, read as row indices from test/fixtures/telco-churn.json (sklearn's
 *   splitter cannot be reproduced in TypeScript);
 * - the 4 numeric columns standardised with a scaler fitted on the training rows only.
 *
 * `loadTelco()` returns null when the data set is absent (tests skip with `TELCO_MISSING`).
 * Built with clmkit's own `oneHot`, `standardize`, `hstack` and `selectRows`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  hstack,
  matrixFromColumns,
  oneHot,
  selectRows,
  standardize,
  type DesignMatrix,
  type StandardScaler,
} from '../../src/models/index.js';
import { datasetPath, missingMessage } from './datasets.js';

/** Path of the CSV relative to the datasets folder. */
export const TELCO_FILE = 'telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv';
/** Skip message when the data set is absent. */
export const TELCO_MISSING = missingMessage(TELCO_FILE);

/** The numeric columns, in the design matrix's order. */
export const TELCO_NUMERIC = ['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges'] as const;
/** The categorical columns, in the CSV's (and the design matrix's) order. */
export const TELCO_CATEGORICAL = [
  'gender',
  'Partner',
  'Dependents',
  'PhoneService',
  'MultipleLines',
  'InternetService',
  'OnlineSecurity',
  'OnlineBackup',
  'DeviceProtection',
  'TechSupport',
  'StreamingTV',
  'StreamingMovies',
  'Contract',
  'PaperlessBilling',
  'PaymentMethod',
] as const;

/** The preprocessed Telco data. */
export interface Telco {
  /** The 7032 kept rows as records (strings as in the CSV; TotalCharges parsed). */
  readonly records: readonly Record<string, string | number>[];
  /** All 7032 rows, 45 features, numeric columns NOT scaled. */
  readonly X: DesignMatrix;
  /** Churn (1) or not (0) per row. */
  readonly y: Uint8Array;
  /** Row indices (into X) of the training part (5274) and the test part (1758), as sklearn's split. */
  readonly trainRows: Int32Array;
  readonly testRows: Int32Array;
  /** The scaler fitted on the training rows' numeric columns. */
  readonly scaler: StandardScaler;
  /** Training / test design matrices, numeric columns standardised by `scaler`. */
  readonly Xtrain: DesignMatrix;
  readonly Xtest: DesignMatrix;
  readonly yTrain: Uint8Array;
  readonly yTest: Uint8Array;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The split (and sklearn's reference fits) committed by make_telco_fixtures.py. */
export const TELCO_FIXTURE = join(here, '../fixtures/telco-churn.json');

interface TelcoSplitFixture {
  readonly train_rows: readonly number[];
  readonly test_rows: readonly number[];
}

let cached: Telco | null | undefined;

/** Reads the CSV as records (no quoting in this file), keeping the 7032 rows with a TotalCharges. */
export function readTelcoRecords(path: string): Record<string, string | number>[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const out: Record<string, string | number>[] = [];
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    const rec: Record<string, string | number> = {};
    header.forEach((h, j) => {
      rec[h] = cells[j];
    });
    if (String(rec['TotalCharges']).trim() === '') continue;
    for (const c of TELCO_NUMERIC) rec[c] = Number(rec[c]);
    out.push(rec);
  }
  return out;
}

/** The preprocessed Telco data, or null when ../shared/datasets/telco-churn is absent. Cached. */
export function loadTelco(): Telco | null {
  if (cached !== undefined) return cached;
  const path = datasetPath(TELCO_FILE);
  if (path === null) return (cached = null);
  const records = readTelcoRecords(path);
  const n = records.length;
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = records[i]['Churn'] === 'Yes' ? 1 : 0;
  const numeric = matrixFromColumns(
    Object.fromEntries(TELCO_NUMERIC.map((c) => [c, Float64Array.from(records, (r) => r[c] as number)])),
  );
  const encoder = oneHot(records, { columns: TELCO_CATEGORICAL });
  const X = hstack(numeric, encoder.transform(records));
  const split = JSON.parse(readFileSync(TELCO_FIXTURE, 'utf8')) as TelcoSplitFixture;
  const trainRows = Int32Array.from(split.train_rows);
  const testRows = Int32Array.from(split.test_rows);
  const rawTrain = selectRows(X, trainRows);
  const scaler = standardize(rawTrain, { columns: [...TELCO_NUMERIC] });
  cached = {
    records,
    X,
    y,
    trainRows,
    testRows,
    scaler,
    Xtrain: scaler.transform(rawTrain),
    Xtest: scaler.transform(selectRows(X, testRows)),
    yTrain: Uint8Array.from(trainRows, (i) => y[i]),
    yTest: Uint8Array.from(testRows, (i) => y[i]),
  };
  return cached;
}
