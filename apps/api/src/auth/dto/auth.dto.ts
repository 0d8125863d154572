import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AccessToken,
  AuthSession,
  SessionInfo,
  CreateAccessTokenRequest,
  CreatedAccessToken,
  ChangePasswordRequest,
  LOGIN_MAX_LENGTH,
  LoginRequest,
  LoginResponse,
  RegisterRequest,
  TOKEN_NAME_MAX_LENGTH,
} from '@parley/contracts';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { CurrentUserDto } from '../../users/dto/users.dto';
import { DisplayNameField, EmailField, PasswordField, UsernameField } from '../../users/dto/user-fields';

export class RegisterDto implements RegisterRequest {
  @UsernameField() username!: string;
  @EmailField() email!: string;
  @PasswordField('password', { isNew: true }) password!: string;
  @DisplayNameField({ optional: true }) displayName?: string;
}

export class LoginDto implements LoginRequest {
  @ApiProperty({ description: 'Username or email address', example: 'ada.lovelace', maxLength: LOGIN_MAX_LENGTH })
  @IsDefined({ message: 'login is required' })
  @IsString({ message: 'login must be text' })
  @MinLength(1, { message: 'login is required' })
  @MaxLength(LOGIN_MAX_LENGTH, { message: `login must be at most ${LOGIN_MAX_LENGTH} characters` })
  login!: string;

  @PasswordField('password') password!: string;
}

export class LoginResponseDto implements LoginResponse {
  @ApiProperty({ type: CurrentUserDto }) user!: CurrentUserDto;
  @ApiProperty({ description: 'Session token; send as `Authorization: Bearer <token>` if you do not keep cookies' }) token!: string;
  @ApiProperty({ format: 'date-time', description: 'When the session ends unless used (it slides with use)' }) expiresAt!: string;
}

export class ChangePasswordDto implements ChangePasswordRequest {
  @PasswordField('currentPassword') currentPassword!: string;
  @PasswordField('newPassword', { isNew: true }) newPassword!: string;
}

export class CreateAccessTokenDto implements CreateAccessTokenRequest {
  @ApiProperty({ example: 'CI notifier', minLength: 1, maxLength: TOKEN_NAME_MAX_LENGTH })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be text' })
  @Length(1, TOKEN_NAME_MAX_LENGTH, { message: `name must be 1 to ${TOKEN_NAME_MAX_LENGTH} characters` })
  name!: string;
}

export class AccessTokenDto implements AccessToken {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedAccessTokenDto implements CreatedAccessToken {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The token value. Shown only in this response: store it now.' }) token!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RegistrationStatusDto {
  @ApiProperty({ enum: ['open', 'domain', 'closed'] }) mode!: 'open' | 'domain' | 'closed';
  @ApiProperty({ description: 'Whether a new account can be created now' }) open!: boolean;
  @ApiProperty({ type: [String], description: 'With mode "domain": the allowed email domains' }) allowedEmailDomains!: string[];
}

export class AuthSessionDto implements AuthSession {
  @ApiPropertyOptional({ type: CurrentUserDto, nullable: true, description: 'The signed-in user, or null' }) user!: CurrentUserDto | null;
  @ApiProperty({ type: RegistrationStatusDto }) registration!: RegistrationStatusDto;
}

export class SessionInfoDto implements SessionInfo {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastUsedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ description: 'The session this request was made with' }) current!: boolean;
}
