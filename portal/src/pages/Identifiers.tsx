// Identifiers: look up any handle and see, on one page, what J4 asks for — its signed values,
// the signature checked in this browser up to the top-level node's root key, the record's Merkle
// proof checked against the ledger's anchor, and (in one GraphQL query through the gateway, shown)
// its trace, custody now, provenance up and down and the supplier's datasheet. The handle is in
// the URL (?handle=…&auth=true), so a lookup can be linked and bookmarked.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Anchor, Button, Checkbox, Code, Group, Loader, Stack, Table, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSession, useSessionState } from '../auth/session';
import { config } from '../config';
import { GatewayError, graphql } from '../api/gateway';
import { NodeError, RC, handleProof, resolveHandle, type HandleAnswer, type HandleValue } from '../api/handles';
import { formatDateTime, formatNumber } from '../i18n';
import { J4_QUERY, PROOF_CHECK_QUERY, type J4Answer, type ProofCheckAnswer, type Datasheet, type ProvenanceLink, type TracedState } from '../identifiers/queries';
import { SignatureProblem, fetchRootKeys, merkleRootOf, recordLeafHash, unsignedValues, verifySignedAnswer } from '../identifiers/verify';
import { StatusBox, useVocabulary } from '../identifiers/ui';

/** How long the page keeps asking the ledger for a batch's anchor before leaving it to the user. */
const ANCHOR_POLL_MS = 2_000;
const ANCHOR_POLL_TIMES = 30;

/** prefix/suffix with both parts present; the node checks the rest and says why. */
export const looksLikeHandle = (handle: string) => /^[^/\s]+\/\S/.test(handle) && !handle.endsWith('/');

const lookupHref = (handle: string) => `/identifiers?${new URLSearchParams({ handle })}`;

export default function Identifiers() {
  const { t } = useTranslation('identifiers');
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const handle = (params.get('handle') ?? '').trim();
  const authoritative = params.get('auth') === 'true';
  const [text, setText] = useState(handle);
  const [auth, setAuth] = useState(authoritative);
  useEffect(() => {
    setText(handle);
    setAuth(authoritative);
  }, [handle, authoritative]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = text.trim();
    if (next === handle && auth === authoritative) {
      void queryClient.invalidateQueries({ queryKey: ['identifier', handle] });
      return;
    }
    setParams(next ? { handle: next, ...(auth ? { auth: 'true' } : {}) } : {});
  };

  return (
    <Stack gap="lg">
      <Title order={2}>{t('lookup.title')}</Title>
      <Text>{t('lookup.intro')}</Text>
      <form onSubmit={submit} role="search" aria-label={t('lookup.formLabel')}>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('lookup.handle')}
            description={t('lookup.handleHint')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={{ base: '100%', sm: 420 }}
            autoComplete="off"
            spellCheck={false}
          />
          <Checkbox label={t('lookup.authoritative')} description={t('lookup.authoritativeHint')} checked={auth} onChange={(e) => setAuth(e.currentTarget.checked)} />
          <Button type="submit">{t('lookup.submit')}</Button>
        </Group>
      </form>
      {handle && <Lookup key={`${handle} ${authoritative}`} handle={handle} authoritative={authoritative} />}
    </Stack>
  );
}

function lookupError(error: unknown, handle: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (error instanceof NodeError) {
    if (error.responseCode === RC.HANDLE_NOT_FOUND || error.status === 404) return t('errors.notFound', { handle });
    if (error.responseCode === RC.INVALID_HANDLE) return t('errors.invalid', { handle, reason: error.message });
    if (error.responseCode === RC.VALUES_NOT_FOUND) return t('errors.noValues', { handle });
    if (error.responseCode === RC.SERVER_NOT_RESP) return t('errors.notResponsible', { handle, reason: error.message });
    if (error.status === 0) return t('errors.unreachable', { reason: error.message });
    return t('errors.other', { status: error.status, reason: error.message });
  }
  return t('errors.other', { status: '—', reason: (error as Error).message });
}

function Lookup({ handle, authoritative }: { handle: string; authoritative: boolean }) {
  const { t } = useTranslation('identifiers');
  const resolution = useQuery({
    queryKey: ['identifier', handle, 'resolve', authoritative],
    queryFn: () => resolveHandle(handle, { authoritative, signed: true }),
    enabled: looksLikeHandle(handle),
    staleTime: authoritative ? 0 : 5_000,
  });
  if (!looksLikeHandle(handle)) {
    return <StatusBox outcome="bad" testId="lookup-error" title={t('errors.invalid', { handle, reason: t('errors.invalidShape') })} />;
  }
  if (resolution.isPending) return <Waiting label={t('lookup.resolving', { handle })} />;
  if (resolution.isError) return <StatusBox outcome="bad" testId="lookup-error" title={lookupError(resolution.error, handle, t)} />;
  const answer = resolution.data;
  return (
    <Stack gap="xl">
      <section aria-labelledby="record-heading">
        <Title order={3} id="record-heading" mb="xs">
          {t('record.title', { handle: answer.handle })}
        </Title>
        <Text mb="xs">{authoritative ? t('record.fromAuthoritative') : t('record.fromNode')}</Text>
        <ValuesTable values={answer.values} />
      </section>
      <SignatureSection answer={answer} />
      <ProofSection answer={answer} authoritative={authoritative} />
      <JourneySection handle={answer.handle} />
    </Stack>
  );
}

function Waiting({ label }: { label: string }) {
  return (
    <Group role="status" gap="xs">
      <Loader size="sm" aria-hidden="true" />
      <Text>{label}</Text>
    </Group>
  );
}

const valueText = (v: HandleValue) => (typeof v.data.value === 'string' ? v.data.value : JSON.stringify(v.data.value));

function ValuesTable({ values }: { values: HandleValue[] }) {
  const { t, i18n } = useTranslation('identifiers');
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped withTableBorder data-testid="values-table">
        <Table.Caption>{t('record.caption')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('record.index')}</Table.Th>
            <Table.Th scope="col">{t('record.type')}</Table.Th>
            <Table.Th scope="col">{t('record.value')}</Table.Th>
            <Table.Th scope="col">{t('record.ttl')}</Table.Th>
            <Table.Th scope="col">{t('record.timestamp')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {values.map((v) => (
            <Table.Tr key={v.index}>
              <Table.Td>{formatNumber(v.index, i18n.language)}</Table.Td>
              <Table.Td>
                <Code>{v.type}</Code>
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all', maxWidth: 520 }}>{valueText(v)}</Table.Td>
              <Table.Td>{v.ttl === undefined ? '—' : t('record.seconds', { value: formatNumber(v.ttl, i18n.language) })}</Table.Td>
              <Table.Td>{formatDateTime(v.timestamp, i18n.language)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function SignatureSection({ answer }: { answer: HandleAnswer }) {
  const { t, i18n } = useTranslation('identifiers');
  const rootUrl = `${config().topLevelUrl.replace(/\/$/, '')}/.well-known/jwks.json`;
  const signature = useQuery({
    queryKey: ['identifier', answer.handle, 'signature', answer.values.find((v) => v.type === 'HS_SIGNATURE')?.data.value],
    queryFn: async () => verifySignedAnswer(answer, await fetchRootKeys(config().topLevelUrl)),
    staleTime: Infinity,
  });
  return (
    <section aria-labelledby="signature-heading">
      <Title order={3} id="signature-heading" mb="xs">
        {t('signature.title')}
      </Title>
      <Text mb="xs">{t('signature.how', { url: rootUrl })}</Text>
      {signature.isPending && <Waiting label={t('signature.checking')} />}
      {signature.isError && (
        <StatusBox outcome="bad" testId="signature-result" title={t('signature.invalid')}>
          <Text>{signature.error instanceof SignatureProblem ? t(`signature.problem.${signature.error.code}`, signature.error.detail) : signature.error.message}</Text>
        </StatusBox>
      )}
      {signature.isSuccess && (
        <StatusBox outcome="ok" testId="signature-result" title={t('signature.valid')}>
          <Text>{t('signature.chain', { signer: signature.data.signer, certifiedPrefix: signature.data.certifiedPrefix, certifiedBy: signature.data.certifiedBy })}</Text>
          <Text>{t('signature.when', { signedAt: formatDateTime(signature.data.signedAt, i18n.language), expiresAt: formatDateTime(signature.data.expiresAt, i18n.language) })}</Text>
          <Text>{t('signature.site', { site: signature.data.site })}</Text>
        </StatusBox>
      )}
    </section>
  );
}

function ProofSection({ answer, authoritative }: { answer: HandleAnswer; authoritative: boolean }) {
  const { t, i18n } = useTranslation('identifiers');
  const { accessToken } = useSession();
  const proof = useQuery({
    queryKey: ['identifier', answer.handle, 'proof', authoritative],
    queryFn: async () => {
      const p = await handleProof(answer.handle, { authoritative });
      const [root, leaf] = await Promise.all([merkleRootOf(p.leaf, p.path), recordLeafHash(answer.handle, unsignedValues(answer.values))]);
      return { ...p, pathValid: root === p.merkleRoot, sameAsShown: leaf === p.leaf };
    },
  });
  const ledger = useQuery({
    queryKey: ['identifier', answer.handle, 'ledger-check', proof.data?.batchId, proof.data?.leaf],
    enabled: proof.isSuccess,
    queryFn: ({ signal }) =>
      graphql<ProofCheckAnswer>({ token: accessToken, query: PROOF_CHECK_QUERY, variables: { prefix: proof.data!.prefix, batchId: proof.data!.batchId, leaf: proof.data!.leaf, path: proof.data!.path }, signal }),
    // Anchoring happens just after registration: keep asking for a while, then leave it to the user.
    refetchInterval: (query) => (query.state.data && query.state.data.identifierProofCheck === null && query.state.dataUpdateCount < ANCHOR_POLL_TIMES ? ANCHOR_POLL_MS : false),
  });
  let body;
  if (proof.isPending) body = <Waiting label={t('proof.loading')} />;
  else if (proof.isError) {
    const noBatch = proof.error instanceof NodeError && proof.error.responseCode === RC.VALUES_NOT_FOUND;
    body = <StatusBox outcome={noBatch ? 'info' : 'bad'} testId="proof-result" title={noBatch ? t('proof.noBatch') : t('proof.failed', { reason: proof.error.message })} />;
  } else {
    const p = proof.data;
    const check = ledger.data?.identifierProofCheck;
    body = (
      <Stack gap="sm">
        <Text>{t('proof.batch', { batchId: p.batchId, prefix: p.prefix, steps: formatNumber(p.path.length, i18n.language), root: p.merkleRoot })}</Text>
        {!p.pathValid && <StatusBox outcome="bad" title={t('proof.pathInvalid')} />}
        {p.pathValid && !p.sameAsShown && <StatusBox outcome="info" live={false} title={t(p.matchesCurrent ? 'proof.hiddenValues' : 'proof.changed')} />}
        {ledger.isPending && <Waiting label={t('proof.askingLedger')} />}
        {ledger.isError && <StatusBox outcome="bad" testId="proof-result" title={t('proof.ledgerFailed', { reason: ledger.error.message, code: ledger.error instanceof GatewayError ? (ledger.error.code ?? '') : '' })} />}
        {ledger.isSuccess && check === null && (
          <StatusBox outcome="wait" testId="proof-result" title={t('proof.notAnchored')}>
            <Text>{ledger.isFetching ? t('proof.checkingAgain') : t('proof.notAnchoredHint')}</Text>
          </StatusBox>
        )}
        {ledger.isSuccess && check && (
          <StatusBox outcome={check.valid && p.pathValid ? 'ok' : 'bad'} testId="proof-result" title={check.valid && p.pathValid ? t('proof.valid') : t('proof.invalid', { root: check.anchor.merkleRoot })}>
            <Text>{t('proof.anchor', { root: check.anchor.merkleRoot, count: check.anchor.count, countText: formatNumber(check.anchor.count, i18n.language), by: check.anchor.anchoredBy, at: formatDateTime(check.anchor.anchoredAt, i18n.language) })}</Text>
            <Text style={{ wordBreak: 'break-all' }}>{t('proof.tx', { txId: check.anchor.txId })}</Text>
          </StatusBox>
        )}
        {ledger.isSuccess && check === null && (
          <Group>
            <Button variant="default" onClick={() => void ledger.refetch()} loading={ledger.isFetching}>
              {t('proof.checkAgain')}
            </Button>
          </Group>
        )}
      </Stack>
    );
  }
  return (
    <section aria-labelledby="proof-heading">
      <Title order={3} id="proof-heading" mb="xs">
        {t('proof.title')}
      </Title>
      <Text mb="xs">{t('proof.how')}</Text>
      {body}
    </section>
  );
}

function JourneySection({ handle }: { handle: string }) {
  const { t } = useTranslation('identifiers');
  const { accessToken } = useSession();
  const { markExpired } = useSessionState();
  const journey = useQuery({
    queryKey: ['identifier', handle, 'j4'],
    queryFn: ({ signal }) => graphql<J4Answer>({ token: accessToken, query: J4_QUERY, variables: { handle }, signal }),
  });
  useEffect(() => {
    if (journey.error instanceof GatewayError && journey.error.code === 'UNAUTHENTICATED') markExpired();
  }, [journey.error, markExpired]);
  const identifier = journey.data?.tracedIdentifier;
  return (
    <>
      {journey.isPending && <Waiting label={t('journey.loading')} />}
      {journey.isError && <StatusBox outcome="bad" title={t('journey.failed', { reason: journey.error.message })} />}
      {journey.isSuccess && !identifier && <StatusBox outcome="info" title={t('journey.notInGraph', { handle })} />}
      {identifier && (
        <>
          <TraceSection events={identifier.trace.events} />
          <CustodySection state={identifier.trace.state} />
          <ProvenanceSection links={identifier.trace.provenance?.links ?? []} />
          <DatasheetSection datasheet={identifier.datasheet} />
        </>
      )}
      <details data-testid="the-query">
        <summary style={{ cursor: 'pointer' }}>
          <Text span fw={700}>
            {t('query.title')}
          </Text>
        </summary>
        <Text my="xs">{t('query.intro')}</Text>
        <Code block>{J4_QUERY}</Code>
        <Text my="xs">{t('query.variables')}</Text>
        <Code block>{JSON.stringify({ handle }, null, 2)}</Code>
      </details>
    </>
  );
}

function TraceSection({ events }: { events: NonNullable<J4Answer['tracedIdentifier']>['trace']['events'] }) {
  const { t, i18n } = useTranslation('identifiers');
  const word = useVocabulary();
  const sorted = [...events].sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  return (
    <section aria-labelledby="trace-heading">
      <Title order={3} id="trace-heading" mb="xs">
        {t('trace.title')}
      </Title>
      {sorted.length === 0 ? (
        <Text>{t('trace.none')}</Text>
      ) : (
        <>
          <Text mb="sm">{t('trace.count', { count: sorted.length, countText: formatNumber(sorted.length, i18n.language) })}</Text>
          <Timeline active={sorted.length - 1} bulletSize={18} lineWidth={2} color="blue" data-testid="trace-timeline" component="ol" style={{ listStyle: 'none', paddingInlineStart: 0 }}>
            {sorted.map((event) => (
              <Timeline.Item key={event.eventId} component="li" title={<Text fw={700}>{word('bizStep', event.bizStep ?? event.type)}</Text>}>
                <Text>
                  <time dateTime={event.eventTime}>{formatDateTime(event.eventTime, i18n.language)}</time>
                </Text>
                <Text>{t('trace.detail', { type: word('eventType', event.type), disposition: word('disposition', event.disposition), by: event.recordedBy })}</Text>
                <Text size="sm" style={{ wordBreak: 'break-all' }}>
                  {t('trace.tx', { txId: event.txId })}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      )}
    </section>
  );
}

function CustodySection({ state }: { state: TracedState | null }) {
  const { t, i18n } = useTranslation('identifiers');
  const word = useVocabulary();
  return (
    <section aria-labelledby="custody-heading">
      <Title order={3} id="custody-heading" mb="xs">
        {t('custody.title')}
      </Title>
      {!state ? (
        <Text>{t('custody.none')}</Text>
      ) : (
        <Table withTableBorder data-testid="custody-table" w={{ base: '100%', sm: 640 }}>
          <Table.Tbody>
            {(
              [
                ['owner', state.owner],
                ['custodian', state.custodian],
                ['bizStep', word('bizStep', state.bizStep)],
                ['disposition', word('disposition', state.disposition)],
                ['location', state.bizLocation ?? '—'],
                ['recalled', state.recalled ? t('custody.yes') : t('custody.no')],
                ['since', formatDateTime(state.lastEventTime, i18n.language)],
              ] as const
            ).map(([key, value]) => (
              <Table.Tr key={key}>
                <Table.Th scope="row" w={220}>
                  {t(`custody.${key}`)}
                </Table.Th>
                <Table.Td>{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}

function ProvenanceSection({ links }: { links: ProvenanceLink[] }) {
  const { t, i18n } = useTranslation('identifiers');
  const word = useVocabulary();
  const table = (direction: 'up' | 'down') => {
    const rows = links.filter((l) => l.direction === direction).sort((a, b) => a.depth - b.depth);
    return (
      <Stack gap={4}>
        <Title order={4}>{t(`provenance.${direction}`)}</Title>
        {rows.length === 0 ? (
          <Text>{t(`provenance.none.${direction}`)}</Text>
        ) : (
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('provenance.depth')}</Table.Th>
                <Table.Th scope="col">{t('provenance.from')}</Table.Th>
                <Table.Th scope="col">{t('provenance.relation')}</Table.Th>
                <Table.Th scope="col">{t('provenance.to')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((l) => (
                <Table.Tr key={`${l.from} ${l.to} ${l.relation}`}>
                  <Table.Td>{formatNumber(l.depth, i18n.language)}</Table.Td>
                  <Table.Td>{l.from}</Table.Td>
                  <Table.Td>{word('relation', l.relation)}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={lookupHref(l.to)}>
                      {l.to}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    );
  };
  return (
    <section aria-labelledby="provenance-heading">
      <Title order={3} id="provenance-heading" mb="xs">
        {t('provenance.title')}
      </Title>
      <Stack gap="md">
        {table('up')}
        {table('down')}
      </Stack>
    </section>
  );
}

const DATASHEET_ROWS: Array<{ key: keyof Datasheet; unit?: string; digits?: number }> = [
  { key: 'model' },
  { key: 'manufacturer' },
  { key: 'ratedKva', unit: 'kVA' },
  { key: 'primaryKv', unit: 'kV', digits: 1 },
  { key: 'secondaryKv', unit: 'kV', digits: 1 },
  { key: 'vectorGroup' },
  { key: 'cooling' },
  { key: 'noLoadLossW', unit: 'W' },
  { key: 'loadLossW', unit: 'W' },
  { key: 'impedancePct', unit: '%', digits: 1 },
  { key: 'weightKg', unit: 'kg' },
  { key: 'standard' },
];

function DatasheetSection({ datasheet }: { datasheet: Datasheet | null }) {
  const { t, i18n } = useTranslation('identifiers');
  return (
    <section aria-labelledby="datasheet-heading">
      <Title order={3} id="datasheet-heading" mb="xs">
        {t('datasheet.title')}
      </Title>
      {!datasheet ? (
        <Text>{t('datasheet.none')}</Text>
      ) : (
        <>
          <Text mb="xs">{t('datasheet.intro', { manufacturer: datasheet.manufacturer })}</Text>
          <Table withTableBorder data-testid="datasheet-table" w={{ base: '100%', sm: 640 }}>
            <Table.Tbody>
              {DATASHEET_ROWS.map(({ key, unit, digits }) => {
                const raw = datasheet[key];
                const value = typeof raw === 'number' ? `${formatNumber(raw, i18n.language, digits ?? 0)}${unit ? ` ${unit}` : ''}` : raw;
                return (
                  <Table.Tr key={key}>
                    <Table.Th scope="row" w={220}>
                      {t(`datasheet.${key}`)}
                    </Table.Th>
                    <Table.Td>{value}</Table.Td>
                  </Table.Tr>
                );
              })}
              <Table.Tr>
                <Table.Th scope="row">{t('datasheet.documentUrl')}</Table.Th>
                <Table.Td>
                  <Anchor href={datasheet.documentUrl} target="_blank" rel="noreferrer">
                    {datasheet.documentUrl}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </>
      )}
    </section>
  );
}
