import { runService } from '@wagewatch/host';
import { BankInbound } from './bank-inbound.ts';
import { env } from './env.ts';
import { createIngest } from './service.ts';

/** Ingest as its own process (distributed mode): stateless, scale it behind a load balancer. */
await runService(env, ({ db, apiKeys, clock, logger, kafka }) => {
  const ingest = createIngest({ db, apiKeys, clock });
  return {
    name: 'ingest',
    migrate: ingest.migrate,
    clockInstant: ingest.clockInstant,
    routes: [ingest.routes, ingest.clockRoutes],
    outbox: ingest.outbox,
    consumers: [ingest.consumer],
    workers:
      env.WAGEWATCH_BANK_TOPICS === '1'
        ? [new BankInbound({ db, outbox: ingest.outbox, clock }, kafka, logger)]
        : [],
  };
});
