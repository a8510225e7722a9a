import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/** True when the `kcat` binary (Debian package kcat, librdkafka inside) can be run. */
export function kcatAvailable(): boolean {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

export function kcatVersion(): string {
  return (
    spawnSync('kcat', ['-V'], { encoding: 'utf8' })
      .stdout.split('\n')
      .find((l) => l.startsWith('Version')) ?? ''
  );
}

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kcat to completion (killed after timeoutMs so a hang fails the test instead of stalling it). */
export function runKcat(
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A long-running kcat (e.g. a -G group member) whose output is read while it runs. */
export class KcatProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  lines(): string[] {
    return this.stdout.split('\n').filter((l) => l.length > 0);
  }

  /** SIGTERM: kcat closes its consumer (commit + LeaveGroup) and exits. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(killer);
    return code;
  }
}
