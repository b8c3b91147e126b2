// Row-by-row validation of the two CSV formats. Each rule names the field and what it requires.
import { classifications, RESIDENTIAL } from '../reference/classifications.js';
import { dayNumber, isValidIsoDate } from '../indices/dates.js';
import type { CustomerKind } from '../storage/entities.js';

export const CUSTOMER_COLUMNS = ['customer_id', 'kind', 'region_code', 'industry_code'] as const;
export const READING_COLUMNS = ['customer_id', 'region_code', 'industry_code', 'date', 'kwh'] as const;

export interface RowError {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  field: string;
  reason: string;
}

export interface CustomerRow {
  customerId: string;
  kind: CustomerKind;
  regionCode: string;
  industryCode: string;
  /** Leaf cells of the cube this customer contributes to. */
  city: string;
  division: string;
}

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const KWH = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,3})?$/;

export class RowInvalid extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

function checkCustomerId(value: string): string {
  if (!CUSTOMER_ID.test(value)) throw new RowInvalid('customer_id', 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
  return value;
}

function checkRegion(value: string): string {
  const city = classifications().cityOf(value);
  if (!city) throw badRegion(value);
  return city;
}

function checkIndustry(value: string): string {
  const division = classifications().divisionOf(value);
  if (!division) throw badIndustry(value);
  return division;
}

const badRegion = (value: string) => new RowInvalid('region_code', `"${value}" is not a GB/T 2260 code of a Guangdong Greater Bay Area city or one of its districts`);
const badIndustry = (value: string) => new RowInvalid('industry_code', `"${value}" is not a GB/T 4754-2017 division (01-97, optionally with group/class digits) nor ${RESIDENTIAL}`);

export function parseCustomerRow(record: string[]): CustomerRow {
  const [customerId, kind, regionCode, industryCode] = record;
  checkCustomerId(customerId);
  if (kind !== 'enterprise' && kind !== 'residential') throw new RowInvalid('kind', 'must be "enterprise" or "residential"');
  const city = checkRegion(regionCode);
  const division = checkIndustry(industryCode);
  if ((kind === 'residential') !== (division === RESIDENTIAL)) {
    throw new RowInvalid('industry_code', `must be ${RESIDENTIAL} exactly when kind is "residential"`);
  }
  return { customerId, kind, regionCode, industryCode, city, division };
}

/** The fields of a valid reading: its strings by number (see ReadingChecker.strings), day and kWh. */
export interface CheckedReading {
  customerId: number;
  regionCode: number;
  industryCode: number;
  date: number;
  /** Days since 1970-01-01. */
  day: number;
  kwh: number;
}

/**
 * Validates readings (customer_id, region_code, industry_code, date, kwh) against the known
 * customers: a reading must agree with its customer. A file repeats the same few thousand ids,
 * codes and dates millions of times, so each distinct text is numbered (`strings`) and judged
 * once; rows then cost one lookup per text field.
 */
export class ReadingChecker {
  /** Every distinct text seen, by number. */
  readonly strings: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly customers: Map<string, CustomerRow>;
  // Verdicts by string number; null = invalid, undefined = not judged yet.
  private readonly customerOf: (CustomerRow | null)[] = [];
  private readonly cityOf: (string | null)[] = [];
  private readonly divisionOf: (string | null)[] = [];
  private readonly dayOf: number[] = [];

  constructor(customers: readonly CustomerRow[]) {
    this.customers = new Map(customers.map((c) => [c.customerId, c]));
  }

  /** Fills `out` with the reading's fields; throws RowInvalid naming the first bad field. */
  check(record: string[], out: CheckedReading): void {
    const [customerId, regionCode, industryCode, date, kwhText] = record;
    const c = this.number(customerId);
    let customer = this.customerOf[c];
    if (customer === undefined) customer = this.customerOf[c] = this.customers.get(customerId) ?? null;
    if (customer === null) {
      checkCustomerId(customerId);
      throw new RowInvalid('customer_id', `unknown customer "${customerId}" (import the customers file first)`);
    }
    const r = this.number(regionCode);
    let city = this.cityOf[r];
    if (city === undefined) city = this.cityOf[r] = classifications().cityOf(regionCode) ?? null;
    if (city === null) throw badRegion(regionCode);
    if (city !== customer.city) throw new RowInvalid('region_code', `"${regionCode}" is not in city ${customer.city} of customer ${customerId}`);
    const i = this.number(industryCode);
    let division = this.divisionOf[i];
    if (division === undefined) division = this.divisionOf[i] = classifications().divisionOf(industryCode) ?? null;
    if (division === null) throw badIndustry(industryCode);
    if (division !== customer.division) throw new RowInvalid('industry_code', `"${industryCode}" differs from customer ${customerId}'s ${customer.industryCode}`);
    const d = this.number(date);
    let day = this.dayOf[d];
    if (day === undefined) day = this.dayOf[d] = isValidIsoDate(date) ? dayNumber(date) : NaN;
    if (Number.isNaN(day)) throw new RowInvalid('date', `"${date}" is not a calendar date YYYY-MM-DD`);
    if (!KWH.test(kwhText)) throw new RowInvalid('kwh', `"${kwhText}" is not a non-negative number of kWh with at most 3 decimals`);
    out.customerId = c;
    out.regionCode = r;
    out.industryCode = i;
    out.date = d;
    out.day = day;
    out.kwh = Number(kwhText);
  }

  private number(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.strings.length;
      this.numbers.set(text, n);
      this.strings.push(text);
    }
    return n;
  }
}
