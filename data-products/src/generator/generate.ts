// Synthetic meter data for the electricity economic indices: customers spread over the Greater
// Bay Area cities and GB/T 4754 divisions, enterprises and households, with seasonality, weekday
// and Spring Festival effects, growth, shocks, and a few dominant customers. Deterministic: the
// same options always give the same files.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { classifications, RESIDENTIAL } from '../reference/classifications.js';
import { dayNumber, isoDate, SPRING_FESTIVAL } from '../indices/dates.js';
import { Random } from './random.js';

export interface GenerateOptions {
  customers: number;
  days: number;
  /** First day, YYYY-MM-DD. Default 2023-01-01 (two years give year-on-year growth). */
  start?: string;
  seed?: number;
  /** Folder for customers.csv and readings.csv. */
  outDir: string;
}

export interface GeneratedFiles {
  customersCsv: string;
  readingsCsv: string;
  customers: number;
  readings: number;
}

export interface SyntheticCustomer {
  id: string;
  kind: 'enterprise' | 'residential';
  regionCode: string;
  industryCode: string;
  /** Typical daily kWh. */
  base: number;
  annualGrowth: number;
  /** Enterprises that run around the clock barely notice weekends and holidays. */
  continuous: boolean;
}

// Relative size of the cities' customer bases and of the sections' share of enterprises.
const CITY_WEIGHT: Record<string, number> = {
  '440100': 18, '440300': 20, '440400': 4, '440600': 12, '440700': 6, '441200': 4, '441300': 7, '441900': 16, '442000': 5,
};
const SECTION_WEIGHT: Record<string, number> = {
  A: 2, B: 0.5, C: 40, D: 2, E: 6, F: 14, G: 6, H: 6, I: 4, J: 2, K: 3, L: 4, M: 2, N: 1, O: 2, P: 2, Q: 2, R: 1, S: 1, T: 0.05,
};
const RESIDENTIAL_SHARE = 0.25;
const DOMINANT_SHARE = 0.02;

export function syntheticCustomers(count: number, seed: number): SyntheticCustomer[] {
  const ref = classifications();
  const random = new Random(seed);
  const cities = ref.regions.filter((r) => r.level === 'city').map((r) => r.code);
  const divisions = ref.industries.filter((i) => i.level === 'division');
  const customers: SyntheticCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const id = `C${String(i + 1).padStart(7, '0')}`;
    const regionCode = random.weighted(cities, (c) => CITY_WEIGHT[c] ?? 1);
    if (random.next() < RESIDENTIAL_SHARE) {
      customers.push({ id, kind: 'residential', regionCode, industryCode: RESIDENTIAL, base: 6 * Math.exp(0.5 * random.normal()), annualGrowth: 0.03 + 0.02 * random.normal(), continuous: false });
      continue;
    }
    const division = random.weighted(divisions, (d) => SECTION_WEIGHT[d.parent ?? ''] ?? 1);
    const dominant = random.next() < DOMINANT_SHARE;
    const base = 400 * Math.exp(1.1 * random.normal()) * (dominant ? 60 : 1);
    customers.push({
      id, kind: 'enterprise', regionCode, industryCode: division.code, base,
      annualGrowth: 0.05 + 0.08 * random.normal(),
      continuous: !dominant && (division.parent === 'D' || random.next() < 0.05),
    });
  }
  return customers;
}

/** Multiplier for the days around the Spring Festival: factories close, households stay home. */
function springFestivalEffect(day: number, kind: SyntheticCustomer['kind'], continuous: boolean): number {
  const year = new Date(day * 86_400_000).getUTCFullYear();
  for (const y of [year, year + 1]) {
    const festival = SPRING_FESTIVAL[y];
    if (!festival) continue;
    const offset = day - dayNumber(festival);
    if (offset < -10 || offset > 25) continue;
    if (kind === 'residential') return offset >= -3 && offset <= 7 ? 1.25 : 1;
    if (continuous) return 0.9;
    if (offset < -3) return 0.7; // workers leave early
    if (offset <= 7) return 0.2; // the holiday
    return 0.2 + 0.8 * ((offset - 7) / 18); // gradual resumption of work
  }
  return 1;
}

/** Summer air conditioning peak, a winter dip. */
function seasonality(month: number, kind: SyntheticCustomer['kind']): number {
  const summer = Math.cos(((month - 7.5) / 12) * 2 * Math.PI);
  return 1 + (kind === 'residential' ? 0.35 : 0.12) * summer;
}

interface Shock { city?: string; section?: string; from: number; to: number; factor: number }

function syntheticShocks(random: Random, startDay: number, days: number): Shock[] {
  const ref = classifications();
  const cities = ref.regions.filter((r) => r.level === 'city').map((r) => r.code);
  const shocks: Shock[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(days / 120)); i++) {
    const from = startDay + random.int(0, Math.max(0, days - 5));
    shocks.push({ city: cities[random.int(0, cities.length - 1)], from, to: from + random.int(2, 4), factor: 0.55 }); // typhoon
  }
  for (let i = 0; i < Math.max(1, Math.floor(days / 180)); i++) {
    const from = startDay + random.int(0, Math.max(0, days - 30));
    shocks.push({ section: 'C', from, to: from + 30, factor: 0.85 }); // export orders slump
  }
  return shocks;
}

export function generateDataset(options: GenerateOptions): GeneratedFiles {
  if (!Number.isInteger(options.customers) || options.customers < 1) throw new RangeError('customers: must be a positive integer');
  if (!Number.isInteger(options.days) || options.days < 1) throw new RangeError('days: must be a positive integer');
  const seed = options.seed ?? 20260101;
  const startDay = dayNumber(options.start ?? '2023-01-01');
  if (!Number.isFinite(startDay)) throw new RangeError('start: must be a date YYYY-MM-DD');
  const customers = syntheticCustomers(options.customers, seed);
  const random = new Random(seed ^ 0x9e3779b9);
  const shocks = syntheticShocks(random, startDay, options.days);
  const sectionOf = new Map(classifications().industries.map((i) => [i.code, i.parent ?? '']));

  mkdirSync(options.outDir, { recursive: true });
  const customersCsv = join(options.outDir, 'customers.csv');
  const readingsCsv = join(options.outDir, 'readings.csv');
  const customerLines = ['customer_id,kind,region_code,industry_code'];
  for (const c of customers) customerLines.push(`${c.id},${c.kind},${c.regionCode},${c.industryCode}`);
  writeWhole(customersCsv, customerLines.join('\n') + '\n');

  const fd = openSync(readingsCsv, 'w');
  let buffer = 'customer_id,region_code,industry_code,date,kwh\n';
  let readings = 0;
  try {
    for (let day = startDay; day < startDay + options.days; day++) {
      const date = isoDate(day);
      const weekday = new Date(day * 86_400_000).getUTCDay();
      const month = Number(date.slice(5, 7));
      const yearsIn = (day - startDay) / 365;
      const dayShocks = shocks.filter((s) => day >= s.from && day <= s.to);
      for (const c of customers) {
        let kwh = c.base * seasonality(month, c.kind) * (1 + c.annualGrowth) ** yearsIn;
        const weekend = weekday === 0 || weekday === 6;
        if (weekend) kwh *= c.kind === 'residential' ? 1.1 : c.continuous ? 0.95 : 0.6;
        kwh *= springFestivalEffect(day, c.kind, c.continuous);
        for (const s of dayShocks) {
          if ((s.city === undefined || s.city === c.regionCode) && (s.section === undefined || s.section === sectionOf.get(c.industryCode))) kwh *= s.factor;
        }
        kwh *= Math.exp(0.08 * random.normal());
        buffer += `${c.id},${c.regionCode},${c.industryCode},${date},${(Math.round(kwh * 10) / 10).toFixed(1)}\n`;
        readings++;
        if (buffer.length > 1 << 20) {
          writeSync(fd, buffer);
          buffer = '';
        }
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  return { customersCsv, readingsCsv, customers: customers.length, readings };
}

function writeWhole(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
