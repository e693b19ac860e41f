-- Servers of the pool. Meetings keep their server_id after a server is deleted (no foreign key):
-- they stay until ended or re-homed.
CREATE TABLE servers (
    id                TEXT PRIMARY KEY,
    url               TEXT NOT NULL,
    secret            TEXT NOT NULL,
    tag               TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'disabled' CHECK (state IN ('enabled', 'cordoned', 'disabled')),
    online            BOOLEAN NOT NULL DEFAULT FALSE,
    load              REAL NOT NULL DEFAULT 0,
    load_multiplier   REAL NOT NULL DEFAULT 1 CHECK (load_multiplier > 0),
    healthy_counter   INTEGER NOT NULL DEFAULT 0,
    unhealthy_counter INTEGER NOT NULL DEFAULT 0,
    meetings          INTEGER NOT NULL DEFAULT 0,
    users             INTEGER NOT NULL DEFAULT 0,
    largest_meeting   INTEGER NOT NULL DEFAULT 0,
    videos            INTEGER NOT NULL DEFAULT 0,
    bbb_version       TEXT NOT NULL DEFAULT '',
    last_polled_at    TIMESTAMP,
    last_poll_error   TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX servers_url_key ON servers (url);

CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id    TEXT NOT NULL,
    tenant_id     TEXT NOT NULL DEFAULT '',
    server_id     TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    moderator_pw  TEXT NOT NULL DEFAULT '',
    attendee_pw   TEXT NOT NULL DEFAULT '',
    voice_bridge  TEXT NOT NULL,
    create_query  TEXT NOT NULL DEFAULT '',
    create_body   BLOB,
    placement     TEXT NOT NULL DEFAULT '',
    reservation   REAL NOT NULL DEFAULT 0,
    missed_polls  INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    ended_at      TIMESTAMP
);
-- Meeting ids and voice bridges are unique among running meetings; ended ones are history.
CREATE UNIQUE INDEX meetings_running_meeting_id_key ON meetings (meeting_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX meetings_running_voice_bridge_key ON meetings (voice_bridge) WHERE ended_at IS NULL;
CREATE INDEX meetings_server_id_idx ON meetings (server_id) WHERE ended_at IS NULL;
CREATE INDEX meetings_meeting_id_idx ON meetings (meeting_id);

CREATE TABLE tenants (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    secrets          TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    lrs_endpoint     TEXT NOT NULL DEFAULT '',
    lrs_username     TEXT NOT NULL DEFAULT '',
    lrs_password     TEXT NOT NULL DEFAULT '',
    kc_token_url     TEXT NOT NULL DEFAULT '',
    kc_client_id     TEXT NOT NULL DEFAULT '',
    kc_client_secret TEXT NOT NULL DEFAULT '',
    kc_username      TEXT NOT NULL DEFAULT '',
    kc_password      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tenants_name_key ON tenants (name);

CREATE TABLE tenant_settings (
    id        TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    param     TEXT NOT NULL,
    value     TEXT NOT NULL DEFAULT '',
    override  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX tenant_settings_tenant_id_param_key ON tenant_settings (tenant_id, param);

-- record_id uses the default BINARY collation, so prefix searches (range scans) use the unique index.
CREATE TABLE recordings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id       TEXT NOT NULL,
    meeting_id      TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT '',
    published       BOOLEAN NOT NULL DEFAULT FALSE,
    protected       BOOLEAN NOT NULL DEFAULT FALSE,
    publish_updated BOOLEAN NOT NULL DEFAULT FALSE,
    participants    INTEGER,
    starttime       TIMESTAMP,
    endtime         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX recordings_record_id_key ON recordings (record_id);
CREATE INDEX recordings_meeting_id_idx ON recordings (meeting_id);
CREATE INDEX recordings_starttime_idx ON recordings (starttime DESC, id);

CREATE TABLE metadata (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX metadata_recording_id_key_key ON metadata (recording_id, key);
CREATE INDEX metadata_key_value_idx ON metadata (key, value);

CREATE TABLE playback_formats (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_id    INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    format          TEXT NOT NULL,
    url             TEXT NOT NULL DEFAULT '',
    length          INTEGER NOT NULL DEFAULT 0,
    processing_time INTEGER
);
CREATE UNIQUE INDEX playback_formats_recording_id_format_key ON playback_formats (recording_id, format);

CREATE TABLE thumbnails (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    playback_format_id INTEGER NOT NULL REFERENCES playback_formats (id) ON DELETE CASCADE,
    width              INTEGER NOT NULL DEFAULT 0,
    height             INTEGER NOT NULL DEFAULT 0,
    alt                TEXT NOT NULL DEFAULT '',
    url                TEXT NOT NULL DEFAULT '',
    sequence           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX thumbnails_playback_format_id_idx ON thumbnails (playback_format_id, sequence);

CREATE TABLE text_tracks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    href         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX text_tracks_recording_id_kind_lang_key ON text_tracks (recording_id, kind, lang);

CREATE TABLE callback_data (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id             TEXT NOT NULL,
    recording_id           INTEGER REFERENCES recordings (id) ON DELETE SET NULL,
    recording_ready_url    TEXT NOT NULL DEFAULT '',
    analytics_callback_url TEXT NOT NULL DEFAULT '',
    tenant_id              TEXT NOT NULL DEFAULT '',
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX callback_data_meeting_id_key ON callback_data (meeting_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (hash);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    time      TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    arguments TEXT NOT NULL DEFAULT '',
    result    TEXT NOT NULL DEFAULT ''
);
