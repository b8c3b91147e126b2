// Small pieces the identifier pages share: a status box whose text keeps the default (AA) text
// colour with the outcome in a coloured edge and a symbol, and vocabulary words (CBV business
// steps, dispositions) shown translated when the catalog knows them, as recorded otherwise.
import type { ReactNode } from 'react';
import { Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type Outcome = 'ok' | 'bad' | 'wait' | 'info';
const EDGE: Record<Outcome, string> = { ok: 'var(--mantine-color-green-8)', bad: 'var(--mantine-color-red-8)', wait: 'var(--mantine-color-yellow-7)', info: 'var(--mantine-color-blue-8)' };
const SYMBOL: Record<Outcome, string> = { ok: '✓', bad: '✗', wait: '…', info: 'i' };

export function StatusBox({ outcome, title, children, testId, live = true }: { outcome: Outcome; title: ReactNode; children?: ReactNode; testId?: string; live?: boolean }) {
  const role = !live ? undefined : outcome === 'bad' ? 'alert' : 'status';
  return (
    <Paper withBorder p="sm" role={role} data-testid={testId} data-outcome={outcome} style={{ borderLeft: `6px solid ${EDGE[outcome]}` }}>
      <Text fw={700}>
        <span aria-hidden="true">{SYMBOL[outcome]} </span>
        {title}
      </Text>
      {children}
    </Paper>
  );
}

/** A word of a controlled vocabulary: translated when the catalog has it, else as recorded. */
export function useVocabulary() {
  const { t, i18n } = useTranslation('identifiers');
  return (group: 'bizStep' | 'disposition' | 'relation' | 'eventType', value: string | null | undefined): string => {
    if (!value) return '—';
    const word = value.replace(/^urn:epcglobal:cbv:(bizstep|disp):/, '').replace(/^https:\/\/ref\.gs1\.org\/cbv\/(BizStep|Disp)-/, '');
    const key = `vocabulary.${group}.${word}`;
    return i18n.exists(key, { ns: 'identifiers' }) ? t(key) : value;
  };
}
