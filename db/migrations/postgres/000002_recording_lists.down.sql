DROP TRIGGER IF EXISTS recordings_count_truncate ON recordings;
DROP TRIGGER IF EXISTS recordings_count_delete ON recordings;
DROP TRIGGER IF EXISTS recordings_count_update ON recordings;
DROP TRIGGER IF EXISTS recordings_count_insert ON recordings;
DROP FUNCTION IF EXISTS recording_state_counts_truncate();
DROP FUNCTION IF EXISTS recording_state_counts_delete();
DROP FUNCTION IF EXISTS recording_state_counts_update();
DROP FUNCTION IF EXISTS recording_state_counts_insert();
DROP TABLE IF EXISTS recording_state_counts;

DROP INDEX IF EXISTS metadata_key_value_idx;
CREATE INDEX metadata_key_value_idx ON metadata (key, value);
DROP INDEX IF EXISTS recordings_id_state_idx;
DROP INDEX IF EXISTS recordings_starttime_idx;
CREATE INDEX recordings_starttime_idx ON recordings (starttime DESC NULLS LAST, id);
