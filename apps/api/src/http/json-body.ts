import { parse as parseContentType } from 'content-type';
import type http from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import getRawBody from 'raw-body';

/** A request the client got wrong: answered with `status` and a GraphQL-shaped BAD_REQUEST body. */
export class HttpClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DECOMPRESSORS: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/**
 * The JSON body of a request, read the way Express's `express.json()` read it for /graphql
 * (it is served without Express: http/graphql-http.ts):
 * - only a POST whose media type is application/json or +json is read; anything else is
 *   `undefined`, and Apollo answers that with its own 400 (or CSRF refusal);
 * - at most `limitBytes` after decompression (gzip, deflate, br) → 413 beyond;
 * - UTF-8 only (RFC 8259) → 415 for another charset or content encoding;
 * - an empty body is `{}`; malformed JSON is a 400 that says where.
 */
export async function readJsonBody(req: http.IncomingMessage, limitBytes: number): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const mediaType = jsonMediaType(req.headers['content-type']);
  if (!mediaType) return undefined;
  const charset = (mediaType.parameters.charset ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'utf8') throw new HttpClientError(415, `unsupported charset "${charset.toUpperCase()}"`);

  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable = req;
  if (encoding !== 'identity') {
    const decompressor = DECOMPRESSORS[encoding];
    if (!decompressor) throw new HttpClientError(415, `unsupported content encoding "${encoding}"`);
    const out = decompressor();
    // pipeline destroys the decompressor with the request's error (the client went away).
    pipeline(req, out, () => undefined);
    stream = out;
  }
  let text: string;
  try {
    text = await getRawBody(stream, {
      // The declared length only describes the bytes on the wire; with compression raw-body
      // counts what comes out of the decompressor against the limit.
      length: encoding === 'identity' ? req.headers['content-length'] : undefined,
      limit: limitBytes,
      encoding: 'utf-8',
    });
  } catch (error) {
    const { status, code } = error as { status?: number; code?: string };
    if (status && status >= 400 && status < 500) throw new HttpClientError(status, (error as Error).message);
    if (code?.startsWith('Z_') || code?.startsWith('ERR__')) throw new HttpClientError(400, `the ${encoding} body does not decompress`);
    throw error;
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpClientError(400, (error as Error).message);
  }
}

function jsonMediaType(header: string | undefined): { parameters: Record<string, string> } | null {
  if (!header) return null;
  try {
    const parsed = parseContentType(header);
    return parsed.type === 'application/json' || parsed.type.endsWith('+json') ? parsed : null;
  } catch {
    // A Content-Type that does not parse is not JSON: Apollo refuses the request.
    return null;
  }
}
