import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOmittable } from '../../common/validators/is-omittable';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { FIELD_TYPES, type FieldType } from '@anom/contracts';
import { BUSINESS_ID_PATTERN } from '@anom/domain';

export class FieldDto {
  @ApiProperty({ example: 'heart_rate' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiProperty({ enum: FIELD_TYPES })
  @IsIn(FIELD_TYPES as unknown as string[], { message: `must be one of ${FIELD_TYPES.join(', ')}` })
  type!: FieldType;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ example: 'bpm', type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 32)
  unit?: string | null;

  @ApiPropertyOptional({ type: [String], nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  enum?: string[] | null;

  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '8867-4',
    description: 'LOINC code of what the field measures; coded fields read and ingest as FHIR R4 Observations',
  })
  @IsOptional()
  @IsString()
  @Length(3, 10)
  loinc?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '/min', description: 'UCUM code of the unit' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  ucum?: string | null;
}

export class UpdateFieldDto extends PartialType(OmitType(FieldDto, ['name'] as const)) {}

export class CreateBusinessDto {
  @ApiProperty({
    example: 'camel-routes',
    description: 'Slug used in every URL: lowercase letters, digits, single dashes',
  })
  @IsString()
  @Length(2, 64)
  @Matches(BUSINESS_ID_PATTERN, {
    message: 'must be a slug: lowercase letters, digits and single dashes (camel-routes)',
  })
  id!: string;

  @ApiProperty({ example: 'Camel route monitoring' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiPropertyOptional({ example: 'Europe/Zurich', default: 'UTC' })
  @IsOmittable()
  @IsString()
  timezone?: string;

  @ApiPropertyOptional({
    example: 'timestamp',
    type: String,
    nullable: true,
    description: 'Field holding the event time; omit to use the receive time',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  timestampField?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['routeId'] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  entityKeyFields?: string[];

  @ApiPropertyOptional({
    default: 30,
    description:
      'Days events are kept after they were received (then deleted by the worker, once evaluated; alerts are kept)',
  })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    default: 7,
    description:
      'Days after which stored events are compressed (TimescaleDB native compression; null: never). Chunks hold ' +
      "every business's events of a day, so a chunk is compressed once older than the setting of each business in it",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(3650)
  compressAfterDays?: number | null;

  @ApiPropertyOptional({
    default: false,
    description:
      'Write events to the archive (ARCHIVE_URL: a directory or an S3 bucket, gzip NDJSON) before retention deletes ' +
      'them; while no archive is configured they are kept',
  })
  @IsOmittable()
  @IsBoolean()
  archive?: boolean;

  @ApiProperty({ type: [FieldDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => FieldDto)
  fields!: FieldDto[];
}

// skipNullProperties false: a null name or timezone is validated (and refused), not skipped.
export class UpdateBusinessDto extends PartialType(OmitType(CreateBusinessDto, ['id', 'fields'] as const), {
  skipNullProperties: false,
}) {}

export class ListBusinessesQuery {
  @ApiPropertyOptional({ description: 'Include archived businesses' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeArchived?: 'true' | 'false';

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;
}
