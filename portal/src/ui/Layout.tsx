// The signed-in frame: header (who is signed in, language, sign-out), navigation by what the
// org may do, and the dialog that takes over when the session has expired.
import { useEffect, type ReactNode } from 'react';
import { NavLink as RouterLink, useLocation } from 'react-router';
import { AppShell, Badge, Burger, Button, Group, Modal, NavLink, Select, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { useSessionState, useSession } from '../auth/session';
import { setUnauthenticatedHandler } from '../api/gateway';
import { LANGUAGES } from '../i18n';

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('language.label')}
      data={LANGUAGES.map((value) => ({ value, label: t(`language.${value}`) }))}
      value={i18n.language}
      onChange={(value) => value && void i18n.changeLanguage(value)}
      allowDeselect={false}
      w={150}
      size="xs"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function SessionExpired() {
  const { t } = useTranslation();
  const { expired, signIn, session } = useSessionState();
  const location = useLocation();
  return (
    <Modal opened={expired} onClose={() => undefined} withCloseButton={false} title={t('session.expiredTitle')} centered>
      <Stack>
        <Text>{t('session.expiredText')}</Text>
        <Button onClick={() => session && void signIn(session.org.id, `${location.pathname}${location.search}`)}>{t('session.signInAgain')}</Button>
      </Stack>
    </Modal>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const { signOut, markExpired } = useSessionState();
  const queryClient = useQueryClient();
  const [opened, { toggle }] = useDisclosure();
  useEffect(() => setUnauthenticatedHandler(markExpired), [markExpired]);
  // A new sign-in (another org) must never see the previous org's cached answers.
  useEffect(() => () => queryClient.clear(), [session.org.id, queryClient]);
  const links = [
    { to: '/catalog', label: t('nav.catalog') },
    { to: '/agreements', label: t('nav.agreements') },
    { to: '/identifiers', label: t('nav.identifiers') },
    ...(session.org.type === 'supplier' ? [{ to: '/identifiers/register', label: t('nav.register') }] : []),
    { to: '/indices', label: t('nav.indices') },
    ...(session.isOperator ? [{ to: '/operator', label: t('nav.operator') }] : []),
  ];
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <Title order={1} size="h3">{t('appName')}</Title>
          </Group>
          <Group wrap="nowrap">
            <Text size="sm" data-testid="signed-in-org">
              {session.org.name}
            </Text>
            <Badge variant="light" c="dark.9">{t(`orgType.${session.org.type}`)}</Badge>
            <LanguageSelect />
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              {t('session.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.label')}>
        {links.map((link) => (
          <NavLink key={link.to} component={RouterLink} to={link.to} end label={link.label} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
      <SessionExpired />
    </AppShell>
  );
}
