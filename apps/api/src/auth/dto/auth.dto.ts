import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { KEY_SCOPE_PATTERN, ROLES, type Role } from '@anom/contracts';
import { MIN_PASSWORD_LENGTH } from '../passwords';

export class SignInDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 100)
  displayName!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    description: `At least ${MIN_PASSWORD_LENGTH} characters; omit for a person who signs in only through OIDC.`,
  })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    description: `A new password (at least ${MIN_PASSWORD_LENGTH} characters); ends every session.`,
  })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'true disables the account and ends its sessions; false enables it again.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'prometheus' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    description: "Scopes: 'read', 'write', 'admin', or 'ingest:<businessId>' (ingest into that business only).",
    example: ['read'],
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(KEY_SCOPE_PATTERN, { each: true, message: 'each scope must be read, write, admin or ingest:<businessId>' })
  scopes!: string[];

  @ApiPropertyOptional({ description: 'When the key stops working (ISO 8601); omit for no expiry.', type: String })
  @IsOptional()
  @IsDateString({}, { message: 'expiresAt must be an ISO 8601 time' })
  expiresAt?: string;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ description: "Exact actor, or a prefix ending in '*' (`user:*`)." })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  actor?: string;

  @ApiPropertyOptional({ example: 'acknowledge' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'Object type: business, rule, alert, channel, user, api_key, …' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  entityId?: string;

  @ApiPropertyOptional({ description: 'From this time (inclusive, ISO 8601).', type: String })
  @IsOptional()
  @IsDateString({}, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Before this time (exclusive, ISO 8601).', type: String })
  @IsOptional()
  @IsDateString({}, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional({ description: 'Rows per page (1–500, default 100).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  cursor?: string;
}
