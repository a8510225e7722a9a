/**
 * `pnpm bench` (second part): the distributed mode — ingest, N ledger processes and inspection
 * as separate OS processes over the Kafka wire-protocol test broker, this machine's PostgreSQL
 * and Redis — with one and with two ledgers. Prints records/s from the first HTTP request until
 * every event is applied everywhere, the time to the findings after the sweep, and the p50/p99
 * latency from a transfer's arrival at ingest to its application by the ledger.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateBenchMonth } from '@wagewatch/demo';
import {
  keysFor,
  pushCity,
  type RunningService,
  startService,
  stopService,
  waitForQuiescence,
} from '@wagewatch/standalone/testing';
import { createPostgresDatabase, resolveServices, startTestKafka } from '@wagewatch/testkit';

const { values } = parseArgs({
  options: { workers: { type: 'string', default: '5000' }, ledgers: { type: 'string', default: '1,2' } },
});
const workers = Number(values.workers);
const city = generateBenchMonth({ workers });
let n = 0;
for (const batch of city.transfers)
  batch.body.records = batch.body.records.filter((r) => r.direction !== 'debit' || ++n % 100 !== 0);
const records =
  city.workers.reduce((s, w) => s + w.body.workers.length, 0) +
  city.payrolls.reduce((s, p) => s + p.body.lines.length, 0) +
  city.transfers.reduce((s, t) => s + t.body.records.length, 0) +
  city.statements.length;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(
  `Wagewatch distributed bench: ${workers} workers, ${records} records, test broker + PostgreSQL + Redis`,
);
for (const ledgers of values.ledgers!.split(',').map(Number)) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-bench-broker-'));
  const broker = await startTestKafka({ dataDir });
  const pg = await createPostgresDatabase('bench');
  const { redisUrl } = await resolveServices();
  const env = {
    DATABASE_URL: pg.url!,
    KAFKA_BROKERS: broker.brokers,
    REDIS_URL: redisUrl,
    WAGEWATCH_REDIS_PREFIX: `wwbench-${Date.now()}`,
    WAGEWATCH_SWEEP_INTERVAL_SECONDS: '0',
    DATABASE_POOL_SIZE: '6',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
  };
  const services: RunningService[] = [await startService('ingest', env)];
  services.push(
    ...(await Promise.all([
      ...Array.from({ length: ledgers }, () => startService('ledger', env)),
      startService('inspection', env),
    ])),
  );
  const [ingest, ledger] = services as [RunningService, RunningService];
  try {
    const t0 = Date.now();
    await pushCity(ingest.base, city);
    const tPushed = Date.now();
    const tApplied = await waitForQuiescence(pg.db, 600_000);
    const k = keysFor(city);
    const sweep = await fetch(`${ledger.base}/v1/admin/sweep`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ asOf: '2026-11-29T10:00:00+08:00' }),
    });
    if (sweep.status !== 200) throw new Error(`sweep: ${sweep.status}`);
    const tFindings = await waitForQuiescence(pg.db, 600_000);
    const [lat] = await pg.db.query<{ p50: number; p99: number; n: bigint }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, count(*) AS n
       FROM (SELECT extract(epoch FROM i.applied_at - b.received_at) * 1000 AS ms
             FROM ingest.bank_transfers b JOIN ledger.transfers t ON t.bank_code = b.bank_code AND t.bank_ref = b.bank_ref
             JOIN ledger.inbox i ON i.event_id = t.event_id) x`,
    );
    const [open] = await pg.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM inspection.findings WHERE status = 'open'",
    );
    const rows = [
      [
        `${ledgers} ledger process(es): HTTP ingest`,
        secs(tPushed - t0),
        `${Math.round(records / ((tPushed - t0) / 1000))} records/s accepted`,
      ],
      [
        '  every event applied everywhere',
        secs(tApplied - t0),
        `${Math.round(records / ((tApplied - t0) / 1000))} records/s end to end`,
      ],
      ['  findings recorded after the sweep', secs(tFindings - tApplied), `${open?.n ?? 0n} open findings`],
      [
        '  transfer arrival → applied by the ledger',
        `p50 ${Math.round(lat?.p50 ?? 0)} ms`,
        `p99 ${Math.round(lat?.p99 ?? 0)} ms over ${lat?.n ?? 0n} transfers`,
      ],
    ];
    for (const [a, b, c] of rows) console.log(`${a!.padEnd(46)} ${b!.padStart(14)}  ${c}`);
  } finally {
    for (const s of services) await stopService(s).catch(() => {});
    await broker.stop();
    await pg.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
