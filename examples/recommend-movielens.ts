/**
 * Item-kNN, user-kNN, implicit ALS, popularity and random on MovieLens 100K, evaluated on a
 * per-user holdout (20 % of each user's ratings; held-out ratings ≥ 4 are the relevant items).
 *
 *   npx tsx examples/recommend-movielens.ts
 *
 * MovieLens may not be redistributed, so it is not in the repository: the script reads
 * ../shared/datasets/movielens-100k/u.data beside it (or $CLMKIT_DATASETS/movielens-100k/u.data;
 * download ml-100k.zip from https://files.grouplens.org/datasets/movielens/) and says it skipped
 * when the file is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  compareRecommenders,
  fitAls,
  fitItemKnn,
  fitPopularity,
  fitRandom,
  fitUserKnn,
  formatComparison,
  splitByUser,
  type Interaction,
} from 'clmkit';
import { heading } from './lib/table.js';

const datasets = process.env['CLMKIT_DATASETS'] ?? fileURLToPath(new URL('../../shared/datasets', import.meta.url));
const file = `${datasets}/movielens-100k/u.data`;

if (!existsSync(file)) {
  console.log(`skipped: dataset not found (${file}); see the comment at the top of this script`);
} else {
  // u.data: user TAB item TAB rating (1–5) TAB unix seconds
  const ratings: Interaction[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length >= 3) ratings.push({ userId: Number(f[0]), itemId: Number(f[1]), value: Number(f[2]) });
  }

  // Each user with ≥ 5 ratings loses floor(0.2 · n) of them at random (seed 42): the rule of the
  // numpy peer in ../shared/peers, which was run on this very split.
  const split = splitByUser(ratings, { testFraction: 0.2, minInteractions: 5, seed: 42, rounding: 'floor' });

  const models = {
    'item-kNN (cosine, k 50)': fitItemKnn(split.train, { similarity: 'cosine', k: 50 }),
    'user-kNN (cosine, k 50)': fitUserKnn(split.train, { similarity: 'cosine', k: 50 }),
    // α and λ chosen on another split (seed 7), not on this one
    'ALS (64 factors, α 1, λ 50)': fitAls(split.train, { factors: 64, iterations: 15, alpha: 1, regularization: 50, seed: 0 }),
    popularity: fitPopularity(split.train),
    random: fitRandom(split.train, { seed: 0 }),
  };
  const rows = compareRecommenders(models, split, { k: 10, relevant: (rating) => rating >= 4 });

  console.log(heading(`MovieLens 100K: ${split.train.length} training / ${split.test.length} held-out ratings, top 10`));
  console.log(formatComparison(rows));

  // The numpy/scipy item-kNN of ../shared/peers on the same split (committed reference figures).
  const fixture = new URL('../test/fixtures/recommend-movielens.json', import.meta.url);
  if (existsSync(fixture)) {
    const peer = (JSON.parse(readFileSync(fixture, 'utf8')) as { itemKnn: Record<string, number> }).itemKnn;
    console.log(
      `\nnumpy peer, item-kNN (cosine, k 50), same split: P@10 ${peer['precision@10'].toFixed(4)}, ` +
        `R@10 ${peer['recall@10'].toFixed(4)}, NDCG@10 ${peer['ndcg@10'].toFixed(4)} over ${peer['users_evaluated']} users`,
    );
  }
}
