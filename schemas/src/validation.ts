// Validation core: one ajv instance (JSON Schema draft 2020-12 + formats) and the translation of
// ajv's errors into Gridspace's error form `INVALID_ARGUMENT: <field path>: <rule>`.
import ajvModule, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

const Ajv2020 = ajvModule.default;
const addFormats = formatsModule.default;

/** The shared ajv instance. Schemas may carry `errorRule`: the rule text to report when a `pattern` fails. */
export const ajv = new Ajv2020({ allErrors: false, strict: true, verbose: true, discriminator: true });
addFormats(ajv);
ajv.addKeyword({ keyword: 'errorRule', schemaType: 'string' });

/** A bad argument: `message` is `INVALID_ARGUMENT: <field>: <rule>`. */
export class InvalidArgumentError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`INVALID_ARGUMENT: ${field}: ${rule}`);
    this.name = 'InvalidArgumentError';
  }
}

/** Result of a validator: `ok` or the first broken rule (as InvalidArgumentError, not thrown). */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: InvalidArgumentError };

/** `/permissions/0/constraints/1` under root `policy` -> `policy.permissions[0].constraints[1]`. */
export function fieldPath(root: string, instancePath: string, child?: string): string {
  let path = root;
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (child !== undefined) segments.push(child);
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$@][\w$@-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

const FORMAT_RULES: Record<string, string> = {
  'date-time': 'must be a date-time',
  date: 'must be a date (YYYY-MM-DD)',
  uri: 'must be a URI',
  'uri-reference': 'must be a URI reference',
  email: 'must be an e-mail address',
};

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** One ajv error -> field path + rule a person can act on. */
export function translateAjvError(root: string, error: ErrorObject): InvalidArgumentError {
  const params = error.params as Record<string, unknown>;
  const at = (child?: string) => fieldPath(root, error.instancePath, child);
  switch (error.keyword) {
    case 'required':
      return new InvalidArgumentError(at(String(params.missingProperty)), 'is required');
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return new InvalidArgumentError(at(String(params.additionalProperty ?? params.unevaluatedProperty)), 'is not an allowed field');
    case 'type':
      return new InvalidArgumentError(at(), `must be ${article(String(params.type).replace(/,/g, ' or '))}`);
    case 'format':
      return new InvalidArgumentError(at(), FORMAT_RULES[String(params.format)] ?? `must be a ${String(params.format)}`);
    case 'enum':
      return new InvalidArgumentError(at(), `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`);
    case 'const':
      return new InvalidArgumentError(at(), `must be ${JSON.stringify(params.allowedValue)}`);
    case 'pattern': {
      const parent = error.parentSchema as { errorRule?: string } | undefined;
      return new InvalidArgumentError(at(), parent?.errorRule ?? `must match the pattern ${String(params.pattern)}`);
    }
    case 'minLength':
      return new InvalidArgumentError(at(), Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`);
    case 'maxLength':
      return new InvalidArgumentError(at(), `must be at most ${String(params.limit)} characters`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return new InvalidArgumentError(at(), `must be ${String(params.comparison)} ${String(params.limit)}`);
    case 'minItems':
      return new InvalidArgumentError(at(), `must have at least ${String(params.limit)} item${Number(params.limit) === 1 ? '' : 's'}`);
    case 'maxItems':
      return new InvalidArgumentError(at(), `must have at most ${String(params.limit)} items`);
    case 'uniqueItems':
      return new InvalidArgumentError(at(), 'must not contain duplicates');
    case 'discriminator':
      if (params.error === 'mapping') {
        const branches = ((error.parentSchema as { oneOf?: Array<{ properties?: Record<string, { const?: unknown }> }> })?.oneOf ?? [])
          .map((branch) => branch.properties?.[String(params.tag)]?.const)
          .filter((value) => value !== undefined);
        return new InvalidArgumentError(at(String(params.tag)), `must be one of: ${branches.map(String).join(', ')}`);
      }
      if (params.error === 'tag') return new InvalidArgumentError(at(String(params.tag)), 'must be a string');
      return new InvalidArgumentError(at(String(params.tag)), 'is required');
    default:
      return new InvalidArgumentError(at(), error.message ?? `breaks the rule ${error.keyword}`);
  }
}

/** A semantic check beyond JSON Schema: returns the first broken rule, or undefined. */
export type SemanticCheck<T> = (value: T, root: string) => InvalidArgumentError | undefined;

export interface Validator<T> {
  /** Validate without throwing. */
  validate(value: unknown, root?: string): ValidationResult<T>;
  /** Validate and throw InvalidArgumentError on the first broken rule. */
  assert(value: unknown, root?: string): T;
  /** Parse JSON text (as contract arguments arrive) and validate. */
  parse(json: string, root?: string): T;
  readonly schema: object;
}

/** Compiles a schema (plus optional semantic checks) into a Validator reporting `<root>.<path>: <rule>`. */
export function createValidator<T>(schema: object, defaultRoot: string, semantic?: SemanticCheck<T>): Validator<T> {
  const compiled: ValidateFunction = ajv.compile(schema);
  const validate = (value: unknown, root = defaultRoot): ValidationResult<T> => {
    if (!compiled(value)) return { ok: false, error: translateAjvError(root, compiled.errors![0]!) };
    const semanticError = semantic?.(value as T, root);
    if (semanticError) return { ok: false, error: semanticError };
    return { ok: true, value: value as T };
  };
  const assert = (value: unknown, root = defaultRoot): T => {
    const result = validate(value, root);
    if (!result.ok) throw result.error;
    return result.value;
  };
  const parse = (json: string, root = defaultRoot): T => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new InvalidArgumentError(root, 'must be valid JSON');
    }
    return assert(value, root);
  };
  return { validate, assert, parse, schema };
}
