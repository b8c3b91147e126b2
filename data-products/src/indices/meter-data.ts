// The readings as the indices need them: one dense customer x day matrix of watt-hours (integers,
// so sums are exact and independent of row order), plus each customer's cube leaf.
import type { Store } from '../storage/store.js';
import { Customer } from '../storage/entities.js';
import { classifications } from '../reference/classifications.js';
import { dayNumber, isoDate } from './dates.js';

export interface MeterCustomer {
  id: string;
  kind: 'enterprise' | 'residential';
  /** City code (leaf of the region hierarchy). */
  city: string;
  /** Division code or RES (leaf of the industry hierarchy). */
  division: string;
}

export interface MeterData {
  customers: MeterCustomer[];
  /** Dates covered, consecutive days from the first to the last reading. */
  dates: string[];
  /** Wh of customer c on day d at [c * dates.length + d]; NaN where there is no reading. */
  wh: Float64Array;
}

export function emptyMeterData(customers: MeterCustomer[], firstDate: string, lastDate: string): MeterData {
  const first = dayNumber(firstDate);
  const days = Math.max(0, dayNumber(lastDate) - first + 1);
  const dates = Array.from({ length: days }, (_, i) => isoDate(first + i));
  return { customers, dates, wh: new Float64Array(customers.length * days).fill(NaN) };
}

/** Builds meter data from plain rows (tests, benchmark peers). */
export function meterDataFromRows(customers: MeterCustomer[], rows: Iterable<{ customerId: string; date: string; kwh: number }>): MeterData {
  const list = [...rows];
  if (list.length === 0) return { customers, dates: [], wh: new Float64Array(0) };
  let min = list[0].date;
  let max = list[0].date;
  for (const r of list) {
    if (r.date < min) min = r.date;
    if (r.date > max) max = r.date;
  }
  const data = emptyMeterData(customers, min, max);
  const fill = filler(data);
  for (const r of list) fill(r.customerId, r.date, r.kwh);
  return data;
}

function filler(data: MeterData): (customerId: string, date: string, kwh: number) => void {
  const customerIndex = new Map(data.customers.map((c, i) => [c.id, i]));
  const dateIndex = new Map(data.dates.map((d, i) => [d, i]));
  const days = data.dates.length;
  return (customerId, date, kwh) => {
    const c = customerIndex.get(customerId);
    const d = dateIndex.get(date);
    if (c === undefined || d === undefined) return;
    data.wh[c * days + d] = Math.round(kwh * 1000);
  };
}

/** Reads every reading of the store into meter data. */
export async function loadMeterData(store: Store): Promise<MeterData> {
  const ref = classifications();
  const customerRows = await store.dataSource.getRepository(Customer).find({ order: { customerId: 'ASC' } });
  const customers: MeterCustomer[] = customerRows.map((c) => ({
    id: c.customerId, kind: c.kind, city: ref.cityOf(c.regionCode) ?? '', division: ref.divisionOf(c.industryCode) ?? '',
  }));
  const [range] = (await store.dataSource.query('SELECT MIN(date) AS first, MAX(date) AS last FROM reading')) as { first: string | null; last: string | null }[];
  if (!range?.first || !range.last) return { customers, dates: [], wh: new Float64Array(0) };
  const data = emptyMeterData(customers, range.first, range.last);
  const fill = filler(data);
  if (store.kind === 'sqlite' && store.sqlite) {
    // One date at a time along the primary key (date, customer_id): rows come in customer order,
    // like data.customers, so the next customer is usually the one after the previous row's.
    const statement = store.sqlite.prepare('SELECT customer_id, kwh FROM reading WHERE date = ?').raw(true);
    const customerIndex = new Map(customers.map((c, i) => [c.id, i]));
    const days = data.dates.length;
    for (let d = 0; d < days; d++) {
      let next = 0;
      for (const [id, kwh] of statement.all(data.dates[d]) as [string, number][]) {
        const c = next < customers.length && customers[next].id === id ? next : customerIndex.get(id);
        if (c === undefined) continue;
        data.wh[c * days + d] = Math.round(kwh * 1000);
        next = c + 1;
      }
    }
    return data;
  }
  // PostgreSQL: a month at a time keeps result sets bounded.
  for (let i = 0; i < data.dates.length; ) {
    const month = data.dates[i].slice(0, 7);
    let j = i;
    while (j < data.dates.length && data.dates[j].startsWith(month)) j++;
    const rows = (await store.dataSource.query('SELECT customer_id, date, kwh FROM reading WHERE date >= $1 AND date <= $2', [data.dates[i], data.dates[j - 1]])) as { customer_id: string; date: string; kwh: number }[];
    for (const row of rows) fill(row.customer_id, row.date, Number(row.kwh));
    i = j;
  }
  return data;
}
