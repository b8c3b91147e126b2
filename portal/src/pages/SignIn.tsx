// Choose the organization to sign in for; the browser goes to that org's own issuer.
import { useState } from 'react';
import { useLocation } from 'react-router';
import { Alert, Button, Container, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { config } from '../config';
import { useSessionState } from '../auth/session';
import { LanguageSelect } from '../ui/Layout';

export function SignIn() {
  const { t } = useTranslation();
  const { signIn } = useSessionState();
  const location = useLocation();
  const [org, setOrg] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const returnTo = (location.state as { returnTo?: string } | null)?.returnTo ?? '/catalog';
  const go = async () => {
    if (!org) return setError(t('signIn.chooseOrg'));
    setBusy(true);
    try {
      await signIn(org, returnTo);
    } catch (e) {
      setBusy(false);
      setError(t('signIn.failed', { message: (e as Error).message }));
    }
  };
  return (
    <Container size="xs" py="xl">
      <main>
        <Group justify="space-between" mb="md">
          <Title order={1}>{t('appName')}</Title>
          <LanguageSelect />
        </Group>
        <Paper withBorder p="lg">
          <Stack>
            <Title order={2} size="h3">{t('signIn.title')}</Title>
            <Text>{t('signIn.intro')}</Text>
            <Select
              label={t('signIn.org')}
              placeholder={t('signIn.orgPlaceholder')}
              data={config().orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.id})` }))}
              value={org}
              onChange={setOrg}
              searchable
              comboboxProps={{ withinPortal: true }}
            />
            {error && <Alert color="red" role="alert">{error}</Alert>}
            <Button onClick={() => void go()} loading={busy}>
              {t('signIn.submit')}
            </Button>
            <Text size="sm" c="gray.7">{t('signIn.how')}</Text>
          </Stack>
        </Paper>
      </main>
    </Container>
  );
}
