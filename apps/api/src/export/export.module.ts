import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { ExportController } from './export.controller';
import { ExportService } from './export.service';

@Module({ imports: [AlertsModule], controllers: [ExportController], providers: [ExportService] })
export class ExportModule {}
