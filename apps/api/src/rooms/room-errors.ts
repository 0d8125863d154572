import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import { QueryFailedError } from 'typeorm';
import { ApiException } from '../common/api-exceptions';

/** The one answer for a missing room and for a room the caller may not see, so ids reveal nothing. */
export const ROOM_NOT_FOUND = 'Room not found';

export const roomNotFound = () => new ApiException(HttpStatus.NOT_FOUND, ErrorCode.NotFound, ROOM_NOT_FOUND);

export const roomForbidden = (message: string) => new ApiException(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, message);

export const roomBadRequest = (message: string) => new ApiException(HttpStatus.BAD_REQUEST, ErrorCode.BadRequest, message);

export const roomConflict = (message: string) => new ApiException(HttpStatus.CONFLICT, ErrorCode.Conflict, message);

export const roomArchived = () => roomConflict('This room is archived: its history is read-only');

export const userNotFound = () => new ApiException(HttpStatus.NOT_FOUND, ErrorCode.NotFound, 'User not found');

export const memberNotFound = () => new ApiException(HttpStatus.NOT_FOUND, ErrorCode.NotFound, 'That user is not a member of this room');

/** A unique-constraint violation from SQLite or PostgreSQL: another request created the same row first. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const d = err.driverError as { code?: string } | undefined;
  return d?.code === '23505' || d?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err.message);
}
