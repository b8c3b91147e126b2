// Handle values (RFC 3651) in the JSON shape of the Handle.net REST API:
// {index, type, data: {format, value}, ttl, timestamp}. Input is checked field by field.
import { invalidValue } from './errors.js';
import { LONE_SURROGATE } from './syntax.js';

export type ValueFormat = 'string' | 'base64' | 'hex' | 'admin' | 'vlist' | 'site' | 'key';

export interface AdminRef {
  handle: string;
  index: number;
  permissions: string;
}

export interface HandleValue {
  index: number;
  type: string;
  data: { format: ValueFormat; value: unknown };
  ttl: number;
  timestamp: string;
  /** Only values with publicRead are shown to the public (HS_SECKEY is not). */
  publicRead?: boolean;
}

export const DEFAULT_TTL = 86400;
export const MAX_VALUE_BYTES = 65536;
export const MAX_VALUES = 1000;
const FORMATS: readonly string[] = ['string', 'base64', 'hex', 'admin', 'vlist', 'site', 'key'];
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Types whose values are never public: secret keys. */
export const SECRET_TYPES = new Set(['HS_SECKEY']);

function checkText(text: string, field: string, maxBytes: number): void {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw invalidValue(`${field}: longer than ${maxBytes} bytes`);
  if (LONE_SURROGATE.test(text)) throw invalidValue(`${field}: contains unpaired surrogates (not UTF-8)`);
  if (CONTROL_EXCEPT_WHITESPACE.test(text)) throw invalidValue(`${field}: contains control characters`);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Accepts an index given as a number or a string of digits (pyhandle sends both). */
export function parseIndex(raw: unknown, field: string): number {
  const index = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : raw;
  if (!isIntegerIn(index, 1, 2 ** 31 - 1)) throw invalidValue(`${field}: must be an integer from 1 to 2147483647`);
  return index;
}

function checkAdmin(value: unknown, field: string): AdminRef {
  if (typeof value !== 'object' || value === null) throw invalidValue(`${field}: an admin value must be an object {handle, index, permissions}`);
  const { handle, index, permissions } = value as Record<string, unknown>;
  if (typeof handle !== 'string' || !handle.includes('/')) throw invalidValue(`${field}.handle: must be an admin handle prefix/suffix`);
  checkText(handle, `${field}.handle`, 2048);
  const perms = permissions ?? '011111110011';
  if (typeof perms !== 'string' || !/^[01]{1,12}$/.test(perms)) throw invalidValue(`${field}.permissions: must be a string of up to 12 "0"/"1" bits`);
  return { handle, index: parseIndex(index, `${field}.index`), permissions: perms };
}

/** Normalizes one value of a request body; `data` may be a bare string (pyhandle's shorthand). */
export function normalizeValue(raw: unknown, position: number, now: string): HandleValue {
  const field = `values[${position}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidValue(`${field}: must be an object {index, type, data}`);
  const input = raw as Record<string, unknown>;
  const index = parseIndex(input.index, `${field}.index`);
  if (typeof input.type !== 'string' || input.type.length === 0) throw invalidValue(`${field}.type: must be a non-empty string`);
  checkText(input.type, `${field}.type`, 255);
  let ttl = DEFAULT_TTL;
  if (input.ttl !== undefined) {
    if (!isIntegerIn(input.ttl, 0, 2 ** 31 - 1)) throw invalidValue(`${field}.ttl: must be a non-negative integer of seconds`);
    ttl = input.ttl;
  }
  let format: ValueFormat;
  let value: unknown;
  if (typeof input.data === 'string') {
    format = 'string';
    value = input.data;
  } else if (typeof input.data === 'object' && input.data !== null && !Array.isArray(input.data)) {
    const data = input.data as Record<string, unknown>;
    const rawFormat = data.format ?? 'string';
    if (typeof rawFormat !== 'string' || !FORMATS.includes(rawFormat)) throw invalidValue(`${field}.data.format: must be one of ${FORMATS.join(', ')}`);
    format = rawFormat as ValueFormat;
    value = data.value;
  } else {
    throw invalidValue(`${field}.data: must be a string or an object {format, value}`);
  }
  switch (format) {
    case 'string':
      if (typeof value !== 'string') throw invalidValue(`${field}.data.value: must be a string for format "string"`);
      checkText(value, `${field}.data.value`, MAX_VALUE_BYTES);
      break;
    case 'base64':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw invalidValue(`${field}.data.value: must be base64 for format "base64"`);
      if (value.length > (MAX_VALUE_BYTES * 4) / 3 + 4) throw invalidValue(`${field}.data.value: longer than ${MAX_VALUE_BYTES} bytes`);
      break;
    case 'hex':
      if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(value)) throw invalidValue(`${field}.data.value: must be an even number of hex digits for format "hex"`);
      if (value.length > MAX_VALUE_BYTES * 2) throw invalidValue(`${field}.data.value: longer than ${MAX_VALUE_BYTES} bytes`);
      break;
    case 'admin':
      value = checkAdmin(value, `${field}.data.value`);
      break;
    case 'vlist':
      if (!Array.isArray(value)) throw invalidValue(`${field}.data.value: must be a list of {handle, index} for format "vlist"`);
      value = value.map((ref, i) => {
        const r = ref as Record<string, unknown>;
        if (typeof r?.handle !== 'string') throw invalidValue(`${field}.data.value[${i}].handle: must be a string`);
        return { handle: r.handle, index: parseIndex(r.index, `${field}.data.value[${i}].index`) };
      });
      break;
    case 'site':
    case 'key':
      if (typeof value !== 'object' || value === null) throw invalidValue(`${field}.data.value: must be an object for format "${format}"`);
      if (JSON.stringify(value).length > MAX_VALUE_BYTES) throw invalidValue(`${field}.data.value: longer than ${MAX_VALUE_BYTES} bytes`);
      break;
  }
  if (format === 'admin' && input.type !== 'HS_ADMIN') throw invalidValue(`${field}.data.format: "admin" is only for HS_ADMIN values`);
  const normalized: HandleValue = { index, type: input.type, data: { format, value }, ttl, timestamp: now };
  if (SECRET_TYPES.has(input.type)) normalized.publicRead = false;
  return normalized;
}

/** Normalizes the `values` list of a PUT body; indexes must be unique. */
export function normalizeValues(raw: unknown, now: string, handle?: string): HandleValue[] {
  if (!Array.isArray(raw)) throw invalidValue('values: must be a list of handle values', handle);
  if (raw.length > MAX_VALUES) throw invalidValue(`values: more than ${MAX_VALUES} values`, handle);
  const seen = new Set<number>();
  return raw.map((entry, position) => {
    const value = normalizeValue(entry, position, now);
    if (seen.has(value.index)) throw invalidValue(`values[${position}].index: index ${value.index} is used twice`, handle);
    seen.add(value.index);
    return value;
  });
}

/** The JSON shape answered to clients (publicRead is internal). */
export function publicShape(value: HandleValue): Omit<HandleValue, 'publicRead'> {
  return { index: value.index, type: value.type, data: value.data, ttl: value.ttl, timestamp: value.timestamp };
}

export function stringValue(values: readonly HandleValue[], type: string): string | undefined {
  const found = values.find((v) => v.type === type && v.data.format === 'string');
  return found ? (found.data.value as string) : undefined;
}
