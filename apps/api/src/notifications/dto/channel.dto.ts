import { IsOmittable } from '../../common/validators/is-omittable';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ALERT_EVENTS, CHANNEL_KINDS, SEVERITIES } from '@anom/contracts';

/** Kind-specific settings; which keys a kind needs is checked by ChannelsService. */
export class ChannelConfigDto {
  @ApiPropertyOptional({
    description: 'webhook, slack, discord: the URL to POST to',
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
  })
  @IsOptional()
  @IsUrl(
    { require_protocol: true, protocols: ['http', 'https'], require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  url?: string;

  @ApiPropertyOptional({
    description: 'webhook: Standard Webhooks signing secret (whsec_ + base64); generated when omitted',
  })
  @IsOptional()
  @IsString()
  @Matches(/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/, {
    message: 'secret must be whsec_ followed by at least 16 bytes of base64',
  })
  secret?: string;

  @ApiPropertyOptional({ description: 'email: recipients', example: ['oncall@example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each recipient must be an email address' })
  to?: string[];
}

export class CreateChannelDto {
  @ApiProperty({ example: 'on-call slack' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS as unknown as string[], { message: `kind must be one of ${CHANNEL_KINDS.join(', ')}` })
  kind!: string;

  @ApiProperty({ type: ChannelConfigDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ChannelConfigDto)
  config!: ChannelConfigDto;

  @ApiPropertyOptional({ enum: ALERT_EVENTS, isArray: true, default: ['opened', 'escalated', 'resolved'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALERT_EVENTS as unknown as string[], {
    each: true,
    message: `each event must be one of ${ALERT_EVENTS.join(', ')}`,
  })
  events?: string[];

  @ApiPropertyOptional({
    enum: SEVERITIES,
    default: 'info',
    description: 'alerts below this severity are not announced',
  })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Every field optional; the kind of a channel does not change. */
export class UpdateChannelDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    type: ChannelConfigDto,
    description: 'replaces the whole config (a webhook keeps its secret unless a new one is given)',
  })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ChannelConfigDto)
  config?: ChannelConfigDto;

  @ApiPropertyOptional({ enum: ALERT_EVENTS, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALERT_EVENTS as unknown as string[], {
    each: true,
    message: `each event must be one of ${ALERT_EVENTS.join(', ')}`,
  })
  events?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOmittable()
  @IsIn(SEVERITIES as unknown as string[], { message: `minSeverity must be one of ${SEVERITIES.join(', ')}` })
  minSeverity?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}
