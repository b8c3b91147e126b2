// The grid operator's views: every agreement of its products with this month's usage, the requests
// waiting for its answer, the partner registry, and the gateway's composition status.
import { Link } from 'react-router';
import { Badge, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { config, orgById } from '../config';
import { AGREEMENT_FIELDS, useGatewayQuery, type Agreement } from '../api/hooks';
import { formatDateTime, formatNumber } from '../i18n';
import { ErrorNotice, Waiting } from '../ui/Status';
import { StateBadge } from './Agreements';
import { actionsFor } from './AgreementDetail';

type WithUsage = Agreement & { usage: { periodKey: string; count: number; limit: number | null; remaining: number | null } };
interface Organization {
  id: string;
  name: string;
  mspId: string;
  type: string;
  jurisdiction: string;
}
interface CompositionStatus {
  composedAt: string;
  subgraphs: Array<{ name: string; state: string; reason?: string }>;
}

const OVERVIEW = `{ agreements { ${AGREEMENT_FIELDS} usage(period: month) { periodKey count limit remaining } } organizations { id name mspId type jurisdiction } }`;

export default function Operator() {
  const { t, i18n } = useTranslation('operator');
  const overview = useGatewayQuery<{ agreements: WithUsage[]; organizations: Organization[] }>(['operator'], OVERVIEW, undefined, { refetchInterval: 10_000 });
  const status = useQuery<CompositionStatus>({
    queryKey: ['gateway-status'],
    queryFn: async () => {
      const response = await fetch(`${config().gatewayOrigin}/status`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as CompositionStatus;
    },
    refetchInterval: 10_000,
  });
  if (overview.isPending) return <Waiting />;
  if (overview.isError) return <ErrorNotice error={overview.error} onRetry={() => void overview.refetch()} />;
  const agreements = [...overview.data.agreements].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const pending = agreements.filter((a) => actionsFor(a.state, 'provider').some((x) => x !== 'terminate'));
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Card withBorder component="section" aria-labelledby="pending-title">
        <Title order={3} size="h4" id="pending-title" mb="xs">{t('pending', { count: pending.length })}</Title>
        {pending.length === 0 ? (
          <Text size="sm">{t('noPending')}</Text>
        ) : (
          <Stack gap={4}>
            {pending.map((a) => (
              <Text key={a.id} size="sm">
                <Link to={`/agreements/${encodeURIComponent(a.id)}`}>{a.id}</Link> — {t('pendingLine', { consumer: orgById(a.consumer)?.name ?? a.consumer, state: t(`common:state.${a.state}`) })}
              </Text>
            ))}
          </Stack>
        )}
      </Card>
      <Card withBorder component="section" aria-labelledby="all-title">
        <Title order={3} size="h4" id="all-title" mb="xs">{t('all')}</Title>
        <Table striped>
          <Table.Caption>{t('allCaption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('agreement')}</Table.Th>
              <Table.Th scope="col">{t('consumer')}</Table.Th>
              <Table.Th scope="col">{t('state')}</Table.Th>
              <Table.Th scope="col">{t('usage')}</Table.Th>
              <Table.Th scope="col">{t('updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {agreements.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td><Link to={`/agreements/${encodeURIComponent(a.id)}`}>{a.id}</Link></Table.Td>
                <Table.Td>{orgById(a.consumer)?.name ?? a.consumer}</Table.Td>
                <Table.Td><StateBadge state={a.state} />{a.termination && <Text size="xs">{a.termination.reason}</Text>}</Table.Td>
                <Table.Td>{t('usageLine', { period: a.usage.periodKey, count: formatNumber(a.usage.count, i18n.language), limit: a.usage.limit === null ? '∞' : formatNumber(a.usage.limit, i18n.language) })}</Table.Td>
                <Table.Td>{formatDateTime(a.updatedAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder component="section" aria-labelledby="registry-title">
        <Title order={3} size="h4" id="registry-title" mb="xs">{t('registry')}</Title>
        <Table striped>
          <Table.Caption>{t('registryCaption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('org')}</Table.Th>
              <Table.Th scope="col">{t('orgType')}</Table.Th>
              <Table.Th scope="col">{t('jurisdiction')}</Table.Th>
              <Table.Th scope="col">{t('msp')}</Table.Th>
              <Table.Th scope="col">{t('issuer')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {overview.data.organizations.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>{o.name} ({o.id})</Table.Td>
                <Table.Td>{t(`common:orgType.${o.type}`)}</Table.Td>
                <Table.Td>{o.jurisdiction}</Table.Td>
                <Table.Td>{o.mspId}</Table.Td>
                <Table.Td><Text size="xs" ff="monospace">{orgById(o.id)?.issuer ?? '—'}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" mt="xs">{t('onboarding')}</Text>
      </Card>
      <Card withBorder component="section" aria-labelledby="composition-title">
        <Title order={3} size="h4" id="composition-title" mb="xs">{t('composition')}</Title>
        {status.isPending && <Waiting />}
        {status.isError && <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />}
        {status.data && (
          <>
            <Text size="sm">{t('composedAt', { at: formatDateTime(status.data.composedAt, i18n.language) })}</Text>
            <Table>
              <Table.Caption>{t('compositionCaption')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('subgraph')}</Table.Th>
                  <Table.Th scope="col">{t('state')}</Table.Th>
                  <Table.Th scope="col">{t('reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.data.subgraphs.map((s) => (
                  <Table.Tr key={s.name}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td><Badge color={s.state === 'composed' ? 'green' : 'red'} variant="light" c="dark.9">{t(`subgraphState.${s.state}`)}</Badge></Table.Td>
                    <Table.Td>{s.reason ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Card>
    </Stack>
  );
}
