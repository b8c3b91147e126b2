// Handle syntax (RFC 3650): `prefix/suffix`, prefix dot-separated, both UTF-8. Decoding checks every
// way a request path can carry a broken handle, so each gets a 400 naming what is wrong.
import { invalidHandle } from './errors.js';

export const MAX_HANDLE_BYTES = 2048;
const utf8 = new TextDecoder('utf-8', { fatal: true });
// C0 and C1 control characters and DEL.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The prefix handle that holds a prefix's HS_SITE / HS_PUBKEY / HS_ADMIN values. */
export const prefixHandle = (prefix: string) => `0.NA/${prefix}`;

export interface ParsedHandle {
  handle: string;
  prefix: string;
  suffix: string;
}

/**
 * Decodes the raw (still percent-encoded) handle part of a request path. Node hands over raw
 * bytes above 0x7f as latin1 characters, so the UTF-8 check runs on those bytes too.
 */
export function decodeHandlePath(raw: string): string {
  let decoded: string;
  try {
    const bytes = Buffer.from(raw, 'latin1');
    const text = /[\u0080-\u00ff]/.test(raw) ? utf8.decode(bytes) : raw;
    decoded = decodeURIComponent(text);
  } catch (error) {
    const what = error instanceof URIError ? 'broken percent-encoding or percent-encoded bytes that are not UTF-8' : 'bytes that are not UTF-8';
    throw invalidHandle(`handle: ${what}`);
  }
  return decoded;
}

/** Checks a decoded handle; `allowEmptySuffix` is for `mintNewSuffix=true`. */
export function parseHandle(handle: string, allowEmptySuffix = false): ParsedHandle {
  if (handle.length === 0) throw invalidHandle('handle: must not be empty');
  if (Buffer.byteLength(handle, 'utf8') > MAX_HANDLE_BYTES) throw invalidHandle(`handle: longer than ${MAX_HANDLE_BYTES} bytes`);
  if (CONTROL.test(handle)) throw invalidHandle('handle: contains control characters', handle);
  if (LONE_SURROGATE.test(handle)) throw invalidHandle('handle: contains unpaired surrogates (not UTF-8)');
  const slash = handle.indexOf('/');
  if (slash < 0) throw invalidHandle('handle: must be prefix/suffix (no "/" found)', handle);
  let prefix = handle.slice(0, slash);
  const suffix = handle.slice(slash + 1);
  if (prefix.length === 0) throw invalidHandle('handle: prefix before "/" is empty', handle);
  if (suffix.length === 0 && !allowEmptySuffix) throw invalidHandle('handle: suffix after "/" is empty', handle);
  if (!prefix.split('.').every((segment) => PREFIX_SEGMENT.test(segment))) {
    throw invalidHandle('handle: prefix must be dot-separated segments of letters, digits, "-" or "_"', handle);
  }
  // The naming authority prefix is case-insensitive; keep its canonical spelling.
  if (prefix.toUpperCase() === '0.NA') prefix = '0.NA';
  return { handle: `${prefix}/${suffix}`, prefix, suffix };
}

/** Checks a prefix on its own (e.g. `88.188.1001`). */
export function parsePrefix(prefix: unknown, field = 'prefix'): string {
  if (typeof prefix !== 'string' || prefix.length === 0) throw invalidHandle(`${field}: must be a non-empty string`);
  if (prefix.length > 255) throw invalidHandle(`${field}: longer than 255 characters`);
  if (!prefix.split('.').every((segment) => PREFIX_SEGMENT.test(segment))) {
    throw invalidHandle(`${field}: must be dot-separated segments of letters, digits, "-" or "_"`);
  }
  return prefix;
}

/** True when `prefix` equals `parent` or lies below it (`88.188.1001` under `88.188`). */
export const isUnder = (prefix: string, parent: string) => prefix === parent || prefix.startsWith(`${parent}.`);

/** The prefix a handle is resolved by: for `0.NA/88.188.1001` it is the prefix named in the suffix. */
export function responsiblePrefix(parsed: ParsedHandle): string {
  return parsed.prefix === '0.NA' ? parsed.suffix : parsed.prefix;
}
