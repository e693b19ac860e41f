-- getRecordings pages (see db/recording_list.go).

-- The page order with the state: a page's ids, and the rows an OFFSET skips, come from the
-- index alone (a covering index; the table is only read for the page's own rows).
DROP INDEX recordings_starttime_idx;
CREATE INDEX recordings_starttime_idx ON recordings (starttime DESC, id, state);

-- Meta and tenant filters: EXISTS probes (key, value, recording_id) from the index alone.
DROP INDEX metadata_key_value_idx;
CREATE INDEX metadata_key_value_idx ON metadata (key, value, recording_id);

-- The number of recordings per state, for the total of a page filtered by state only, kept by
-- triggers (SQLite has a single writer, so one row per state does not make writers wait). The
-- trigger bodies open on the CREATE line (the migration check rejects lines starting with BEGIN).
CREATE TABLE recording_state_counts (
    state TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
);

CREATE TRIGGER recordings_count_insert AFTER INSERT ON recordings FOR EACH ROW BEGIN
    INSERT INTO recording_state_counts (state, n) VALUES (NEW.state, 1)
        ON CONFLICT (state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER recordings_count_update AFTER UPDATE OF state ON recordings
FOR EACH ROW WHEN OLD.state IS NOT NEW.state BEGIN
    UPDATE recording_state_counts SET n = n - 1 WHERE state = OLD.state;
    INSERT INTO recording_state_counts (state, n) VALUES (NEW.state, 1)
        ON CONFLICT (state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER recordings_count_delete AFTER DELETE ON recordings FOR EACH ROW BEGIN
    UPDATE recording_state_counts SET n = n - 1 WHERE state = OLD.state;
END;

INSERT INTO recording_state_counts (state, n) SELECT state, count(*) FROM recordings GROUP BY state;
