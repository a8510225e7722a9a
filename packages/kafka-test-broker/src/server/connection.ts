import type { Socket } from 'node:net';
import { writeApiVersions } from '../handlers/api-versions.ts';
import { HANDLERS } from '../handlers/registry.ts';
import type { BrokerCore } from '../handlers/types.ts';
import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { DecodeError, Reader } from '../protocol/reader.ts';
import { Writer } from '../protocol/writer.ts';
import { FrameDecoder } from './frame-decoder.ts';

export interface ConnectionOptions {
  maxFrameBytes: number;
  log: (msg: string) => void;
}

/**
 * One client connection. Requests are handled one at a time in arrival order and answered in
 * that order, as a Kafka broker does (a JoinGroup or a long-polling Fetch holds the connection).
 * Response header v0 (correlation id only) for every answer: no flexible versions are served.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private readonly clientHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly core: BrokerCore,
    private readonly opts: ConnectionOptions,
  ) {
    this.decoder = new FrameDecoder(opts.maxFrameBytes);
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const frames = this.decoder.push(chunk);
    if (frames === 'too-large') {
      this.opts.log(`closing ${this.clientHost}: frame size beyond ${this.opts.maxFrameBytes} bytes`);
      this.close();
      return;
    }
    this.queue.push(...frames);
    if (!this.busy) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const frame = this.queue.shift()!;
        const response = await this.handle(frame);
        if (response && !this.closed) this.socket.write(response);
      }
    } catch (err) {
      const why =
        err instanceof DecodeError ? `malformed request (${err.message})` : `handler failed: ${String(err)}`;
      this.opts.log(`closing ${this.clientHost}: ${why}`);
      if (!(err instanceof DecodeError) && err instanceof Error && err.stack) this.opts.log(err.stack);
      this.close();
    } finally {
      this.busy = false;
    }
  }

  /** Returns the whole response frame, or null when the request gets no answer. */
  private async handle(frame: Buffer): Promise<Buffer | null> {
    const req = new Reader(frame);
    const apiKey = req.int16();
    const apiVersion = req.int16();
    const correlationId = req.int32();
    const clientId = req.nullableString() ?? '';

    const res = new Writer();
    res.int32(0); // size, patched below
    res.int32(correlationId);
    const handler = HANDLERS.get(apiKey);
    if (!handler) {
      // No schema exists to answer in: a bare error code tells the client what happened.
      res.int16(ErrorCode.INVALID_REQUEST);
    } else if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) {
        // KIP-511: unsupported ApiVersions version -> v0 body, error 35, listing our ApiVersions range,
        // so the client retries with a version we speak.
        writeApiVersions(res, ErrorCode.UNSUPPORTED_VERSION, [handler]);
      } else {
        res.int16(ErrorCode.UNSUPPORTED_VERSION);
      }
    } else {
      const outcome = await handler.handle(
        { apiVersion, clientId, clientHost: this.clientHost, core: this.core },
        req,
        res,
      );
      if (outcome === 'no-response') return null;
    }
    res.patchInt32(0, res.length - 4);
    return res.toBuffer();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
