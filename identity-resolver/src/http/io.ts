// Small HTTP helpers: JSON answers, Handle-style errors, bounded body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HandleError, RC, httpStatusFor } from '../handle/errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, typeof body === 'string' ? body : JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers an error in the Handle REST shape: {responseCode, handle?, message, errors?}. */
export function sendError(res: ServerResponse, error: unknown, resolution = false, log?: (message: string) => void): void {
  if (error instanceof HandleError) {
    const status = error.httpStatus ?? httpStatusFor(error.responseCode, resolution);
    if (status === 401) res.setHeader('www-authenticate', 'Bearer, Basic realm="handle"');
    sendJson(res, status, { responseCode: error.responseCode, ...(error.handle !== undefined ? { handle: error.handle } : {}), message: error.message, ...(error.errors ? { errors: error.errors } : {}) });
    return;
  }
  log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  // Internal details stay in the log.
  sendJson(res, 500, { responseCode: RC.ERROR, message: 'internal error' });
}

/** Reads a JSON body of at most `limit` bytes; 400 (responseCode 202) naming the problem otherwise. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HandleError(RC.INVALID_VALUE, `body: larger than ${limit} bytes`, undefined, undefined, 413);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HandleError(RC.INVALID_VALUE, 'body: empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HandleError(RC.INVALID_VALUE, `body: not valid JSON (${(error as Error).message})`);
  }
}

/** A boolean query parameter: absent -> fallback; "true"/"false" otherwise a 400 naming it. */
export function boolParam(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new HandleError(RC.INVALID_VALUE, `query parameter ${name}: must be true or false, got "${raw.slice(0, 40)}"`);
}
