/**
 * Command line for manual use (tests start the broker from code):
 *   pnpm --filter @wagewatch/kafka-test-broker broker -- --port 9092 --data-dir ./kafka-data
 * FOR TESTS AND LOCAL EXPERIMENTS ONLY — not a production Kafka.
 */
import { parseArgs } from 'node:util';
import { startBroker } from './broker.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9092' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string' },
    'no-auto-create': { type: 'boolean', default: false },
    'default-partitions': { type: 'string', default: '1' },
    'max-frame-bytes': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(`kafka-test-broker: a single-node Kafka wire-protocol broker for tests (not for production)

  --port N                 TCP port (default 9092; 0 = any free port)
  --host H                 listen/advertised host (default 127.0.0.1)
  --data-dir DIR           keep logs and committed offsets in DIR (default: memory only)
  --no-auto-create         answer UNKNOWN_TOPIC_OR_PARTITION instead of creating topics
  --default-partitions N   partitions of auto-created topics (default 1)
  --max-frame-bytes N      close connections that send larger frames (default 104857600)
  --verbose                log closed connections and why`);
  process.exit(0);
}

const broker = await startBroker({
  port: Number(values.port),
  host: values.host,
  dataDir: values['data-dir'],
  autoCreateTopics: !values['no-auto-create'],
  defaultPartitions: Number(values['default-partitions']),
  maxFrameBytes: values['max-frame-bytes'] ? Number(values['max-frame-bytes']) : undefined,
  log: values.verbose ? (line) => console.error(`[kafka-test-broker] ${line}`) : undefined,
});
console.log(`kafka-test-broker (FOR TESTS ONLY) listening on ${broker.brokers}`);
if (values['data-dir']) console.log(`data folder: ${values['data-dir']}`);

const stop = () => {
  void broker.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
