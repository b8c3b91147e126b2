// The issuer sends the browser back here with an authorization code; the token exchange (PKCE)
// happens here, then the page the partner was on opens again.
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, Center, Container, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSessionState } from '../auth/session';

export function Callback() {
  const { t } = useTranslation();
  const { completeSignIn } = useSessionState();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeSignIn()
      .then((returnTo) => navigate(returnTo, { replace: true }))
      .catch((e: unknown) => setError((e as Error).message));
  }, [completeSignIn, navigate]);
  if (error)
    return (
      <Container size="xs" py="xl">
        <main>
          <Stack>
            <Alert color="red" role="alert" title={t('signIn.callbackFailed')}>
              {error}
            </Alert>
            <Button onClick={() => navigate('/signin', { replace: true })}>{t('signIn.again')}</Button>
          </Stack>
        </main>
      </Container>
    );
  return (
    <Center h="50vh">
      <main>
        <Loader aria-label={t('signIn.completing')} />
      </main>
    </Center>
  );
}
