/**
 * `clmkit/models`: buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma) and
 * customer lifetime value from them; churn classifiers (logistic regression, decision trees,
 * random forests) on a preprocessing toolkit; linear regression; Kaplan–Meier survival; and the
 * information-gap detector.
 *
 * @module
 */
export * from './btyd/common.js';
export * from './btyd/betaGeo.js';
export * from './btyd/modifiedBetaGeo.js';
export * from './btyd/paretoNbd.js';
export * from './btyd/betaGeoBetaBinom.js';
export * from './btyd/gammaGamma.js';
export * from './btyd/clv.js';
export * from './prep/matrix.js';
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
