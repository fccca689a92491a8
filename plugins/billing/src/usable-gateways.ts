import { extensionPoints, type PaymentGateway, type PluginContext, type ProvidedExtension } from '@mpanel/sdk';

/**
 * The payment gateways a tenant can actually use: enabled (the extension list) and set up (each
 * gateway's `isUsable`). A gateway that cannot say counts as unusable, with one warning, instead of
 * failing the page or the run.
 */
export async function usableGateways(
  plugin: Pick<PluginContext, 'extensions' | 'logger'>,
  tenantId: string,
  wanted: (gateway: PaymentGateway) => boolean = () => true,
): Promise<Array<ProvidedExtension<PaymentGateway>>> {
  const candidates = plugin.extensions.list(extensionPoints.paymentGateway).filter((g) => wanted(g.impl));
  const usable = await Promise.all(candidates.map(async (g) => {
    if (!g.impl.isUsable) return true;
    try {
      return await g.impl.isUsable({ tenantId, settings: {} });
    } catch (err) {
      plugin.logger.warn({ gateway: g.key, tenantId, reason: (err as Error).message }, 'Payment gateway could not say whether it is set up; not used');
      return false;
    }
  }));
  return candidates.filter((_g, i) => usable[i]);
}
