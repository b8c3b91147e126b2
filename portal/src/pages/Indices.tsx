// The indices explorer: the cut the agreement admits, as a table and charts. Suppressed cells are
// marked [c] with the rule that hid them, never shown as zero; refusals say what is allowed instead.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Alert, Button, Group, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { useGatewayQuery, useGql, type Agreement } from '../api/hooks';
import { formatNumber } from '../i18n';
import { minAggregationOf, purposesOf } from '../policy/describe';
import { usePolicyText } from '../policy/PolicyView';
import { ErrorNotice, Waiting } from '../ui/Status';
import { Pager } from '../ui/Pager';
import { cellsCsv, downloadCsv, type IndexCell } from '../indices/csv';

const IndexCharts = lazy(() => import('../indices/IndexCharts'));
const PRODUCT = 'electricity-economic-indices';
const PAGE = 50;
const CELL_FIELDS = 'periodKind period regionLevel regionCode regionName industryLevel industryCode industryName suppressed suppressionReason consumptionKwh yoyPct momPct baseIndex resumptionOfWorkIndex productionRecoveryRate diffusionIndex';
const INDICES = `query($query: ElectricityIndexQuery!, $first: Int, $after: String) { electricityIndices(query: $query, first: $first, after: $after) { totalCount nextCursor cells { ${CELL_FIELDS} } } }`;
const SETUP = `{ electricityIndexDimensions { regions { code level nameEn nameZh } industries { code level nameEn nameZh } periodsByKind { periodKind periods } } agreements(state: FINALIZED) { id dataProductId provider consumer policy } dataProducts { id provider } }`;

interface DimensionNode {
  code: string;
  level: string;
  nameEn: string;
  nameZh: string;
}
interface Setup {
  electricityIndexDimensions: { regions: DimensionNode[]; industries: DimensionNode[]; periodsByKind: Array<{ periodKind: string; periods: string[] }> };
  agreements: Agreement[];
  dataProducts: Array<{ id: string; provider: string }>;
}
interface Page {
  electricityIndices: { totalCount: number; nextCursor: string | null; cells: IndexCell[] };
}
interface Cut {
  regionLevel: string;
  industryLevel: string;
  periodKind: string;
  from: string | null;
  to: string | null;
  purpose: string | null;
  /** Each click asks again (a new release), even for the same cut. */
  asked?: number;
}

export default function Indices() {
  const { t, i18n } = useTranslation('indices');
  const policyText = usePolicyText();
  const { org } = useSession();
  const gql = useGql();
  const setup = useGatewayQuery<Setup>(['indices-setup'], SETUP);
  const agreement = setup.data?.agreements.find((a) => a.dataProductId === PRODUCT && a.consumer === org.id);
  const ownProduct = setup.data?.dataProducts.some((p) => p.id === PRODUCT && p.provider === org.id) ?? false;
  const purposes = purposesOf(agreement?.policy as never);
  const [cut, setCut] = useState<Cut>({ regionLevel: 'CITY', industryLevel: 'SECTION', periodKind: 'MONTH', from: null, to: null, purpose: null });
  const [asked, setAsked] = useState<Cut>();
  const [page, setPage] = useState(1);
  const [downloaded, setDownloaded] = useState<number>();
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<Error>();
  const purpose = cut.purpose ?? purposes[0] ?? (ownProduct ? 'own-data' : null);
  const variablesOf = (c: Cut) => ({ query: { periodKind: c.periodKind, regionLevels: [c.regionLevel], industryLevels: [c.industryLevel], ...(c.from ? { from: c.from } : {}), ...(c.to ? { to: c.to } : {}) }, first: 5000 });
  const result = useGatewayQuery<Page>(['indices', asked], INDICES, asked ? variablesOf(asked) : undefined, { enabled: !!asked, purpose: asked?.purpose ?? undefined, staleTime: Infinity });
  const periods = setup.data?.electricityIndexDimensions.periodsByKind.find((p) => p.periodKind === cut.periodKind)?.periods ?? [];
  const names = useMemo(() => {
    const map = new Map<string, string>();
    const zh = i18n.language.startsWith('zh');
    for (const n of [...(setup.data?.electricityIndexDimensions.regions ?? []), ...(setup.data?.electricityIndexDimensions.industries ?? [])]) map.set(`${n.level}:${n.code}`, zh ? n.nameZh : n.nameEn);
    return map;
  }, [setup.data, i18n.language]);
  const nameOf = (level: string, code: string, fallback: string) => names.get(`${level.toLowerCase()}:${code}`) ?? fallback;
  const cells = result.data?.electricityIndices.cells ?? [];
  const pages = Math.max(1, Math.ceil(cells.length / PAGE));
  const shown = cells.slice((page - 1) * PAGE, page * PAGE);
  const allowed = minAggregationOf(agreement?.policy as never);
  const suppressedCount = cells.filter((c) => c.suppressed).length;

  const run = () => {
    setAsked({ ...cut, purpose, asked: Date.now() });
    setPage(1);
    setDownloaded(undefined);
  };
  // A download asks the gateway again (one more release, counted as such), following the filters on screen.
  const download = async () => {
    if (!asked) return;
    setDownloading(true);
    setDownloadError(undefined);
    try {
      const answer = await gql<Page>(INDICES, variablesOf(asked), asked.purpose ?? undefined);
      downloadCsv(`${PRODUCT}-${asked.periodKind.toLowerCase()}-${asked.regionLevel.toLowerCase()}-${asked.industryLevel.toLowerCase()}.csv`, cellsCsv(answer.electricityIndices.cells, (c) => ({ region: nameOf(c.regionLevel, c.regionCode, c.regionName), industry: nameOf(c.industryLevel, c.industryCode, c.industryName) }), t));
      setDownloaded(answer.electricityIndices.cells.length);
    } catch (error) {
      setDownloadError(error as Error);
    } finally {
      setDownloading(false);
    }
  };

  if (setup.isPending) return <Waiting />;
  if (setup.isError) return <ErrorNotice error={setup.error} onRetry={() => void setup.refetch()} />;
  const levelSelect = (field: 'regionLevel' | 'industryLevel' | 'periodKind', values: string[]) => (
    <Select label={t(`field.${field}`)} data={values.map((v) => ({ value: v, label: t(`value.${v}`) }))} value={cut[field]} onChange={(v) => v && setCut({ ...cut, [field]: v, ...(field === 'periodKind' ? { from: null, to: null } : {}) })} allowDeselect={false} w={170} />
  );
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      {agreement ? (
        <Text size="sm">{t('underAgreement', { id: agreement.id })} {allowed && policyText({ key: 'minAggregation', values: { region: `level.region.${allowed.region}`, industry: `level.industry.${allowed.industry}`, period: `level.period.${allowed.period}` } })}</Text>
      ) : ownProduct ? (
        <Text size="sm">{t('ownData')}</Text>
      ) : (
        <Alert color="yellow" role="status">{t('noAgreement')}</Alert>
      )}
      <Group align="flex-end">
        {levelSelect('regionLevel', ['CITY', 'PROVINCE', 'GBA'])}
        {levelSelect('industryLevel', ['DIVISION', 'SECTION', 'ALL'])}
        {levelSelect('periodKind', ['MONTH', 'DAY'])}
        <Select label={t('field.from')} data={periods} value={cut.from} onChange={(v) => setCut({ ...cut, from: v })} clearable searchable placeholder={t('field.earliest')} w={150} />
        <Select label={t('field.to')} data={periods} value={cut.to} onChange={(v) => setCut({ ...cut, to: v })} clearable searchable placeholder={t('field.latest')} w={150} />
        {purposes.length > 0 && <Select label={t('field.purpose')} data={purposes} value={purpose} onChange={(v) => setCut({ ...cut, purpose: v })} allowDeselect={false} w={240} />}
        <Button onClick={run} loading={result.isFetching}>{t('show')}</Button>
      </Group>
      {result.isError && (
        <Stack gap="xs">
          <ErrorNotice error={result.error} />
          {allowed && <Text size="sm" data-testid="allowed-aggregation">{t('allowed')} {policyText({ key: 'minAggregation', values: { region: `level.region.${allowed.region}`, industry: `level.industry.${allowed.industry}`, period: `level.period.${allowed.period}` } })}</Text>}
        </Stack>
      )}
      {result.isSuccess && (
        <>
          <Text size="sm" role="status">{t('released', { count: cells.length, total: result.data.electricityIndices.totalCount, suppressed: suppressedCount })}</Text>
          <Text size="sm" id="suppression-legend">{t('legend')}</Text>
          <Suspense fallback={<Waiting label={t('chartsLoading')} />}>
            <IndexCharts cells={cells} nameOf={nameOf} />
          </Suspense>
          <Group>
            <Button variant="default" onClick={() => void download()} loading={downloading}>{t('common:downloadCsv')}</Button>
            <Text size="xs">{t('downloadNote')}</Text>
          </Group>
          {downloaded !== undefined && <Alert color="green" role="status">{t('downloaded', { count: downloaded })}</Alert>}
          {downloadError && <ErrorNotice error={downloadError} />}
          <Table striped aria-describedby="suppression-legend" data-testid="indices-table">
            <Table.Caption>{t('tableCaption')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {['period', 'region', 'industry', 'consumptionKwh', 'yoyPct', 'momPct', 'baseIndex', 'resumptionOfWorkIndex', 'diffusionIndex'].map((c) => (
                  <Table.Th key={c} scope="col">{t(`column.${c}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((c) => (
                <Table.Tr key={`${c.period}-${c.regionCode}-${c.industryCode}`}>
                  <Table.Td>{c.period}</Table.Td>
                  <Table.Td>{nameOf(c.regionLevel, c.regionCode, c.regionName)}</Table.Td>
                  <Table.Td>{nameOf(c.industryLevel, c.industryCode, c.industryName)}</Table.Td>
                  {c.suppressed ? (
                    <Table.Td colSpan={6} data-testid="suppressed-cell">
                      <abbr title={c.suppressionReason ?? ''}>[c]</abbr>
                      <VisuallyHidden>{t('suppressedSr')}</VisuallyHidden> <Text span size="xs">{c.suppressionReason}</Text>
                    </Table.Td>
                  ) : (
                    <>
                      <Table.Td>{formatNumber(c.consumptionKwh, i18n.language)}</Table.Td>
                      <Table.Td>{formatNumber(c.yoyPct, i18n.language, 1)}</Table.Td>
                      <Table.Td>{formatNumber(c.momPct, i18n.language, 1)}</Table.Td>
                      <Table.Td>{formatNumber(c.baseIndex, i18n.language, 1)}</Table.Td>
                      <Table.Td>{formatNumber(c.resumptionOfWorkIndex, i18n.language, 1)}</Table.Td>
                      <Table.Td>{formatNumber(c.diffusionIndex, i18n.language, 1)}</Table.Td>
                    </>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {pages > 1 && <Pager total={pages} value={page} onChange={setPage} label={t('paging')} />}
        </>
      )}
    </Stack>
  );
}
