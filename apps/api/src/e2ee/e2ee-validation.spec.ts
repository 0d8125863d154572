import { mergeSignatures, signedPart } from './e2ee-validation';
import { parseSyncToken } from './to-device.service';

describe('e2ee validation helpers', () => {
  it('parses sync tokens and refuses anything else with a 400', () => {
    expect(parseSyncToken(undefined)).toBeNull();
    expect(parseSyncToken('')).toBeNull();
    expect(parseSyncToken('12_7')).toEqual({ inbox: 12, changes: 7 });
    for (const bad of ['12', '_', 'a_b', '1_2_3', '-1_2', '1'.repeat(16) + '_1']) {
      expect(() => parseSyncToken(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it('merges signatures per signer and compares signed objects without them', () => {
    const key = { user_id: '@a:parley', keys: { 'ed25519:X': 'k' }, signatures: { '@a:parley': { 'ed25519:DEV': 's1' } } };
    const merged = mergeSignatures(key, { signatures: { '@a:parley': { 'ed25519:SSK': 's2' }, '@b:parley': 'not an object' } });
    expect(merged.signatures).toEqual({ '@a:parley': { 'ed25519:DEV': 's1', 'ed25519:SSK': 's2' } });
    expect(signedPart(merged)).toBe(signedPart({ ...key, unsigned: { device_display_name: 'x' } }));
    expect(signedPart({ ...key, keys: { 'ed25519:X': 'other' } })).not.toBe(signedPart(key));
  });
});
