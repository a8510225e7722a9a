import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiHandler } from './types.ts';

/**
 * JoinGroup v0-5. Request: group_id session_timeout_ms rebalance_timeout_ms(v1+) member_id
 * group_instance_id(v5+) protocol_type protocols [name metadata]. Response: throttle (v2+)
 * error_code generation_id protocol_name leader member_id members [member_id
 * group_instance_id(v5+) metadata]. Blocks until the join phase of the rebalance completes.
 * An empty member_id gets a fresh id in the same round trip (no MEMBER_ID_REQUIRED round).
 */
export const joinGroupHandler: ApiHandler = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle({ apiVersion: v, core, clientId, clientHost }, req, res) {
    const groupId = req.string();
    const sessionTimeoutMs = req.int32();
    const rebalanceTimeoutMs = v >= 1 ? req.int32() : sessionTimeoutMs;
    const memberId = req.string();
    const groupInstanceId = v >= 5 ? req.nullableString() : null;
    const protocolType = req.string();
    const protocols = req.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));

    const result = await core.groups.join({
      groupId,
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType,
      protocols,
    });
    if (v >= 2) res.int32(0);
    res.int16(result.errorCode).int32(result.generationId).string(result.protocolName);
    res.string(result.leaderId).string(result.memberId);
    res.array(result.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 5) w.nullableString(m.groupInstanceId);
      w.bytes(m.metadata);
    });
    return undefined;
  },
};
