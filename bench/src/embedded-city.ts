import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
/**
 * The month `bench:embedded` pushes, generated the same way (seeded) by the load generator
 * (embedded.ts) and, for the baseline, by the system's process (embedded-system.ts).
 */
import { type DemoCity, generateBenchMonth } from '@wagewatch/demo';

export type BenchCity = {
  city: DemoCity;
  counts: { projects: number; workers: number; payrollLines: number; transfers: number; statements: number };
  records: number;
};

/** `workers` workers' month; every `missedEvery`th wage payment left out so that it also produces findings. */
export function benchCity(workers: number, missedEvery: number): BenchCity {
  const city = generateBenchMonth({ workers });
  let n = 0;
  for (const batch of city.transfers) {
    batch.body.records = batch.body.records.filter((r) => r.direction !== 'debit' || ++n % missedEvery !== 0);
  }
  const counts = {
    projects: city.projects.length,
    workers: city.workers.reduce((s, w) => s + w.body.workers.length, 0),
    payrollLines: city.payrolls.reduce((s, p) => s + p.body.lines.length, 0),
    transfers: city.transfers.reduce((s, t) => s + t.body.records.length, 0),
    statements: city.statements.length,
  };
  return {
    city,
    counts,
    records: counts.workers + counts.payrollLines + counts.transfers + counts.statements,
  };
}

/** Peak RSS since the last reset, as the kernel counts it (VmHWM), or undefined off Linux. */
export function peakRssOf(pid: number | 'self'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** The resident set now (VmRSS), or undefined off Linux or once the process has gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system, in ms) of each thread of a process now, by thread id, as the kernel
 * counts it (/proc/PID/task/TID/stat, in clock ticks of 10 ms); empty off Linux. Wall-clock
 * times on a shared machine vary with what else runs; the CPU a run took varies much less.
 */
export function threadCpuOf(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        // Fields after the command name (which may hold spaces) in parentheses: utime is the
        // 14th field of the line, stime the 15th.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * 10);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // not Linux, or the process has gone
  }
  return out;
}

/** Starts the kernel's peak RSS count (VmHWM) of this process again from its RSS now (Linux ≥ 4.0). */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
