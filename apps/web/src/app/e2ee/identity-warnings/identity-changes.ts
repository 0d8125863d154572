import { e2eeUserId } from '@parley/contracts';

/** What changed about a person's encryption identity, as a room warns about it. */
export type IdentityChange =
  /** I had verified them and their identity is no longer the one I verified. */
  | 'verified-changed'
  /** Their identity changed since this device first saw it (I had not verified them). */
  | 'changed';

/** The part of the library's OtherUserIdentity the check reads and acts on. */
export interface PersonIdentity {
  hasVerificationViolation(): boolean;
  identityNeedsUserApproval(): boolean;
  withdrawVerification(): Promise<void>;
  pinCurrentMasterKey(): Promise<void>;
}

/** Looks a person's identity up in the library (undefined: none known, or it is my own). */
export type IdentityLookup = (matrixUserId: string) => Promise<PersonIdentity | undefined>;

/**
 * Which members' identities changed, in member order, leaving me out: a verified person whose identity is no
 * longer the verified one (someone may be between us: their messages carry a red shield), or anyone whose
 * identity changed since this device first saw it.
 */
export async function identityChanges(memberIds: readonly string[], me: string | null, lookup: IdentityLookup): Promise<{ userId: string; change: IdentityChange }[]> {
  const out: { userId: string; change: IdentityChange }[] = [];
  for (const userId of memberIds) {
    if (userId === me) continue;
    const identity = await lookup(e2eeUserId(userId));
    if (!identity) continue;
    if (identity.hasVerificationViolation()) out.push({ userId, change: 'verified-changed' });
    else if (identity.identityNeedsUserApproval()) out.push({ userId, change: 'changed' });
  }
  return out;
}
