import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokensController } from './access-tokens.controller';
import { AccessTokensService } from './access-tokens.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { CredentialsService } from './credentials.service';
import { LocalStrategy } from './local.strategy';
import { LoginLockoutEntity } from './login-lockout.entity';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordController } from './password.controller';
import { PasswordService } from './password.service';
import { SessionEntity } from './session.entity';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, PassportModule, TypeOrmModule.forFeature([SessionEntity, AccessTokenEntity, LoginLockoutEntity])],
  controllers: [AuthController, AccessTokensController, SessionsController, PasswordController],
  providers: [
    AuthService,
    PasswordService,
    SessionsService,
    AccessTokensService,
    LoginLockoutService,
    LocalStrategy,
    CredentialsService,
    AuthenticationGuard,
  ],
  exports: [SessionsService, AccessTokensService, CredentialsService, AuthService, AuthenticationGuard, PasswordService, UsersModule],
})
export class AuthModule {}
