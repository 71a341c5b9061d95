// Compile-time contract between what the api's services return and the answer
// shapes the web app reads (@anom/contracts): each line fails the type check
// when a service's result, as JSON (Dates as strings), no longer fits its
// contract — a field removed, renamed or retyped. Fields the api adds are fine.
import type * as wire from '@anom/contracts';
import type { AlertsService } from '../alerts/alerts.service';
import type { BusinessesService } from '../business-def/businesses.service';
import type { IngestionService } from '../ingestion/ingestion.service';
import type { RulesService } from '../rules/rules.service';
import type { SourcesService } from '../sources/sources.service';
import type { SuggestionsService } from '../suggestions/suggestions.service';
import type { ViewsService } from '../views/views.service';
import type { AuthController } from '../auth/auth.controller';
import type { UsersService } from '../auth/users.service';
import type { UsersController } from '../auth/users.controller';

type Returned<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
/** `true` when the service's answer fits the contract; otherwise both shapes, for the error message. */
type Fits<Server, Wire> = [wire.Jsonify<Server>] extends [Wire]
  ? true
  : { server: wire.Jsonify<Server>; contract: Wire };
type Check<T extends true> = T;

export type ResponseContracts = [
  Check<Fits<Returned<BusinessesService['get']>, wire.Business>>,
  Check<Fits<Returned<BusinessesService['list']>, wire.Page<wire.Business>>>,
  Check<Fits<Returned<RulesService['get']>, wire.Rule>>,
  Check<Fits<Returned<RulesService['list']>, wire.Page<wire.Rule>>>,
  Check<Fits<Returned<RulesService['backtest']>, wire.BacktestSummary>>,
  Check<Fits<Returned<AlertsService['list']>, wire.Page<wire.Alert>>>,
  Check<Fits<Returned<AlertsService['get']>, wire.AlertDetail>>,
  Check<Fits<Returned<AlertsService['scores']>, wire.AlertScores>>,
  Check<Fits<Returned<IngestionService['listEvents']>, wire.Page<wire.StoredEvent>>>,
  Check<Fits<Returned<SourcesService['list']>, wire.Page<wire.Source>>>,
  Check<Fits<Returned<SourcesService['create']>, wire.Source>>,
  Check<Fits<Returned<ViewsService['list']>, wire.Page<wire.View>>>,
  Check<Fits<Returned<ViewsService['series']>, wire.Series>>,
  Check<Fits<Returned<ViewsService['overview']>, wire.Page<wire.OverviewItem>>>,
  Check<Fits<Returned<SuggestionsService['list']>, wire.Page<wire.Suggestion>>>,
  Check<Fits<Returned<SuggestionsService['accept']>, wire.AcceptedSuggestion>>,
  Check<Fits<Returned<SuggestionsService['reject']>, wire.Suggestion>>,
  Check<Fits<ReturnType<AuthController['session']>, wire.SessionView>>,
  Check<Fits<Returned<UsersService['list']>, wire.Page<wire.User>>>,
  Check<Fits<Returned<UsersService['listKeys']>, wire.Page<wire.ApiKey>>>,
  Check<Fits<Returned<UsersService['createKey']>, wire.ApiKey>>,
  Check<Fits<Returned<UsersController['auditLog']>, wire.Page<wire.AuditEntry>>>,
];
