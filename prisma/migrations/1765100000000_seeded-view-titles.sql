-- Up Migration

-- The seeded health-vitals view said "Average" over panels computing the lowest SpO2 and the highest skin
-- temperature. An existing install's view gets the titles a new one is seeded with, where it is still as seeded.
UPDATE "view"
   SET description = 'Per user: average heart rate and activity, lowest SpO2, highest skin temperature.',
       panels = (SELECT jsonb_agg(
                   CASE p->>'title'
                     WHEN 'Heart rate (bpm)' THEN jsonb_set(p, '{title}', '"Heart rate, average (bpm)"')
                     WHEN 'SpO2 (%)' THEN jsonb_set(p, '{title}', '"SpO2, lowest (%)"')
                     WHEN 'Skin temperature (°C)' THEN jsonb_set(p, '{title}', '"Skin temperature, highest (°C)"')
                     WHEN 'Activity (%)' THEN jsonb_set(p, '{title}', '"Activity, average (%)"')
                     ELSE p END ORDER BY ord)
                   FROM jsonb_array_elements(panels::jsonb) WITH ORDINALITY AS x(p, ord)),
       updated_at = now()
 WHERE business_id = 'health-vitals' AND name = 'Vitals per user'
   AND description = 'Average heart rate, SpO2 and skin temperature of each user.';

-- Down Migration

-- Nothing to undo: the old titles were wrong.
