// Worker-thread entry of `openPgliteThread` (./pglite-thread.ts): owns one PGlite and answers
// the main thread's queries and transactions, so that PostgreSQL (WASM) and the parsing of its
// results run beside the HTTP server's event loop instead of blocking it.
// Plain JavaScript, because a worker thread starts without the parent's TypeScript loader under
// a test runner.
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
const keepText = (v) => v;

const client = await PGlite.create({
  ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}),
  ...(workerData.postgresqlconf ? { postgresqlconf: workerData.postgresqlconf } : {}),
  parsers: { [INT8]: (v) => BigInt(v), [DATE]: keepText, [NUMERIC]: keepText },
});

// Arrays of text, uuid and jsonb (the bulk `unnest` parameters of the outbox and of the intake)
// written as PostgreSQL array literals by one loop that escapes only the elements that need it.
// PGlite's own serializer (kept for any other array) runs two regular expressions per element
// and a call per element: 0.4 s of this thread on the 20,000-worker bench month. The literal is
// the same: every element quoted, `\\` and `"` escaped, null unquoted.
const STRING_ARRAYS = [1009, 1015, 2951, 3807]; // text[], varchar[], uuid[], jsonb[]
const NEEDS_ESCAPE = /["\\]/;
function stringArrayLiteral(xs, fallback) {
  if (!Array.isArray(xs)) return fallback(xs);
  let out = '{';
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (i > 0) out += ',';
    if (x === null || x === undefined) out += 'null';
    else if (typeof x !== 'string') return fallback(xs);
    else if (NEEDS_ESCAPE.test(x)) out += `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    else out += `"${x}"`;
  }
  return `${out}}`;
}
for (const oid of STRING_ARRAYS) {
  const pglites = client.serializers[oid];
  if (pglites) client.serializers[oid] = (xs) => stringArrayLiteral(xs, pglites);
}

/** Open transactions: their queued requests, and how to end them. */
const transactions = new Map();

/** What crosses back of an error: its message and PostgreSQL's fields (code, detail, …). */
function errorOf(err) {
  if (!(err instanceof Error)) return { message: String(err) };
  const out = { message: err.message, name: err.name };
  for (const [k, v] of Object.entries(err)) {
    if (['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}

function reply(id, result) {
  parentPort.postMessage({ id, ok: true, result });
}
function fail(id, err) {
  parentPort.postMessage({ id, ok: false, error: errorOf(err) });
}

async function run(target, id, text, params) {
  try {
    reply(id, (await target.query(text, params)).rows);
  } catch (err) {
    fail(id, err);
  }
}

function begin(id, txId) {
  const queue = [];
  let wake;
  const state = {
    queue,
    push: (m) => {
      queue.push(m);
      wake?.();
    },
  };
  transactions.set(txId, state);
  client
    .transaction(async (tx) => {
      reply(id, null); // the transaction is open: the caller's function runs now
      for (;;) {
        while (queue.length === 0) await new Promise((r) => (wake = r));
        wake = undefined;
        const m = queue.shift();
        if (m.op === 'query') await run(tx, m.id, m.text, m.params);
        else if (m.op === 'end') {
          state.endId = m.id;
          if (m.commit) return;
          throw Object.assign(new Error('rolled back'), { rolledBack: true });
        }
      }
    })
    .then(
      () => reply(state.endId, null),
      (err) => {
        if (state.endId === undefined) fail(id, err);
        else if (err?.rolledBack) reply(state.endId, null);
        else fail(state.endId, err);
      },
    )
    .finally(() => transactions.delete(txId));
}

function inTransaction(m) {
  const t = transactions.get(m.tx);
  if (t) t.push(m);
  else fail(m.id, new Error('the transaction has already ended'));
}

parentPort.postMessage({ ready: true });
parentPort.on('message', (m) => {
  switch (m.op) {
    case 'query':
      if (m.tx === undefined) void run(client, m.id, m.text, m.params);
      else inTransaction(m);
      return;
    case 'begin':
      begin(m.id, m.tx);
      return;
    case 'end':
      inTransaction(m);
      return;
    case 'memory':
      // This thread's JS heap and PostgreSQL's WASM heap (what the bench prints at its peak).
      reply(m.id, {
        heapBytes: getHeapStatistics().total_heap_size,
        youngBytes: getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size,
        wasmBytes: client.mod?.HEAPU8.length,
      });
      return;
    case 'close':
      client.close().then(
        () => reply(m.id, null),
        (err) => fail(m.id, err),
      );
      return;
  }
});
