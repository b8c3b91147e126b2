// The two classifications the indices are cut by: GB/T 2260 regions of the Greater Bay Area and
// GB/T 4754-2017 industry sections/divisions. The CSVs are a committed copy of
// `shared/reference/` (data/reference/), so the product works where shared/ is absent.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export const REFERENCE_DIR = new URL('../../../data/reference/', import.meta.url);

/** Pseudo-industry for household use: Chinese statistics report it beside the three industries. */
export const RESIDENTIAL = 'RES';
/** Code of the whole Greater Bay Area, the root of the region hierarchy (no GB/T 2260 code exists). */
export const GBA = 'GBA';

export type RegionNodeLevel = 'city' | 'province' | 'gba';
export type IndustryNodeLevel = 'division' | 'section' | 'all';

export interface RegionNode {
  code: string;
  level: RegionNodeLevel;
  nameEn: string;
  nameZh: string;
  /** Code of the parent node; undefined for the root. */
  parent?: string;
  jurisdiction?: string;
}

export interface IndustryNode {
  code: string;
  level: IndustryNodeLevel;
  nameEn: string;
  nameZh: string;
  parent?: string;
}

interface RegionRow { code: string; name_zh: string; name_en: string; jurisdiction: string }
interface SectionRow { section: string; first_division: string; last_division: string; name_zh: string; name_en: string }

function readCsv<T>(file: string): T[] {
  return parse(readFileSync(new URL(file, REFERENCE_DIR), 'utf8'), { columns: true, skip_empty_lines: true }) as T[];
}

/**
 * Region hierarchy: GBA -> province (440000) -> the nine Guangdong cities. The Hong Kong and Macao
 * SARs are in the reference list but the grid operator has no meters there, so readings are
 * accepted for Guangdong cities (and their districts) only.
 */
export function loadRegions(): RegionNode[] {
  const rows = readCsv<RegionRow>('gba-regions-gbt2260.csv');
  const nodes: RegionNode[] = [{ code: GBA, level: 'gba', nameEn: 'Greater Bay Area', nameZh: '粤港澳大湾区' }];
  for (const row of rows) {
    if (row.code === '440000') {
      nodes.push({ code: row.code, level: 'province', nameEn: row.name_en, nameZh: row.name_zh, parent: GBA, jurisdiction: row.jurisdiction });
    } else if (row.code.startsWith('44')) {
      nodes.push({ code: row.code, level: 'city', nameEn: row.name_en, nameZh: row.name_zh, parent: '440000', jurisdiction: row.jurisdiction });
    }
  }
  return nodes;
}

/** Industry hierarchy: all -> sections A..T and RES -> two-digit divisions 01..97. */
export function loadIndustries(): IndustryNode[] {
  const rows = readCsv<SectionRow>('gbt4754-2017-sections.csv');
  const nodes: IndustryNode[] = [{ code: 'ALL', level: 'all', nameEn: 'All industries and households', nameZh: '全社会' }];
  for (const row of rows) {
    nodes.push({ code: row.section, level: 'section', nameEn: row.name_en, nameZh: row.name_zh, parent: 'ALL' });
  }
  nodes.push({ code: RESIDENTIAL, level: 'section', nameEn: 'Urban and rural households', nameZh: '城乡居民生活', parent: 'ALL' });
  for (const row of rows) {
    for (let d = Number(row.first_division); d <= Number(row.last_division); d++) {
      const code = String(d).padStart(2, '0');
      nodes.push({ code, level: 'division', nameEn: `${row.name_en}, division ${code}`, nameZh: `${row.name_zh} ${code}大类`, parent: row.section });
    }
  }
  return nodes;
}

/** Both hierarchies with the lookups ingestion and the indices need. */
export class Classifications {
  readonly regions = loadRegions();
  readonly industries = loadIndustries();
  readonly regionByCode = new Map(this.regions.map((r) => [r.code, r]));
  readonly industryByCode = new Map(this.industries.map((i) => [i.code, i]));

  /** The city a GB/T 2260 code belongs to (a city code or one of its districts), or undefined. */
  cityOf(regionCode: string): string | undefined {
    if (!/^[1-9][0-9]{5}$/.test(regionCode)) return undefined;
    const city = `${regionCode.slice(0, 4)}00`;
    return this.regionByCode.get(city)?.level === 'city' ? city : undefined;
  }

  /** The division of a GB/T 4754 code (two to four digits) or RES; undefined if unknown. */
  divisionOf(industryCode: string): string | undefined {
    if (industryCode === RESIDENTIAL) return RESIDENTIAL;
    if (!/^[0-9]{2}([0-9]{1,2})?$/.test(industryCode)) return undefined;
    const division = industryCode.slice(0, 2);
    return this.industryByCode.get(division)?.level === 'division' ? division : undefined;
  }

  /** Codes of `code` and all its ancestors, finest first. */
  regionPath(code: string): string[] {
    return path(this.regionByCode, code);
  }

  industryPath(code: string): string[] {
    return path(this.industryByCode, code);
  }
}

function path(index: Map<string, { parent?: string }>, code: string): string[] {
  const out: string[] = [];
  for (let node: string | undefined = code; node !== undefined; node = index.get(node)?.parent) out.push(node);
  return out;
}

let shared: Classifications | undefined;
export function classifications(): Classifications {
  shared ??= new Classifications();
  return shared;
}
