// Row-by-row validation of the two CSV formats. Each rule names the field and what it requires.
import { classifications, RESIDENTIAL } from '../reference/classifications.js';
import { isValidIsoDate } from '../indices/dates.js';
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

// Files repeat the same few hundred dates millions of times: remember the verdicts.
const dateVerdicts = new Map<string, boolean>();
function validDate(text: string): boolean {
  let verdict = dateVerdicts.get(text);
  if (verdict === undefined) {
    verdict = isValidIsoDate(text);
    if (dateVerdicts.size < 100_000) dateVerdicts.set(text, verdict);
  }
  return verdict;
}

export class RowInvalid extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

function checkCustomerId(value: string): string {
  if (!CUSTOMER_ID.test(value)) throw new RowInvalid('customer_id', 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
  return value;
}

// The same few hundred codes recur millions of times: remember what each one maps to.
const cityVerdicts = new Map<string, string | undefined>();
const divisionVerdicts = new Map<string, string | undefined>();
function remembered(verdicts: Map<string, string | undefined>, value: string, decide: (value: string) => string | undefined): string | undefined {
  if (verdicts.has(value)) return verdicts.get(value);
  const verdict = decide(value);
  if (verdicts.size < 100_000) verdicts.set(value, verdict);
  return verdict;
}

function checkRegion(value: string): string {
  const city = remembered(cityVerdicts, value, (code) => classifications().cityOf(code));
  if (!city) throw new RowInvalid('region_code', `"${value}" is not a GB/T 2260 code of a Guangdong Greater Bay Area city or one of its districts`);
  return city;
}

function checkIndustry(value: string): string {
  const division = remembered(divisionVerdicts, value, (code) => classifications().divisionOf(code));
  if (!division) throw new RowInvalid('industry_code', `"${value}" is not a GB/T 4754-2017 division (01-97, optionally with group/class digits) nor ${RESIDENTIAL}`);
  return division;
}

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

/**
 * Validates one reading (customer_id, region_code, industry_code, date, kwh) against the known
 * customers -- the reading must agree with its customer -- and returns its kWh.
 */
export function checkReadingRow(record: string[], customers: ReadonlyMap<string, CustomerRow>): number {
  const [customerId, regionCode, industryCode, date, kwhText] = record;
  const customer = customers.get(customerId);
  if (!customer) {
    checkCustomerId(customerId);
    throw new RowInvalid('customer_id', `unknown customer "${customerId}" (import the customers file first)`);
  }
  const city = checkRegion(regionCode);
  if (city !== customer.city) throw new RowInvalid('region_code', `"${regionCode}" is not in city ${customer.city} of customer ${customerId}`);
  const division = checkIndustry(industryCode);
  if (division !== customer.division) throw new RowInvalid('industry_code', `"${industryCode}" differs from customer ${customerId}'s ${customer.industryCode}`);
  if (!validDate(date)) throw new RowInvalid('date', `"${date}" is not a calendar date YYYY-MM-DD`);
  if (!KWH.test(kwhText)) throw new RowInvalid('kwh', `"${kwhText}" is not a non-negative number of kWh with at most 3 decimals`);
  return Number(kwhText);
}
