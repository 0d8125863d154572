import { RoomInvitation } from '@parley/contracts';

/**
 * The invitations list as plain data: each function applies one change (an answer from the API or a live
 * event) and returns a new list; the same change twice (our own answer, then the event about it) changes
 * nothing the second time.
 */
export type InvitationChange = (list: readonly RoomInvitation[]) => RoomInvitation[];

/** A new invitation first (the list is newest first); the same one again only moves to the top. */
export function withInvitation(list: readonly RoomInvitation[], invitation: RoomInvitation): RoomInvitation[] {
  return [invitation, ...list.filter((i) => i.id !== invitation.id)];
}

/** Accepted, declined, withdrawn, or ended by a block. */
export function withoutInvitation(list: readonly RoomInvitation[], invitationId: string): RoomInvitation[] {
  return list.filter((i) => i.id !== invitationId);
}

/** A list loaded from the server, with the events heard while it was on its way (which it may predate) applied on top. */
export function replayed(loaded: readonly RoomInvitation[], heard: readonly InvitationChange[]): readonly RoomInvitation[] {
  return heard.reduce<readonly RoomInvitation[]>((list, change) => change(list), loaded);
}
