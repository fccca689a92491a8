import { provisioningContract } from '@mpanel/sdk/testing';
import { FakeHestiaServer } from '../../../test/fakes/hestia/server.ts';
import { createHestiaModule } from '../src/module.ts';
import { accountCall } from './support/calls.ts';

/** The SDK's ProvisioningModule contract against the Hestia module, over HTTP to the Hestia fake. */
describe('provisioning-hestia: the ProvisioningModule contract against the Hestia API fake', () => {
  const fake = new FakeHestiaServer();
  /** Set by timeoutAfterApply: the next create runs with a 1 s timeout while the fake answers after 3 s. */
  let shortTimeout = false;
  before(() => fake.start());
  after(() => fake.close());

  provisioningContract({
    name: 'hestia (fake HestiaCP API)',
    makeModule: () => createHestiaModule(),
    makeCall: (variant) => {
      const call = accountCall(fake, { wrongSecret: variant === 'wrongCredentials', package: variant === 'wrongPackage' ? 'platinum-typo' : 'default' });
      return {
        ...call,
        get settings() {
          if (!shortTimeout) return call.settings;
          shortTimeout = false;
          return { timeoutSeconds: 1 };
        },
      };
    },
    remote: {
      truth: async (call) => {
        const u = fake.state.users.get(call.account.username!);
        return u ? { exists: true, status: u.suspended ? 'suspended' : 'active' } : { exists: false };
      },
      count: async (call) => (fake.state.users.has(call.account.username!) ? 1 : 0),
      timeoutAfterApply: () => {
        fake.inject({ kind: 'applyThenHang', ms: 3000, cmd: 'v-add-user' });
        shortTimeout = true;
      },
      requests: () => fake.requests.length,
    },
  });
});
