import type { FieldDefinition } from '@anom/domain';

/** A business shipped with Anom, with its rules (bodies as `POST /rules` takes them). */
export interface SeedBusiness {
  id: string;
  name: string;
  description: string;
  timezone: string;
  timestampField: string;
  entityKeyFields: string[];
  fields: FieldDefinition[];
  rules: Record<string, unknown>[];
  /** Views (chart panels, as POST /businesses/:id/views takes them) created with the business. */
  views: { name: string; description?: string; panels: Record<string, unknown>[] }[];
}

const ts: FieldDefinition = {
  name: 'timestamp',
  type: 'timestamp',
  required: true,
  description: 'Event time (RFC 3339 or epoch ms)',
};

/**
 * The seeded businesses. Thresholds and their sources:
 * - Tachycardia: resting heart rate above 100 bpm (AHA definition of
 *   tachycardia); 130 bpm as the critical escalation is our choice.
 * - Hypoxia: SpO2 below 94 % warrants attention, below 92 % is hypoxaemia
 *   needing assessment, below 90 % is critical (BTS guideline for oxygen use
 *   in adults, 2017, target range 94–98 %).
 * - Fever: skin/body temperature above 37.5 °C, critical above 38.5 °C
 *   (NICE NG143 uses 38 °C for fever in children; wearables read skin
 *   temperature, which runs lower, so these are screening thresholds).
 * Vitals rules are consecutive runs (sequence) so one noisy reading does not
 * page anyone: 5 readings for tachycardia, 3 for hypoxia and fever.
 */
export const SEED_BUSINESSES: SeedBusiness[] = [
  {
    id: 'health-vitals',
    name: 'Health vitals',
    description: 'Wearable biometrics per user: heart rate, SpO2, skin temperature, activity.',
    timezone: 'UTC',
    timestampField: 'timestamp',
    entityKeyFields: ['user_id'],
    fields: [
      ts,
      { name: 'user_id', type: 'string', required: true },
      {
        name: 'device_sources',
        type: 'string',
        description: 'Comma-separated devices that contributed (watch, ring, patch)',
      },
      // LOINC codes (https://loinc.org/<code>, LOINC 2.82 table) and UCUM units of the FHIR R4 vital-signs
      // profile (http://hl7.org/fhir/R4/observation-vitalsigns.html):
      // - 8867-4 Heart rate (Qn, /min), the vital-signs profile's heart rate code;
      // - 80404-7 R-R interval.standard deviation (Heart rate variability) (Qn, ms): SDNN, what wearables report;
      // - 59408-5 Oxygen saturation in Arterial blood by Pulse oximetry (Qn, %): the profile's pulse-oximetry code
      //   (2708-6 is arterial oxygen saturation in general);
      // - 61008-9 Body surface temperature (Qn, Cel): a wearable reads the skin, not core temperature, so not
      //   8310-5 Body temperature; 39106-0 Temperature of Skin is nominal (warm/cold), not a measurement;
      // - 9279-1 Respiratory rate (Qn, /min).
      // steps_per_minute and activity_level stay uncoded: LOINC's step counts (55423-8, 41950-7) are counts over
      // a period, not a cadence, and activity_level is this simulator's own 0-100 scale.
      { name: 'heart_rate', type: 'number', unit: 'bpm', min: 0, max: 300, loinc: '8867-4', ucum: '/min' },
      { name: 'hrv_ms', type: 'number', unit: 'ms', min: 0, loinc: '80404-7', ucum: 'ms' },
      { name: 'spo2_percent', type: 'number', unit: '%', min: 0, max: 100, loinc: '59408-5', ucum: '%' },
      { name: 'skin_temp_c', type: 'number', unit: '°C', min: 20, max: 45, loinc: '61008-9', ucum: 'Cel' },
      {
        name: 'respiratory_rate',
        type: 'number',
        unit: 'breaths/min',
        min: 0,
        max: 80,
        loinc: '9279-1',
        ucum: '/min',
      },
      {
        name: 'activity_level',
        type: 'number',
        unit: '%',
        min: 0,
        max: 100,
        description: '0 at rest, 100 at maximal effort',
      },
      { name: 'steps_per_minute', type: 'integer', unit: 'steps/min', min: 0 },
      { name: 'posture', type: 'enum', enum: ['lying', 'sitting', 'standing', 'walking', 'running'] },
    ],
    views: [
      {
        name: 'Vitals per user',
        description: 'Per user: average heart rate and activity, lowest SpO2, highest skin temperature.',
        panels: [
          { title: 'Heart rate, average (bpm)', field: 'heart_rate', agg: 'avg', groupBy: 'user_id' },
          { title: 'SpO2, lowest (%)', field: 'spo2_percent', agg: 'min', groupBy: 'user_id' },
          { title: 'Skin temperature, highest (°C)', field: 'skin_temp_c', agg: 'max', groupBy: 'user_id' },
          { title: 'Activity, average (%)', field: 'activity_level', agg: 'avg', groupBy: 'user_id' },
        ],
      },
    ],
    rules: [
      {
        name: 'Tachycardia at rest',
        kind: 'sequence',
        condition: 'heart_rate > 100 && activity_level < 10',
        minCount: 5,
        within: '10m',
        groupBy: ['user_id'],
        severity: 'high',
        escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
        resolveAfter: '10m',
      },
      {
        name: 'Hypoxia',
        kind: 'sequence',
        condition: 'spo2_percent < 94',
        minCount: 3,
        within: '10m',
        groupBy: ['user_id'],
        severity: 'medium',
        escalations: [
          { when: 'spo2_percent < 92', severity: 'high' },
          { when: 'spo2_percent < 90', severity: 'critical' },
        ],
        resolveAfter: '10m',
      },
      {
        name: 'Fever',
        kind: 'sequence',
        condition: 'skin_temp_c > 37.5',
        minCount: 3,
        within: '30m',
        groupBy: ['user_id'],
        severity: 'high',
        escalations: [{ when: 'skin_temp_c > 38.5', severity: 'critical' }],
        resolveAfter: '30m',
      },
    ],
  },
  {
    id: 'service-logs',
    name: 'Service logs',
    description: 'Application log lines per service.',
    timezone: 'UTC',
    timestampField: 'timestamp',
    entityKeyFields: ['service'],
    fields: [
      ts,
      { name: 'service', type: 'string', required: true },
      { name: 'level', type: 'enum', enum: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'], required: true },
      { name: 'message', type: 'string', required: true },
      { name: 'user_id', type: 'string' },
    ],
    views: [
      {
        name: 'Errors',
        description: 'ERROR and FATAL logs per service, and all logs by level.',
        panels: [
          {
            title: 'Errors per service',
            agg: 'count',
            groupBy: 'service',
            filter: { field: 'level', values: ['ERROR', 'FATAL'] },
            chart: 'bar',
          },
          { title: 'Logs by level', agg: 'count', groupBy: 'level' },
        ],
      },
    ],
    rules: [
      {
        name: 'Failure logged',
        kind: 'immediate',
        condition: 'message.contains("failed")',
        groupBy: ['service'],
        severity: 'medium',
      },
      {
        name: 'Fatal error',
        kind: 'immediate',
        condition: "level == 'FATAL'",
        groupBy: ['service'],
        severity: 'critical',
      },
      {
        name: 'Error burst',
        kind: 'aggregate',
        condition: "level == 'ERROR'",
        aggregate: { fn: 'count' },
        window: '3m',
        op: '>=',
        threshold: 20,
        groupBy: ['service'],
        severity: 'high',
        resolveAfter: '5m',
      },
      {
        name: 'User error spike',
        kind: 'aggregate',
        condition: "level == 'ERROR' && user_id != ''",
        aggregate: { fn: 'count' },
        window: '5m',
        op: '>=',
        threshold: 10,
        groupBy: ['user_id'],
        severity: 'medium',
        resolveAfter: '10m',
      },
    ],
  },
  {
    id: 'service-metrics',
    name: 'Service metrics',
    description: 'CPU and latency samples per service (CloudWatch-style).',
    timezone: 'UTC',
    timestampField: 'timestamp',
    entityKeyFields: ['service'],
    fields: [
      ts,
      { name: 'service', type: 'string', required: true },
      { name: 'cpu_percent', type: 'number', unit: '%', min: 0, max: 100 },
      { name: 'latency_ms', type: 'number', unit: 'ms', min: 0 },
    ],
    views: [
      {
        name: 'CPU and latency',
        description: 'Average CPU and p95 latency per service.',
        panels: [
          { title: 'CPU (%)', field: 'cpu_percent', agg: 'avg', groupBy: 'service' },
          { title: 'Latency p95 (ms)', field: 'latency_ms', agg: 'p95', groupBy: 'service' },
        ],
      },
    ],
    rules: [
      {
        name: 'Slow responses',
        kind: 'immediate',
        condition: 'latency_ms > 1000',
        groupBy: ['service'],
        severity: 'medium',
      },
      {
        name: 'CPU and latency both high',
        kind: 'immediate',
        condition: 'cpu_percent >= 80 && latency_ms > 1000',
        groupBy: ['service'],
        severity: 'high',
      },
      {
        name: 'CPU saturated',
        kind: 'immediate',
        condition: 'cpu_percent >= 97',
        groupBy: ['service'],
        severity: 'medium',
        escalations: [{ when: 'cpu_percent >= 99', severity: 'high' }],
      },
      {
        name: 'Sustained high CPU',
        kind: 'sequence',
        condition: 'cpu_percent >= 80',
        minCount: 5,
        groupBy: ['service'],
        severity: 'high',
        resolveAfter: '10m',
      },
      {
        name: 'Metrics heartbeat lost',
        kind: 'absence',
        window: '2m',
        groupBy: ['service'],
        severity: 'high',
        resolveAfter: '1m',
      },
    ],
  },
  {
    id: 'payment-transactions',
    name: 'Payment transactions',
    description: 'Card payments per user.',
    timezone: 'UTC',
    timestampField: 'timestamp',
    entityKeyFields: ['user_id'],
    fields: [
      ts,
      { name: 'user_id', type: 'string', required: true },
      { name: 'amount', type: 'number', unit: 'currency units', min: 0, required: true },
      { name: 'currency', type: 'enum', enum: ['EUR', 'USD', 'GBP', 'CHF'], required: true },
      { name: 'merchant', type: 'string' },
    ],
    views: [
      {
        name: 'Transactions',
        description: 'Transaction amounts and counts.',
        panels: [
          { title: 'Amount total', field: 'amount', agg: 'sum', groupBy: 'currency', chart: 'bar' },
          { title: 'Amount p99', field: 'amount', agg: 'p99' },
          { title: 'Transactions', agg: 'count', groupBy: 'currency' },
        ],
      },
    ],
    rules: [
      {
        name: 'Large transaction',
        kind: 'immediate',
        condition: 'amount > 10000',
        groupBy: ['user_id'],
        severity: 'high',
        escalations: [{ when: 'amount > 50000', severity: 'critical' }],
      },
      {
        name: 'Rapid transactions',
        kind: 'aggregate',
        aggregate: { fn: 'count' },
        window: '5m',
        op: '>',
        threshold: 5,
        groupBy: ['user_id'],
        severity: 'high',
        resolveAfter: '10m',
      },
    ],
  },
];
