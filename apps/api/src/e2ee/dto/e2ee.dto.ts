import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { E2EE_DEVICE_NAME_MAX_LENGTH, E2eeDevice, E2eeDeviceList, RegisterDeviceRequest, RenameDeviceRequest } from '@parley/contracts';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PlainLine } from '../../common/field-rules';

export class RegisterDeviceDto implements RegisterDeviceRequest {
  @ApiPropertyOptional({ maxLength: E2EE_DEVICE_NAME_MAX_LENGTH, description: 'What your device list calls it (default: from the browser, e.g. "Chrome on Linux")' })
  @IsOptional()
  @IsString({ message: 'displayName must be text' })
  @MaxLength(E2EE_DEVICE_NAME_MAX_LENGTH, { message: `displayName must be at most ${E2EE_DEVICE_NAME_MAX_LENGTH} characters` })
  @PlainLine('displayName')
  displayName?: string;
}

export class RenameDeviceDto implements RenameDeviceRequest {
  @ApiProperty({ maxLength: E2EE_DEVICE_NAME_MAX_LENGTH })
  @IsString({ message: 'displayName must be text' })
  @MinLength(1, { message: 'displayName must not be empty' })
  @MaxLength(E2EE_DEVICE_NAME_MAX_LENGTH, { message: `displayName must be at most ${E2EE_DEVICE_NAME_MAX_LENGTH} characters` })
  @PlainLine('displayName')
  displayName!: string;
}

export class E2eeDeviceDto implements E2eeDevice {
  @ApiProperty({ example: '@3f1c…:parley', description: 'Your user id in the key traffic (`@<uuid>:parley`)' }) userId!: string;
  @ApiProperty({ example: 'QWERTYUIOP', description: '10 capital letters' }) deviceId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ description: 'The device making this request' }) current!: boolean;
  @ApiProperty({ description: 'It has uploaded its identity keys' }) hasKeys!: boolean;
}

export class E2eeDeviceListDto implements E2eeDeviceList {
  @ApiProperty({ type: [E2eeDeviceDto] }) devices!: E2eeDeviceDto[];
}
