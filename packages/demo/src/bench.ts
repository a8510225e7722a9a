/**
 * A bench month: N workers over projects of about 1000 workers, every one on the month's sheet
 * and paid exactly once, in full, on or just before the due date; statements every day, no gap.
 */
import {
  addDays,
  addMonths,
  dateInMonth,
  defaultCalendar,
  dueDateFor,
  firstDayOf,
  isPeriod,
} from '@wagewatch/domain';
import {
  allocateLabourCost,
  batchSeconds,
  Companies,
  makeProject,
  makeWorker,
  payWorker,
  roundUpHundredYuan,
  type SimProject,
  sheetLine,
} from './common.ts';
import { BANKS, CONTRACTORS, DISTRICTS, OWNERS } from './data.ts';
import { Identities } from './identities.ts';
import { Ledger } from './ledger.ts';
import { Rng } from './prng.ts';
import { type DemoCity, emptyExpected, type Sector } from './types.ts';

const SECTORS: Sector[] = ['housing', 'transport', 'water', 'other'];
const PAY_DAYS = [10, 15, 20, 25];
const KINDS: Record<Sector, string> = {
  housing: '安置房项目',
  transport: '道路改造工程',
  water: '供排水管网工程',
  other: '公共服务设施项目',
};

export function generateBenchMonth(options: {
  workers: number;
  projects?: number;
  seed?: number;
  period?: string;
}): DemoCity {
  const period = options.period ?? '2026-10';
  if (!isPeriod(period)) throw new RangeError(`not a period (YYYY-MM): ${period}`);
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('workers must be ≥ 1');
  const projectCount = options.projects ?? Math.max(1, Math.ceil(options.workers / 1000));
  if (!Number.isInteger(projectCount) || projectCount < 1 || projectCount > options.workers) {
    throw new RangeError('projects must be between 1 and the number of workers');
  }
  const rng = new Rng(options.seed ?? 1);
  const ids = new Identities(rng);
  const companies = new Companies(ids);
  const ledger = new Ledger();
  const cal = defaultCalendar;
  const monthStart = firstDayOf(period);

  const projects: SimProject[] = [];
  for (let i = 0; i < projectCount; i++) {
    const district = DISTRICTS[i % DISTRICTS.length] ?? DISTRICTS[0];
    const sector = SECTORS[i % SECTORS.length] ?? 'housing';
    const project = makeProject(rng, ids, companies, {
      projectId: `BENCH-${period}-${String(i + 1).padStart(4, '0')}`,
      name: `攀枝花市${district.name}${KINDS[sector]}（第${i + 1}标段）`,
      district,
      sector,
      owner: rng.pick(OWNERS[sector]),
      contractor: rng.pick(CONTRACTORS[sector]),
      contractValueFen: BigInt(rng.int(20_000, 800_000)) * 10_000n,
      permitDate: addDays(monthStart, -rng.int(20, 60)),
      startDate: monthStart,
      plannedEndDate: dateInMonth(addMonths(period, rng.int(8, 24)), rng.int(1, 28)),
      payDay: PAY_DAYS[i % PAY_DAYS.length] ?? 15,
      bank: BANKS[i % BANKS.length] ?? BANKS[0]!,
      subcontractorCount: rng.int(3, 6),
    });
    ledger.openAccount(project.body.wageAccount.accountNo, project.bank.bankCode, project.body.startDate);
    const n = Math.floor(options.workers / projectCount) + (i < options.workers % projectCount ? 1 : 0);
    for (let j = 0; j < n; j++) project.workers.push(makeWorker(rng, ids, project, monthStart));
    projects.push(project);
  }

  const payrolls: DemoCity['payrolls'] = [];
  const expected = emptyExpected();
  let lastDay = monthStart;
  for (const project of projects) {
    const lines = project.workers.flatMap((w) => sheetLine(rng, w, period) ?? []);
    payrolls.push({ projectId: project.body.projectId, body: { period, lines: lines.map((l) => l.line) } });
    const d = dueDateFor({ period, payDay: project.body.payDay, payMonthOffset: 1 }, cal);
    expected.dueDates.push({
      projectId: project.body.projectId,
      period,
      nominal: d.nominal,
      due: d.due,
      shifted: d.due !== d.nominal,
      ...(d.due !== d.nominal ? { reason: cal.holidayName(d.nominal) ?? 'rest day' } : {}),
    });
    if (d.due > lastDay) lastDay = d.due;
    const payDate = cal.addWorkingDays(d.due, -rng.int(0, 1));
    const at = batchSeconds(rng, lines.length);
    let total = 0n;
    lines.forEach(({ worker, fen }, i) => {
      payWorker(ledger, project, worker, fen, payDate, at(i));
      total += fen;
    });
    const estimate = roundUpHundredYuan(BigInt(project.workers.length) * 770_000n);
    allocateLabourCost(ledger, project, estimate, cal.nextWorkingDayOnOrAfter(monthStart), 9 * 3600);
    allocateLabourCost(
      ledger,
      project,
      roundUpHundredYuan((total * 110n) / 100n),
      cal.nextWorkingDayOnOrAfter(firstDayOf(addMonths(period, 1))),
      9 * 3600 + 60,
    );
  }

  const { transfers, statements } = ledger.finalize(lastDay);
  return {
    banks: BANKS.map(({ bankCode, name }) => ({ bankCode, name })),
    projects: projects.map((p) => p.body),
    workers: projects.map((p) => ({
      projectId: p.body.projectId,
      body: { workers: p.workers.map((w) => w.body) },
    })),
    payrolls,
    transfers,
    statements,
    deposits: [],
    lastDay,
    expected,
  };
}
