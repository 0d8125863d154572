import { AddMemberResult, PublicUser } from '@parley/contracts';

/** "Ana", "Ana and Bo", "Ana, Bo and Cy". */
export function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What adding someone did, in words: added, already in, or invited (they join only if they accept). */
export function addedSentence(user: PublicUser, result: AddMemberResult): string {
  switch (result.outcome) {
    case 'added':
      return `${user.displayName} was added.`;
    case 'already_member':
      return `${user.displayName} is already a member.`;
    case 'invited':
      return `${user.displayName} was invited; they join when they accept.`;
  }
}

/**
 * What creating a room with people did: who is in, and who was invited instead (people you may not simply add
 * join when they accept). `invited` is null when the server did not say who (only how many: `invitedCount`).
 */
export function createdSentences(added: readonly string[], invited: readonly string[] | null, invitedCount: number): string[] {
  const lines: string[] = [];
  if (added.length > 0) lines.push(`${nameList(added)} ${added.length === 1 ? 'was' : 'were'} added.`);
  if (invited && invited.length > 0) {
    lines.push(`${nameList(invited)} ${invited.length === 1 ? 'was' : 'were'} invited; they join when they accept.`);
  } else if (invitedCount > 0) {
    lines.push(`${invitedCount === 1 ? '1 person was' : `${invitedCount} people were`} invited; they join when they accept.`);
  }
  return lines;
}
