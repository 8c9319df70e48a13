/**
 * Churn prediction on the IBM Telco customer churn data: preprocessing → logistic regression →
 * metrics table → lift table.
 *
 * The data set is not shipped with clmkit (its licence is unverified): put
 * WA_Fn-UseC_-Telco-Customer-Churn.csv under $CLMKIT_DATASETS/telco-churn/ (default
 * ../shared/datasets beside the repository). Without it the script says so and exits.
 *
 * Run: npx tsx examples/churn-telco.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  accuracy,
  brierScore,
  f1,
  fitLogistic,
  hstack,
  liftTable,
  logLoss,
  matrixFromColumns,
  oneHot,
  precision,
  recall,
  rocAuc,
  selectRows,
  standardize,
  trainTestSplit,
} from 'clmkit';
import { formatTable, heading } from './lib/table.js';

const here = dirname(fileURLToPath(import.meta.url));
const datasets = process.env['CLMKIT_DATASETS'] ?? resolve(here, '../../shared/datasets');
const file = join(datasets, 'telco-churn', 'WA_Fn-UseC_-Telco-Customer-Churn.csv');
if (!existsSync(file)) {
  console.log(`skipped: dataset not found (${file}); see ../shared/datasets/README-ml.md`);
  process.exit(0);
}

// 1. Read the CSV (no quoted fields in this file) and drop the 11 rows with a blank TotalCharges.
const [headerLine, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
const header = headerLine.split(',');
const records = lines
  .map((l) => Object.fromEntries(l.split(',').map((v, j) => [header[j], v])) as Record<string, string>)
  .filter((r) => r['TotalCharges'].trim() !== '');
const churned = Uint8Array.from(records, (r) => (r['Churn'] === 'Yes' ? 1 : 0));

// 2. Features: 4 numeric columns + the 15 text columns one-hot (every category, as pandas' get_dummies).
const numeric = ['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges'];
const categorical = header.filter((h) => !numeric.includes(h) && h !== 'customerID' && h !== 'Churn');
const encoder = oneHot(records, { columns: categorical });
const X = hstack(
  matrixFromColumns(Object.fromEntries(numeric.map((c) => [c, Float64Array.from(records, (r) => Number(r[c]))]))),
  encoder.transform(records),
);

// 3. A stratified 75 / 25 split; the scaler is fitted on the training rows only.
const { train, test } = trainTestSplit(X.nRows, { testSize: 0.25, stratify: churned, seed: 42 });
const scaler = standardize(selectRows(X, train), { columns: numeric });
const Xtrain = scaler.transform(selectRows(X, train));
const Xtest = scaler.transform(selectRows(X, test));
const yTrain = Uint8Array.from(train, (i) => churned[i]);
const yTest = Uint8Array.from(test, (i) => churned[i]);

// 4. Logistic regression, L2 = 1 (scikit-learn's C = 1).
const model = fitLogistic(Xtrain, yTrain, { l2: 1 });
if (model.kind !== 'binary') throw new Error('expected a binary model');
const p = model.predictProba(Xtest);
const yPred = model.predict(Xtest, 0.5);

console.log(heading(`Telco churn: ${X.nRows} customers, ${X.nCols} features, train ${train.length} / test ${test.length}`));
console.log(`fitted in ${model.iterations} Newton iterations (converged: ${model.converged})\n`);
console.log(
  formatTable(
    ['metric (test part)', 'value'],
    [
      ['ROC AUC', rocAuc(yTest, p).toFixed(4)],
      ['log loss', logLoss(yTest, p).toFixed(4)],
      ['Brier score', brierScore(yTest, p).toFixed(4)],
      ['accuracy (threshold 0.5)', accuracy(yTest, yPred).toFixed(4)],
      ['precision', precision(yTest, yPred).toFixed(4)],
      ['recall', recall(yTest, yPred).toFixed(4)],
      ['F1', f1(yTest, yPred).toFixed(4)],
    ],
  ),
);

const order = [...model.coefficients.keys()].sort((a, b) => Math.abs(model.coefficients[b]) - Math.abs(model.coefficients[a]));
console.log(heading('Largest coefficients (log-odds of churn; numeric columns per standard deviation)'));
console.log(
  formatTable(
    ['feature', 'coefficient', 'odds ratio'],
    order.slice(0, 8).map((j) => [model.coefficientNames[j], model.coefficients[j].toFixed(3), Math.exp(model.coefficients[j]).toFixed(2)]),
  ),
);

console.log(heading('Lift by decile of predicted churn risk (test part)'));
console.log(
  formatTable(
    ['decile', 'customers', 'score range', 'churners', 'churn rate', 'lift'],
    liftTable(yTest, p, { groups: 10 }).map((r) => [
      r.group,
      r.count,
      `${r.minScore.toFixed(3)}–${r.maxScore.toFixed(3)}`,
      r.positives,
      `${(100 * r.rate).toFixed(1)}%`,
      r.lift.toFixed(2),
    ]),
  ),
);
