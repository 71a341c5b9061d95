import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateSourceDto {
  @ApiProperty({ example: 'wearable-gateway' })
  @IsString()
  @Length(1, 100)
  name!: string;
}
