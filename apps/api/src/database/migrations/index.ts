import { Accounts1763600000000 } from './1763600000000-accounts';
import { RoomsMessages1763700000000 } from './1763700000000-rooms-messages';
import { FriendsAvatars1763800000000 } from './1763800000000-friends-avatars';
import { SystemMessagesInvitations1764000000000 } from './1764000000000-system-messages-invitations';
import { Files1765000000000 } from './1765000000000-files';
import { FileDiscards1766000000000 } from './1766000000000-file-discards';
import { EncryptionAtRest1767000000000 } from './1767000000000-encryption-at-rest';
import { FileEncryption1768000000000 } from './1768000000000-file-encryption';
import { Search1769000000000 } from './1769000000000-search';
import { E2ee1770000000000 } from './1770000000000-e2ee';
import { Retention1772000000000 } from './1772000000000-retention';
import { Records1773000000000 } from './1773000000000-records';
import { Calendar1774000000000 } from './1774000000000-calendar';
import { CalendarReminders1775000000000 } from './1775000000000-calendar-reminders';
import { SearchIndexFile1776000000000 } from './1776000000000-search-index-file';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const migrations = [Accounts1763600000000, RoomsMessages1763700000000, FriendsAvatars1763800000000, SystemMessagesInvitations1764000000000, Files1765000000000, FileDiscards1766000000000, EncryptionAtRest1767000000000, FileEncryption1768000000000, Search1769000000000, E2ee1770000000000, Retention1772000000000, Records1773000000000, Calendar1774000000000, CalendarReminders1775000000000, SearchIndexFile1776000000000];
