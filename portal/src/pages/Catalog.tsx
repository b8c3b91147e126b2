// The catalog: data products with their DCAT-style metadata and offers, each offer's policy in
// plain words, the caller's agreement state per product, and "request access".
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Badge, Button, Card, Group, Modal, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { standardCrossBorderTerms } from '@gridspace/schemas/cross-border-terms';
import { useSession } from '../auth/session';
import { orgById } from '../config';
import { AGREEMENT_FIELDS, useAgreementMutation, useGatewayQuery, type Agreement, type DataProduct, type Offer } from '../api/hooks';
import { formatDateTime } from '../i18n';
import { PolicyView } from '../policy/PolicyView';
import { ErrorNotice, Waiting } from '../ui/Status';
import { Pager } from '../ui/Pager';

const PAGE_SIZE = 10;
const CATALOG = `{ dataProducts { id version title description provider status keywords themes accrualPeriodicity publishedAt updatedAt offers { id title policy crossBorder } } agreements { id dataProductId state provider consumer updatedAt } }`;

/** The most relevant agreement of the caller for a product: a live one before an ended one. */
function agreementFor(agreements: Agreement[], productId: string): Agreement | undefined {
  const mine = agreements.filter((a) => a.dataProductId === productId).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return mine.find((a) => a.state !== 'TERMINATED') ?? mine[0];
}

function RequestAccess({ product, offer, onClose }: { product: DataProduct; offer: Offer; onClose: () => void }) {
  const { t } = useTranslation('catalog');
  const { org } = useSession();
  const provider = orgById(product.provider);
  const crossBorderNeedsFiling = org.jurisdiction === 'HK' || org.jurisdiction === 'MO';
  const [filing, setFiling] = useState('');
  const request = useAgreementMutation<{ proposal: Record<string, unknown> }, { requestAgreement: Agreement }>(`mutation($proposal: AgreementProposalInput!) { requestAgreement(proposal: $proposal) { ${AGREEMENT_FIELDS} } }`);
  const submit = () => {
    const policy = { ...(offer.policy as object), target: product.id, assigner: product.provider, assignee: org.id };
    const crossBorder = standardCrossBorderTerms({ providerJurisdiction: provider?.jurisdiction ?? 'CN-GD', consumerJurisdiction: org.jurisdiction, filingReference: filing.trim() || undefined });
    request.mutate({ proposal: { id: `agr-${org.id}-${product.id}-${Date.now().toString(36)}`, dataProductId: product.id, offerId: offer.id, policy, crossBorder } });
  };
  return (
    <Modal opened onClose={onClose} title={t('request.title', { product: product.title })} size="lg">
      {request.isSuccess ? (
        <Stack>
          <Alert color="green" role="status">{t('request.sent', { id: request.data.requestAgreement.id })}</Alert>
          <Group>
            <Button component={Link} to={`/agreements/${encodeURIComponent(request.data.requestAgreement.id)}`}>{t('request.open')}</Button>
            <Button variant="default" onClick={onClose}>{t('common:close')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text>{t('request.intro', { provider: provider?.name ?? product.provider })}</Text>
          <PolicyView policy={offer.policy} crossBorder={offer.crossBorder} />
          {crossBorderNeedsFiling && <TextInput label={t('request.filing')} description={t('request.filingHelp')} value={filing} onChange={(e) => setFiling(e.currentTarget.value)} required />}
          {request.isError && <ErrorNotice error={request.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common:cancel')}</Button>
            <Button onClick={submit} loading={request.isPending} disabled={crossBorderNeedsFiling && !filing.trim()}>{t('request.confirm')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function ProductCard({ product, agreement }: { product: DataProduct; agreement?: Agreement }) {
  const { t, i18n } = useTranslation('catalog');
  const { org } = useSession();
  const [requesting, setRequesting] = useState<Offer>();
  const own = product.provider === org.id;
  const live = agreement && agreement.state !== 'TERMINATED';
  return (
    <Card withBorder component="article" aria-labelledby={`product-${product.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Title order={3} size="h4" id={`product-${product.id}`}>{product.title}</Title>
          <Badge color={agreement?.state === 'FINALIZED' ? 'green' : agreement?.state === 'TERMINATED' ? 'gray' : agreement ? 'blue' : 'gray'} variant="light" c="dark.9" data-testid={`agreement-state-${product.id}`}>
            {own ? t('yourProduct') : t(`common:state.${agreement?.state ?? 'NONE'}`)}
          </Badge>
        </Group>
        {product.description && <Text size="sm">{product.description}</Text>}
        <Text size="sm" c="gray.7">
          {t('meta', { id: product.id, version: product.version, provider: orgById(product.provider)?.name ?? product.provider, periodicity: product.accrualPeriodicity ?? '—', updated: formatDateTime(product.updatedAt, i18n.language) })}
        </Text>
        <Group gap={4}>
          {[...product.themes, ...product.keywords].map((k) => (
            <Badge key={k} size="sm" variant="outline" color="gray.8">{k}</Badge>
          ))}
        </Group>
        {agreement && (
          <Text size="sm">
            <Link to={`/agreements/${encodeURIComponent(agreement.id)}`}>{t('yourAgreement', { id: agreement.id, state: t(`common:state.${agreement.state}`) })}</Link>
          </Text>
        )}
        {product.offers.map((offer) => (
          <Card key={offer.id} withBorder padding="sm" component="section" aria-label={t('offer', { title: offer.title ?? offer.id })}>
            <Stack gap="xs">
              <Text fw={600} size="sm">{t('offer', { title: offer.title ?? offer.id })}</Text>
              <PolicyView policy={offer.policy} crossBorder={offer.crossBorder} />
              {!own && (
                <Group>
                  <Button size="xs" onClick={() => setRequesting(offer)} disabled={!!live}>{t('requestAccess')}</Button>
                  {live && <Text size="xs" c="gray.7">{t('alreadyAgreement')}</Text>}
                </Group>
              )}
            </Stack>
          </Card>
        ))}
      </Stack>
      {requesting && <RequestAccess product={product} offer={requesting} onClose={() => setRequesting(undefined)} />}
    </Card>
  );
}

export default function Catalog() {
  const { t } = useTranslation('catalog');
  const query = useGatewayQuery<{ dataProducts: DataProduct[]; agreements: Agreement[] }>(['catalog'], CATALOG);
  const [search, setSearch] = useState('');
  const [theme, setTheme] = useState<string | null>(null);
  const [provider, setProvider] = useState<string | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const products = useMemo(() => query.data?.dataProducts ?? [], [query.data]);
  const agreements = useMemo(() => query.data?.agreements ?? [], [query.data]);
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return products.filter((p) => {
      if (needle && ![p.id, p.title, p.description ?? '', ...p.keywords, ...p.themes].some((s) => s.toLowerCase().includes(needle))) return false;
      if (theme && !p.themes.includes(theme)) return false;
      if (provider && p.provider !== provider) return false;
      if (state && (agreementFor(agreements, p.id)?.state ?? 'NONE') !== state) return false;
      return true;
    });
  }, [products, agreements, search, theme, provider, state]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const shown = filtered.slice((Math.min(page, pages) - 1) * PAGE_SIZE, Math.min(page, pages) * PAGE_SIZE);
  const themes = [...new Set(products.flatMap((p) => p.themes))].sort();
  const providers = [...new Set(products.map((p) => p.provider))].sort();
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text>{t('intro')}</Text>
      <Group align="flex-end">
        <TextInput label={t('common:search')} placeholder={t('searchPlaceholder')} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage(1); }} w={260} />
        <Select label={t('theme')} data={themes} value={theme} onChange={(v) => { setTheme(v); setPage(1); }} clearable placeholder={t('common:all')} w={160} />
        <Select label={t('provider')} data={providers.map((p) => ({ value: p, label: orgById(p)?.name ?? p }))} value={provider} onChange={(v) => { setProvider(v); setPage(1); }} clearable placeholder={t('common:all')} w={220} />
        <Select label={t('agreementState')} data={['NONE', 'REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'].map((s) => ({ value: s, label: t(`common:state.${s}`) }))} value={state} onChange={(v) => { setState(v); setPage(1); }} clearable placeholder={t('common:all')} w={180} />
      </Group>
      {query.isPending && <Waiting />}
      {query.isError && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && (
        <>
          <Text size="sm" role="status">{t('count', { count: filtered.length, total: products.length })}</Text>
          {shown.map((p) => (
            <ProductCard key={p.id} product={p} agreement={agreementFor(agreements, p.id)} />
          ))}
          {pages > 1 && <Pager total={pages} value={Math.min(page, pages)} onChange={setPage} label={t('paging')} />}
        </>
      )}
    </Stack>
  );
}
