// The api's answer shapes live in @anom/contracts, which the api is checked
// against (apps/api/src/common/response-contracts.ts); the vocabulary too.
export type {
  AcceptedSuggestion,
  Alert,
  AlertDetail,
  AlertStatus,
  BacktestSummary as BacktestResult,
  Business,
  Field,
  FieldType,
  OverviewItem,
  Page,
  Rule,
  RuleKind,
  Series,
  Severity,
  Silence,
  Source,
  StoredEvent,
  Suggestion,
  View,
  ViewPanel,
} from '@anom/contracts';
export type {
  AggregateFn,
  CalendarPeriod,
  ComparisonOp,
  Direction,
  RuleBody,
  RuleOfKind,
  RuleOptionKey,
  Seasonality,
  SuggestionStatus,
} from '@anom/contracts';
export {
  AGGREGATE_FNS,
  ALERT_STATUSES,
  CALENDAR_PERIODS,
  COMPARISON_OPS,
  DIRECTIONS,
  FIELD_TYPES,
  RULE_KINDS,
  RULE_KIND_OPTIONS,
  RULE_OPTIONS,
  SEASONALITIES,
  SERIES_AGGREGATIONS,
  SEVERITIES,
  SUGGESTION_STATUSES,
} from '@anom/contracts';

/** A rule body as the api takes it (POST and PATCH /rules, validate, backtest): the OpenAPI document's. */
export type RuleBodyRequest = import('./schema').components['schemas']['RuleBodyDto'];
