/**
 * `pnpm --filter @wagewatch/bench bench:stream` (issue 13, goal 4): a bank feed of --records
 * transfers (default 1,000,000) pushed in batches of --batch (1,000) over HTTP through the
 * embedded default (PGlite in its thread), beside the same feed at a tenth of the length
 * (--small, default 100,000), each in a process of its own on a fresh data folder. Prints each
 * run's peak RSS, the ratio of the two (the floor: within 1.2×), records/s, and where the memory
 * stood at the end (RSS, the JS heap, array buffers).
 * The feed: the 20,000-worker bench month's projects and workers (`--workers`), then transfers
 * made from its wage payments again and again with new bank references (a worker paid many
 * times over a month: each batch a project's account), as a bank would stream a city's day.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openPgliteThread } from '@wagewatch/db';
import { ApiKeys, createLogger, ManualClock, SecretBox } from '@wagewatch/runtime';
import { createEmbeddedSystem } from '@wagewatch/standalone/system';
import { generateBenchMonth } from '@wagewatch/testkit/generator';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2000' },
    /** Internal: run one feed of this many records in this process and print its figures as JSON. */
    run: { type: 'string' },
  },
});
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

if (values.run) {
  console.log(JSON.stringify(await feed(Number(values.run))));
} else {
  const sizes = [Number(values.small), Number(values.records)];
  console.log(
    `Wagewatch stream bench: transfer feeds of ${sizes.map((n) => n.toLocaleString('en')).join(' and ')} records, batches of ${values.batch}, embedded (PGlite thread)`,
  );
  const results: Figures[] = [];
  for (const n of sizes) {
    const r = await child(n);
    if (r.sent !== n) throw new Error(`the feed of ${n} sent ${r.sent} records`);
    results.push(r);
    console.log(
      `${n.toLocaleString('en').padStart(10)} records  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${String(Math.round(n / (r.ms / 1000))).padStart(6)} records/s  RSS before the feed ${mb(r.startRss)}, peak ${mb(r.peakRss).padStart(7)}; at the end: RSS ${mb(r.endRss)}, heap ${mb(r.heapUsed)}, array buffers ${mb(r.arrayBuffers)}`,
    );
  }
  const [a, b] = results as [Figures, Figures];
  console.log(`peak RSS ratio (long ÷ short): ${(b.peakRss / a.peakRss).toFixed(2)} (floor: ≤ 1.20)`);
}

type Figures = {
  ms: number;
  sent: number;
  startRss: number;
  peakRss: number;
  endRss: number;
  heapUsed: number;
  arrayBuffers: number;
};

function child(n: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--run',
        String(n),
        '--batch',
        values.batch!,
        '--workers',
        values.workers!,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (d) => {
      out += String(d);
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Figures)
        : reject(new Error(`feed of ${n}: exit ${code}`)),
    );
  });
}

async function feed(n: number): Promise<Figures> {
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const city = generateBenchMonth({ workers: Number(values.workers) });
  const payments = city.transfers.flatMap((t) => t.body.records.map((r) => ({ bankCode: t.bankCode, r })));
  const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-stream-'));
  const db = await openPgliteThread({ dataDir: join(dataDir, 'pglite') });
  const clock = new ManualClock(new Date('2026-11-29T10:00:00+08:00'));
  const apiKeys = new ApiKeys('bench-secret-bench-secret-bench-secret-0123');
  const system = await createEmbeddedSystem({
    db,
    clock,
    logger: createLogger({ level: 'warn' }),
    apiKeys,
    secrets: new SecretBox(randomBytes(32)),
  });
  system.start();
  const base = await system.app.listen({ port: 0, host: '127.0.0.1' });
  const key = (role: Parameters<ApiKeys['issue']>[0], scope = {}) => apiKeys.issue(role, scope).key;
  const admin = key('admin');
  const pm = key('project-manager', { projectIds: city.projects.map((p) => p.projectId) });
  const banks = new Map(city.banks.map((b) => [b.bankCode, key('bank', { bankCode: b.bankCode })]));
  const post = async (k: string, path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
  for (const p of city.projects) await post(admin, '/v1/projects', p);
  for (const w of city.workers) await post(pm, `/v1/projects/${w.projectId}/workers`, w.body);
  const batch = Number(values.batch);
  // Batches are made as they are sent (the feed itself is never held in memory), in turn from
  // each bank's wage payments, with new bank references.
  const grouped = new Map<string, typeof payments>();
  for (const p of payments) grouped.set(p.bankCode, [...(grouped.get(p.bankCode) ?? []), p]);
  const byBank = [...grouped];
  let made = 0;
  let sent = 0;
  const makeBatch = () => {
    const [bankCode, list] = byBank[Math.floor(made / batch) % byBank.length]!;
    const records = [];
    for (let i = 0; i < batch && made < n; i++, made++) {
      const p = list[made % list.length]!;
      records.push({ ...p.r, bankRef: `S-${made}` });
    }
    return { bankCode, records };
  };
  await system.drain();
  // The figures start here: the database's creation (initdb) and the registrations are not the feed.
  peakRss = process.memoryUsage().rss;
  const startRss = peakRss;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (made < n) {
        const b = makeBatch();
        sent += b.records.length;
        await post(banks.get(b.bankCode)!, '/v1/bank/transfers', { records: b.records });
      }
    }),
  );
  await system.drain();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const m = process.memoryUsage();
  await system.stop();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { ms, sent, startRss, peakRss, endRss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
}
