import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { UserEntity } from '../users/user.entity';
import { AuthService } from './auth.service';

/** passport-local: `{login, password}` where login is a username or an email address. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'login', passwordField: 'password', session: false });
  }

  validate(login: string, password: string): Promise<UserEntity> {
    return this.auth.validateCredentials(login, password);
  }
}
