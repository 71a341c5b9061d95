-- Up Migration

-- Baseline rules now have defaults for their window statistics and quiet period (the settings `npm run bench:nab`
-- chose), where an absent key used to mean "off". A stored baseline definition without them keeps running as it
-- did (the engine reads an absent key as off), but editing it would have switched them on. Written out here as off,
-- so that an edit changes only what the editor changes.
UPDATE rule_version
   SET definition = jsonb_build_object(
                      'meanWindow', NULL, 'volatilityWindow', NULL, 'contextWindow', NULL, 'quietPeriod', 0
                    ) || definition::jsonb
 WHERE definition->>'kind' = 'baseline';

-- Down Migration

-- Nothing to undo: the keys written say what the absent ones meant.
