import { loadConfig } from '../config/config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasswordService } from './password.service';

describe('PasswordService', () => {
  const owner = { username: 'ada.lovelace', email: 'ada@example.com', displayName: 'Ada Lovelace' };
  let passwords: PasswordService;

  beforeAll(async () => {
    passwords = new PasswordService(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-pw-')) }));
    await passwords.onModuleInit();
  });

  it('accepts a long, unpredictable passphrase', () => {
    expect(passwords.problems('velvet orbit lantern quince', owner)).toEqual([]);
  });

  it.each([
    ['short', 'Xy7#q', /at least 10 characters/],
    ['the username inside', 'my ADA.LOVELACE secret!', /must not contain your username/],
    ['the email inside', 'ada@example.com-9-9-9', /must not contain your email/],
    ['a common password', 'password123', /too easy to guess/],
    ['a name and year', 'Lovelace1815', /too easy to guess/],
  ])('refuses a password with %s and says why', (_label, password, why) => {
    const problems = passwords.problems(password, owner);
    expect(problems.join(' ')).toMatch(why);
  });

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await passwords.hash('velvet orbit lantern quince');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await expect(passwords.verify(hash, 'velvet orbit lantern quince')).resolves.toBe(true);
    await expect(passwords.verify(hash, 'velvet orbit lantern quincE')).resolves.toBe(false);
  });

  it('fails (after the same work) when there is no account to check against', async () => {
    await expect(passwords.verify(undefined, 'anything at all')).resolves.toBe(false);
  });

  it('throws a 400 naming the field for a weak password', () => {
    expect(() => passwords.assertStrong('password123', owner, 'newPassword')).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'newPassword' })] }),
    );
  });
});
