import { defaultCalendar, ratePolicyById } from '@wagewatch/domain';
import { runService } from '@wagewatch/host';
import { env } from './env.ts';
import { createLedger } from './service.ts';

/** The ledger as its own process (distributed mode): scale it out, one consumer group. */
await runService(env, ({ db, clock }) => {
  const ledger = createLedger({
    db,
    clock,
    calendar: defaultCalendar,
    ratePolicy: ratePolicyById(env.WAGEWATCH_RATE_POLICY),
    wageLookupLimits: {
      perAddress: env.WAGEWATCH_WAGE_LOOKUP_PER_ADDRESS,
      perIdNumber: env.WAGEWATCH_WAGE_LOOKUP_PER_ID,
    },
  });
  return {
    name: 'ledger',
    migrate: ledger.migrate,
    clockInstant: ledger.clockInstant,
    routes: [ledger.routes],
    outbox: ledger.outbox,
    consumers: [ledger.consumer],
    schedules: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS
      ? [
          {
            name: 'deadline-sweep',
            intervalMs: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS * 1000,
            run: () => ledger.sweep(clock.now()),
          },
        ]
      : [],
  };
});
