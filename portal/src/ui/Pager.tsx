// Mantine's pagination with every control named in the page's language (screen readers need the
// arrows' names).
import { Pagination } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function Pager({ total, value, onChange, label }: { total: number; value: number; onChange: (page: number) => void; label: string }) {
  const { t } = useTranslation();
  return (
    <Pagination
      total={total}
      value={value}
      onChange={onChange}
      aria-label={label}
      getControlProps={(control) => ({ 'aria-label': t(`pager.${control}`) })}
      getItemProps={(page) => ({ 'aria-label': t('pager.page', { page }) })}
    />
  );
}
