import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiHandler } from './types.ts';

/** DeleteTopics v0-3. Request: [name] timeout_ms. Response: throttle (v1+), [name error_code]. */
export const deleteTopicsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 3,
  handle({ apiVersion: v, core }, req, res) {
    const names = req.array((r) => r.string());
    req.int32();
    if (v >= 1) res.int32(0);
    res.array(names, (w, name) => {
      w.string(name).int16(core.topics.delete(name));
    });
    return undefined;
  },
};
