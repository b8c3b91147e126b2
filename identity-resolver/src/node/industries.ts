// GB/T 4754-2017 industry classification: the 20 sections and the range of two-digit divisions
// each covers (the same table as shared/reference/gbt4754-2017-sections.csv).

export interface IndustrySection {
  section: string;
  firstDivision: number;
  lastDivision: number;
  nameEn: string;
}

export const GBT4754_SECTIONS: readonly IndustrySection[] = [
  { section: 'A', firstDivision: 1, lastDivision: 5, nameEn: 'Agriculture, forestry, animal husbandry and fishery' },
  { section: 'B', firstDivision: 6, lastDivision: 12, nameEn: 'Mining' },
  { section: 'C', firstDivision: 13, lastDivision: 43, nameEn: 'Manufacturing' },
  { section: 'D', firstDivision: 44, lastDivision: 46, nameEn: 'Production and supply of electricity, heat, gas and water' },
  { section: 'E', firstDivision: 47, lastDivision: 50, nameEn: 'Construction' },
  { section: 'F', firstDivision: 51, lastDivision: 52, nameEn: 'Wholesale and retail trade' },
  { section: 'G', firstDivision: 53, lastDivision: 60, nameEn: 'Transport, storage and post' },
  { section: 'H', firstDivision: 61, lastDivision: 62, nameEn: 'Accommodation and catering' },
  { section: 'I', firstDivision: 63, lastDivision: 65, nameEn: 'Information transmission, software and information technology services' },
  { section: 'J', firstDivision: 66, lastDivision: 69, nameEn: 'Finance' },
  { section: 'K', firstDivision: 70, lastDivision: 70, nameEn: 'Real estate' },
  { section: 'L', firstDivision: 71, lastDivision: 72, nameEn: 'Leasing and business services' },
  { section: 'M', firstDivision: 73, lastDivision: 75, nameEn: 'Scientific research and technical services' },
  { section: 'N', firstDivision: 76, lastDivision: 79, nameEn: 'Water conservancy, environment and public facilities management' },
  { section: 'O', firstDivision: 80, lastDivision: 82, nameEn: 'Resident services, repair and other services' },
  { section: 'P', firstDivision: 83, lastDivision: 83, nameEn: 'Education' },
  { section: 'Q', firstDivision: 84, lastDivision: 85, nameEn: 'Health and social work' },
  { section: 'R', firstDivision: 86, lastDivision: 90, nameEn: 'Culture, sports and entertainment' },
  { section: 'S', firstDivision: 91, lastDivision: 96, nameEn: 'Public administration, social security and social organizations' },
  { section: 'T', firstDivision: 97, lastDivision: 97, nameEn: 'International organizations' },
];

/** Checks an industry classification {section, division?}; returns a reason or undefined. */
export function industryProblem(section: string, division?: string): string | undefined {
  const found = GBT4754_SECTIONS.find((s) => s.section === section);
  if (!found) return `industry.section: "${section}" is not a GB/T 4754-2017 section (A-T)`;
  if (division === undefined) return undefined;
  const number = Number(division);
  if (!/^\d{2}$/.test(division) || number < found.firstDivision || number > found.lastDivision) {
    return `industry.division: "${division}" is not a division of section ${section} (${String(found.firstDivision).padStart(2, '0')}-${String(found.lastDivision).padStart(2, '0')})`;
  }
  return undefined;
}
