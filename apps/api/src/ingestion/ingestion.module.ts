import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { IngestionController } from './ingestion.controller';
import { IngestionService } from './ingestion.service';
import { IngestHeartbeat } from './ingest-heartbeat.service';

@Module({
  imports: [BusinessDefModule],
  controllers: [IngestionController],
  providers: [IngestionService, IngestHeartbeat],
})
export class IngestionModule {}
