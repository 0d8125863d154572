import type { Request } from 'express';
import type { UserEntity } from '../users/user.entity';

/** Who made this request, and how they proved it. Set by the authentication guard. */
export interface RequestAuth {
  user: UserEntity;
  via: 'cookie' | 'bearer';
  sessionId?: string;
  accessTokenId?: string;
}

export type AuthedRequest = Request & { auth?: RequestAuth; user?: unknown };
