import { IsOmittable } from '../../common/validators/is-omittable';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { commaList } from '../../common/query-list';
import { SERIES_AGGREGATIONS } from '@anom/domain';

export class SeriesFilterDto {
  @ApiProperty({ example: 'level' })
  field!: string;

  @ApiProperty({ type: [String], example: ['ERROR', 'FATAL'] })
  values!: string[];
}

/** A chart panel; checked against the business's fields by @anom/domain parseViewPanels. */
export class ViewPanelDto {
  @ApiPropertyOptional({ example: 'Heart rate per user' })
  title?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'heart_rate',
    description: 'Numeric field (not needed for count)',
  })
  field?: string | null;

  @ApiProperty({ enum: SERIES_AGGREGATIONS, example: 'avg' })
  agg!: (typeof SERIES_AGGREGATIONS)[number];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'user_id',
    description: 'One series per value of this field (the 10 busiest)',
  })
  groupBy?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '5m',
    description: 'Bucket width; chosen from the range when absent',
  })
  bucket?: string | null;

  @ApiPropertyOptional({ enum: ['line', 'bar'], description: 'default line' })
  chart?: 'line' | 'bar';

  @ApiPropertyOptional({
    type: SeriesFilterDto,
    nullable: true,
    description: 'Only events whose field is one of the values',
  })
  filter?: SeriesFilterDto | null;
}

export class CreateViewDto {
  @ApiProperty({ example: 'Vitals' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiProperty({ type: [ViewPanelDto] })
  @IsArray()
  panels!: unknown[];

  @ApiPropertyOptional({ description: 'Order among the business views (ascending)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  position?: number;
}

export class UpdateViewDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiPropertyOptional({ type: [ViewPanelDto] })
  @IsOmittable()
  @IsArray()
  panels?: unknown[];

  @ApiPropertyOptional()
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(1000)
  position?: number;
}

export class SeriesQuery {
  @ApiProperty({ enum: SERIES_AGGREGATIONS })
  @IsIn(SERIES_AGGREGATIONS as unknown as string[], { message: `agg must be one of ${SERIES_AGGREGATIONS.join(', ')}` })
  agg!: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  field?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  groupBy?: string;

  @ApiPropertyOptional({ description: 'Only events whose filterField is one of filterValues' })
  @IsOmittable()
  @IsString()
  filterField?: string;

  @ApiPropertyOptional({ type: String, description: 'Comma-separated values of filterField' })
  @IsOmittable()
  @Transform(commaList)
  @IsString({ each: true, message: 'each filter value must be text' })
  filterValues?: string[];

  @ApiPropertyOptional({ example: '5m' })
  @IsOmittable()
  @Matches(/^\d+(ms|s|m|h|d|w)$/, { message: 'bucket must be a duration such as 1m, 15m, 1h' })
  bucket?: string;

  @ApiPropertyOptional({ description: 'ISO time; default: 24 h before `to`' })
  @IsOmittable()
  @IsDateString({}, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO time; default: now' })
  @IsOmittable()
  @IsDateString({}, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional({ default: 10 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  maxGroups?: number;
}
