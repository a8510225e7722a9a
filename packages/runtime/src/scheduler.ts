import type { Logger } from 'pino';

/** Scheduled work as a port: in-process timers here, BullMQ job schedulers in distributed mode. */
export interface Scheduler {
  every(name: string, intervalMs: number, job: () => Promise<unknown>): void;
  stop(): Promise<void>;
}

export class TimerScheduler implements Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  constructor(private readonly logger: Logger) {}

  every(name: string, intervalMs: number, job: () => Promise<unknown>): void {
    let busy = false;
    const tick = () => {
      if (busy) return; // never overlap two runs of the same job
      busy = true;
      const p = job()
        .catch((err) => this.logger.error({ err, job: name }, 'scheduled job failed'))
        .finally(() => {
          busy = false;
          this.running.delete(p);
        });
      this.running.add(p);
    };
    this.timers.set(name, setInterval(tick, intervalMs));
    setImmediate(tick);
  }

  async stop(): Promise<void> {
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
