import { RoomMember } from '@parley/contracts';

/**
 * The read receipt under my latest message: "Seen" in a direct room; "Seen by Ana and Bo", "Seen by 5" or
 * "Seen by everyone" in a room; null while nobody has read it.
 */
export function seenText(readers: readonly RoomMember[], memberCount: number, direct: boolean): string | null {
  if (readers.length === 0) return null;
  if (direct) return 'Seen';
  if (memberCount > 2 && readers.length >= memberCount - 1) return 'Seen by everyone';
  const names = readers.map((m) => m.user.displayName);
  if (names.length === 1) return `Seen by ${names[0]}`;
  if (names.length <= 3) return `Seen by ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `Seen by ${names.length}`;
}
