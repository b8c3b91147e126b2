// Charts of the released cells (recharts, loaded with the explorer only): a time series per region
// and a region x industry view of the latest period. A suppressed cell is a gap, never a zero.
import { Card, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { IndexCell } from './csv';

const COLORS = ['#1864ab', '#c92a2a', '#2b8a3e', '#e67700', '#5f3dc4', '#0b7285', '#a61e4d', '#495057'];
const MAX_SERIES = 8;

export default function IndexCharts({ cells, nameOf }: { cells: IndexCell[]; nameOf: (level: string, code: string, fallback: string) => string }) {
  const { t } = useTranslation('indices');
  const industries = [...new Map(cells.map((c) => [c.industryCode, nameOf(c.industryLevel, c.industryCode, c.industryName)])).entries()];
  const [industry, setIndustry] = useState<string | null>(null);
  const chosen = industry ?? industries[0]?.[0] ?? null;
  const regions = [...new Map(cells.map((c) => [c.regionCode, nameOf(c.regionLevel, c.regionCode, c.regionName)])).entries()].slice(0, MAX_SERIES);
  const periods = [...new Set(cells.map((c) => c.period))].sort();
  const byKey = new Map(cells.map((c) => [`${c.period}|${c.regionCode}|${c.industryCode}`, c]));
  const value = (c: IndexCell | undefined) => (c && !c.suppressed ? c.consumptionKwh : null);
  const series = periods.map((period) => Object.fromEntries([['period', period], ...regions.map(([code]) => [code, value(byKey.get(`${period}|${code}|${chosen}`))])]));
  const latest = periods.at(-1);
  const shownIndustries = industries.slice(0, MAX_SERIES);
  const matrix = regions.map(([code, name]) => Object.fromEntries([['region', name], ...shownIndustries.map(([ind]) => [ind, value(byKey.get(`${latest}|${code}|${ind}`))])]));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <Card withBorder component="figure" m={0} aria-labelledby="series-title" data-testid="time-series-chart">
        <Stack gap="xs">
          <Title order={3} size="h5" id="series-title">{t('chart.series')}</Title>
          <Select label={t('chart.industry')} data={industries.map(([value, label]) => ({ value, label }))} value={chosen} onChange={setIndustry} allowDeselect={false} size="xs" w={260} />
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={series} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="period" />
              <YAxis width={80} />
              <Tooltip />
              <Legend />
              {regions.map(([code, name], i) => (
                <Line key={code} dataKey={code} name={name} stroke={COLORS[i % COLORS.length]} connectNulls={false} dot={false} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
          <Text size="xs" component="figcaption">{t('chart.gaps')}</Text>
        </Stack>
      </Card>
      <Card withBorder component="figure" m={0} aria-labelledby="matrix-title" data-testid="region-industry-chart">
        <Stack gap="xs">
          <Title order={3} size="h5" id="matrix-title">{t('chart.matrix', { period: latest ?? '' })}</Title>
          <ResponsiveContainer width="100%" height={300}>
            <BarChart data={matrix} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="region" />
              <YAxis width={80} />
              <Tooltip />
              <Legend />
              {shownIndustries.map(([code, name], i) => (
                <Bar key={code} dataKey={code} name={name} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
          <Text size="xs" component="figcaption">{t('chart.gaps')}</Text>
        </Stack>
      </Card>
    </SimpleGrid>
  );
}
