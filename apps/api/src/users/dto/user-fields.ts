import { applyDecorators } from '@nestjs/common';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  STATUS_TEXT_MAX_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
} from '@parley/contracts';
import { IsEmail, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { PlainLine, Presence, presence, trimmed } from '../../common/field-rules';

export function UsernameField(opts: Presence = {}) {
  return applyDecorators(
    ...presence('username', opts, {
      description: `${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} characters of a-z, 0-9, dot, underscore and hyphen; stored in lower case`,
      example: 'ada.lovelace',
      minLength: USERNAME_MIN_LENGTH,
      maxLength: USERNAME_MAX_LENGTH,
      pattern: USERNAME_PATTERN.source,
    }),
    trimmed(true),
    IsString({ message: 'username must be text' }),
    Length(USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH, {
      message: `username must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`,
    }),
    Matches(USERNAME_PATTERN, { message: 'username may contain only letters a-z, digits, dot, underscore and hyphen' }),
  );
}

export function EmailField(opts: Presence = {}) {
  return applyDecorators(
    ...presence('email', opts, { format: 'email', example: 'ada@example.com', maxLength: EMAIL_MAX_LENGTH }),
    trimmed(true),
    IsString({ message: 'email must be text' }),
    MaxLength(EMAIL_MAX_LENGTH, { message: `email must be at most ${EMAIL_MAX_LENGTH} characters` }),
    IsEmail({}, { message: 'email must be a valid email address' }),
  );
}

export function DisplayNameField(opts: Presence = {}) {
  return applyDecorators(
    ...presence('displayName', opts, { example: 'Ada Lovelace', minLength: 1, maxLength: DISPLAY_NAME_MAX_LENGTH }),
    trimmed(false),
    IsString({ message: 'displayName must be text' }),
    Length(1, DISPLAY_NAME_MAX_LENGTH, { message: `displayName must be 1 to ${DISPLAY_NAME_MAX_LENGTH} characters` }),
    PlainLine('displayName'),
  );
}

export function StatusTextField(opts: Presence = {}) {
  return applyDecorators(
    ...presence('statusText', opts, { example: 'In meetings until 3pm', maxLength: STATUS_TEXT_MAX_LENGTH }),
    trimmed(false),
    IsString({ message: 'statusText must be text' }),
    MaxLength(STATUS_TEXT_MAX_LENGTH, { message: `statusText must be at most ${STATUS_TEXT_MAX_LENGTH} characters` }),
    PlainLine('statusText'),
  );
}

/** A password as typed. Strength is judged by the password policy, not here. */
export function PasswordField(name: string, opts: Presence & { isNew?: boolean } = {}) {
  return applyDecorators(
    ...presence(name, opts, {
      format: 'password',
      minLength: opts.isNew ? PASSWORD_MIN_LENGTH : 1,
      maxLength: PASSWORD_MAX_LENGTH,
      description: opts.isNew
        ? `At least ${PASSWORD_MIN_LENGTH} characters, judged strong enough by a strength estimator, not containing the username or email`
        : undefined,
    }),
    IsString({ message: `${name} must be text` }),
    MinLength(opts.isNew ? PASSWORD_MIN_LENGTH : 1, {
      message: opts.isNew ? `${name} must be at least ${PASSWORD_MIN_LENGTH} characters` : `${name} is required`,
    }),
    MaxLength(PASSWORD_MAX_LENGTH, { message: `${name} must be at most ${PASSWORD_MAX_LENGTH} characters` }),
  );
}
