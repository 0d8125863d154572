import { AccessTokenEntity } from '../auth/access-token.entity';
import { LoginLockoutEntity } from '../auth/login-lockout.entity';
import { SessionEntity } from '../auth/session.entity';
import { UserEntity } from '../users/user.entity';

/** Every entity, listed once for the DataSource (each one lives with its feature module). */
export const entities = [UserEntity, SessionEntity, AccessTokenEntity, LoginLockoutEntity];
