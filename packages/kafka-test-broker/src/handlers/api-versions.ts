import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Writer } from '../protocol/writer.ts';
import type { ApiHandler } from './types.ts';

/**
 * ApiVersions v0-2 (bodies: request empty; response error_code, [api_key min max], throttle v1+).
 * v3+ is flexible; such a request is answered by the server with error 35 in a v0 body (see server.ts).
 */
export function apiVersionsHandler(all: () => readonly ApiHandler[]): ApiHandler {
  return {
    apiKey: ApiKey.ApiVersions,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 2,
    handle(ctx, _req, res) {
      writeApiVersions(res, ErrorCode.NONE, all());
      if (ctx.apiVersion >= 1) res.int32(0);
      return undefined;
    },
  };
}

export function writeApiVersions(res: Writer, errorCode: number, handlers: readonly ApiHandler[]): void {
  res.int16(errorCode);
  const sorted = [...handlers].sort((a, b) => a.apiKey - b.apiKey);
  res.array(sorted, (w, h) => {
    w.int16(h.apiKey).int16(h.minVersion).int16(h.maxVersion);
  });
}
