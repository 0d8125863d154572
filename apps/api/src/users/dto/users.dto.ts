import { ApiProperty } from '@nestjs/swagger';
import { AdminUser, CurrentUser, Page, PublicUser, UpdateProfileRequest, UserRole } from '@parley/contracts';
import { DisplayNameField, EmailField, StatusTextField, UsernameField } from './user-fields';

export class PublicUserDto implements PublicUser {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ada.lovelace' }) username!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) displayName!: string;
  @ApiProperty({ example: 'Working on the analytical engine' }) statusText!: string;
  @ApiProperty({
    description: "The user's picture (a square WebP); the `v` parameter changes with the picture, so the URL may be cached",
    example: '/api/users/4f9c2a8e-1b7d-4c3e-9a6f-2d8e5b7c1a90/avatar?v=0f4c9a7e12b34d5e8f6a7b8c9d0e1f2a',
  })
  avatarUrl!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CurrentUserDto extends PublicUserDto implements CurrentUser {
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: Object.values(UserRole), enumName: 'UserRole' }) role!: UserRole;
  @ApiProperty({ description: 'An uploaded picture; false when `avatarUrl` draws the generated initials' }) hasPicture!: boolean;
}

export class AdminUserDto extends CurrentUserDto implements AdminUser {
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deactivatedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLoginAt!: string | null;
}

export class PublicUserPageDto implements Page<PublicUser> {
  @ApiProperty({ type: [PublicUserDto] }) items!: PublicUserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class AdminUserPageDto implements Page<AdminUser> {
  @ApiProperty({ type: [AdminUserDto] }) items!: AdminUserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class UpdateProfileDto implements UpdateProfileRequest {
  @DisplayNameField({ optional: true }) displayName?: string;
  @EmailField({ optional: true }) email?: string;
  @UsernameField({ optional: true }) username?: string;
  @StatusTextField({ optional: true }) statusText?: string;
}
