// GS1's 47 EPCIS 2.0 example documents (../shared/reference/epcis beside the repository): once
// their objects carry Gridspace identifiers, the traceability contract ingests every event.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { documentEvents, rewriteEventObjects, type AnyEpcisDocument, type EpcisEvent } from '@gridspace/schemas';
import type { Ledger } from '../../src/index.js';
import { assignFreshPrefix, evaluate, openLedgerWithOrganizations, submit } from './support.js';

function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !('workspaces' in JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')))) dir = dirname(dir);
  return join(dir, '..', 'shared', 'reference', 'epcis', 'examples');
}

describe('GS1 EPCIS 2.0 examples on the traceability contract', () => {
  let ledger: Ledger;
  let prefix: string;
  before(async () => {
    ledger = await openLedgerWithOrganizations();
    prefix = await assignFreshPrefix(ledger);
  });
  after(async () => ledger.close());

  it('ingests every event of every example document, recorded by the owner of the prefix', async () => {
    const files = readdirSync(examplesDir()).filter((f) => f.endsWith('.jsonld')).sort();
    assert.equal(files.length, 47);
    let total = 0;
    for (const [n, file] of files.entries()) {
      const doc = JSON.parse(readFileSync(join(examplesDir(), file), 'utf8')) as AnyEpcisDocument;
      // Each document gets its own identifiers and event ids, so documents never collide.
      const ids = new Map<string, string>();
      const mapId = (id: string) => {
        if (!ids.has(id)) ids.set(id, `info:hdl/${prefix}/D${n}-${createHash('sha256').update(id).digest('hex').slice(0, 12)}`);
        return ids.get(id)!;
      };
      const eventIds = new Map<string, string>();
      const mapEventId = (id: string) => {
        if (!eventIds.has(id)) eventIds.set(id, `urn:uuid:${randomUUID()}`);
        return eventIds.get(id)!;
      };
      const events = documentEvents(doc).map((event) => {
        const rewritten = rewriteEventObjects(event, mapId) as EpcisEvent & Record<string, unknown>;
        if (typeof rewritten.eventID === 'string') rewritten.eventID = mapEventId(rewritten.eventID);
        const declaration = rewritten.errorDeclaration as { correctiveEventIDs?: string[] } | undefined;
        if (declaration?.correctiveEventIDs) declaration.correctiveEventIDs = declaration.correctiveEventIDs.map(mapEventId);
        return rewritten;
      });
      try {
        const recorded = await submit<unknown[]>(ledger, { identity: 'supplier', fn: 'Traceability:RecordEvents', args: [events] });
        assert.equal(recorded.value.length, events.length);
      } catch (error) {
        assert.fail(`${file}: ${String(error)}`);
      }
      total += events.length;
      for (const someObject of [...ids.values()].slice(0, 1)) {
        const history = await evaluate<unknown[]>(ledger, { identity: 'agency', fn: 'Traceability:EventsOf', args: [someObject] });
        assert.ok(history.length >= 1, `${file}: events of ${someObject}`);
      }
    }
    assert.ok(total >= 47);
  });
});
