import { z } from 'zod';
import { DEFAULT_DOCUMENT_CONFIG, type DocumentConfig } from './repository.ts';

/**
 * Who issues the bureau's documents and how they are numbered, as an operator sets them (the
 * embedded and the distributed process parse the same shape). `{district}` is the case's.
 */
export const documentEnv = z.object({
  /** e.g. `攀枝花市{district}人力资源和社会保障局`. */
  WAGEWATCH_DOCUMENT_AUTHORITY: z.string().min(1).default(DEFAULT_DOCUMENT_CONFIG.authority),
  /** The prefix of an order to correct's number: `攀人社监令` → `攀人社监令〔2026〕第0001号`. */
  WAGEWATCH_ORDER_PREFIX: z.string().min(1).default(DEFAULT_DOCUMENT_CONFIG.prefixes.correction),
  /** The prefix of a referral's number. */
  WAGEWATCH_REFERRAL_PREFIX: z.string().min(1).default(DEFAULT_DOCUMENT_CONFIG.prefixes['police-referral']),
  /** Whom a referral is addressed to, e.g. `攀枝花市公安局{district}分局`. */
  WAGEWATCH_POLICE_AUTHORITY: z.string().min(1).default(DEFAULT_DOCUMENT_CONFIG.police),
});

export function documentsFromEnv(env: z.infer<typeof documentEnv>): DocumentConfig {
  if (env.WAGEWATCH_ORDER_PREFIX === env.WAGEWATCH_REFERRAL_PREFIX)
    throw new Error(
      'WAGEWATCH_ORDER_PREFIX and WAGEWATCH_REFERRAL_PREFIX must differ: each kind is numbered on its own',
    );
  return {
    authority: env.WAGEWATCH_DOCUMENT_AUTHORITY,
    prefixes: { correction: env.WAGEWATCH_ORDER_PREFIX, 'police-referral': env.WAGEWATCH_REFERRAL_PREFIX },
    police: env.WAGEWATCH_POLICE_AUTHORITY,
  };
}
