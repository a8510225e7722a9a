import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

const GROUP = 0;

/**
 * FindCoordinator v0-2. Request: key key_type(v1+). Response: throttle (v1+) error_code
 * error_message(v1+) node_id host port. This broker coordinates every group; transaction
 * coordinators (key_type 1) do not exist here.
 */
export const findCoordinatorHandler: ApiHandler = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  handle({ apiVersion: v, core }, req, res) {
    req.string();
    const keyType = v >= 1 ? req.int8() : GROUP;
    const supported = keyType === GROUP;
    if (v >= 1) res.int32(0);
    res.int16(supported ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST);
    if (v >= 1) res.nullableString(supported ? null : 'transactions are not supported by kafka-test-broker');
    const { nodeId, advertisedHost, advertisedPort } = core.config;
    res
      .int32(supported ? nodeId : -1)
      .string(supported ? advertisedHost : '')
      .int32(supported ? advertisedPort : -1);
    return undefined;
  },
};
