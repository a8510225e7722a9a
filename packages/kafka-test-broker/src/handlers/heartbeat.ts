import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiHandler } from './types.ts';

/** Heartbeat v0-3. Request: group_id generation_id member_id group_instance_id(v3+). Response: throttle (v1+) error_code. */
export const heartbeatHandler: ApiHandler = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  handle({ apiVersion: v, core }, req, res) {
    const groupId = req.string();
    const generationId = req.int32();
    const memberId = req.string();
    if (v >= 3) req.nullableString();
    const code = core.groups.heartbeat(groupId, generationId, memberId);
    if (v >= 1) res.int32(0);
    res.int16(code);
    return undefined;
  },
};
