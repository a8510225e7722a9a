/**
 * `pnpm --filter @wagewatch/bench bench:stream` (issue 13, goal 4): a bank feed of --records
 * records (default 1,000,000) pushed over HTTP through the embedded default (PGlite in its
 * thread), beside the same feed at a tenth of the length (--small, default 100,000), each in a
 * process of its own on a fresh data folder. Prints each run's peak RSS, the ratio of the two
 * (the floor: within 1.2×), records/s, where the memory stood at the end (RSS, the JS heap, array
 * buffers), and how many projects had closed months.
 * --shape months (the default): the city's feed as months pass (`feedMonths`); --shape one-month:
 * the first version, every transfer inside one open month (`feedOneMonth`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openPgliteThread } from '@wagewatch/db';
import { generateBenchMonth, type StatementBody, type TransferBody } from '@wagewatch/demo';
import {
  addDays,
  addMonths,
  dayOfWeek,
  defaultCalendar,
  dueDateFor,
  firstDayOf,
  formatFen,
  lastDayOf,
  parseYuan,
  periodOf,
  shanghaiDate,
} from '@wagewatch/domain';
import { ApiKeys, createLogger, ManualClock, SecretBox } from '@wagewatch/runtime';
import { createEmbeddedSystem } from '@wagewatch/standalone/system';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '10000' },
    /** months: the city's feed as months pass (the default); one-month: the first version's feed. */
    shape: { type: 'string', default: 'months' },
    /** Internal: run one feed of this many records in this process and print its figures as JSON. */
    run: { type: 'string' },
  },
});
const LAST_PERIOD = '2026-10';
if (!['months', 'one-month'].includes(values.shape!)) throw new Error('--shape is months or one-month');
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

if (values.run) {
  console.log(JSON.stringify(await feed(Number(values.run))));
} else {
  const sizes = [Number(values.small), Number(values.records)];
  console.log(
    `Wagewatch stream bench: bank feeds of ${sizes.map((n) => n.toLocaleString('en')).join(' and ')} records (--shape ${values.shape}, ${values.workers} workers), batches of ${values.batch}, embedded (PGlite thread)`,
  );
  const results: Figures[] = [];
  for (const n of sizes) {
    const r = await child(n);
    if (r.sent < n) throw new Error(`the feed of ${n} sent ${r.sent} records`);
    results.push(r);
    console.log(
      `${n.toLocaleString('en').padStart(10)} records  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${String(Math.round(n / (r.ms / 1000))).padStart(6)} records/s  RSS before the feed ${mb(r.startRss)}, peak ${mb(r.peakRss).padStart(7)}; at the end: RSS ${mb(r.endRss)}, heap ${mb(r.heapUsed)}, array buffers ${mb(r.arrayBuffers)}`,
    );
    console.log(
      `${''.padStart(18)}${r.first} to ${r.last}: ${r.closedProjects} projects with closed months (all through ${r.closedThrough ?? '-'}), ${r.openFindings} findings open`,
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
  first: string;
  last: string;
  closedProjects: number;
  closedThrough: string | null;
  openFindings: number;
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
        '--shape',
        values.shape!,
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
  const workers = Number(values.workers);
  const months = values.shape === 'months';
  // The months feed ends in October 2026 (the calendar's data ends with 2026) and starts as many
  // months before as its length needs: a month is one wage transfer a worker, two labour-cost
  // credits and a statement a day for each account.
  const projectCount = Math.max(1, Math.ceil(workers / 1000));
  const perMonth = workers + 2 * projectCount + 30.4 * projectCount;
  const first = months ? addMonths(LAST_PERIOD, -Math.ceil(n / perMonth)) : '2026-10';
  const city = generateBenchMonth({ workers, period: first });
  const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-stream-'));
  const db = await openPgliteThread({ dataDir: join(dataDir, 'pglite') });
  const clock = new ManualClock(
    months ? new Date(`${firstDayOf(first)}T08:00:00+08:00`) : new Date('2026-11-29T10:00:00+08:00'),
  );
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
  for (const p of city.projects) {
    // The months feed runs for years: no project reaches its planned end inside it.
    await post(admin, '/v1/projects', months ? { ...p, plannedEndDate: '2030-12-31' } : p);
  }
  for (const w of city.workers) await post(pm, `/v1/projects/${w.projectId}/workers`, w.body);
  await system.drain();
  // The figures start here: the database's creation (initdb) and the registrations are not the feed.
  peakRss = process.memoryUsage().rss;
  const startRss = peakRss;
  const t0 = performance.now();
  const sent = months
    ? await feedMonths(n, city, first, clock, system, (bankCode, path, body) =>
        post(bankCode === 'pm' ? pm : banks.get(bankCode)!, path, body),
      )
    : await feedOneMonth(n, city, (bankCode, body) => post(banks.get(bankCode)!, '/v1/bank/transfers', body));
  await system.drain();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const m = process.memoryUsage();
  const [state] = await db.query<{ closed: number; through: string | null; open: number }>(
    `SELECT (SELECT count(*)::int FROM ledger.closed_months WHERE through IS NOT NULL) AS closed,
            (SELECT min(through) FROM ledger.closed_months) AS through,
            (SELECT count(*)::int FROM ledger.findings WHERE status <> 'resolved') AS open`,
  );
  await system.stop();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    ms,
    sent,
    startRss,
    peakRss,
    endRss: m.rss,
    heapUsed: m.heapUsed,
    arrayBuffers: m.arrayBuffers,
    first,
    last: shanghaiDate(clock.now()),
    closedProjects: state?.closed ?? 0,
    closedThrough: state?.through ?? null,
    openFindings: state?.open ?? 0,
  };
}

type City = ReturnType<typeof generateBenchMonth>;
type Post = (bankCode: string, path: string, body: unknown) => Promise<void>;

/**
 * `--shape months`: the city's bank feed as time passes. Each month every worker on the sheet is
 * paid once, in full, on the last working day before the due date; the owner credits an estimate
 * on the month's first working day and the rest on the next month's; each account's statement of
 * a day arrives at 07:00 the next morning; the project manager uploads the month's sheet on the
 * 1st of the next. The clock moves with the feed and the sweep runs every Sunday night, so months
 * settle and close (ADR 0023). Made a day at a time: the feed is never held in memory.
 */
async function feedMonths(
  n: number,
  city: City,
  first: string,
  clock: ManualClock,
  system: { drain(): Promise<void>; ledger: { sweep(asOf: Date): Promise<unknown> } },
  /** As the bank of that code, or as the project manager when the code is 'pm'. */
  post: Post,
): Promise<number> {
  const cal = defaultCalendar;
  const batch = Number(values.batch);
  // Who is paid what, and from which owner account, from the generated first month.
  const payee = new Map<string, { name: string; idNumber?: string }>();
  const owner = new Map<string, { accountNo: string; name: string }>();
  for (const t of city.transfers) {
    for (const r of t.body.records) {
      if (r.direction === 'debit') {
        payee.set(r.counterpartyAccountNo, {
          name: r.counterpartyName,
          ...(r.counterpartyIdNumber ? { idNumber: r.counterpartyIdNumber } : {}),
        });
      } else owner.set(r.accountNo, { accountNo: r.counterpartyAccountNo, name: r.counterpartyName });
    }
  }
  const projects = city.projects.map((p, i) => {
    const lines = city.payrolls[i]!.body.lines;
    const accountOf = new Map(city.workers[i]!.body.workers.map((w) => [w.idNumber, w.accountNo]));
    const total = lines.reduce((s, l) => s + parseYuan(l.amountDue), 0n);
    return {
      body: p,
      lines,
      pay: lines.map((l) => ({ fen: parseYuan(l.amountDue), accountNo: accountOf.get(l.idNumber)! })),
      estimate: roundUp(BigInt(lines.length) * 770_000n),
      topUp: roundUp((total * 110n) / 100n),
      balance: 0n,
      statement: undefined as StatementBody | undefined,
      owner: owner.get(p.wageAccount.accountNo)!,
    };
  });
  const payDate = (period: string, payDay: number) =>
    cal.addWorkingDays(dueDateFor({ period, payDay, payMonthOffset: 1 }, cal).due, -1);
  let sent = 0;
  let ref = 0;
  const at = (date: string, second: number) =>
    `${date}T${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor((second % 3600) / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}+08:00`;
  for (let day = firstDayOf(first); sent < n; day = addDays(day, 1)) {
    if (day > lastDayOf(addMonths(LAST_PERIOD, 1)))
      throw new Error(`the feed reached ${day} with ${sent} records sent`);
    const period = periodOf(day);
    clock.set(new Date(`${day}T23:00:00+08:00`));
    if (day === firstDayOf(period) && period > first) {
      for (const p of projects) {
        await post('pm', `/v1/projects/${p.body.projectId}/payrolls`, {
          period: addMonths(period, -1),
          lines: p.lines,
        });
      }
    }
    for (const p of projects) {
      const records: TransferBody[] = [];
      let credit = 0n;
      let debit = 0n;
      let credits = 0;
      const bank = p.body.wageAccount.bankCode;
      const account = p.body.wageAccount.accountNo;
      const credit_ = (fen: bigint, second: number) => {
        records.push({
          bankRef: `M${day.replaceAll('-', '')}${String(++ref).padStart(9, '0')}`,
          accountNo: account,
          direction: 'credit',
          amount: formatFen(fen),
          counterpartyAccountNo: p.owner.accountNo,
          counterpartyName: p.owner.name,
          bookedAt: at(day, second),
          status: 'booked',
          purpose: 'labour-cost',
        });
        credit += fen;
        credits += 1;
      };
      if (day === cal.nextWorkingDayOnOrAfter(firstDayOf(period))) {
        credit_(p.estimate, 9 * 3600);
        if (period > first) credit_(p.topUp, 9 * 3600 + 60);
      }
      const paid = period > first && day === payDate(addMonths(period, -1), p.body.payDay);
      if (paid) {
        p.pay.forEach((w, i) => {
          const who = payee.get(w.accountNo)!;
          records.push({
            bankRef: `M${day.replaceAll('-', '')}${String(++ref).padStart(9, '0')}`,
            accountNo: account,
            direction: 'debit',
            amount: formatFen(w.fen),
            counterpartyAccountNo: w.accountNo,
            counterpartyName: who.name,
            ...(who.idNumber ? { counterpartyIdNumber: who.idNumber } : {}),
            bookedAt: at(day, 10 * 3600 + i * 8),
            status: 'booked',
            purpose: 'wages',
          });
          debit += w.fen;
        });
      }
      for (let i = 0; i < records.length; i += batch) {
        await post(bank, '/v1/bank/transfers', { records: records.slice(i, i + batch) });
      }
      sent += records.length;
      const opening = p.balance;
      p.balance = opening + credit - debit;
      p.statement = {
        accountNo: account,
        date: day,
        openingBalance: formatFen(opening),
        closingBalance: formatFen(p.balance),
        debitCount: paid ? p.pay.length : 0,
        debitTotal: formatFen(debit),
        creditCount: credits,
        creditTotal: formatFen(credit),
      };
    }
    clock.set(new Date(`${addDays(day, 1)}T07:00:00+08:00`));
    for (const p of projects) await post(p.body.wageAccount.bankCode, '/v1/bank/statements', p.statement!);
    sent += projects.length;
    if (dayOfWeek(day) === 0) {
      await system.drain();
      await system.ledger.sweep(clock.now());
    }
  }
  await system.drain();
  await system.ledger.sweep(clock.now());
  return sent;
}

function roundUp(fen: bigint): bigint {
  return ((fen + 9_999n) / 10_000n) * 10_000n;
}

/**
 * `--shape one-month`: the first version of this bench. The same workers paid again and again
 * inside one month with new bank references (a worker paid hundreds of times a month), so every
 * transfer stays in an open month: what it measures is the size of one open month, which an
 * evaluation holds whole (`loadProjectState`), not the length of a stream.
 */
async function feedOneMonth(
  n: number,
  city: City,
  post: (bankCode: string, body: unknown) => Promise<void>,
): Promise<number> {
  const payments = city.transfers.flatMap((t) => t.body.records.map((r) => ({ bankCode: t.bankCode, r })));
  const batch = Number(values.batch);
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
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (made < n) {
        const b = makeBatch();
        sent += b.records.length;
        await post(b.bankCode, { records: b.records });
      }
    }),
  );
  return sent;
}
