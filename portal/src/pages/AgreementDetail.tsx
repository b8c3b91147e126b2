// One agreement: its terms in plain words, its timeline on the ledger, exactly the steps this party
// may take now (from the shared state machine), and its usage per period with the receipts.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Button, Card, Group, Modal, Select, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AGREEMENT_TRANSITIONS, type AgreementAction } from '@gridspace/schemas/agreement-machine';
import { useSession } from '../auth/session';
import { orgById } from '../config';
import { AGREEMENT_FIELDS, useAgreementMutation, useGatewayQuery, type Agreement } from '../api/hooks';
import { formatDateTime, formatNumber } from '../i18n';
import { PolicyView } from '../policy/PolicyView';
import { ErrorNotice, Waiting } from '../ui/Status';
import { StateBadge } from './Agreements';

interface Step {
  txId: string;
  timestamp: string;
  revision: number;
  state: string;
  action: string;
  by: string;
}
interface Receipt {
  id: string;
  queryHash: string;
  rows: number;
  releasedAt: string;
  txId: string;
}
interface Usage {
  periodKey: string;
  start: string;
  end: string;
  count: number;
  rows: number;
  limit: number | null;
  remaining: number | null;
  receiptPage: { receipts: Receipt[]; nextCursor: string | null };
}
type Detail = Agreement & { history: Step[]; usage: Usage };

const DETAIL = `query($id: ID!, $period: PeriodLevel!, $after: String) { agreement(id: $id) { ${AGREEMENT_FIELDS} history { txId timestamp revision state action by } usage(period: $period) { periodKey start end count rows limit remaining receiptPage(first: 20, after: $after) { receipts { id queryHash rows releasedAt txId } nextCursor } } } }`;

const MUTATION: Record<string, string> = {
  accept: `mutation($id: ID!) { acceptAgreement(id: $id) { id state } }`,
  agree: `mutation($id: ID!) { agreeAgreement(id: $id) { id state } }`,
  verify: `mutation($id: ID!) { verifyAgreement(id: $id) { id state } }`,
  finalize: `mutation($id: ID!) { finalizeAgreement(id: $id) { id state } }`,
  terminate: `mutation($id: ID!, $reason: String!) { terminateAgreement(id: $id, reason: $reason) { id state } }`,
  offer: `mutation($proposal: AgreementProposalInput!) { offerAgreement(proposal: $proposal) { id state } }`,
  request: `mutation($proposal: AgreementProposalInput!) { requestAgreement(proposal: $proposal) { id state } }`,
};

/** The steps `party` may take on an agreement in `state`, as the chaincode will check them. */
export function actionsFor(state: string, party: 'provider' | 'consumer'): AgreementAction[] {
  return AGREEMENT_TRANSITIONS.filter((t) => t.from === state && t.by.includes(party) && t.action !== 'expire').map((t) => t.action);
}

function ActionDialog({ agreement, action, onClose }: { agreement: Detail; action: AgreementAction; onClose: () => void }) {
  const { t } = useTranslation('agreements');
  const [reason, setReason] = useState('');
  const mutation = useAgreementMutation<Record<string, unknown>, unknown>(MUTATION[action]!);
  const run = () => {
    if (action === 'terminate') return mutation.mutate({ id: agreement.id, reason: reason.trim() }, { onSuccess: onClose });
    if (action === 'offer' || action === 'request') {
      // A counter-proposal with the terms as they stand (the CLI takes edited terms).
      const proposal = { id: agreement.id, dataProductId: agreement.dataProductId, ...(agreement.offerId ? { offerId: agreement.offerId } : {}), ...(action === 'offer' ? { consumer: agreement.consumer } : {}), policy: agreement.policy, crossBorder: agreement.crossBorder };
      return mutation.mutate({ proposal }, { onSuccess: onClose });
    }
    mutation.mutate({ id: agreement.id }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={t(`action.${action}`)} centered>
      <Stack>
        <Text>{t(`confirm.${action}`, { id: agreement.id })}</Text>
        {action === 'terminate' && <Textarea label={t('reason')} description={t('reasonHelp')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} data-autofocus />}
        {mutation.isError && <ErrorNotice error={mutation.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common:cancel')}</Button>
          <Button color={action === 'terminate' ? 'red' : undefined} onClick={run} loading={mutation.isPending} disabled={action === 'terminate' && !reason.trim()}>
            {t(`action.${action}`)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function UsagePanel({ id }: { id: string }) {
  const { t, i18n } = useTranslation('agreements');
  const [period, setPeriod] = useState('month');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors.at(-1) ?? null;
  const query = useGatewayQuery<{ agreement: Detail | null }>(['agreement', id, 'usage'], DETAIL, { id, period, after }, { refetchInterval: 5_000 });
  const usage = query.data?.agreement?.usage;
  return (
    <Card withBorder component="section" aria-labelledby="usage-title">
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4" id="usage-title">{t('usage.title')}</Title>
          <Select label={t('usage.period')} data={['day', 'month', 'quarter', 'year'].map((p) => ({ value: p, label: t(`policy:level.period.${p}`) }))} value={period} onChange={(v) => { if (v) { setPeriod(v); setCursors([null]); } }} allowDeselect={false} w={140} size="xs" />
        </Group>
        {query.isError && <ErrorNotice error={query.error} />}
        {usage && (
          <>
            <Text data-testid="usage-count">
              {t('usage.summary', { period: usage.periodKey, count: usage.count, limit: usage.limit === null ? t('usage.noLimit') : formatNumber(usage.limit, i18n.language), remaining: usage.remaining === null ? '—' : formatNumber(usage.remaining, i18n.language), rows: formatNumber(usage.rows, i18n.language) })}
            </Text>
            {usage.receiptPage.receipts.length === 0 ? (
              <Text size="sm">{t('usage.noReceipts')}</Text>
            ) : (
              <Table>
                <Table.Caption>{t('usage.receipts')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('usage.released')}</Table.Th>
                    <Table.Th scope="col">{t('usage.rows')}</Table.Th>
                    <Table.Th scope="col">{t('usage.receipt')}</Table.Th>
                    <Table.Th scope="col">{t('txId')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {usage.receiptPage.receipts.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>{formatDateTime(r.releasedAt, i18n.language)}</Table.Td>
                      <Table.Td>{formatNumber(r.rows, i18n.language)}</Table.Td>
                      <Table.Td><Text size="xs" ff="monospace">{r.id}</Text></Table.Td>
                      <Table.Td><Text size="xs" ff="monospace">{r.txId.slice(0, 16)}…</Text></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Group>
              <Button size="xs" variant="default" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>{t('common:previous')}</Button>
              <Button size="xs" variant="default" disabled={!usage.receiptPage.nextCursor} onClick={() => setCursors([...cursors, usage.receiptPage.nextCursor])}>{t('common:next')}</Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}

export default function AgreementDetail() {
  const { t, i18n } = useTranslation('agreements');
  const { id = '' } = useParams();
  const { org } = useSession();
  const [action, setAction] = useState<AgreementAction>();
  const query = useGatewayQuery<{ agreement: Detail | null }>(['agreement', id], DETAIL, { id, period: 'month', after: null });
  if (query.isPending) return <Waiting />;
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  const agreement = query.data.agreement;
  if (!agreement) return <Alert color="yellow" role="alert">{t('notFound', { id })}</Alert>;
  const party = agreement.provider === org.id ? 'provider' : 'consumer';
  const actions = actionsFor(agreement.state, party);
  return (
    <Stack>
      <Anchor component={Link} to="/agreements" size="sm">{t('back')}</Anchor>
      <Group justify="space-between">
        <Title order={2}>{t('detailTitle', { id: agreement.id })}</Title>
        <StateBadge state={agreement.state} />
      </Group>
      <Text>
        {t('parties', { product: agreement.dataProductId, provider: orgById(agreement.provider)?.name ?? agreement.provider, consumer: orgById(agreement.consumer)?.name ?? agreement.consumer, role: t(`you.${party}`) })}
      </Text>
      {agreement.termination && (
        <Alert color="gray" role="status" title={t('terminatedTitle')}>
          {t('terminatedText', { by: t(`you.${agreement.termination.by}`), reason: agreement.termination.reason, at: formatDateTime(agreement.termination.at, i18n.language) })}
        </Alert>
      )}
      <Card withBorder component="section" aria-labelledby="next-title">
        <Stack gap="xs">
          <Title order={3} size="h4" id="next-title">{t('nextSteps')}</Title>
          {actions.length === 0 ? (
            <Text size="sm">{agreement.state === 'TERMINATED' ? t('noStepsEnded') : t('noStepsWaiting')}</Text>
          ) : (
            <Group>
              {actions.map((a) => (
                <Button key={a} variant={a === 'terminate' ? 'outline' : 'filled'} color={a === 'terminate' ? 'red' : undefined} onClick={() => setAction(a)}>
                  {t(`action.${a}`)}
                </Button>
              ))}
            </Group>
          )}
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="terms-title">
        <Title order={3} size="h4" id="terms-title" mb="xs">{t('terms')}</Title>
        <PolicyView policy={agreement.policy} crossBorder={agreement.crossBorder} />
      </Card>
      <Card withBorder component="section" aria-labelledby="timeline-title">
        <Title order={3} size="h4" id="timeline-title" mb="sm">{t('timeline')}</Title>
        <Timeline active={agreement.history.length - 1} bulletSize={16} lineWidth={2}>
          {agreement.history.map((step) => (
            <Timeline.Item key={`${step.txId}-${step.revision}`} title={t('step', { action: t(`action.${step.action}`), state: t(`common:state.${step.state}`) })}>
              <Text size="sm">{t('stepBy', { by: orgById(step.by === 'provider' ? agreement.provider : agreement.consumer)?.name ?? step.by, party: t(`party.${step.by}`), at: formatDateTime(step.timestamp, i18n.language), revision: step.revision })}</Text>
              <Text size="xs" ff="monospace">{t('txId')}: {step.txId}</Text>
            </Timeline.Item>
          ))}
        </Timeline>
      </Card>
      <UsagePanel id={agreement.id} />
      {action && <ActionDialog agreement={agreement} action={action} onClose={() => setAction(undefined)} />}
    </Stack>
  );
}
