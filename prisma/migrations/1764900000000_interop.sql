-- Up Migration

-- Clinical codes of a field (LOINC: what is measured; UCUM: its unit). Coded fields read and ingest as
-- FHIR R4 Observations.
ALTER TABLE field ADD COLUMN loinc text;
ALTER TABLE field ADD COLUMN ucum text;

-- The seeded health-vitals business of an existing install gets the codes a new one is seeded with
-- (libs/db/src/seed/seed-businesses.ts cites each), where the field is still as seeded and uncoded.
UPDATE field f SET loinc = c.loinc, ucum = c.ucum
  FROM (VALUES ('heart_rate', '8867-4', '/min'),
               ('hrv_ms', '80404-7', 'ms'),
               ('spo2_percent', '59408-5', '%'),
               ('skin_temp_c', '61008-9', 'Cel'),
               ('respiratory_rate', '9279-1', '/min')) AS c(name, loinc, ucum)
 WHERE f.business_id = 'health-vitals' AND f.name = c.name AND f.loinc IS NULL AND f.type = 'number';

-- Objects a provisioning folder manages (PROVISIONING_DIR): the app marks them, and `anom apply` owns them.
ALTER TABLE business ADD COLUMN provisioned boolean NOT NULL DEFAULT false;
ALTER TABLE rule ADD COLUMN provisioned boolean NOT NULL DEFAULT false;
ALTER TABLE view ADD COLUMN provisioned boolean NOT NULL DEFAULT false;
ALTER TABLE notification_channel ADD COLUMN provisioned boolean NOT NULL DEFAULT false;
ALTER TABLE silence ADD COLUMN provisioned boolean NOT NULL DEFAULT false;

-- Down Migration

ALTER TABLE silence DROP COLUMN IF EXISTS provisioned;
ALTER TABLE notification_channel DROP COLUMN IF EXISTS provisioned;
ALTER TABLE view DROP COLUMN IF EXISTS provisioned;
ALTER TABLE rule DROP COLUMN IF EXISTS provisioned;
ALTER TABLE business DROP COLUMN IF EXISTS provisioned;
ALTER TABLE field DROP COLUMN IF EXISTS ucum;
ALTER TABLE field DROP COLUMN IF EXISTS loinc;
