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
export { ALERT_STATUSES, FIELD_TYPES, RULE_KINDS, SEVERITIES } from '@anom/contracts';
