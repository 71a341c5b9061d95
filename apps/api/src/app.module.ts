import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AlertsModule } from './alerts/alerts.module';
import { ExportModule } from './export/export.module';
import { FhirModule } from './fhir/fhir.module';
import { ConfigAsCodeModule } from './config-as-code/config.module';
import { BusinessDefModule } from './business-def/business-def.module';
import { AuthGuard } from './common/guards/auth.guard';
import { AuthModule } from './auth/auth.module';
import type { ApiConfig } from './config/api.config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { InfraModule } from './infra/infra.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { NotificationsModule } from './notifications/notifications.module';
import { RulesModule } from './rules/rules.module';
import { SuggestionsModule } from './suggestions/suggestions.module';
import { SourcesModule } from './sources/sources.module';
import { StreamModule } from './stream/stream.module';
import { ViewsModule } from './views/views.module';
import { SilencesModule } from './silences/silences.module';
import { redactQuery, requestLogLevel, skipRequestLog } from './common/redact';

@Module({})
export class AppModule {
  static forConfig(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            transport: config.prettyLogs ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
            // A token in a query string (an EventSource client's ?access_token=) never reaches the log.
            serializers: { req: redactQuery },
            // Requests are logged at debug (LOG_LEVEL=debug shows them); health probes never.
            customLogLevel: requestLogLevel,
            genReqId: (req: IncomingMessage) => (req.headers['x-request-id'] as string) || randomUUID(),
            autoLogging: { ignore: skipRequestLog },
          },
        }),
        InfraModule.forConfig(config),
        AuthModule,
        HealthModule,
        MetricsModule,
        BusinessDefModule,
        SourcesModule,
        RulesModule,
        IngestionModule,
        AlertsModule,
        ExportModule,
        FhirModule,
        ConfigAsCodeModule,
        NotificationsModule,
        SuggestionsModule,
        ViewsModule,
        SilencesModule,
        StreamModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
