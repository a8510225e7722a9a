/**
 * `pnpm bench`: a generated month for 20,000 workers (--workers N) pushed through the embedded
 * system over real HTTP, beside a baseline measured in the same run: the same rows written
 * straight into the same database with bulk SQL (no HTTP, validation, events or rules).
 * Prints records/s ingested, the time until the last finding is recorded, and peak memory.
 *
 * This process is the load generator (the month, the banks' and managers' HTTP clients); the
 * system runs in a process of its own (embedded-system.ts, forked with this process's node
 * options), as `pnpm start` runs it, so that its peak RSS is the system's alone (docs/adr/0028).
 * Both processes' peaks are printed, and their sum sampled together.
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { benchCity, mb, peakRssOf, rssOf, secs, threadCpuOf } from './embedded-city.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '20000' },
    database: { type: 'string', default: 'pglite' },
    'missed-every': { type: 'string', default: '100' },
    /** PGlite's shared_buffers in its thread (default: PGLITE_SHARED_BUFFERS of @wagewatch/db). */
    'shared-buffers': { type: 'string' },
    /** batch: a request per bank and day (POST /v1/bank/statements/batch); single: one per statement. */
    statements: { type: 'string', default: 'batch' },
    /** Sweep once before the ingest (embedded-system.ts). */
    warm: { type: 'boolean', default: false },
  },
});
const workers = Number(values.workers);
const missedEvery = Number(values['missed-every']);
const { city, counts, records } = benchCity(workers, missedEvery);

const child = fork(
  new URL('./embedded-system.ts', import.meta.url),
  [
    JSON.stringify({
      database: values.database,
      warm: values.warm,
      ...(values['shared-buffers'] ? { sharedBuffers: values['shared-buffers'] } : {}),
    }),
  ],
  {
    // BENCH_SYSTEM_NODE_FLAGS: node/V8 flags for the system's process only (e.g. `--v8-pool-size=2`).
    execArgv: [
      ...process.execArgv,
      ...(process.env.BENCH_SYSTEM_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
  },
);
const pending = new Map<
  number,
  { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
>();
let nextId = 1;
const ready = new Promise<void>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`the system's process exited (${code})`)));
  child.on(
    'message',
    (m: { ready?: true; id?: number; result?: Record<string, unknown>; error?: string }) => {
      if (m.ready) return resolve();
      const p = pending.get(m.id!);
      pending.delete(m.id!);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result!);
    },
  );
});
const call = <T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve: resolve as (v: Record<string, unknown>) => void, reject });
    child.send({ id, op, ...args });
  });
await ready;
const init = await call<{
  base: string;
  kind: string;
  startupPeak: number;
  keys: { admin: string; pm: string; banks: Record<string, string> };
}>('init', {
  projectIds: city.projects.map((p) => p.projectId),
  bankCodes: city.banks.map((b) => b.bankCode),
});
const { base, keys } = init;

// Both processes' RSS sampled at the same instants: what the machine holds for the run.
let generatorPeak = 0;
let togetherPeak = 0;
const sampler = setInterval(() => {
  const mine = process.memoryUsage().rss;
  generatorPeak = Math.max(generatorPeak, mine);
  togetherPeak = Math.max(togetherPeak, mine + (rssOf(child.pid!) ?? 0));
}, 50);

async function post(k: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
}
async function inParallel<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

console.log(
  `Wagewatch embedded bench: ${counts.workers} workers in ${counts.projects} projects, ${records} records, ${init.kind}` +
    // As `pnpm start` runs the embedded default (services/standalone/package.json, docs/adr/0027).
    `, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? "glibc's default"}; the system in process ${child.pid}`,
);
const phases: [string, number][] = [];
// Opening the database and the system (on a new data folder: initdb) is reported on its own.
const { kernel } = await call<{ kernel: boolean }>('window');
generatorPeak = process.memoryUsage().rss;
togetherPeak = 0;
const cpuAtStart = threadCpuOf(child.pid!);
const t0 = performance.now();
let tPhase = t0;
const phase = (name: string) => {
  const t = performance.now();
  phases.push([name, t - tPhase]);
  tPhase = t;
};
for (const p of city.projects) await post(keys.admin, '/v1/projects', p);
phase('projects');
await inParallel(city.workers, 4, (w) => post(keys.pm, `/v1/projects/${w.projectId}/workers`, w.body));
phase('workers');
await inParallel(city.payrolls, 4, (s) => post(keys.pm, `/v1/projects/${s.projectId}/payrolls`, s.body));
phase('payrolls');
await inParallel(city.transfers, 4, (t) => post(keys.banks[t.bankCode]!, '/v1/bank/transfers', t.body));
phase('transfers');
if (values.statements === 'single') {
  await inParallel(city.statements, 8, (s) => post(keys.banks[s.bankCode]!, '/v1/bank/statements', s.body));
} else {
  // As a bank sends its end of day: one request per bank and day with all its accounts' statements.
  const days = new Map<
    string,
    { bankCode: string; statements: (typeof city.statements)[number]['body'][] }
  >();
  for (const s of city.statements) {
    const key = `${s.bankCode}|${s.body.date}`;
    const day = days.get(key) ?? { bankCode: s.bankCode, statements: [] };
    day.statements.push(s.body);
    days.set(key, day);
  }
  await inParallel([...days.values()], 4, (d) =>
    post(keys.banks[d.bankCode]!, '/v1/bank/statements/batch', { statements: d.statements }),
  );
}
phase('statements');
const tIngested = performance.now();
await call('drain');
phase('drain');
const tApplied = performance.now();
const { openFindings } = await call<{ openFindings: number }>('sweep');
phase('sweep');
const tFindings = performance.now();
// Each thread's CPU over the window: the main thread (its id is the process's), the busiest
// other one (PGlite's: PostgreSQL and its protocol), and the rest (V8's collector and compiler
// helpers, libuv's pool).
const cpu = [...threadCpuOf(child.pid!)].map(([tid, ms]) => ({ tid, ms: ms - (cpuAtStart.get(tid) ?? 0) }));
const cpuMain = cpu.find((t) => t.tid === child.pid)?.ms ?? 0;
const cpuBusiest = Math.max(0, ...cpu.filter((t) => t.tid !== child.pid).map((t) => t.ms));
const cpuTotal = cpu.reduce((sum, t) => sum + t.ms, 0);
// The measured window ends with the last finding: the baseline below is the bench's, not the system's.
const systemPeak = await call<{
  kernel?: number;
  sampled: number;
  atPeak?: { mainHeapBytes: number; thread?: { heapBytes: number; wasmBytes?: number } };
}>('peak');
clearInterval(sampler);
generatorPeak = Math.max(generatorPeak, peakRssOf('self') === undefined ? 0 : process.memoryUsage().rss);
console.log(`phases: ${phases.map(([n, ms]) => `${n} ${secs(ms)}`).join(', ')}`);
const { ms: baselineMs } = await call<{ ms: number }>('baseline', { workers, missedEvery });

const ingestMs = tIngested - t0;
const systemPeakRss = kernel && systemPeak.kernel !== undefined ? systemPeak.kernel : systemPeak.sampled;
const rows = [
  ['records', String(records), JSON.stringify(counts)],
  ['HTTP ingest', secs(ingestMs), `${Math.round(records / (ingestMs / 1000))} records/s`],
  ['events applied (ledger + inspection)', secs(tApplied - t0), 'from the first request'],
  ['time to the last finding', secs(tFindings - t0), `${openFindings} open findings after the sweep`],
  [
    "the system's CPU, first request → last finding",
    secs(cpuTotal),
    cpu.length === 0
      ? 'not measured (no /proc)'
      : `main thread ${secs(cpuMain)}, busiest other thread (PGlite's) ${secs(cpuBusiest)}, the rest ${secs(cpuTotal - cpuMain - cpuBusiest)}`,
  ],
  [
    'baseline: bulk SQL, same rows, same database',
    secs(baselineMs),
    `${Math.round(records / (baselineMs / 1000))} records/s`,
  ],
  [
    'HTTP ingest vs baseline',
    `${(ingestMs / baselineMs).toFixed(1)}x slower`,
    `${((baselineMs / ingestMs) * 100).toFixed(1)} % of the baseline; validation, auth, history, outbox events`,
  ],
  [
    "the system's peak RSS, first request → last finding",
    mb(systemPeakRss),
    `${kernel ? "the kernel's VmHWM" : 'sampled every 50 ms'} (sampled: ${mb(systemPeak.sampled)}); startup (database created, system built): ${mb(init.startupPeak)}`,
  ],
  [
    '  at the highest sample, of which',
    mb(systemPeak.atPeak?.mainHeapBytes ?? 0),
    `the main JS heap; PGlite's thread: ${systemPeak.atPeak?.thread ? `JS heap ${mb(systemPeak.atPeak.thread.heapBytes)}, PostgreSQL's WASM heap ${mb(systemPeak.atPeak.thread.wasmBytes ?? 0)} (reserved; what of it is touched counts)` : 'none (PostgreSQL in the process: its own memory)'}`,
  ],
  [
    "the load generator's peak RSS (this process)",
    mb(generatorPeak),
    `both processes together, sampled: ${mb(togetherPeak)}`,
  ],
];
for (const [a, b, c] of rows) console.log(`${a!.padEnd(52)} ${b!.padStart(12)}  ${c}`);
await call('stop');
