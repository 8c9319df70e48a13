/**
 * Crash safety: a child process (apply-child.ts) commits one batch, starts a second and is
 * SIGKILLed inside its SQLite transaction; the reopened file must hold all of the first batch and
 * none of the second, and applying the second batch again must give exactly the store of an
 * uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLifecycle } from '../../src/lifecycle/index.js';
import { applyEvents, openStore } from '../../src/store/index.js';
import { dump } from './dump.js';
import { eventRange, LIFECYCLE_CONFIG } from './events.js';

const child = fileURLToPath(new URL('./apply-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'clmkit-store-kill-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FIRST = 500;
const SECOND = 3000;
const lc = createLifecycle(LIFECYCLE_CONFIG);

/** Runs the child; SIGKILLs it when it prints `killOn` (null: let it finish). Resolves with everything it printed. */
function runChild(file: string, signalAfter: number, killOn: string | null): Promise<{ out: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, file, String(FIRST), String(SECOND), String(signalAfter)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killOn !== null && out.includes(`${killOn}\n`)) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child failed (${String(code)}): ${err}`));
      else resolve({ out, signal });
    });
  });
}

describe('applyEvents is atomic under SIGKILL', () => {
  it('killed mid-batch: the first batch is all there, the second not at all; re-applying converges', async () => {
    const file = join(dir, 'killed.sqlite');
    const { out, signal } = await runChild(file, 1200, 'inside');
    expect(signal).toBe('SIGKILL');
    expect(out).toContain('committed\ninside\n');
    expect(out).not.toContain('done');

    const store = await openStore(file);
    // All or nothing of the interrupted batch: exactly the first batch's event ids are present.
    const ids = (store.db.prepare('SELECT event_id FROM applied_events').all() as { event_id: string }[]).map((r) => r.event_id).sort();
    expect(ids).toEqual(eventRange(0, FIRST).map((e) => String(e.eventId)).sort());
    const reference = await openStore(':memory:');
    applyEvents(reference, lc, eventRange(0, FIRST));
    expect(dump(store)).toEqual(dump(reference));

    // Re-deliver everything (the first batch's ids are duplicates): the same store as an uninterrupted run.
    const r = applyEvents(store, lc, eventRange(0, SECOND));
    expect(r).toMatchObject({ applied: SECOND - FIRST, duplicates: FIRST });
    applyEvents(reference, lc, eventRange(FIRST, SECOND));
    expect(dump(store)).toEqual(dump(reference));
    store.close();
    reference.close();
  }, 30_000);

  it('not killed: the child writes both batches, equal to an in-process run', async () => {
    const file = join(dir, 'finished.sqlite');
    const { out, signal } = await runChild(file, SECOND, null);
    expect(signal).toBeNull();
    expect(out).toBe('committed\ndone\n');
    const store = await openStore(file);
    const reference = await openStore(':memory:');
    applyEvents(reference, lc, eventRange(0, FIRST));
    applyEvents(reference, lc, eventRange(FIRST, SECOND));
    expect(dump(store)).toEqual(dump(reference));
    store.close();
    reference.close();
  }, 30_000);
});
