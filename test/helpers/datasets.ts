/**
 * Access to the reference datasets in ../shared/datasets (beside the repository). They are not
 * part of the repository or the package (MovieLens' and CDNOW's terms): tests that need them
 * skip, saying so, when the folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** `../shared/datasets` relative to the repository root, or CLMKIT_DATASETS. */
export const DATASETS_DIR = process.env['CLMKIT_DATASETS'] ?? resolve(here, '../../../shared/datasets');

/** Path of a dataset file, or null when it is not on this machine. */
export function datasetPath(relative: string): string | null {
  const p = join(DATASETS_DIR, relative);
  return existsSync(p) ? p : null;
}

/** A message for `describe.skipIf(...)` / logs when a dataset is missing. */
export function missingMessage(relative: string): string {
  return `skipped: dataset ${join(DATASETS_DIR, relative)} not found (tests that reproduce published numbers need ../shared/datasets)`;
}

/** CDNOW_sample.txt as records: `master_id sample_id YYYYMMDD cds dollars`, whitespace-separated. */
export function readCdnowSample(path: string): { customerId: number; timestamp: string; amount: number; cds: number }[] {
  const out: { customerId: number; timestamp: string; amount: number; cds: number }[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const d = f[2];
    out.push({
      customerId: Number(f[1]),
      timestamp: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`,
      cds: Number(f[3]),
      amount: Number(f[4]),
    });
  }
  return out;
}

/** A small CSV reader for reference files (no quoting in them). */
export function readSimpleCsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}
