import { Relation as PersonRelation } from '@parley/contracts';
import { Relation } from './friends-state';

/** How someone stands to the signed-in user, in the friends store's words. */
export type RelationKind = Relation['kind'];

/** What a people search said about someone: how they stood to you then, and whether you could message them. */
export interface SeenStanding {
  relation: RelationKind;
  canMessage: boolean;
}

const FROM_PERSON: Readonly<Record<PersonRelation, RelationKind>> = {
  self: 'self',
  friend: 'friend',
  request_sent: 'outgoing',
  request_received: 'incoming',
  blocked: 'blocked',
  none: 'none',
};

/** `GET /api/people`'s relation in the friends store's words. */
export function relationKindOf(relation: PersonRelation): RelationKind {
  return FROM_PERSON[relation];
}

/**
 * Whether a direct message to someone would go through, as far as this client knows. Never to yourself or to
 * someone you blocked; always to a friend (a block, by either side, ends a friendship first). Anyone else
 * depends on the server's DM_POLICY and on whether they blocked you, which only the server knows: its last
 * answer holds while nothing has changed between the two of you since. Null when that is not known.
 */
export function canMessageNow(relation: RelationKind, seen: SeenStanding | undefined): boolean | null {
  if (relation === 'self' || relation === 'blocked') return false;
  if (relation === 'friend') return true;
  return seen && seen.relation === relation ? seen.canMessage : null;
}

/** What a search result offers, depending on what the search is for. */
export type PersonOffer =
  /** Open the direct conversation. */
  | 'message'
  /** Add them to the room (or to the room being made). */
  | 'add'
  /** They can only be invited: they join if they accept. */
  | 'invite'
  | 'add-friend'
  | 'request-sent'
  | 'accept-request'
  | 'blocked'
  | 'self';

/**
 * What to offer for someone: to start a conversation (`message`), only what will work — the conversation when
 * it may be opened, otherwise the step towards it (a friend request, or accepting theirs); to bring them into a
 * room (`add`), adding them when you could message them and inviting them otherwise. Nobody across your block.
 */
export function offerFor(purpose: 'message' | 'add', relation: RelationKind, canMessage: boolean | null): PersonOffer {
  if (relation === 'self') return 'self';
  if (relation === 'blocked') return 'blocked';
  if (purpose === 'add') return canMessage ? 'add' : 'invite';
  if (canMessage) return 'message';
  if (relation === 'incoming') return 'accept-request';
  if (relation === 'outgoing') return 'request-sent';
  return relation === 'friend' ? 'message' : 'add-friend';
}
