// `gridspace trace ...`: EPCIS 2.0 events of identified objects on the ledger, recorded as the
// org of --as (custody rules of the traceability contract apply) and shown in event-time order.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { action, CliError, dataDir, gatewayQuery, runningNetwork, tokenFor } from './context.js';
import { count, emit, table, when } from './output.js';

interface Recorded {
  eventId: string;
  txId: string;
  blockNumber: number;
}

interface Trace {
  events: Array<{ eventId: string; type: string; eventTime: string; bizStep?: string | null; disposition?: string | null; recordedBy: string; txId: string }>;
  state: { owner?: string | null; custodian?: string | null; disposition?: string | null; bizLocation?: string | null; recalled?: boolean | null } | null;
}

/** The trace for people: where the object is, then its events in event-time order. */
export function traceText(handle: string, trace: Trace | null): string {
  if (!trace || (!trace.events.length && !trace.state)) return `no trace events of ${handle}`;
  const state = trace.state;
  const where = state
    ? [`owner ${state.owner ?? '-'}`, `custodian ${state.custodian ?? '-'}`, state.disposition ? `disposition ${state.disposition}` : '', state.bizLocation ? `at ${state.bizLocation}` : '', state.recalled ? 'RECALLED' : ''].filter(Boolean).join(', ')
    : 'no custody state';
  const events = table(
    ['TIME', 'TYPE', 'STEP', 'DISPOSITION', 'BY', 'TX'],
    trace.events.map((e) => [when(e.eventTime), e.type, e.bizStep, e.disposition, e.recordedBy, e.txId.slice(0, 12)]),
  );
  return `${handle}: ${where}\n${count(trace.events.length, 'event')}:\n${events}`;
}

interface RecordOptions {
  as: string;
  file?: string;
  bizStep?: string;
  disposition?: string;
  location?: string;
  shipTo?: string;
  time?: string;
}

/** An ObjectEvent about one identifier from the flags. */
export function objectEvent(handle: string, options: RecordOptions): Record<string, unknown> {
  if (!options.bizStep) throw new CliError('--biz-step: required without --file (e.g. commissioning, shipping, receiving, inspecting)');
  const time = options.time ? Date.parse(options.time) : Date.now();
  if (Number.isNaN(time)) throw new CliError(`--time: "${options.time}" is not a date-time`);
  return {
    type: 'ObjectEvent',
    action: options.bizStep === 'commissioning' ? 'ADD' : 'OBSERVE',
    eventTime: new Date(time + 8 * 3600_000).toISOString().replace('Z', '+08:00'),
    eventTimeZoneOffset: '+08:00',
    epcList: [`info:hdl/${handle}`],
    bizStep: options.bizStep,
    ...(options.disposition ? { disposition: options.disposition } : {}),
    ...(options.location ? { bizLocation: { id: options.location } } : {}),
    ...(options.shipTo ? { destinationList: [{ type: 'possessing_party', destination: `urn:gridspace:org:${options.shipTo}` }] } : {}),
  };
}

export function traceCommands(root: Command): void {
  const trace = root.command('trace').description('EPCIS trace events on the ledger: record, show');

  trace
    .command('record')
    .description('record an EPCIS event: an ObjectEvent about <handle> from the flags, or any event from --file')
    .argument('[handle]', 'identifier the event is about, e.g. 88.188.1001/TX2026-000001')
    .option('--as <org>', 'recording org', 'tx-maker')
    .option('--file <event.json>', 'an EPCIS 2.0 event as JSON')
    .option('--biz-step <step>', 'CBV business step: commissioning, shipping, receiving, installing, inspecting, ...')
    .option('--disposition <disposition>', 'CBV disposition: active, in_transit, in_progress, recalled, ...')
    .option('--location <urn>', 'business location, e.g. urn:gridspace:site:foshan-works')
    .option('--ship-to <org>', 'destination org of a shipping event')
    .option('--time <iso>', 'event time (default: now)')
    .action(
      action(async (handle: string | undefined, options: RecordOptions, command: Command) => {
        let event: unknown;
        if (options.file) {
          try {
            event = JSON.parse(readFileSync(options.file, 'utf8'));
          } catch (error) {
            throw new CliError(`--file: ${options.file} is not a readable JSON file (${(error as Error).message})`);
          }
        } else {
          if (!handle) throw new CliError('handle: required without --file');
          event = objectEvent(handle, options);
        }
        const dir = dataDir(command);
        const data = await gatewayQuery<{ recordTraceEvent: Recorded }>(runningNetwork(dir), await tokenFor(dir, { org: options.as }), 'mutation($e: JSON!) { recordTraceEvent(event: $e) { eventId txId blockNumber } }', { e: event });
        const type = (event as { type?: unknown } | null)?.type;
        emit(command, data.recordTraceEvent, (r) => `recorded ${typeof type === 'string' ? type : 'event'} ${r.eventId} (block ${r.blockNumber}, tx ${r.txId})`);
      }),
    );

  trace
    .command('show')
    .description('the trace of an identifier: its events, custody and provenance')
    .argument('<handle>', 'e.g. 88.188.1001/TX2026-000001')
    .option('--as <org>', 'reading org', 'gd-grid')
    .action(
      action(async (handle: string, options: { as: string }, command: Command) => {
        const dir = dataDir(command);
        const data = await gatewayQuery<{ trace: Trace | null }>(
          runningNetwork(dir),
          await tokenFor(dir, { org: options.as }),
          'query($h: String!) { trace(handle: $h) { events { eventId type eventTime bizStep disposition recordedBy txId } state { owner custodian disposition bizLocation recalled } } }',
          { h: handle },
        );
        emit(command, data.trace, (trace) => traceText(handle, trace));
      }),
    );
}
