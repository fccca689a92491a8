import { stubBillingPlugin } from '../stub-billing-plugin.ts';
import { sharedBilling } from '../memory-billing.ts';

/** Folder form of the stand-in billing plugin, so the plugin loader finds it next to gateway-stripe. */
export default stubBillingPlugin(sharedBilling);
