/** The shapes of a baseline rule: its configuration, a group's state, a score and the signals (see model.ts). */

import { BASELINE_DEFAULTS, type Direction, type Seasonality } from '@anom/contracts';

// The vocabularies are the rule model's (@anom/contracts rules.ts).
export { DIRECTIONS, SEASONALITIES } from '@anom/contracts';
export type { Direction, Seasonality };

export interface BaselineConfig {
  /** Robust z-score beyond which a statistic is anomalous (default BASELINE_DEFAULTS.sensitivity, 5.5). */
  sensitivity: number;
  direction: Direction;
  seasonality: Seasonality;
  /** IANA zone of seasonal bins. */
  timezone: string;
  /** Values remembered per group (per seasonal bin). */
  historySize: number;
  /** Values a group (bin) needs before it is scored. */
  minHistory: number;
  /** Only values beyond every value of the history count (see above). */
  newExtremesOnly: boolean;
  /** Also judge the mean of the last `meanWindow` values (null: not judged). */
  meanWindow: number | null;
  /** Also judge the mean absolute change over the last `volatilityWindow` values (null: not judged). */
  volatilityWindow: number | null;
  /** Also judge the distance of the last `contextWindow` values to the nearest earlier such window (context.ts). */
  contextWindow: number | null;
  /** Values after an alarm during which a new one opens nothing (0: none). */
  quietPeriod: number;
  allowedLatenessMs: number;
}

export interface BaselineState {
  /**
   * History per seasonal bin (`all` without seasonality), oldest first:
   * `historySize` values, and with meanWindow or volatilityWindow as many
   * more as the oldest window needs (windowReach): the window statistics are
   * derived from the values, not stored.
   */
  bins: Record<string, number[]>;
  /** States saved before the window statistics were derived stored them here; dropped on the next value. */
  means?: Record<string, number[]>;
  volatility?: Record<string, number[]>;
  /**
   * Seasonality auto: per 5-minute slot of the day, [day number, sum, count] of the last PROFILE_DAYS days, oldest
   * first.
   */
  profile?: Record<string, [day: number, sum: number, count: number][]>;
  watermark: number;
  /** Whether an alarm is open: the previous value matched, or only echoed the alarm (model.ts echoSpan). */
  holding: boolean;
  /** Values left in the quiet period after the last value that was off its band (absent: none). */
  quiet?: number;
  /**
   * The statistic that opened the last alarm and how many values ago, while a window statistic may still hold that
   * value (absent after that): what an echo is (model.ts echoSpan).
   */
  anchor?: { of: BaselineScore['of']; age: number };
}

/** How far a value (or, with `meanWindow`, the window's mean) is from its band. */
export interface BaselineScore {
  /**
   * What was judged: the value, the mean of the last `meanWindow` values, their volatility, or the distance of the last
   * `contextWindow` values to the nearest earlier such sequence.
   */
  of: 'value' | 'mean' | 'volatility' | 'context';
  /**
   * Seasonality auto: judged as the residual from the daily profile in units
   * of the slot's spread; `expected` is the profile's value for this time and
   * `unit` (value units) what one unit of `value`, `median`, `low`, `high` is.
   */
  seasonal?: { expected: number; unit: number };
  value: number;
  median: number;
  /** Robust σ: 1.4826 × MAD (or the floor above). */
  scale: number;
  /** (value − median) / scale. */
  z: number;
  low: number;
  high: number;
  /** Smallest and largest value of the history the value was judged against. */
  historyMin: number;
  historyMax: number;
  /** How many values of that history lie above and below its median: the tails a record's margin is learnt from. */
  above: number;
  below: number;
}

export type BaselineSignal =
  | ({ type: 'match'; anomalyScore: number } & BaselineScore)
  | { type: 'clear'; value: number }
  | { type: 'late'; id: string };

// The defaults are the rule model's (@anom/contracts rules.ts): the settings `npm run bench:nab` chose.
export { BASELINE_DEFAULTS };

export const DEFAULT_SENSITIVITY = BASELINE_DEFAULTS.sensitivity;
export const DEFAULT_HISTORY = BASELINE_DEFAULTS.historySize;
export const DEFAULT_MIN_HISTORY = BASELINE_DEFAULTS.minHistory;

/** A match's anomaly score (model.ts) from which it alerts: a statistic just beyond its band and record margin. */
export const ANOMALY_THRESHOLD = 0.5;
