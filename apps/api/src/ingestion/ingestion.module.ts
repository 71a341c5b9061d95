import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { IngestionController } from './ingestion.controller';
import { IngestionService } from './ingestion.service';

@Module({ imports: [BusinessDefModule], controllers: [IngestionController], providers: [IngestionService] })
export class IngestionModule {}
