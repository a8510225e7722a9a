import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/**
 * InitProducerId v0-1. Request: transactional_id transaction_timeout_ms. Response: throttle
 * error_code producer_id producer_epoch. Idempotent producers only: a transactional id is refused.
 */
export const initProducerIdHandler: ApiHandler = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  handle({ core }, req, res) {
    const transactionalId = req.nullableString();
    req.int32();
    res.int32(0);
    if (transactionalId !== null) {
      res.int16(ErrorCode.INVALID_REQUEST).int64(-1).int16(-1);
    } else {
      res.int16(ErrorCode.NONE).int64(core.topics.allocateProducerId()).int16(0);
    }
    return undefined;
  },
};
