// Register identifiers (suppliers): upload a CSV, pick the enterprise prefix and template, check
// the preview, register. Large files go to the node in several batches (it takes up to 2,000 per
// batch; the page sends 1,000). Each batch is all or nothing at the node: a refused batch leaves
// nothing registered, and its answer names every failing row with the rule it broke. Batches that
// were registered by an earlier upload of the same file are recognised and skipped, as the CLI does.
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, FileInput, Group, List, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSession, useSessionState } from '../auth/session';
import { NodeError, listPrefixes, listTemplates, registerBatch, type Template } from '../api/handles';
import { formatNumber } from '../i18n';
import { CsvError, parseIdentifierCsv, type CsvRow, type ParsedCsv } from '../identifiers/csv';
import { StatusBox } from '../identifiers/ui';

/** Identifiers per request; the node allows up to 2,000 (MAX_BATCH in identity-resolver). */
export const BATCH_SIZE = 1000;
const PREVIEW_ROWS = 10;

interface RowError {
  row: number;
  handle?: string;
  reason: string;
}

type Run =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number; batch: number; batches: number }
  | { phase: 'done'; registered: number; skipped: number; batchIds: string[]; firstHandle: string }
  | { phase: 'refused'; batch: number; batches: number; firstRow: number; lastRow: number; registered: number; message: string; errors: RowError[] };

export default function RegisterBatch() {
  const { t, i18n } = useTranslation('identifiers');
  const session = useSession();
  const { markExpired } = useSessionState();
  const lang = i18n.language;
  const prefixes = useQuery({ queryKey: ['node', 'prefixes'], queryFn: listPrefixes });
  const templates = useQuery({ queryKey: ['node', 'templates'], queryFn: listTemplates });
  const mine = useMemo(() => (prefixes.data ?? []).filter((p) => p.ownerOrg === session.org.id || p.delegates.includes(session.org.id)), [prefixes.data, session.org.id]);
  const [prefix, setPrefix] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState<string>();
  const [readError, setReadError] = useState<string>();
  const [run, setRun] = useState<Run>({ phase: 'idle' });

  const chosenPrefix = prefix ?? mine[0]?.prefix ?? null;
  const prefixRow = mine.find((p) => p.prefix === chosenPrefix);
  const effectiveTemplateId = templateId ?? prefixRow?.defaultTemplate ?? null;
  const template: Template | undefined = templates.data?.find((tpl) => tpl.id === effectiveTemplateId);

  const csv = useMemo((): { parsed?: ParsedCsv; error?: CsvError | Error } => {
    if (text === undefined) return {};
    try {
      return { parsed: parseIdentifierCsv(text, chosenPrefix ?? undefined) };
    } catch (error) {
      return { error: error as Error };
    }
  }, [text, chosenPrefix]);

  const chooseFile = (next: File | null) => {
    setFile(next);
    setRun({ phase: 'idle' });
    setText(undefined);
    setReadError(undefined);
    if (next) void next.text().then(setText, (error: Error) => setReadError(error.message));
  };

  const register = async () => {
    const rows = csv.parsed?.rows;
    if (!rows) return;
    const batches = Math.ceil(rows.length / BATCH_SIZE);
    let registered = 0;
    let skipped = 0;
    const batchIds: string[] = [];
    setRun({ phase: 'running', done: 0, total: rows.length, batch: 1, batches });
    for (let b = 0; b < batches; b++) {
      const chunk: CsvRow[] = rows.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE);
      setRun({ phase: 'running', done: registered + skipped, total: rows.length, batch: b + 1, batches });
      try {
        const result = await registerBatch(session.accessToken, { identifiers: chunk.map((r) => ({ handle: r.handle, items: r.items })), ...(templateId ? { template: templateId } : {}) });
        registered += result.count;
        batchIds.push(result.batchId);
      } catch (error) {
        const refusal = error instanceof NodeError ? error : new NodeError((error as Error).message, 0, undefined);
        if (refusal.status === 401) markExpired();
        // Every identifier of this batch exists already: an earlier upload registered it (batches are atomic).
        if (refusal.status === 409 && refusal.errors.length === chunk.length && refusal.errors.every((e) => e.reason === 'handle already exists')) {
          skipped += chunk.length;
          continue;
        }
        const errors = refusal.errors.map((e) => ({ row: chunk[e.item]?.row ?? b * BATCH_SIZE + e.item + 1, handle: e.handle ?? chunk[e.item]?.handle, reason: e.reason }));
        setRun({ phase: 'refused', batch: b + 1, batches, firstRow: chunk[0]!.row, lastRow: chunk[chunk.length - 1]!.row, registered, message: refusal.message, errors });
        return;
      }
    }
    setRun({ phase: 'done', registered, skipped, batchIds, firstHandle: rows[0]!.handle });
  };

  if (prefixes.isPending || templates.isPending) return <Text role="status">{t('register.loading')}</Text>;
  if (prefixes.isError || templates.isError) return <StatusBox outcome="bad" title={t('register.nodeFailed', { reason: (prefixes.error ?? templates.error)?.message })} />;

  const running = run.phase === 'running';
  const parsed = csv.parsed;
  const columns = parsed ? (template ? [...template.items.map((i) => i.name).filter((n) => parsed.itemColumns.includes(n)), ...parsed.itemColumns.filter((c) => !template.items.some((i) => i.name === c))] : parsed.itemColumns) : [];
  const missingRequired = parsed && template ? template.items.filter((i) => i.required && !parsed.itemColumns.includes(i.name)).map((i) => i.name) : [];

  return (
    <Stack gap="lg">
      <Title order={2}>{t('register.title')}</Title>
      <Text>{t('register.intro')}</Text>
      <StatusBox outcome="info" live={false} title={t('register.atomicTitle')}>
        <Text>{t('register.atomic', { size: formatNumber(BATCH_SIZE, lang) })}</Text>
      </StatusBox>
      {mine.length === 0 ? (
        <StatusBox outcome="info" title={t('register.noPrefix', { org: session.org.name })} />
      ) : (
        <>
          <section aria-labelledby="register-settings">
            <Title order={3} id="register-settings" mb="xs">
              {t('register.settings')}
            </Title>
            <Group align="flex-start" wrap="wrap">
              <Select
                label={t('register.prefix')}
                data={mine.map((p) => ({ value: p.prefix, label: p.prefix }))}
                value={chosenPrefix}
                onChange={(value) => setPrefix(value)}
                allowDeselect={false}
                disabled={running}
                w={240}
                comboboxProps={{ withinPortal: true }}
              />
              <Select
                label={t('register.template')}
                description={prefixRow?.defaultTemplate ? t('register.templateDefault', { template: prefixRow.defaultTemplate }) : t('register.templateNone')}
                data={(templates.data ?? []).map((tpl) => ({ value: tpl.id, label: `${tpl.name} (${tpl.id})` }))}
                value={effectiveTemplateId}
                onChange={(value) => setTemplateId(value)}
                allowDeselect={false}
                disabled={running}
                w={320}
                comboboxProps={{ withinPortal: true }}
              />
            </Group>
            <Text mt="sm">{t('register.columns')}</Text>
            {template && (
              <Table withTableBorder mt="xs" w={{ base: '100%', sm: 720 }} data-testid="template-items">
                <Table.Caption>{t('register.itemsCaption', { template: template.name })}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('register.itemColumn')}</Table.Th>
                    <Table.Th scope="col">{t('register.itemType')}</Table.Th>
                    <Table.Th scope="col">{t('register.itemRequired')}</Table.Th>
                    <Table.Th scope="col">{t('register.itemDescription')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {template.items.map((item) => (
                    <Table.Tr key={item.name}>
                      <Table.Td>
                        <code>{item.name}</code>
                      </Table.Td>
                      <Table.Td>{i18n.exists(`register.types.${item.type}`, { ns: 'identifiers' }) ? t(`register.types.${item.type}`) : item.type}</Table.Td>
                      <Table.Td>{item.required ? t('register.required') : t('register.optional')}</Table.Td>
                      <Table.Td>{item.description ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </section>

          <section aria-labelledby="register-file">
            <Title order={3} id="register-file" mb="xs">
              {t('register.fileTitle')}
            </Title>
            <FileInput
              label={t('register.file')}
              description={t('register.fileHint')}
              placeholder={t('register.filePlaceholder')}
              styles={{ placeholder: { color: 'var(--mantine-color-gray-7)' } }}
              accept=".csv,text/csv"
              value={file}
              onChange={chooseFile}
              clearable
              clearButtonProps={{ 'aria-label': t('register.clearFile') }}
              disabled={running}
              w={{ base: '100%', sm: 480 }}
            />
          </section>

          {readError && <StatusBox outcome="bad" title={t('register.unreadable', { file: file?.name ?? '', reason: readError })} />}
          {csv.error && (
            <StatusBox outcome="bad" testId="csv-error" title={t('register.csvInvalid', { file: file?.name ?? '' })}>
              <List>
                {csv.error instanceof CsvError ? (
                  csv.error.problems.slice(0, 20).map((p, i) => <List.Item key={i}>{t(`register.csv.${p.code}`, { ...p, row: 'row' in p ? formatNumber(p.row, lang) : '' })}</List.Item>)
                ) : (
                  <List.Item>{csv.error.message}</List.Item>
                )}
              </List>
            </StatusBox>
          )}

          {parsed && (
            <section aria-labelledby="register-preview">
              <Title order={3} id="register-preview" mb="xs">
                {t('register.previewTitle')}
              </Title>
              <Text mb="xs" data-testid="preview-summary">
                {t('register.previewSummary', { count: parsed.rows.length, rows: formatNumber(parsed.rows.length, lang), batches: formatNumber(Math.ceil(parsed.rows.length / BATCH_SIZE), lang) })}
              </Text>
              {missingRequired.length > 0 && <StatusBox outcome="info" live={false} title={t('register.missingColumns', { columns: missingRequired.join(', ') })} />}
              <Table.ScrollContainer minWidth={640}>
                <Table striped withTableBorder data-testid="preview-table">
                  <Table.Caption>{t('register.previewCaption', { shown: formatNumber(Math.min(PREVIEW_ROWS, parsed.rows.length), lang), rows: formatNumber(parsed.rows.length, lang) })}</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('register.row')}</Table.Th>
                      <Table.Th scope="col">{t('register.handle')}</Table.Th>
                      {columns.map((c) => (
                        <Table.Th scope="col" key={c}>
                          {c}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {parsed.rows.slice(0, PREVIEW_ROWS).map((r) => (
                      <Table.Tr key={r.row}>
                        <Table.Td>{formatNumber(r.row, lang)}</Table.Td>
                        <Table.Td>{r.handle}</Table.Td>
                        {columns.map((c) => (
                          <Table.Td key={c} style={{ wordBreak: 'break-all' }}>
                            {r.items[c]}
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group mt="md">
                <Button onClick={() => void register()} loading={running} disabled={running}>
                  {t('register.submit', { count: parsed.rows.length, rows: formatNumber(parsed.rows.length, lang) })}
                </Button>
              </Group>
            </section>
          )}

          <RunStatus run={run} />
        </>
      )}
    </Stack>
  );
}

function RunStatus({ run }: { run: Run }) {
  const { t, i18n } = useTranslation('identifiers');
  const lang = i18n.language;
  if (run.phase === 'idle') return null;
  if (run.phase === 'running') {
    const percent = run.total === 0 ? 0 : Math.round((run.done / run.total) * 100);
    const label = t('register.progress', { batch: formatNumber(run.batch, lang), batches: formatNumber(run.batches, lang), done: formatNumber(run.done, lang), total: formatNumber(run.total, lang) });
    return (
      <Stack gap="xs">
        <Progress value={percent} aria-label={t('register.progressLabel')} size="lg" animated />
        <Text role="status" data-testid="register-progress">
          {label}
        </Text>
      </Stack>
    );
  }
  if (run.phase === 'done') {
    return (
      <StatusBox outcome="ok" testId="register-result" title={t('register.done', { count: run.registered, registered: formatNumber(run.registered, lang), batches: formatNumber(run.batchIds.length, lang) })}>
        {run.skipped > 0 && <Text>{t('register.skipped', { count: run.skipped, skipped: formatNumber(run.skipped, lang) })}</Text>}
        {run.batchIds.length > 0 && <Text style={{ wordBreak: 'break-all' }}>{t('register.batchIds', { ids: run.batchIds.join(', ') })}</Text>}
        <Anchor component={Link} to={`/identifiers?${new URLSearchParams({ handle: run.firstHandle })}`}>
          {t('register.lookUp', { handle: run.firstHandle })}
        </Anchor>
      </StatusBox>
    );
  }
  return (
    <Stack gap="sm">
      <StatusBox outcome="bad" testId="register-result" title={t('register.refused', { batch: formatNumber(run.batch, lang), batches: formatNumber(run.batches, lang), first: formatNumber(run.firstRow, lang), last: formatNumber(run.lastRow, lang) })}>
        <Text>{t('register.nothingRegistered')}</Text>
        {run.registered > 0 && <Text>{t('register.earlierRegistered', { count: run.registered, registered: formatNumber(run.registered, lang) })}</Text>}
        <Text>{t('register.nodeSaid', { message: run.message })}</Text>
      </StatusBox>
      {run.errors.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table withTableBorder data-testid="row-errors">
            <Table.Caption>{t('register.errorsCaption', { count: run.errors.length, errors: formatNumber(run.errors.length, lang) })}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('register.row')}</Table.Th>
                <Table.Th scope="col">{t('register.handle')}</Table.Th>
                <Table.Th scope="col">{t('register.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {run.errors.map((e) => (
                <Table.Tr key={`${e.row} ${e.reason}`}>
                  <Table.Td>{formatNumber(e.row, lang)}</Table.Td>
                  <Table.Td>{e.handle ?? '—'}</Table.Td>
                  <Table.Td>{e.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
