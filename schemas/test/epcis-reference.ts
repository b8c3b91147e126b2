// Test support: GS1's EPCIS reference files (../shared/reference/epcis beside the repository, in
// CI as here) and an independent GS1 oracle built from that file, not from our embedded copy.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

/** The repository root: the nearest folder above this file whose package.json has workspaces. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json with workspaces above the test file');
    dir = parent;
  }
}

export const EPCIS_REFERENCE_DIR = join(repositoryRoot(), '..', 'shared', 'reference', 'epcis');

export function referenceSchema(): AnySchemaObject {
  return JSON.parse(readFileSync(join(EPCIS_REFERENCE_DIR, 'EPCIS-JSON-Schema.json'), 'utf8')) as AnySchemaObject;
}

export interface Example {
  file: string;
  document: Record<string, unknown>;
}

export function referenceExamples(): Example[] {
  const dir = join(EPCIS_REFERENCE_DIR, 'examples');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jsonld'))
    .sort()
    .map((file) => ({ file, document: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown> }));
}

/** GS1's schema run the way GS1's README says (ajv 8 + ajv-formats), as the judge of validity. */
export interface Gs1Oracle {
  document: ValidateFunction;
  documentEvent: ValidateFunction;
  uri: ValidateFunction;
}

let oracle: Gs1Oracle | undefined;

export function gs1Oracle(): Gs1Oracle {
  if (oracle) return oracle;
  const schema = referenceSchema();
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsPlugin.default as unknown as (instance: Ajv) => Ajv)(ajv);
  ajv.addSchema(schema);
  const id = schema.$id as string;
  oracle = {
    document: ajv.getSchema(id) as ValidateFunction,
    documentEvent: ajv.getSchema(`${id}#/definitions/EPCIS-Document-Event`) as ValidateFunction,
    uri: ajv.getSchema(`${id}#/definitions/uri`) as ValidateFunction,
  };
  return oracle;
}
