import { errors } from '../common/errors';

/** The one answer for a missing room and for a room the caller may not see, so ids reveal nothing. */
export const roomNotFound = () => errors.notFound('Room');

/** Archived rooms keep their history, read-only: no sends, edits, deletions, joins or invites. */
export const roomArchived = () => errors.conflict('This room is archived: its history is read-only');

export const userNotFound = () => errors.notFound('User');

export const memberNotFound = () => errors.notFound('Member', 'That user is not a member of this room');
