import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsOptional, IsString } from 'class-validator';
import { commaList } from '../../common/query-list';

export class ExportConfigQuery {
  @ApiPropertyOptional({ type: String, description: 'Comma-separated business ids; every live business when absent' })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  businessId?: string[];

  @ApiPropertyOptional({ enum: ['yaml', 'json'], default: 'json' })
  @IsOptional()
  @IsIn(['yaml', 'json'], { message: 'must be yaml or json' })
  format?: 'yaml' | 'json';
}

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ApplyConfigQuery {
  @ApiPropertyOptional({ description: 'Compute and return the plan, change nothing', default: false })
  @IsOptional()
  @Transform(bool)
  @IsIn([true, false], { message: 'must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({
    description: 'Delete rules, views, channels and silences of the listed businesses that the document lacks',
    default: false,
  })
  @IsOptional()
  @Transform(bool)
  @IsIn([true, false], { message: 'must be true or false' })
  prune?: boolean;
}
