/**
 * `clmkit/models`: buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma) and
 * customer lifetime value from them; churn classifiers (logistic regression, decision trees,
 * random forests) on a preprocessing toolkit; linear regression; Kaplan–Meier survival; and the
 * information-gap detector.
 *
 * @module
 */
// public names only: the module's @internal helpers stay inside (test/package/exports.test.ts)
export { checkModelJson, compressRfm, fitMaximumLikelihood, isSingleCustomer, parseBtydFitOptions, predictBatch, readRfm, unitOf } from './btyd/common.js';
export type { BtydColumns, BtydFitOptions, BtydInput, BtydModelJson, CompressedRfm, CustomerFormula, CustomerRfm, FittedBtydModel, MaximumLikelihoodFit, MaximumLikelihoodProblem, NumericColumn, PredictBatchOptions, ResolvedBtydFitOptions, RfmData, TransactionModel } from './btyd/common.js';
export * from './btyd/betaGeo.js';
export * from './btyd/modifiedBetaGeo.js';
// public names only: the module's @internal helpers stay inside (test/package/exports.test.ts)
export { fitParetoNbd, paretoNbdFromJSON, paretoNbdLogLikelihood, paretoNbdModel, simulateParetoNbd } from './btyd/paretoNbd.js';
export type { ParetoNbdFitOptions, ParetoNbdModel, ParetoNbdParams, SimulateParetoNbdOptions, SimulatedParetoNbd } from './btyd/paretoNbd.js';
// public names only: the module's @internal helpers stay inside (test/package/exports.test.ts)
export { betaGeoBetaBinomFromJSON, betaGeoBetaBinomModel, fitBetaGeoBetaBinom, simulateBetaGeoBetaBinom } from './btyd/betaGeoBetaBinom.js';
export type { BetaGeoBetaBinomColumns, BetaGeoBetaBinomCustomer, BetaGeoBetaBinomInput, BetaGeoBetaBinomModel, BetaGeoBetaBinomModelJson, BetaGeoBetaBinomParams, BetaGeoBetaBinomRecord, FitBetaGeoBetaBinomOptions, SimulateBetaGeoBetaBinomOptions, SimulatedBetaGeoBetaBinom } from './btyd/betaGeoBetaBinom.js';
export * from './btyd/gammaGamma.js';
export * from './btyd/clv.js';
// public names only: the module's @internal helpers stay inside (test/package/exports.test.ts)
export { encodeClasses, getColumn, hstack, matrixFromColumns, matrixFromRecords, matrixFromRows, selectColumns, selectRows, toMatrix } from './prep/matrix.js';
export type { DesignMatrix, DesignMatrixInput, EncodedClasses } from './prep/matrix.js';
export * from './prep/encode.js';
export * from './prep/split.js';
export * from './classify/logistic.js';
// tree.ts also holds the CART builder that forest.ts shares; only the public names go out.
export { fitDecisionTree, decisionTreeFromJSON } from './classify/tree.js';
export type {
  ClassificationTreeModel,
  DecisionTreeJson,
  DecisionTreeModel,
  DecisionTreeOptions,
  MaxFeatures,
  RegressionTreeModel,
  TreeCriterion,
  TreeInput,
  TreeNodes,
  TreeTask,
  TreeTextOptions,
} from './classify/tree.js';
export * from './classify/forest.js';
export * from './regress/linear.js';
export * from './survival/kaplanMeier.js';
export * from './gap/gap.js';
