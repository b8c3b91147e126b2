// Catalog: data products a provider org publishes, updates and withdraws (provider org only).
import { dataProductValidator, type DataProduct, type DataProductDescription } from '@gridspace/schemas';
import { Context, Contract, Info, Returns, Transaction } from '../lib/fabric.js';
import { callerOrg } from '../lib/access.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { KEY, result, TxState } from '../lib/state.js';

export async function getProduct(state: TxState, productId: string): Promise<DataProduct> {
  const product = await state.getJson<DataProduct>(KEY.product, [productId]);
  if (!product) throw notFound(`data product ${productId}`);
  return product;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

@Info({ title: 'Catalog', description: 'Data products and the offers they come with' })
export class CatalogContract extends Contract {
  constructor() {
    super('Catalog');
  }

  @Transaction()
  @Returns('string')
  async Publish(ctx: Context, dataProductJson: string): Promise<string> {
    const state = new TxState(ctx);
    const description = dataProductValidator.parse(dataProductJson, 'dataProduct');
    const caller = await callerOrg(state);
    if (description.provider !== caller.id) throw forbidden(`only the provider org may publish a data product; the caller is ${caller.id}, the product names ${description.provider}`);
    const existing = await state.getJson<DataProduct>(KEY.product, [description.id]);
    if (existing) throw conflict(`data product ${description.id} already exists (status ${existing.status}); use Catalog:Update`);
    const now = state.now();
    const product: DataProduct = { ...description, status: 'published', publishedAt: now, updatedAt: now };
    await state.putJson(KEY.product, [product.id], product);
    await state.putIndex(KEY.productByProvider, [product.provider, product.id]);
    state.emit('DataProductPublished', { dataProductId: product.id, provider: product.provider, version: product.version, at: now });
    return result(product);
  }

  /** Replaces the description; the version must grow. Withdrawn products cannot be updated. */
  @Transaction()
  @Returns('string')
  async Update(ctx: Context, dataProductJson: string): Promise<string> {
    const state = new TxState(ctx);
    const description: DataProductDescription = dataProductValidator.parse(dataProductJson, 'dataProduct');
    const caller = await callerOrg(state);
    const existing = await getProduct(state, description.id);
    if (existing.provider !== caller.id) throw forbidden(`only the provider org ${existing.provider} may update data product ${existing.id}`);
    if (description.provider !== existing.provider) throw invalid('dataProduct.provider', `cannot change (is ${existing.provider})`);
    if (existing.status !== 'published') throw conflict(`data product ${existing.id} is ${existing.status}`);
    if (compareVersions(description.version, existing.version) <= 0) {
      throw invalid('dataProduct.version', `must be greater than the published version ${existing.version}`);
    }
    const now = state.now();
    const product: DataProduct = { ...description, status: 'published', publishedAt: existing.publishedAt, updatedAt: now };
    await state.putJson(KEY.product, [product.id], product);
    state.emit('DataProductUpdated', { dataProductId: product.id, provider: product.provider, version: product.version, at: now });
    return result(product);
  }

  /** Withdraws a product from the catalog: no new negotiations start on it (agreements in force stay). */
  @Transaction()
  @Returns('string')
  async Withdraw(ctx: Context, dataProductId: string, reason: string): Promise<string> {
    const state = new TxState(ctx);
    if (reason.trim() === '') throw invalid('reason', 'must not be empty');
    const caller = await callerOrg(state);
    const existing = await getProduct(state, dataProductId);
    if (existing.provider !== caller.id) throw forbidden(`only the provider org ${existing.provider} may withdraw data product ${existing.id}`);
    if (existing.status === 'withdrawn') throw conflict(`data product ${existing.id} is already withdrawn`);
    const now = state.now();
    const product: DataProduct = { ...existing, status: 'withdrawn', updatedAt: now, withdrawnAt: now, withdrawalReason: reason };
    await state.putJson(KEY.product, [product.id], product);
    state.emit('DataProductWithdrawn', { dataProductId: product.id, provider: product.provider, reason, at: now });
    return result(product);
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, dataProductId: string): Promise<string> {
    return result(await getProduct(new TxState(ctx), dataProductId));
  }

  @Transaction(false)
  @Returns('string')
  async List(ctx: Context): Promise<string> {
    return result(await new TxState(ctx).listJson<DataProduct>(KEY.product, []));
  }

  @Transaction(false)
  @Returns('string')
  async ByProvider(ctx: Context, providerOrgId: string): Promise<string> {
    const state = new TxState(ctx);
    const products: DataProduct[] = [];
    for (const [, id] of await state.listKeys(KEY.productByProvider, [providerOrgId])) {
      const product = await state.getJson<DataProduct>(KEY.product, [id!]);
      if (product) products.push(product);
    }
    return result(products);
  }
}
