// A policy in plain words, the raw ODRL one click away.
import { useState } from 'react';
import { Button, Code, List, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n';
import { describeCrossBorder, describePolicy, type CrossBorderJson, type PolicyJson, type PolicyLine } from './describe';

export function usePolicyText() {
  const { t, i18n } = useTranslation('policy');
  // Values that are message keys themselves (levels, mechanisms) are translated; dates formatted.
  return (line: PolicyLine) => {
    const values: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(line.values ?? {})) {
      if (typeof value === 'string' && /^(level|deid|mechanism|dutyAction)\./.test(value)) values[name] = t(value);
      else if ((name === 'from' || name === 'to') && typeof value === 'string' && value) values[name] = formatDateTime(value, i18n.language);
      else values[name] = value;
    }
    return t(line.key, values);
  };
}

export function PolicyView({ policy, crossBorder }: { policy: unknown; crossBorder?: unknown }) {
  const { t } = useTranslation();
  const text = usePolicyText();
  const [raw, setRaw] = useState(false);
  const lines = [...describePolicy(policy as PolicyJson), ...describeCrossBorder(crossBorder as CrossBorderJson | undefined)];
  return (
    <Stack gap="xs">
      <List size="sm" spacing={2}>
        {lines.map((line, i) => (
          <List.Item key={i}>{text(line)}</List.Item>
        ))}
      </List>
      <div>
        <Button variant="default" size="compact-sm" onClick={() => setRaw(!raw)} aria-expanded={raw}>
          {raw ? t('hideRaw') : t('showRaw')}
        </Button>
      </div>
      {raw && (
        <Code block aria-label="ODRL">
          {JSON.stringify(crossBorder ? { policy, crossBorder } : policy, null, 2)}
        </Code>
      )}
    </Stack>
  );
}
