// Waiting and failure, said the same way on every page; a refusal's code picks the advice.
import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { GatewayError } from '../api/gateway';

export function Waiting({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="lg" role="status" aria-live="polite">
      <Loader size="sm" aria-hidden />
      <Text ml="sm" size="sm">{label ?? t('loading')}</Text>
    </Center>
  );
}

/** The sentence the gateway or the ledger gave, and what to do next for the well-known codes. */
export function ErrorNotice({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const code = error instanceof GatewayError ? error.code : undefined;
  const advice = code && i18n.exists(`refusal.${code}`) ? t(`refusal.${code}`) : '';
  return (
    <Alert color="red" role="alert" title={code ? t('refusal.title', { code }) : t('error', { message: '' })}>
      <Stack gap="xs">
        <Text size="sm" data-testid="refusal-reason">{error.message}</Text>
        {advice && <Text size="sm">{advice}</Text>}
        {onRetry && (
          <div>
            <Button size="xs" variant="default" onClick={onRetry}>{t('retry')}</Button>
          </div>
        )}
      </Stack>
    </Alert>
  );
}
