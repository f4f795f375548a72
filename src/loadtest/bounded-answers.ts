import { Transform } from 'node:stream';

type Handler = (args: unknown) => Promise<{ response: unknown }>;

/** The part of an AWS SDK v3 client this needs: its middleware stack (method syntax: any client's overloads fit). */
interface SdkClient {
  middlewareStack: {
    add(middleware: unknown, options: unknown): void;
  };
}

interface RawResponse {
  headers?: Record<string, string>;
  body?: NodeJS.ReadableStream & { destroy?: (e?: Error) => void };
}

/**
 * Bounds every answer's body as it streams: one over `maxBytes` (by Content-Length or as it
 * arrives), or all answers being received together over `maxTotalBytes`, fails the call instead
 * of being held. Added inside the SDK's deserializer, so it sees the raw HTTP response before the
 * SDK collects it: a 1.5 GB answer costs at most the bound, not the answer.
 */
export function boundAnswers(client: SdkClient, maxBytes: number, maxTotalBytes: number): void {
  let receiving = 0;
  const tooLarge = () => Object.assign(new Error(`an answer over ${(maxBytes / 1024 / 1024).toFixed(0)} MiB`), { name: 'AnswerTooLarge' });
  client.middlewareStack.add(
    (next: Handler) => async (args: unknown) => {
      const out = await next(args);
      const response = out.response as RawResponse;
      if (Number(response.headers?.['content-length'] ?? 0) > maxBytes) {
        response.body?.destroy?.();
        throw tooLarge();
      }
      const body = response.body;
      if (!body || typeof body.pipe !== 'function') return out;
      let seen = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          receiving += chunk.length;
          if (seen > maxBytes || receiving > maxTotalBytes) {
            body.destroy?.();
            return done(tooLarge());
          }
          done(null, chunk);
        },
      });
      counter.once('close', () => (receiving -= seen));
      body.once('error', (e: Error) => counter.destroy(e));
      body.pipe(counter);
      response.body = counter;
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'capacityPlanBoundAnswers' },
  );
}
