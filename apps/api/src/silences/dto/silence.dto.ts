import { IsOmittable } from '../../common/validators/is-omittable';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export class CreateSilenceDto {
  @ApiProperty({
    description: 'Why the alerts are muted, for whoever sees the silence',
    example: 'Nightly database maintenance',
  })
  @IsString()
  @Length(1, 500)
  comment!: string;

  @ApiPropertyOptional({ description: 'Only this rule’s alerts (omit for every rule of the business)', format: 'uuid' })
  @IsOmittable()
  @IsUUID(undefined, { message: 'ruleId must be a UUID' })
  ruleId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Only alerts whose group key has these fields with these values (omit for every group)',
    example: { service: 'billing' },
  })
  @IsOmittable()
  @IsObject({ message: 'groupKey must be an object of field names to values' })
  groupKey?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'ISO 8601 start (default: now)', example: '2026-11-23T22:00:00Z' })
  @IsOmittable()
  @IsISO8601({ strict: true }, { message: 'startsAt must be an ISO 8601 date-time' })
  startsAt?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 end; give this or duration', example: '2026-11-24T02:00:00Z' })
  @IsOmittable()
  @IsISO8601({ strict: true }, { message: 'endsAt must be an ISO 8601 date-time' })
  endsAt?: string;

  @ApiPropertyOptional({
    description: 'How long from the start (30s, 15m, 2h, 1d, 1w); give this or endsAt',
    example: '2h',
  })
  @IsOmittable()
  @IsString()
  @Length(2, 20)
  duration?: string;
}

export class ListSilencesQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated states (default active,pending)',
    example: 'active,pending,expired',
  })
  @IsOptional()
  @Matches(/^(active|pending|expired)(,(active|pending|expired))*$/, {
    message: 'state must be a comma-separated list of active, pending, expired',
  })
  state?: string;
}
