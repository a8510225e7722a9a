/**
 * Creates the Kafka topics declared in infra/kafka/topics.json that do not exist yet.
 *   KAFKA_BROKERS=host:port[,host:port] tsx packages/bus/src/kafka/create-topics.ts
 * Exit code 0 when every declared topic exists afterwards (a partition-count mismatch on an
 * existing topic is reported, not changed, and exits 2).
 */
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from './topics.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
if (brokers.length === 0) {
  console.error('KAFKA_BROKERS is required (host:port[,host:port])');
  process.exit(1);
}
const kafka = new Kafka({ clientId: 'wagewatch-create-topics', brokers, logLevel: logLevel.WARN });
const admin = kafka.admin();
try {
  await admin.connect();
  const result = await ensureTopics(admin);
  for (const name of result.created) console.log(`created  ${name}`);
  for (const name of result.existing) console.log(`exists   ${name}`);
  for (const m of result.mismatched)
    console.error(`MISMATCH ${m.name}: ${m.actual} partitions, declared ${m.declared} (left unchanged)`);
  process.exitCode = result.mismatched.length > 0 ? 2 : 0;
} catch (err) {
  console.error('creating topics failed:', err);
  process.exitCode = 1;
} finally {
  await admin.disconnect().catch(() => {});
}
