import { Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AVATAR_FIELD, AVATAR_SIZE_PX, CurrentUser } from '@parley/contracts';
import { IsOptional, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { AvatarService, UploadedImage } from './avatar.service';
import { AvatarUploadInterceptor } from './avatar-upload.interceptor';
import { CurrentUserDto } from './dto/users.dto';
import { UserEntity } from './user.entity';
import { toCurrentUser } from './users.mapper';

export class AvatarQueryDto {
  @ApiPropertyOptional({ description: 'The version from `avatarUrl`; with the current one the answer may be cached for good', maxLength: 40 })
  @IsOptional()
  @Matches(/^[0-9a-z]{1,40}$/, { message: 'v must be a version from avatarUrl' })
  v?: string;
}

/** A year: a versioned URL names one picture forever. */
const IMMUTABLE = 'private, max-age=31536000, immutable';
/** Unversioned (or stale) URLs: keep a copy but ask each time (cheap thanks to the ETag). */
const REVALIDATE = 'private, no-cache';

@ApiTags('users')
@ApiAuth()
@Controller('users')
export class AvatarController {
  constructor(private readonly avatars: AvatarService) {}

  @Put('me/avatar')
  @UseInterceptors(AvatarUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: `One PNG, JPEG, GIF or WebP image in the field \`${AVATAR_FIELD}\`, recognised by its bytes`,
    schema: {
      type: 'object',
      required: [AVATAR_FIELD],
      properties: { [AVATAR_FIELD]: { type: 'string', format: 'binary', description: 'The picture' } },
    },
  })
  @ApiOperation({
    summary: 'Set your picture',
    description:
      `Upload a PNG, JPEG, GIF or WebP image (judged by its bytes, not its name or declared type; at most 5 MB by default and 40 ` +
      `megapixels). It is cropped to a ${AVATAR_SIZE_PX}×${AVATAR_SIZE_PX} WebP with all metadata (EXIF, GPS) removed. A file ` +
      'that is not such an image, or is damaged, too large or named with a path, is refused and the old picture stays.',
  })
  @ApiOkResponse({ type: CurrentUserDto, description: 'Your account with the new `avatarUrl`' })
  @ApiErrors(413, 415)
  async upload(@CurrentUserEntity() me: UserEntity, @UploadedFile() file: UploadedImage | undefined): Promise<CurrentUser> {
    return toCurrentUser(await this.avatars.upload(me.id, file));
  }

  @Delete('me/avatar')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove your picture', description: 'Goes back to the generated initials picture. Removing it twice is not an error.' })
  @ApiOkResponse({ type: CurrentUserDto, description: 'Your account with the initials `avatarUrl`' })
  async remove(@CurrentUserEntity() me: UserEntity): Promise<CurrentUser> {
    return toCurrentUser(await this.avatars.remove(me.id));
  }

  @Get(':id/avatar')
  @ApiUuidParam('id', 'The user')
  @ApiOperation({
    summary: "A user's picture",
    description:
      `A ${AVATAR_SIZE_PX}×${AVATAR_SIZE_PX} WebP: the uploaded picture, or generated initials for a user without one. Carries an ` +
      'ETag (answering 304 to If-None-Match); the URL from `avatarUrl` (with `v`) may be cached for good.',
  })
  @ApiOkResponse({ description: 'The picture', content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors(404)
  async image(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: AvatarQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const image = await this.avatars.image(id);
    res.setHeader('Content-Type', image.contentType);
    res.setHeader('ETag', `"${image.version}"`);
    res.setHeader('Cache-Control', query.v === image.version ? IMMUTABLE : REVALIDATE);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'inline; filename="avatar.webp"');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.status(200).send(image.body);
  }
}
