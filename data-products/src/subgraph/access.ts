// What a grant lets its holder see of the indices: regions (a cell is visible only if every city
// it aggregates is granted) and the finest aggregation per dimension.
import type { GrantClaims } from '@gridspace/schemas';
import { REGION_LEVELS, INDUSTRY_LEVELS, PERIOD_LEVELS } from '@gridspace/schemas';
import { classifications, type IndustryNodeLevel, type RegionNodeLevel } from '../reference/classifications.js';
import type { IndexQuery, PeriodKind } from '../indices/indices.js';

export class AccessDenied extends Error {
  constructor(readonly code: 'AGGREGATION_NOT_ALLOWED' | 'REGION_NOT_ALLOWED', message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

const CUBE_REGION_LEVELS: RegionNodeLevel[] = ['city', 'province', 'gba'];
const CUBE_INDUSTRY_LEVELS: IndustryNodeLevel[] = ['division', 'section', 'all'];

export interface Access {
  regionLevels: RegionNodeLevel[];
  industryLevels: IndustryNodeLevel[];
  periodKinds: PeriodKind[];
  /** Region codes of visible cells (all levels). */
  regionCodes: Set<string>;
}

export function accessOf(grant: GrantClaims): Access {
  const min = grant.scope.minAggregation;
  const regionLevels = CUBE_REGION_LEVELS.filter((l) => REGION_LEVELS.indexOf(l) >= REGION_LEVELS.indexOf(min.region));
  const industryLevels = CUBE_INDUSTRY_LEVELS.filter((l) => INDUSTRY_LEVELS.indexOf(l) >= INDUSTRY_LEVELS.indexOf(min.industry));
  const periodKinds = (['day', 'month'] as PeriodKind[]).filter((l) => PERIOD_LEVELS.indexOf(l) >= PERIOD_LEVELS.indexOf(min.period));
  const ref = classifications();
  const granted = grant.scope.regions ? new Set(grant.scope.regions) : undefined;
  const cities = ref.regions.filter((r) => r.level === 'city');
  const cityGranted = (city: string) => !granted || ref.regionPath(city).some((code) => granted.has(code));
  const regionCodes = new Set<string>();
  for (const node of ref.regions) {
    const leaves = node.level === 'city' ? [node] : cities.filter((c) => ref.regionPath(c.code).includes(node.code));
    if (leaves.every((c) => cityGranted(c.code))) regionCodes.add(node.code);
  }
  return { regionLevels, industryLevels, periodKinds, regionCodes };
}

/** Narrows a query to what the grant allows; refuses explicit requests for more. */
export function restrictQuery(query: IndexQuery, grant: GrantClaims): IndexQuery {
  const access = accessOf(grant);
  const min = grant.scope.minAggregation;
  if (!access.periodKinds.includes(query.periodKind)) {
    throw new AccessDenied('AGGREGATION_NOT_ALLOWED', `the grant allows periods of a ${min.period} or coarser; ${query.periodKind} cells were requested${access.periodKinds.length ? '' : ' (this data product publishes days and months only)'}`);
  }
  for (const level of query.regionLevels ?? []) {
    if (!access.regionLevels.includes(level)) throw new AccessDenied('AGGREGATION_NOT_ALLOWED', `the grant allows regions at ${min.region} level or coarser; ${level} cells were requested`);
  }
  for (const level of query.industryLevels ?? []) {
    if (!access.industryLevels.includes(level)) throw new AccessDenied('AGGREGATION_NOT_ALLOWED', `the grant allows industries at ${min.industry} level or coarser; ${level} cells were requested`);
  }
  for (const code of query.regionCodes ?? []) {
    if (!access.regionCodes.has(code)) throw new AccessDenied('REGION_NOT_ALLOWED', `region ${code} is outside the grant's regions (${grant.scope.regions?.join(', ') ?? 'all'})`);
  }
  const ref = classifications();
  for (const code of query.industryCodes ?? []) {
    const level = ref.industryByCode.get(code)?.level;
    if (level && !access.industryLevels.includes(level)) throw new AccessDenied('AGGREGATION_NOT_ALLOWED', `industry ${code} is a ${level}; the grant allows ${min.industry} level or coarser`);
  }
  return {
    ...query,
    regionLevels: query.regionLevels ?? access.regionLevels,
    industryLevels: query.industryLevels ?? access.industryLevels,
    regionCodes: query.regionCodes ?? [...access.regionCodes],
  };
}
