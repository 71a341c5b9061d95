import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RulesModule } from '../rules/rules.module';
import { SilencesModule } from '../silences/silences.module';
import { ViewsModule } from '../views/views.module';
import { ConfigController } from './config.controller';
import { ConfigService } from './config.service';
import { ProvisioningService } from './provisioning.service';

@Module({
  imports: [BusinessDefModule, RulesModule, ViewsModule, NotificationsModule, SilencesModule],
  controllers: [ConfigController],
  providers: [ConfigService, ProvisioningService],
})
export class ConfigAsCodeModule {}
