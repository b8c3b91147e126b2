// The caller's agreements by state, as provider or consumer, with filters. Ended negotiations
// stay listed with their reason.
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Badge, Group, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AGREEMENT_STATES } from '@gridspace/schemas/agreement-machine';
import { useSession } from '../auth/session';
import { orgById } from '../config';
import { AGREEMENT_FIELDS, useGatewayQuery, type Agreement } from '../api/hooks';
import { formatDateTime } from '../i18n';
import { ErrorNotice, Waiting } from '../ui/Status';

export const stateColor = (state: string) => (state === 'FINALIZED' ? 'green' : state === 'TERMINATED' ? 'gray' : 'blue');

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={stateColor(state)} variant="light" c="dark.9" data-testid="agreement-state">
      {t(`state.${state}`)}
    </Badge>
  );
}

export default function Agreements() {
  const { t, i18n } = useTranslation('agreements');
  const { org } = useSession();
  const query = useGatewayQuery<{ agreements: Agreement[] }>(['agreements'], `{ agreements { ${AGREEMENT_FIELDS} } }`);
  const [state, setState] = useState<string | null>(null);
  const [role, setRole] = useState('all');
  const shown = useMemo(
    () =>
      (query.data?.agreements ?? [])
        .filter((a) => !state || a.state === state)
        .filter((a) => role === 'all' || (role === 'provider' ? a.provider === org.id : a.consumer === org.id))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)),
    [query.data, state, role, org.id],
  );
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Group align="flex-end">
        <Select label={t('filterState')} data={AGREEMENT_STATES.map((s) => ({ value: s, label: t(`common:state.${s}`) }))} value={state} onChange={setState} clearable placeholder={t('common:all')} w={200} />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="role-label">{t('role')}</Text>
          <SegmentedControl aria-labelledby="role-label" value={role} onChange={setRole} data={[{ value: 'all', label: t('common:all') }, { value: 'provider', label: t('asProvider') }, { value: 'consumer', label: t('asConsumer') }]} />
        </Stack>
      </Group>
      {query.isPending && <Waiting />}
      {query.isError && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && (shown.length === 0 ? (
        <Text role="status">{t('none')}</Text>
      ) : (
        <Table striped highlightOnHover>
          <Table.Caption>{t('caption', { count: shown.length })}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('id')}</Table.Th>
              <Table.Th scope="col">{t('product')}</Table.Th>
              <Table.Th scope="col">{t('counterpart')}</Table.Th>
              <Table.Th scope="col">{t('state')}</Table.Th>
              <Table.Th scope="col">{t('updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((a) => {
              const other = a.provider === org.id ? a.consumer : a.provider;
              return (
                <Table.Tr key={a.id}>
                  <Table.Td><Link to={`/agreements/${encodeURIComponent(a.id)}`}>{a.id}</Link></Table.Td>
                  <Table.Td>{a.dataProductId}</Table.Td>
                  <Table.Td>{t(a.provider === org.id ? 'consumerIs' : 'providerIs', { org: orgById(other)?.name ?? other })}</Table.Td>
                  <Table.Td>
                    <StateBadge state={a.state} />
                    {a.termination && <Text size="xs" mt={4}>{t('terminatedBecause', { reason: a.termination.reason })}</Text>}
                  </Table.Td>
                  <Table.Td>{formatDateTime(a.updatedAt, i18n.language)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ))}
    </Stack>
  );
}
