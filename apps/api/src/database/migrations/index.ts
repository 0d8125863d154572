import { Accounts1763600000000 } from './1763600000000-accounts';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const migrations = [Accounts1763600000000];
