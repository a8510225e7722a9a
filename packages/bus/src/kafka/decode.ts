/**
 * Decoding of a Kafka message value, shared by the event consumers and the inbound bank
 * topics. The text is kept whatever happens: a dead letter always carries the original.
 */
export type DecodedMessage =
  | { ok: true; raw: unknown; rawText: string }
  | { ok: false; rawText: string; reason: string };

export function decodeMessage(value: Buffer | null | undefined): DecodedMessage {
  if (value == null || value.length === 0) return { ok: false, rawText: '', reason: 'empty message' };
  let rawText: string;
  try {
    rawText = new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return {
      ok: false,
      rawText: value.toString('base64'),
      reason: 'message is not UTF-8 (payload as base64)',
    };
  }
  try {
    return { ok: true, raw: JSON.parse(rawText), rawText };
  } catch (err) {
    return { ok: false, rawText, reason: `message is not JSON: ${(err as Error).message}` };
  }
}
