import { provisioningContract } from '@mpanel/sdk/testing';
import { FakeWhmServer } from '../../../test/fakes/whm/server.ts';
import { createCpanelModule } from '../src/module.ts';
import { whmCall } from './support.ts';

/** The SDK's ProvisioningModule contract against the cPanel module and the WHM API 1 fake. */
describe('provisioning-cpanel: the ProvisioningModule contract against the WHM fake', () => {
  const whm = new FakeWhmServer();
  before(async () => {
    await whm.start();
    whm.state.addPackage('basic', { QUOTA: 1000 });
  });
  after(() => whm.stop());

  provisioningContract({
    name: 'cPanel & WHM (WHM API 1 fake)',
    makeModule: () => createCpanelModule(),
    makeCall: (variant) => whmCall(whm, {
      ...(variant === 'wrongPackage' ? { package: 'platinum-typo' } : {}),
      ...(variant === 'wrongCredentials' ? { token: 'REVOKEDTOKEN' } : {}),
    }),
    remote: {
      async truth(call) {
        const acct = whm.state.accounts.get(call.account.username!);
        return acct ? { exists: true, status: acct.suspended ? 'suspended' : 'active' } : { exists: false };
      },
      async count(call) {
        return [...whm.state.accounts.values()].filter((a) => a.user === call.account.username || a.domain === call.account.domain).length;
      },
      timeoutAfterApply: () => whm.inject({ kind: 'timeoutAfterApply' }, 'createacct'),
      requests: () => whm.count(),
    },
  });
});
