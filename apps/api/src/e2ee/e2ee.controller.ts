import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { E2eeDevice, E2eeDeviceList, E2eeSyncResponse } from '@parley/contracts';
import type { Request } from 'express';
import { CurrentAuth } from '../auth/auth.decorators';
import type { RequestAuth } from '../auth/request-auth';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { E2eeDeviceDto, E2eeDeviceListDto, RegisterDeviceDto, RenameDeviceDto } from './dto/e2ee.dto';
import { E2eeDevicesService } from './e2ee-devices.service';
import { E2eeKeysService } from './e2ee-keys.service';
import { Json, deviceIdOf, object } from './e2ee-validation';
import { KeyBackupService } from './key-backup.service';
import { ToDeviceService } from './to-device.service';

const MATRIX_BODY = { schema: { type: 'object', additionalProperties: true }, description: 'The Matrix client-server API body, as the crypto library makes it' };
const MATRIX_ANSWER = { schema: { type: 'object', additionalProperties: true }, description: 'The Matrix-shaped answer the crypto library expects' };
const SPEC = 'https://spec.matrix.org/v1.12/client-server-api/';

/**
 * End-to-end encryption's key traffic (docs/e2ee.md): this sign-in as a device, and the endpoints the
 * crypto library (`@matrix-org/matrix-sdk-crypto-wasm`'s OlmMachine) sends its requests to, with Matrix bodies.
 */
@ApiTags('e2ee')
@ApiAuth()
@Controller('e2ee')
export class EncryptionKeysController {
  constructor(
    private readonly devices: E2eeDevicesService,
    private readonly keys: E2eeKeysService,
    private readonly toDevice: ToDeviceService,
    private readonly backup: KeyBackupService,
  ) {}

  @Post('device')
  @HttpCode(200)
  @ApiOperation({ summary: 'This sign-in as a device', description: 'Created the first time (10 capital letters), the same device after. It lives as long as the session or access token.' })
  @ApiOkResponse({ type: E2eeDeviceDto })
  @ApiErrors(400)
  register(@CurrentAuth() auth: RequestAuth, @Body() body: RegisterDeviceDto, @Req() req: Request): Promise<E2eeDevice> {
    return this.devices.register(auth, body.displayName, req.headers['user-agent']);
  }

  @Get('devices')
  @ApiOperation({ summary: 'Your devices', description: 'Every sign-in that registered as a device, newest first; `current` marks this one.' })
  @ApiOkResponse({ type: E2eeDeviceListDto })
  async list(@CurrentAuth() auth: RequestAuth): Promise<E2eeDeviceList> {
    return { devices: await this.devices.list(auth) };
  }

  @Patch('devices/:deviceId')
  @ApiParam({ name: 'deviceId', description: 'One of your devices (10 capital letters)' })
  @ApiOperation({ summary: 'Rename a device', description: 'The name you see in your device list.' })
  @ApiOkResponse({ type: E2eeDeviceDto })
  @ApiErrors(400, 404)
  rename(@CurrentAuth() auth: RequestAuth, @Param('deviceId') deviceId: string, @Body() body: RenameDeviceDto): Promise<E2eeDevice> {
    return this.devices.rename(auth, deviceIdOf(deviceId, 'deviceId'), body.displayName);
  }

  @Delete('devices/:deviceId')
  @ApiParam({ name: 'deviceId', description: 'One of your devices (10 capital letters)' })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Sign a device out',
    description: 'Its session (or access token) ends and its keys are deleted; people who share a room with you stop sending room keys to it (their next message uses a new room key).',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiErrors(400, 404)
  async remove(@CurrentAuth() auth: RequestAuth, @Param('deviceId') deviceId: string): Promise<void> {
    await this.devices.remove(auth, deviceIdOf(deviceId, 'deviceId'));
  }

  @Post('keys/upload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload device keys, one-time keys and fallback keys', description: `Matrix \`POST /keys/upload\` (${SPEC}#post_matrixclientv3keysupload).` })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  upload(@CurrentAuth() auth: RequestAuth, @Body() body: Json): Promise<Json> {
    return this.keys.upload(auth, object(body, 'body'));
  }

  @Post('keys/query')
  @HttpCode(200)
  @ApiOperation({ summary: "Users' device and cross-signing public keys", description: `Matrix \`POST /keys/query\` (${SPEC}#post_matrixclientv3keysquery).` })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  query(@CurrentAuth() auth: RequestAuth, @Body() body: Json): Promise<Json> {
    return this.keys.query(auth, object(body, 'body'));
  }

  @Post('keys/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim one-time keys', description: `Matrix \`POST /keys/claim\` (${SPEC}#post_matrixclientv3keysclaim). Each one-time key is handed out once.` })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  claim(@Body() body: Json): Promise<Json> {
    return this.keys.claim(object(body, 'body'));
  }

  @Post('keys/signatures/upload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload signatures of keys', description: `Matrix \`POST /keys/signatures/upload\` (${SPEC}#post_matrixclientv3keyssignaturesupload).` })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  signatures(@CurrentAuth() auth: RequestAuth, @Body() body: Json): Promise<Json> {
    return this.keys.uploadSignatures(auth, object(body, 'body'));
  }

  @Post('keys/device_signing/upload')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload cross-signing keys',
    description: `Matrix \`POST /keys/device_signing/upload\` (${SPEC}#post_matrixclientv3keysdevice_signingupload). Replacing an existing master key needs \`auth: {type: "m.login.password", password}\`.`,
  })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  crossSigning(@CurrentAuth() auth: RequestAuth, @Body() body: Json): Promise<Json> {
    return this.keys.uploadCrossSigning(auth, object(body, 'body'));
  }

  @Put('sendToDevice/:eventType/:txnId')
  @ApiOperation({ summary: 'Send to-device messages', description: `Matrix \`PUT /sendToDevice\` (${SPEC}#put_matrixclientv3sendtodeviceeventtypetxnid). Idempotent per device and txnId.` })
  @ApiParam({ name: 'eventType', description: 'The to-device event type, e.g. `m.room.encrypted`' })
  @ApiParam({ name: 'txnId', description: 'Chosen by the sending device; a repeat adds nothing' })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  send(@CurrentAuth() auth: RequestAuth, @Param('eventType') eventType: string, @Param('txnId') txnId: string, @Body() body: Json): Promise<Json> {
    return this.toDevice.send(auth, eventType, txnId, object(body, 'body'));
  }

  @Get('sync')
  @ApiOperation({
    summary: "This device's inbox and device-list changes",
    description: 'To-device events in order (at most 100), device-list changes of people you share a room with, and one-time key counts. Asking from a `next_batch` acknowledges (deletes) what came before it.',
  })
  @ApiQuery({ name: 'since', required: false, description: '`next_batch` of the previous answer' })
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  sync(@CurrentAuth() auth: RequestAuth, @Query('since') since?: string): Promise<E2eeSyncResponse> {
    return this.toDevice.sync(auth, typeof since === 'string' ? since : undefined);
  }

  @Post('room_keys/version')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a key backup version', description: `Matrix \`POST /room_keys/version\` (${SPEC}#post_matrixclientv3room_keysversion). Retires the previous version.` })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400)
  createBackup(@CurrentAuth() auth: RequestAuth, @Body() body: Json): Promise<Json> {
    return this.backup.createVersion(auth.user.id, object(body, 'body'));
  }

  @Get('room_keys/version')
  @ApiOperation({ summary: 'The current key backup version', description: 'Its algorithm, public auth data, version, and how many sessions it holds. 404 when none is set up.' })
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(404)
  getBackup(@CurrentAuth() auth: RequestAuth): Promise<Json> {
    return this.backup.getVersion(auth.user.id);
  }

  @Put('room_keys/version/:version')
  @ApiParam({ name: 'version', description: 'Your current backup version' })
  @ApiOperation({ summary: "Update a key backup version's auth data", description: 'New auth data (e.g. signatures) for your current version.' })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400, 404)
  updateBackup(@CurrentAuth() auth: RequestAuth, @Param('version') version: string, @Body() body: Json): Promise<Json> {
    return this.backup.updateVersion(auth.user.id, version, object(body, 'body'));
  }

  @Delete('room_keys/version/:version')
  @ApiParam({ name: 'version', description: 'One of your backup versions' })
  @ApiOperation({ summary: 'Delete a key backup version (and its keys)', description: 'The backed-up sessions of that version are deleted.' })
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(404)
  deleteBackup(@CurrentAuth() auth: RequestAuth, @Param('version') version: string): Promise<Json> {
    return this.backup.deleteVersion(auth.user.id, version);
  }

  @Put('room_keys/keys')
  @ApiOperation({ summary: 'Back up room keys', description: `Matrix \`PUT /room_keys/keys\` (${SPEC}#put_matrixclientv3room_keyskeys). 409 when \`version\` is not the current one.` })
  @ApiQuery({ name: 'version', required: true, description: 'Your current backup version' })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400, 409)
  putKeys(@CurrentAuth() auth: RequestAuth, @Query('version') version: string | undefined, @Body() body: Json): Promise<Json> {
    return this.backup.putKeys(auth.user.id, typeof version === 'string' ? version : undefined, object(body, 'body'));
  }

  @Get('room_keys/keys')
  @ApiOperation({ summary: 'Backed-up room keys', description: 'Every session of the version, still encrypted to the backup key.' })
  @ApiQuery({ name: 'version', required: true, description: 'One of your backup versions' })
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(404)
  getKeys(@CurrentAuth() auth: RequestAuth, @Query('version') version?: string): Promise<Json> {
    return this.backup.getKeys(auth.user.id, typeof version === 'string' ? version : undefined);
  }

  @Get('account-data')
  @ApiOperation({ summary: 'All your account data documents', description: '`{account_data: {<type>: <content>}}`: every document your devices stored (empty when none).' })
  @ApiOkResponse(MATRIX_ANSWER)
  listAccountData(@CurrentAuth() auth: RequestAuth): Promise<Json> {
    return this.backup.listAccountData(auth.user.id);
  }

  @Get('account-data/:type')
  @ApiParam({ name: 'type', description: 'Lower-case letters, digits, ".", "_" or "-", e.g. `parley.secret_storage`' })
  @ApiOperation({ summary: 'Read one of your account data documents', description: 'Opaque JSON your devices share (secret storage). 404 when there is none of that type.' })
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400, 404)
  getAccountData(@CurrentAuth() auth: RequestAuth, @Param('type') type: string): Promise<Json> {
    return this.backup.getAccountData(auth.user.id, type);
  }

  @Put('account-data/:type')
  @ApiParam({ name: 'type', description: 'Lower-case letters, digits, ".", "_" or "-", e.g. `parley.secret_storage`' })
  @ApiOperation({ summary: 'Write one of your account data documents', description: 'Opaque JSON (`{content}`), at most 64 KiB.' })
  @ApiBody(MATRIX_BODY)
  @ApiOkResponse(MATRIX_ANSWER)
  @ApiErrors(400, 413)
  putAccountData(@CurrentAuth() auth: RequestAuth, @Param('type') type: string, @Body() body: Json): Promise<Json> {
    return this.backup.putAccountData(auth.user.id, type, object(body, 'body'));
  }
}
