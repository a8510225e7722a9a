import { runService } from '@wagewatch/host';
import { env } from './env.ts';
import { createInspection } from './service.ts';

/** Inspection as its own process (distributed mode). */
await runService(env, ({ db }) => {
  const inspection = createInspection({ db });
  return {
    name: 'inspection',
    migrate: inspection.migrate,
    routes: [inspection.routes],
    consumers: [inspection.consumer],
  };
});
