// CSV of the cells on screen: UTF-8 with a byte-order mark (spreadsheet programs then show Chinese
// names), a suppressed cell's values empty and a flag column saying why.
import type { TFunction } from 'i18next';

export interface IndexCell {
  periodKind: string;
  period: string;
  regionLevel: string;
  regionCode: string;
  regionName: string;
  industryLevel: string;
  industryCode: string;
  industryName: string;
  suppressed: boolean;
  suppressionReason: string | null;
  consumptionKwh: number | null;
  yoyPct: number | null;
  momPct: number | null;
  baseIndex: number | null;
  resumptionOfWorkIndex: number | null;
  productionRecoveryRate: number | null;
  diffusionIndex: number | null;
}

const VALUES = ['consumptionKwh', 'yoyPct', 'momPct', 'baseIndex', 'resumptionOfWorkIndex', 'productionRecoveryRate', 'diffusionIndex'] as const;

const quote = (value: string | number | null) => {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function cellsCsv(cells: IndexCell[], names: (c: IndexCell) => { region: string; industry: string }, t: TFunction): string {
  const header = ['period', 'regionCode', 'region', 'industryCode', 'industry', ...VALUES, 'flag'].map((c) => quote(t(`csv.${c}`)));
  const rows = cells.map((c) => {
    const n = names(c);
    return [c.period, c.regionCode, n.region, c.industryCode, n.industry, ...VALUES.map((v) => (c.suppressed ? null : c[v])), c.suppressed ? t('csv.suppressedFlag', { reason: c.suppressionReason ?? '' }) : ''].map(quote).join(',');
  });
  return `\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`;
}

export function downloadCsv(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
