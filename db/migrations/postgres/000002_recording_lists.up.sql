-- getRecordings pages (see db/recording_list.go).

-- The page order with the state: a page's ids, and the rows an OFFSET skips, come from the
-- index alone (index-only scan; the table is only read for the page's own rows).
DROP INDEX recordings_starttime_idx;
CREATE INDEX recordings_starttime_idx ON recordings (starttime DESC NULLS LAST, id) INCLUDE (state);

-- id -> state and start time without the table, for counts and pages driven from metadata
-- matches (meta and tenant filters).
CREATE INDEX recordings_id_state_idx ON recordings (id) INCLUDE (state, starttime);

-- Meta and tenant filters: EXISTS probes (key, value, recording_id) and the matches of a value
-- from the index alone.
DROP INDEX metadata_key_value_idx;
CREATE INDEX metadata_key_value_idx ON metadata (key, value, recording_id);

-- The number of recordings per state, for the total of a page filtered by state only. It is an
-- insert-only log of changes (state, +n/-n) written by statement triggers, so concurrent writers
-- never wait on a counter row; the total of a state is sum(n). Readers fold the log
-- (foldRecordingStateCounts) when it grows.
CREATE TABLE recording_state_counts (
    state TEXT NOT NULL,
    n     BIGINT NOT NULL
);

CREATE FUNCTION recording_state_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO recording_state_counts (state, n)
    SELECT state, count(*) FROM recording_state_new GROUP BY state;
    RETURN NULL;
END $$;

CREATE FUNCTION recording_state_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO recording_state_counts (state, n)
    SELECT state, sum(n) FROM (
        SELECT state, -1 AS n FROM recording_state_old
        UNION ALL
        SELECT state, 1 AS n FROM recording_state_new
    ) AS changes
    GROUP BY state HAVING sum(n) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION recording_state_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO recording_state_counts (state, n)
    SELECT state, -count(*) FROM recording_state_old GROUP BY state;
    RETURN NULL;
END $$;

CREATE FUNCTION recording_state_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM recording_state_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER recordings_count_insert AFTER INSERT ON recordings
    REFERENCING NEW TABLE AS recording_state_new
    FOR EACH STATEMENT EXECUTE FUNCTION recording_state_counts_insert();
CREATE TRIGGER recordings_count_update AFTER UPDATE ON recordings
    REFERENCING OLD TABLE AS recording_state_old NEW TABLE AS recording_state_new
    FOR EACH STATEMENT EXECUTE FUNCTION recording_state_counts_update();
CREATE TRIGGER recordings_count_delete AFTER DELETE ON recordings
    REFERENCING OLD TABLE AS recording_state_old
    FOR EACH STATEMENT EXECUTE FUNCTION recording_state_counts_delete();
CREATE TRIGGER recordings_count_truncate AFTER TRUNCATE ON recordings
    FOR EACH STATEMENT EXECUTE FUNCTION recording_state_counts_truncate();

-- The triggers exist (and lock out writers until this migration commits), so the initial count
-- misses nothing.
INSERT INTO recording_state_counts (state, n) SELECT state, count(*) FROM recordings GROUP BY state;
