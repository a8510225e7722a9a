import { createServer } from 'node:net';
import { startBroker } from '@wagewatch/kafka-test-broker';
import { resolveServices } from './services.ts';

export type TestKafka = {
  source: 'container' | 'test-broker';
  brokers: string;
  stop(): Promise<void>;
  /**
   * Stops the broker and starts it again on the same address and data; `whileDown` runs while
   * it is stopped (with a container: while it restarts).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Kafka for a test, from the same decision as the other services (resolveServices): a real
 * Kafka container (apache/kafka, KRaft) where a container runtime exists, else the project's
 * wire-protocol test broker on a data folder. Prints which.
 */
export async function startTestKafka(options: { dataDir: string }): Promise<TestKafka> {
  const services = await resolveServices();
  const port = await freePort();
  if (services.source === 'containers') {
    const tc = await import('testcontainers');
    const container = await new tc.GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: 9092, host: port })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(tc.Wait.forLogMessage(/Kafka Server started/))
      .start();
    process.stderr.write(`[testkit] Kafka: a container (apache/kafka:3.9.1) on 127.0.0.1:${port}\n`);
    return {
      source: 'container',
      brokers: `127.0.0.1:${port}`,
      stop: async () => void (await container.stop()),
      async restart(whileDown) {
        await Promise.all([container.restart(), whileDown?.()]);
      },
    };
  }
  let broker = await startBroker({ port, dataDir: options.dataDir });
  process.stderr.write(
    `[testkit] Kafka: the project's wire-protocol test broker on ${broker.brokers} (no container runtime)\n`,
  );
  return {
    source: 'test-broker',
    brokers: broker.brokers,
    stop: () => broker.stop(),
    async restart(whileDown) {
      await broker.stop();
      await whileDown?.();
      broker = await startBroker({ port, dataDir: options.dataDir });
    },
  };
}
