DROP TRIGGER IF EXISTS recordings_count_delete;
DROP TRIGGER IF EXISTS recordings_count_update;
DROP TRIGGER IF EXISTS recordings_count_insert;
DROP TABLE IF EXISTS recording_state_counts;

DROP INDEX IF EXISTS metadata_key_value_idx;
CREATE INDEX metadata_key_value_idx ON metadata (key, value);
DROP INDEX IF EXISTS recordings_starttime_idx;
CREATE INDEX recordings_starttime_idx ON recordings (starttime DESC, id);
