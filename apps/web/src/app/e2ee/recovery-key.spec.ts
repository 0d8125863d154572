import { RecoveryKeyError, decodeRecoveryKey, encodeRecoveryKey, newRecoveryKey, openSecrets, sealSecrets } from './recovery-key';

describe('recovery keys', () => {
  it('reads back what it wrote, in groups of four, whatever the spacing the person types', () => {
    const key = newRecoveryKey();
    const text = encodeRecoveryKey(key);
    expect(text).toMatch(/^(\w{4} )+\w{1,4}$/);
    expect(decodeRecoveryKey(text)).toEqual(key);
    expect(decodeRecoveryKey(`  ${text.replace(/ /g, '\n')}  `)).toEqual(key);
  });

  it('refuses a mistyped key before trying it, and text that is no key at all', () => {
    // A fixed key: the swap below is then known to break the parity (a random one could keep it, 1 in 256).
    const text = encodeRecoveryKey(new Uint8Array(32).fill(7));
    const i = text.search(/[A-HJ-NP-Za-km-z]/);
    const swapped = text.slice(0, i) + (text[i] === 'a' ? 'b' : 'a') + text.slice(i + 1);
    expect(() => decodeRecoveryKey(swapped)).toThrow(RecoveryKeyError);
    expect(() => decodeRecoveryKey('0OIl not base58')).toThrow(/characters a recovery key never has/);
    expect(() => decodeRecoveryKey('abcd')).toThrow(/missing or mistyped/);
  });

  it('seals the secrets so that only the same key opens them, bound to the backup version', async () => {
    const key = newRecoveryKey();
    const sealed = await sealSecrets(key, '{"cross_signing":"secret"}', '7');
    expect(JSON.stringify(sealed)).not.toContain('secret"');
    expect(await openSecrets(key, sealed)).toBe('{"cross_signing":"secret"}');
    await expect(openSecrets(newRecoveryKey(), sealed)).rejects.toThrow(/does not open/);
    await expect(openSecrets(key, { ...sealed, backupVersion: '8' })).rejects.toThrow(/does not open/);
  });
});
