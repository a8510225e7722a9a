/**
 * Throughput of the test broker with kafkajs: 100,000 messages of 1 KB, produced then consumed.
 *   pnpm --filter @wagewatch/kafka-test-broker bench            (broker in a child process)
 *   pnpm --filter @wagewatch/kafka-test-broker bench -- --in-process
 * Not part of the tests. Figures are for this test tool only; they say nothing about a real Kafka.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../src/index.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const SIZE = 1024;
const PER_SEND = 1000;
const PARTITIONS = 6;
const inProcess = process.argv.includes('--in-process');

interface Broker {
  brokers: string;
  stop(): Promise<void>;
}

/** Runs src/cli.ts in its own process (same loader flags as this one) so broker and client do not share a CPU. */
async function childBroker(): Promise<Broker> {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, cli, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const brokers = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return {
    brokers,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const rate = (count: number, bytes: number, ms: number) =>
  `${Math.round((count / ms) * 1000).toLocaleString('en-US')} msg/s, ${((bytes / 1024 / 1024 / ms) * 1000).toFixed(1)} MB/s (${(ms / 1000).toFixed(2)} s)`;

async function main(): Promise<void> {
  const broker = inProcess ? await startBroker({ port: 0 }) : await childBroker();
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'bench', numPartitions: PARTITIONS },
      { topic: 'bench-idempotent', numPartitions: PARTITIONS },
    ],
  });
  const value = Buffer.alloc(SIZE, 'x');
  const bytes = MESSAGES * SIZE;
  const batch = (start: number) =>
    Array.from({ length: Math.min(PER_SEND, MESSAGES - start) }, (_, i) => ({
      key: `k${(start + i) % 1000}`,
      value,
    }));

  console.log(
    `kafka-test-broker throughput (FOR TESTS ONLY): ${MESSAGES.toLocaleString('en-US')} x ${SIZE} B, ` +
      `${PARTITIONS} partitions, kafkajs, ${PER_SEND} messages per send, broker ${inProcess ? 'in-process' : 'in a child process'}`,
  );

  const producer = kafka.producer();
  await producer.connect();
  let t = performance.now();
  for (let i = 0; i < MESSAGES; i += PER_SEND)
    await producer.send({ topic: 'bench', acks: -1, messages: batch(i) });
  console.log(`produce (acks=all)           ${rate(MESSAGES, bytes, performance.now() - t)}`);

  const idem = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await idem.connect();
  t = performance.now();
  for (let i = 0; i < MESSAGES; i += PER_SEND)
    await idem.send({ topic: 'bench-idempotent', messages: batch(i) });
  console.log(`produce (idempotent)         ${rate(MESSAGES, bytes, performance.now() - t)}`);

  const consumer = kafka.consumer({ groupId: 'bench', maxWaitTimeInMs: 100, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench', fromBeginning: true });
  let received = 0;
  let receivedBytes = 0;
  t = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch: b }) => {
        for (const m of b.messages) receivedBytes += m.value?.length ?? 0;
        received += b.messages.length;
        if (received >= MESSAGES) resolve();
      },
    });
  });
  const consumeMs = performance.now() - t;
  console.log(`consume (group, eachBatch)   ${rate(received, receivedBytes, consumeMs)}`);

  await Promise.all([consumer.disconnect(), producer.disconnect(), idem.disconnect(), admin.disconnect()]);
  await broker.stop();
}

await main();
