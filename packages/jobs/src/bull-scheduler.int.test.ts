import { randomUUID } from 'node:crypto';
import { resolveServices } from '@wagewatch/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullScheduler, type BullSchedulerOptions, type JobContext } from './bull-scheduler.ts';

const INTERVAL = 300;
let redisUrl = '';
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redisUrl = (await resolveServices()).redisUrl;
});

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

type LogLine = { level: number; msg: string; [k: string]: unknown };

/** A fresh namespace per test; every scheduler made here is stopped and its keys deleted after it. */
function namespace() {
  const prefix = `wwtest-${randomUUID().slice(0, 8)}`;
  const queueName = 'svc';
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  const made: BullScheduler[] = [];
  const make = (extra: Partial<BullSchedulerOptions> = {}) => {
    const s = new BullScheduler({ redisUrl, prefix, queueName, logger, backoffMs: 50, ...extra });
    made.push(s);
    return s;
  };
  cleanups.push(async () => {
    await Promise.allSettled(made.map((s) => s.stop()));
    const queue = new Queue(queueName, { connection: { url: redisUrl }, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    const redis = new Redis(redisUrl);
    const left = await redis.keys(`${prefix}:*`);
    if (left.length > 0) await redis.del(...left);
    await redis.quit();
  });
  return { prefix, queueName, logs, make };
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const occurrenceMs = (jobId: string) => Number(jobId.split(':').at(-1));

describe('BullScheduler (real Redis)', () => {
  it('runs each occurrence exactly once across two instances competing for it', async () => {
    const ns = namespace();
    const runs: Array<{ instance: string; jobId: string }> = [];
    const a = ns.make();
    const b = ns.make();
    // Whichever instance runs the first occurrence stays busy past the interval (concurrency 1),
    // so the next occurrence falls due while it is busy and the other instance must take it:
    // both compete for real, whatever the scheduling of this machine.
    const job = (instance: string) => async (ctx: JobContext) => {
      runs.push({ instance, jobId: ctx.jobId });
      if (runs.length === 1) await sleep(INTERVAL * 2 + 150);
    };
    a.every('sweep', INTERVAL, job('a'));
    b.every('sweep', INTERVAL, job('b'));
    await Promise.all([a.ready(), b.ready()]);

    await waitFor(() => new Set(runs.map((r) => r.jobId)).size >= 6, '6 occurrences');
    await Promise.all([a.stop(), b.stop()]);

    const perOccurrence = new Map<string, number>();
    for (const r of runs) perOccurrence.set(r.jobId, (perOccurrence.get(r.jobId) ?? 0) + 1);
    expect(
      [...perOccurrence.values()].every((n) => n === 1),
      JSON.stringify(runs),
    ).toBe(true);
    expect(new Set(runs.map((r) => r.instance))).toEqual(new Set(['a', 'b']));
    const times = [...perOccurrence.keys()].map(occurrenceMs).sort((x, y) => x - y);
    // Occurrences sit on the schedule, one or more whole intervals apart: never two for one slot.
    // (Under load BullMQ may skip a slot whose time passed while every worker was busy.)
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      expect(gap % INTERVAL).toBe(0);
      expect(gap).toBeGreaterThanOrEqual(INTERVAL);
    }
  });

  it('runs a missed occurrence once, promptly, when an instance comes back', async () => {
    const ns = namespace();
    const first = ns.make();
    let before = 0;
    first.every('sweep', INTERVAL, async () => void before++);
    await waitFor(() => before >= 1, 'a first run');
    await first.stop();

    await sleep(INTERVAL * 4); // everything is down for several intervals

    const restartedAt = Date.now();
    const after: Array<{ at: number; occurrenceAt: number }> = [];
    const second = ns.make();
    second.every('sweep', INTERVAL, async (ctx: JobContext) => {
      after.push({ at: Date.now(), occurrenceAt: ctx.occurrenceAt?.getTime() ?? Number.NaN });
    });
    await waitFor(() => after.length >= 3, 'three runs after the restart');
    await second.stop();

    const missed = after.filter((r) => r.occurrenceAt < restartedAt);
    expect(missed).toHaveLength(1); // once, not once per missed interval
    const firstRun = after[0];
    expect(firstRun?.occurrenceAt).toBeLessThan(restartedAt);
    // Promptly: well before the missed intervals would have been replayed one by one.
    expect((firstRun?.at ?? Number.POSITIVE_INFINITY) - restartedAt).toBeLessThan(INTERVAL * 4);
  });

  it('runOnce runs a job id once however often it is added', async () => {
    const ns = namespace();
    const a = ns.make();
    const b = ns.make();
    const runs: Array<{ jobId: string; data: unknown }> = [];
    const campaign = async (ctx: JobContext) => void runs.push({ jobId: ctx.jobId, data: ctx.data });
    a.handle('campaign', campaign);
    b.handle('campaign', campaign);

    const id = 'campaign-2025-01-31';
    await Promise.all([a.runOnce('campaign', id, { n: 1 }), b.runOnce('campaign', id, { n: 2 })]);
    await waitFor(() => runs.length >= 1, 'the campaign run');
    await a.runOnce('campaign', id, { n: 3 }); // after completion too
    // Barrier: a later job runs only after anything queued before it (FIFO).
    await a.runOnce('campaign', 'campaign-2025-02-28', {});
    await waitFor(() => runs.some((r) => r.jobId === 'campaign-2025-02-28'), 'the barrier job');
    await expect(a.runOnce('campaign', 'campaign:x')).rejects.toThrow(/must not contain ':'/);
    await a.stop();
    await b.stop();

    expect(runs.filter((r) => r.jobId === id)).toHaveLength(1);
    expect(runs[0]?.data).toMatchObject({ n: expect.any(Number) });
  });

  it('retries a failing job with backoff, logs it, and keeps scheduling', async () => {
    const ns = namespace();
    const s = ns.make();
    const attempts: Array<{ jobId: string; attempt: number; ok: boolean }> = [];
    let firstOccurrence: string | undefined;
    s.every('flaky', INTERVAL, async (ctx: JobContext) => {
      firstOccurrence ??= ctx.jobId;
      const ok = ctx.jobId !== firstOccurrence || ctx.attempt >= 3;
      attempts.push({ jobId: ctx.jobId, attempt: ctx.attempt, ok });
      if (!ok) throw new Error('transient');
    });
    await waitFor(
      () => new Set(attempts.filter((a) => a.ok).map((a) => a.jobId)).size >= 3,
      'three successful occurrences',
    );
    await s.stop();

    const first = attempts.filter((a) => a.jobId === firstOccurrence);
    expect(first.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const retried = ns.logs.filter((l) => l.msg === 'job failed, will retry');
    expect(retried).toHaveLength(2);
  });

  it('stop waits for the running job and leaves the schedules on Redis', async () => {
    const ns = namespace();
    const s = ns.make();
    let started = false;
    let finished = false;
    s.handle('slow', async () => {
      started = true;
      await sleep(500);
      finished = true;
    });
    s.every('keep', 60_000, async () => {});
    await s.ready();
    await s.runOnce('slow', 'slow-1');
    await waitFor(() => started, 'the slow job to start');
    await s.stop();
    expect(finished).toBe(true);

    const queue = new Queue(ns.queueName, { connection: { url: redisUrl }, prefix: ns.prefix });
    try {
      expect(await queue.getJobScheduler('keep')).toBeTruthy();
      const cleaner = ns.make();
      await cleaner.removeSchedules();
      expect(await queue.getJobScheduler('keep')).toBeFalsy();
    } finally {
      await queue.close();
    }
  });
});
