import { e2eeUserId } from '@parley/contracts';
import { PersonIdentity, identityChanges } from './identity-changes';

const identity = (violation: boolean, needsApproval: boolean): PersonIdentity => ({
  hasVerificationViolation: () => violation,
  identityNeedsUserApproval: () => needsApproval,
  withdrawVerification: async () => undefined,
  pinCurrentMasterKey: async () => undefined,
});

describe('identityChanges: whose encryption identity a room warns about', () => {
  it('names a verified person whose identity changed first in strength, a changed unverified one as a notice, and nobody else', async () => {
    const known: Record<string, PersonIdentity> = {
      [e2eeUserId('ana')]: identity(true, true),
      [e2eeUserId('bo')]: identity(false, true),
      [e2eeUserId('cy')]: identity(false, false),
    };
    const asked: string[] = [];
    const found = await identityChanges(['me', 'ana', 'bo', 'cy', 'dee'], 'me', async (id) => {
      asked.push(id);
      return known[id];
    });
    expect(found).toEqual([
      { userId: 'ana', change: 'verified-changed' },
      { userId: 'bo', change: 'changed' },
    ]);
    // My own identity is never looked at; people the library does not know are skipped.
    expect(asked).toEqual(['ana', 'bo', 'cy', 'dee'].map(e2eeUserId));
  });
});
