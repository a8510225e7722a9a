/**
 * @wagewatch/kafka-test-broker — a single-node Kafka wire-protocol broker for TESTS ONLY.
 * Production talks to a real Kafka cluster; nothing in a production path starts this.
 */
export { type BrokerOptions, DEFAULT_MAX_FRAME_BYTES, type RunningBroker, startBroker } from './broker.ts';
export { HANDLERS as SUPPORTED_APIS } from './handlers/registry.ts';
