// Metadata templates per industry: which items an identifier must carry, their Handle value index
// and type, and constraints. The template's shape is checked by a JSON Schema (ajv); identifier
// values are checked item by item against it.
import { Ajv } from 'ajv';
import { invalidValue } from '../handle/errors.js';
import type { HandleValue } from '../handle/values.js';
import { industryProblem } from './industries.js';

export const ITEM_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'url', 'sha256', 'handle'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export interface TemplateItem {
  name: string;
  index: number;
  type: ItemType;
  required: boolean;
  description?: string;
  constraints?: { pattern?: string; minLength?: number; maxLength?: number; minimum?: number; maximum?: number; enum?: string[] };
}

export interface Template {
  id: string;
  name: string;
  /** GB/T 4754-2017 section letter and optionally a two-digit division. */
  industry: { section: string; division?: string };
  items: TemplateItem[];
}

/** Handle value types an identifier may carry besides its template items. */
export const STANDARD_TYPES = new Set(['URL', 'EMAIL', 'DESC', 'HS_ADMIN', 'HS_SECKEY', 'HS_PUBKEY', 'HS_VLIST', 'HS_ALIAS', 'HS_SITE', 'TEMPLATE', 'TRACE', 'CHECKSUM']);
/** Indexes templates may not use (below 10: standard values such as URL=1, TRACE=8, TEMPLATE=9). */
const RESERVED_INDEX = (i: number) => i < 10 || (i >= 100 && i <= 199) || i === 300 || i === 400 || i === 401;

const templateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'industry', 'items'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,127}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    industry: {
      type: 'object', additionalProperties: false, required: ['section'],
      properties: { section: { type: 'string', pattern: '^[A-Z]$' }, division: { type: 'string', pattern: '^\\d{2}$' } },
    },
    items: {
      type: 'array', minItems: 1, maxItems: 200,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'index', 'type', 'required'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
          index: { type: 'integer', minimum: 10, maximum: 9999 },
          type: { enum: ITEM_TYPES },
          required: { type: 'boolean' },
          description: { type: 'string', maxLength: 1000 },
          constraints: {
            type: 'object', additionalProperties: false,
            properties: {
              pattern: { type: 'string', maxLength: 500 }, minLength: { type: 'integer', minimum: 0 }, maxLength: { type: 'integer', minimum: 0 },
              minimum: { type: 'number' }, maximum: { type: 'number' }, enum: { type: 'array', items: { type: 'string' }, minItems: 1 },
            },
          },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false });
const validateTemplateShape = ajv.compile(templateSchema);

/** Checks a template definition; throws a 400 naming the first problem. */
export function checkTemplate(input: unknown): Template {
  if (!validateTemplateShape(input)) {
    const e = validateTemplateShape.errors![0]!;
    const where = `template${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`;
    throw invalidValue(`${where}: ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as string[]).join(', ')})` : ''}`);
  }
  const template = input as unknown as Template;
  const problem = industryProblem(template.industry.section, template.industry.division);
  if (problem) throw invalidValue(`template.${problem}`);
  const names = new Set<string>();
  const indexes = new Set<number>();
  template.items.forEach((item, i) => {
    if (names.has(item.name)) throw invalidValue(`template.items[${i}].name: "${item.name}" is used twice`);
    if (indexes.has(item.index)) throw invalidValue(`template.items[${i}].index: ${item.index} is used twice`);
    if (RESERVED_INDEX(item.index)) throw invalidValue(`template.items[${i}].index: ${item.index} is reserved (1-9, 100-199, 300, 400, 401)`);
    if (STANDARD_TYPES.has(item.name)) throw invalidValue(`template.items[${i}].name: "${item.name}" is a standard Handle type`);
    if (item.constraints?.pattern !== undefined) {
      try { new RegExp(item.constraints.pattern, 'u'); } catch { throw invalidValue(`template.items[${i}].constraints.pattern: not a valid regular expression`); }
    }
    names.add(item.name);
    indexes.add(item.index);
  });
  return template;
}

/** Checks the text form of one item value against its type and constraints; returns a reason or undefined. */
export function itemProblem(item: TemplateItem, text: string): string | undefined {
  const c = item.constraints ?? {};
  switch (item.type) {
    case 'integer':
      if (!/^-?\d{1,15}$/.test(text)) return `must be an integer (type integer), got "${text.slice(0, 40)}"`;
      break;
    case 'number':
      if (text.trim() === '' || !Number.isFinite(Number(text))) return `must be a number (type number), got "${text.slice(0, 40)}"`;
      break;
    case 'boolean':
      if (text !== 'true' && text !== 'false') return `must be true or false (type boolean)`;
      break;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)) || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text) {
        return `must be a calendar date YYYY-MM-DD (type date), got "${text.slice(0, 40)}"`;
      }
      break;
    case 'datetime':
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) return `must be an RFC 3339 date-time (type datetime)`;
      break;
    case 'url':
      if (!URL.canParse(text) || !/^https?:/i.test(text)) return `must be an http(s) URL (type url)`;
      break;
    case 'sha256':
      if (!/^[0-9a-f]{64}$/.test(text)) return `must be 64 lowercase hex digits (type sha256)`;
      break;
    case 'handle':
      if (!/^[^/\s]+\/\S+$/.test(text)) return `must be a handle prefix/suffix (type handle)`;
      break;
    case 'string':
      break;
  }
  if (item.type === 'integer' || item.type === 'number') {
    const n = Number(text);
    if (c.minimum !== undefined && n < c.minimum) return `must be at least ${c.minimum}`;
    if (c.maximum !== undefined && n > c.maximum) return `must be at most ${c.maximum}`;
  }
  if (c.minLength !== undefined && [...text].length < c.minLength) return `must be at least ${c.minLength} characters`;
  if (c.maxLength !== undefined && [...text].length > c.maxLength) return `must be at most ${c.maxLength} characters`;
  if (c.pattern !== undefined && !new RegExp(c.pattern, 'u').test(text)) return `must match the pattern ${c.pattern}`;
  if (c.enum !== undefined && !c.enum.includes(text)) return `must be one of ${c.enum.join(', ')}`;
  return undefined;
}

/** Converts an `items` object of the IDIS-style API to item text, naming wrong JSON types. */
export function itemText(item: TemplateItem, raw: unknown): string | { problem: string } {
  switch (typeof raw) {
    case 'string':
      return raw;
    case 'number':
      if (item.type === 'integer' || item.type === 'number') return String(raw);
      return { problem: `must be a ${item.type === 'boolean' ? 'boolean' : 'string'} (type ${item.type}), got a number` };
    case 'boolean':
      if (item.type === 'boolean') return String(raw);
      return { problem: `must be ${item.type === 'integer' || item.type === 'number' ? 'a number' : 'a string'} (type ${item.type}), got a boolean` };
    default:
      return { problem: `must be ${item.type === 'integer' || item.type === 'number' ? 'a number' : 'a string'} (type ${item.type}), got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}` };
  }
}

/** Reasons why a record's values do not satisfy the template (empty when they do). */
export function valuesProblems(template: Template, values: readonly HandleValue[]): string[] {
  const problems: string[] = [];
  const byName = new Map(template.items.map((item) => [item.name, item]));
  for (const value of values) {
    const item = byName.get(value.type);
    if (!item) {
      if (!STANDARD_TYPES.has(value.type)) problems.push(`value type "${value.type}" (index ${value.index}) is not an item of template ${template.id}`);
      continue;
    }
    if (value.index !== item.index) problems.push(`item ${item.name} must be at index ${item.index}, not ${value.index}`);
    if (value.data.format !== 'string') { problems.push(`item ${item.name} must have format "string"`); continue; }
    const problem = itemProblem(item, value.data.value as string);
    if (problem) problems.push(`item ${item.name}: ${problem}`);
  }
  for (const item of template.items) {
    if (item.required && !values.some((v) => v.type === item.name)) problems.push(`item ${item.name} is required by template ${template.id}`);
  }
  return problems;
}
