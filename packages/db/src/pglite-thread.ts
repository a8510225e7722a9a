import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database, Sql } from './database.ts';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorFields };
type ErrorFields = { message: string; name?: string } & Record<string, string | number | boolean>;

/**
 * PostgreSQL's page cache inside PGlite's WASM heap (PGlite's default is 128MB). Every page of it
 * that is ever used stays in the process's RSS (a WASM heap never shrinks); pages outside it are
 * read from the data folder, which the OS caches. Measured on the 20,000-worker bench month
 * (bench/README.md, issue 13 goal 3): a reopened database needs ~160 MB of RSS at 16MB, ~280 MB
 * at 128MB.
 */
export const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * The young generation of the PGlite thread's JS heap, in MB (V8's default on 64 bits: 32MB of
 * semi-spaces, and as much again while they are copied). The thread's garbage is short-lived
 * (result rows, cloned to the main thread at once): on the 20,000-worker bench month its heap
 * peaked at 59 MB instead of 117 MB, with no change in the times (bench/README.md, 4 December).
 */
export const PGLITE_THREAD_YOUNG_GENERATION_MB = 8;

/** What `memory()` reports of the PGlite thread: its JS heap (and young generation), PostgreSQL's WASM heap. */
export type PgliteThreadMemory = {
  heapBytes: number;
  youngBytes: number | undefined;
  wasmBytes: number | undefined;
};

/**
 * PGlite in a worker thread (./pglite-thread.mjs): the same port as `openPglite`, the same JS
 * types, but PostgreSQL (WASM) and the parsing of its results run on a thread of their own. The
 * process's event loop (HTTP parsing, validation, the rules) keeps the other core and is never
 * blocked by a long statement. Each query and each transaction step is one message; results
 * cross by structured clone (bigint, Date and strings as the parsers made them).
 */
export async function openPgliteThread(
  options: { dataDir?: string; sharedBuffers?: string } = {},
): Promise<Database & { memory(): Promise<PgliteThreadMemory> }> {
  const postgresqlconf = [`shared_buffers=${options.sharedBuffers ?? PGLITE_SHARED_BUFFERS}`];
  // A new data folder is created (initdb) by a process of its own: initdb grows the WASM heap
  // to ~900 MB of RSS here, a reopened database needs ~200 MB. (A thread that ended gave its
  // memory back too, but the process's peak RSS still counted it.)
  if (options.dataDir && !existsSync(join(options.dataDir, 'PG_VERSION'))) {
    const script = fileURLToPath(new URL('./pglite-init.mjs', import.meta.url));
    await new Promise<void>((resolve, reject) => {
      const init = spawn(process.execPath, [script, options.dataDir!], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      init.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      init.once('error', reject);
      init.once('exit', (code, signal) =>
        code === 0
          ? resolve()
          : reject(
              new Error(
                `creating the PGlite database failed (exit ${code ?? signal}): ${stderr.trim().slice(-500)}`,
              ),
            ),
      );
    });
  }
  const worker = new Worker(new URL('./pglite-thread.mjs', import.meta.url), {
    workerData: { dataDir: options.dataDir, postgresqlconf },
    resourceLimits: { maxYoungGenerationSizeMb: PGLITE_THREAD_YOUNG_GENERATION_MB },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let nextTx = 1;
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(Object.assign(new Error(m.error.message), m.error));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the PGlite thread exited (code ${code})`)));
  const call = <T>(message: Record<string, unknown>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  };
  const query =
    (tx?: number): Sql['query'] =>
    (text, params) =>
      call({ op: 'query', text, params, tx });
  return {
    kind: 'pglite',
    query: query(),
    async transaction(fn) {
      const tx = nextTx++;
      await call({ op: 'begin', tx });
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn({ query: query(tx) });
      } catch (err) {
        await call({ op: 'end', tx, commit: false });
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    memory: () => call<PgliteThreadMemory>({ op: 'memory' }),
    async close() {
      await call({ op: 'close' });
      await worker.terminate();
    },
  };
}
