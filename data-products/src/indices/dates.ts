// Calendar helpers on UTC day numbers (days since 1970-01-01), so no time zone can shift a date.
const DAY_MS = 86_400_000;

export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Strict YYYY-MM-DD check, including the day existing in that month. */
export function isValidIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

export function monthOf(isoDateText: string): string {
  return isoDateText.slice(0, 7);
}

export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Same calendar day one year earlier, or undefined for 29 February. */
export function sameDayLastYear(isoDateText: string): string | undefined {
  const candidate = `${Number(isoDateText.slice(0, 4)) - 1}${isoDateText.slice(4)}`;
  return isValidIsoDate(candidate) ? candidate : undefined;
}

/** Chinese New Year's day (Spring Festival), used by the generator's holiday effect. */
export const SPRING_FESTIVAL: Readonly<Record<number, string>> = {
  2019: '2019-02-05', 2020: '2020-01-25', 2021: '2021-02-12', 2022: '2022-02-01', 2023: '2023-01-22',
  2024: '2024-02-10', 2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26',
  2029: '2029-02-13', 2030: '2030-02-03',
};
