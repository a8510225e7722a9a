import type { Clock, Scheduler } from '@wagewatch/runtime';
import { type Job, type JobsOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type BullSchedulerOptions = {
  /** e.g. `redis://127.0.0.1:6379` */
  redisUrl: string;
  /** BullMQ key prefix (namespace in Redis): one per deployment, one per test. */
  prefix: string;
  /** One queue per service: every instance of that service uses the same name. */
  queueName: string;
  logger: Logger;
  /** Only used to log how late an occurrence started; BullMQ itself keeps time with Date.now(). */
  clock?: Clock;
  /** Attempts per occurrence / one-off job (default 3), exponential backoff from `backoffMs`. */
  attempts?: number;
  /** First retry delay in ms (default 1000; doubles each retry). */
  backoffMs?: number;
};

/** What a job function is told about the run. Functions written for the port may ignore it. */
export type JobContext = {
  name: string;
  /** BullMQ job id: `repeat:<name>:<occurrence ms>` for scheduled work, the caller's id for `runOnce`. */
  jobId: string;
  /** The occurrence time for scheduled work (when it was due), undefined for one-off jobs. */
  occurrenceAt: Date | undefined;
  /** 1 on the first try, 2 on the first retry, … */
  attempt: number;
  data: unknown;
};

export type JobFn = (ctx: JobContext) => Promise<unknown>;

const DAY_S = 24 * 3600;

/**
 * The distributed implementation of the `Scheduler` port: each `every` is a BullMQ job scheduler
 * on Redis, so that across all instances of a service each occurrence runs exactly once, and an
 * occurrence that fell due while every instance was down runs as soon as one comes back.
 */
export class BullScheduler implements Scheduler {
  private readonly queue: Queue;
  private readonly queueConnection: Redis;
  private workerConnection: Redis | undefined;
  private worker: Worker | undefined;
  private readonly handlers = new Map<string, JobFn>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private readonly jobOpts: JobsOptions;
  private stopped = false;

  constructor(private readonly opts: BullSchedulerOptions) {
    this.log = opts.logger.child({ component: 'bull-scheduler', queue: opts.queueName });
    // BullMQ requires maxRetriesPerRequest: null on connections that block (workers); the queue
    // uses the same so that a Redis blip delays commands instead of failing them.
    this.queueConnection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
    this.queueConnection.on('error', (err) => this.log.warn({ err }, 'redis connection error'));
    this.queue = new Queue(opts.queueName, { connection: this.queueConnection, prefix: opts.prefix });
    this.queue.on('error', (err) => this.log.warn({ err }, 'queue error'));
    this.jobOpts = {
      attempts: opts.attempts ?? 3,
      backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 },
      removeOnComplete: { count: 1000, age: 30 * DAY_S },
      removeOnFail: { count: 5000, age: 30 * DAY_S },
    };
  }

  /**
   * Registers (or re-registers: idempotent) the job scheduler `name` on Redis and runs its
   * occurrences in this instance's worker. Call it at every start: Redis may have lost it.
   */
  every(name: string, intervalMs: number, job: JobFn): void {
    this.handle(name, job);
    this.track(
      this.queue.upsertJobScheduler(name, { every: intervalMs }, { name, data: {}, opts: this.jobOpts }).then(
        (next) => this.log.info({ job: name, intervalMs, next: next?.id }, 'job scheduler registered'),
        (err: unknown) => {
          this.log.error({ err, job: name }, 'could not register job scheduler');
          throw err;
        },
      ),
    );
  }

  /** Registers the function for jobs called `name` (scheduled or one-off) without a schedule. */
  handle(name: string, job: JobFn): void {
    if (this.stopped) throw new Error('BullScheduler is stopped');
    this.handlers.set(name, job);
    this.ensureWorker();
  }

  /**
   * Adds a one-off job with a caller-chosen id: adding the same `jobId` again (from any instance)
   * is a no-op while the first job is kept (30 days), so it runs once. Its function must be
   * registered with `handle` (or `every`) in at least one running instance. BullMQ forbids ':'
   * in custom ids: use e.g. `campaign-2025-01-31`.
   */
  async runOnce(name: string, jobId: string, data: unknown = {}): Promise<string> {
    // BullMQ reserves ':' in custom ids (its own scheduler ids use it).
    if (jobId.includes(':')) throw new Error(`runOnce job id must not contain ':' (got "${jobId}")`);
    const job = await this.queue.add(name, data, { ...this.jobOpts, jobId });
    return job.id ?? jobId;
  }

  /** Resolves once every `every` registration so far has reached Redis (rejects if one failed). */
  async ready(): Promise<void> {
    await Promise.all([...this.pending]);
    if (this.worker) await this.worker.waitUntilReady();
  }

  /**
   * Graceful: the worker finishes its running job, then queue and connections close. The
   * schedulers stay on Redis — other instances keep running them.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
    await this.worker?.close();
    await this.queue.close();
    await Promise.allSettled([quit(this.workerConnection), quit(this.queueConnection)]);
    this.log.info('scheduler stopped');
  }

  /** Removes this queue's schedulers from Redis (tests, decommissioning a job). */
  async removeSchedules(names?: string[]): Promise<void> {
    const ids =
      names ?? (await this.queue.getJobSchedulers()).map((s) => s.key).filter((k): k is string => !!k);
    for (const id of ids) await this.queue.removeJobScheduler(id);
  }

  /** Deletes every key of this queue (tests). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  private ensureWorker(): void {
    if (this.worker) return;
    this.workerConnection = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (err) => this.log.warn({ err }, 'redis connection error'));
    const worker = new Worker(this.opts.queueName, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: this.opts.prefix,
      concurrency: 1,
      // Start after the current tick so that all `every`/`handle` calls made together at start
      // are registered before the first job is taken.
      autorun: false,
    });
    worker.on('failed', (job, err) => {
      const attempts = job?.opts.attempts ?? 1;
      const made = job?.attemptsMade ?? 0;
      const willRetry = made < attempts;
      this.log[willRetry ? 'warn' : 'error'](
        { err, job: job?.name, jobId: job?.id, attempt: made, attempts },
        willRetry ? 'job failed, will retry' : 'job failed, no attempts left',
      );
    });
    worker.on('error', (err) => this.log.error({ err }, 'worker error'));
    this.worker = worker;
    setImmediate(() => {
      if (this.stopped) return;
      worker.run().catch((err: unknown) => this.log.error({ err }, 'worker stopped with an error'));
    });
  }

  private async process(job: Job): Promise<unknown> {
    const fn = this.handlers.get(job.name);
    // Another instance (or version) may know this job; failing lets BullMQ retry it.
    if (!fn) throw new Error(`no function registered for job "${job.name}"`);
    // Scheduler jobs are `repeat:<scheduler id>:<occurrence ms>` (BullMQ keeps no other field).
    const occurrenceMs =
      job.repeatJobKey && job.id ? Number(job.id.slice(job.id.lastIndexOf(':') + 1)) : undefined;
    const occurrenceAt = occurrenceMs === undefined ? undefined : new Date(occurrenceMs);
    const now = (this.opts.clock?.now() ?? new Date()).getTime();
    const started = Date.now();
    this.log.debug(
      { job: job.name, jobId: job.id, lateMs: occurrenceMs === undefined ? undefined : now - occurrenceMs },
      'job started',
    );
    const result = await fn({
      name: job.name,
      jobId: job.id ?? '',
      occurrenceAt,
      attempt: job.attemptsMade + 1,
      data: job.data,
    });
    this.log.debug({ job: job.name, jobId: job.id, ms: Date.now() - started }, 'job done');
    return result;
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    p.catch(() => {}).finally(() => this.pending.delete(p));
  }
}

async function quit(conn: Redis | undefined): Promise<void> {
  if (!conn || conn.status === 'end') return;
  try {
    await conn.quit();
  } catch {
    conn.disconnect();
  }
}
