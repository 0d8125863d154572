import { ApiProperty } from '@nestjs/swagger';
import { AdminUser, CurrentUser, Page, PublicUser, UpdateProfileRequest, UserRole } from '@parley/contracts';
import { DisplayNameField, EmailField, StatusTextField, UsernameField } from './user-fields';

export class PublicUserDto implements PublicUser {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ada.lovelace' }) username!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) displayName!: string;
  @ApiProperty({ example: 'Working on the analytical engine' }) statusText!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CurrentUserDto extends PublicUserDto implements CurrentUser {
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: Object.values(UserRole), enumName: 'UserRole' }) role!: UserRole;
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
