import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/** ListGroups v0-2. Request: empty. Response: throttle (v1+) error_code groups [group_id protocol_type]. */
export const listGroupsHandler: ApiHandler = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  handle({ apiVersion: v, core }, _req, res) {
    const groups = new Map(core.groups.list().map((g) => [g.groupId, g.protocolType]));
    for (const id of core.offsets.groupIds()) if (!groups.has(id)) groups.set(id, '');
    if (v >= 1) res.int32(0);
    res.int16(ErrorCode.NONE).array([...groups], (w, [id, type]) => {
      w.string(id).string(type);
    });
    return undefined;
  },
};
