package scalelitetest

import (
	"strconv"
	"strings"
)

// A Scalelite deployment's data, as a running Scalelite v1.8 keeps it (the layout of
// ../shared/reference/scalelite-data.md): its PostgreSQL schema as Rails leaves it, recordings
// generated in the database, and its Redis keys under a namespace. Callers run the statements
// and commands with their own clients.

// ScaleliteSchema is Scalelite's PostgreSQL schema (db/schema.rb), with Rails' own
// schema_migrations and ar_internal_metadata. Rails adds no foreign keys.
var ScaleliteSchema = []string{
	`CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY)`,
	`CREATE TABLE ar_internal_metadata (key character varying NOT NULL PRIMARY KEY, value character varying,
		created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL)`,
	`CREATE TABLE recordings (id bigserial PRIMARY KEY, record_id character varying, meeting_id character varying,
		name character varying, published boolean DEFAULT false NOT NULL, participants integer, state character varying,
		starttime timestamp without time zone, endtime timestamp without time zone, deleted_at timestamp without time zone,
		protected boolean DEFAULT false NOT NULL, publish_updated boolean DEFAULT false NOT NULL)`,
	`CREATE UNIQUE INDEX index_recordings_on_record_id ON recordings (record_id)`,
	`CREATE INDEX index_recordings_on_meeting_id ON recordings (meeting_id)`,
	`CREATE TABLE metadata (id bigserial PRIMARY KEY, recording_id bigint, key character varying, value character varying)`,
	`CREATE UNIQUE INDEX index_metadata_on_recording_id_and_key ON metadata (recording_id, key)`,
	`CREATE TABLE playback_formats (id bigserial PRIMARY KEY, recording_id bigint, format character varying,
		url character varying, length integer, processing_time integer)`,
	`CREATE UNIQUE INDEX index_playback_formats_on_recording_id_and_format ON playback_formats (recording_id, format)`,
	`CREATE TABLE thumbnails (id bigserial PRIMARY KEY, playback_format_id bigint, width integer, height integer,
		alt character varying, url character varying, sequence integer)`,
	`CREATE INDEX index_thumbnails_on_playback_format_id ON thumbnails (playback_format_id)`,
	`CREATE TABLE callback_data (id bigserial PRIMARY KEY, meeting_id character varying, recording_id integer,
		callback_attributes text, created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL)`,
	`INSERT INTO schema_migrations (version) VALUES ('20200226163213'), ('20210506185115'), ('20230320145524'), ('20231004184423')`,
	`INSERT INTO ar_internal_metadata VALUES ('environment', 'production', now(), now()), ('schema_sha1', 'f0e1d2c3', now(), now())`,
}

// The tenants of ScaleliteRedis (their ids appear in recordings' tenant-id metadata).
const (
	ScaleliteTenantA = "8d6f7b3e-1f2a-4c5d-9e8f-0a1b2c3d4e5f" // "acme"
	ScaleliteTenantB = "2c1b0a9f-8e7d-4c6b-a5f4-e3d2c1b0a9f8" // "uni"
)

// scaleliteRecordingsSelect yields, for i in 1..n, the columns of recording i: a mix of every
// kind. State by i%10: 0 null, 1 unpublished, 2 deleted, 3 processed, else published.
const scaleliteRecordingsSelect = `SELECT i AS id,
	substr(encode(sha256(('meeting-' || (i % 300))::bytea), 'hex'), 1, 40) || '-' || (1700000000000 + i * 60000) AS record_id,
	'meeting-' || (i % 300) AS meeting_id,
	CASE WHEN i % 50 = 0 THEN 'Cours d''été & <Ünïcode> ' || i ELSE 'Meeting ' || (i % 300) END AS name,
	CASE WHEN i % 10 >= 4 THEN true WHEN i % 10 = 0 THEN i % 20 = 0 ELSE false END AS published,
	CASE WHEN i % 13 = 0 THEN NULL ELSE i % 50 END AS participants,
	CASE i % 10 WHEN 0 THEN NULL WHEN 1 THEN 'unpublished' WHEN 2 THEN 'deleted' WHEN 3 THEN 'processed' ELSE 'published' END AS state,
	CASE WHEN i % 97 = 0 THEN NULL ELSE timestamp '2024-01-01 08:00:00' + i * interval '1 minute' + (i % 1000) * interval '1 microsecond' END AS starttime,
	CASE WHEN i % 97 = 0 THEN NULL ELSE timestamp '2024-01-01 08:45:00' + i * interval '1 minute' END AS endtime,
	i % 7 = 0 AS protected,
	i % 11 = 0 AS publish_updated
FROM generate_series(1, :n) AS i`

// ScaleliteRecordings returns statements that fill an empty ScaleliteSchema with n recordings of
// every kind: null-state, processed, unpublished, deleted (no metadata or formats, as Scalelite
// leaves them), protected, publish_updated, with and without tenants, participants and start
// times; metadata (an empty value among them), a presentation format with three thumbnails
// and a video format for every third; and one callback_data row per meeting in the serialisations
// Rails writes, plus one for a running meeting without a recording yet.
func ScaleliteRecordings(n int) []string {
	return []string{
		`INSERT INTO recordings (id, record_id, meeting_id, name, published, participants, state, starttime, endtime, protected, publish_updated) ` +
			strings.Replace(scaleliteRecordingsSelect, ":n", strconv.Itoa(n), 1),
		`INSERT INTO metadata (recording_id, key, value)
SELECT r.id, m.key, m.value FROM recordings AS r CROSS JOIN LATERAL (VALUES
	('bbb-origin', 'greenlight'),
	('gl-listed', CASE WHEN r.id % 2 = 0 THEN 'true' ELSE 'false' END),
	('bbb-context-name', 'course-' || (r.id % 5)),
	('tenant-id', CASE r.id % 4 WHEN 0 THEN '` + ScaleliteTenantA + `' WHEN 1 THEN '` + ScaleliteTenantB + `' END),
	('empty', CASE WHEN r.id % 17 = 0 THEN '' END)
) AS m (key, value)
WHERE m.value IS NOT NULL AND r.state IS DISTINCT FROM 'deleted' ORDER BY r.id, m.key`,
		`INSERT INTO playback_formats (id, recording_id, format, url, length, processing_time)
SELECT r.id * 2, r.id, 'presentation', '/playback/presentation/2.3/' || r.record_id, r.id % 90,
	CASE WHEN r.id % 9 = 0 THEN r.id % 1000 END
FROM recordings AS r WHERE r.state IS DISTINCT FROM 'deleted'
UNION ALL
SELECT r.id * 2 + 1, r.id, 'video', '/video/' || r.record_id || '/', r.id % 90, NULL
FROM recordings AS r WHERE r.state IS DISTINCT FROM 'deleted' AND r.id % 3 = 0`,
		`INSERT INTO thumbnails (playback_format_id, width, height, alt, url, sequence)
SELECT pf.id, 176, 136, CASE s WHEN 0 THEN 'Welcome to "' || pf.recording_id || '"' ELSE 'Slide ' || (s + 1) END,
	'/presentation/' || r.record_id || '/presentation/d2d9a672040fbde2a47a10bf6c37b6a4b5ae187f-1593422239867/thumbnails/thumb-' || (s + 1) || '.png', s
FROM playback_formats AS pf JOIN recordings AS r ON r.id = pf.recording_id CROSS JOIN generate_series(0, 2) AS s
WHERE pf.format = 'presentation' ORDER BY pf.id, s`,
		`INSERT INTO callback_data (meeting_id, recording_id, callback_attributes, created_at, updated_at)
SELECT r.meeting_id, max(r.id), CASE WHEN min(r.id) % 3 = 0
	THEN E'--- !ruby/hash:ActiveSupport::HashWithIndifferentAccess\nrecording_ready_url: https://gl.example.com/recording_ready\nanalytics_callback_url: https://lms.example.com/analytics/' || r.meeting_id || E'\n'
	ELSE E'---\n:recording_ready_url: https://gl.example.com/recording_ready?room=' || r.meeting_id || E'\n' END,
	now(), now()
FROM recordings AS r GROUP BY r.meeting_id ORDER BY r.meeting_id`,
		`INSERT INTO callback_data (meeting_id, recording_id, callback_attributes, created_at, updated_at)
VALUES ('running-plain', NULL, E'---\n:recording_ready_url: https://gl.example.com/recording_ready\n', now(), now())`,
		`SELECT setval('recordings_id_seq', (SELECT max(id) FROM recordings))`,
		`SELECT setval('playback_formats_id_seq', (SELECT max(id) FROM playback_formats))`,
	}
}

// ScaleliteUniformRecordings returns statements that fill an empty ScaleliteSchema with n
// published recordings, each with three metadata keys, one presentation format and three
// thumbnails (the benchmark's shape).
func ScaleliteUniformRecordings(n int) []string {
	return []string{
		`INSERT INTO recordings (id, record_id, meeting_id, name, published, participants, state, starttime, endtime)
SELECT i, substr(encode(sha256(('bench-' || (i % 5000))::bytea), 'hex'), 1, 40) || '-' || (1600000000000 + i * 1000),
	'bench-' || (i % 5000), 'Bench room ' || (i % 5000), true, i % 40, 'published',
	timestamp '2023-01-01' + i * interval '1 second', timestamp '2023-01-01 01:00' + i * interval '1 second'
FROM generate_series(1, ` + strconv.Itoa(n) + `) AS i`,
		`INSERT INTO metadata (recording_id, key, value)
SELECT r.id, k, CASE k WHEN 'bbb-origin' THEN 'greenlight' WHEN 'gl-listed' THEN 'true' ELSE 'course-' || (r.id % 50) END
FROM recordings AS r CROSS JOIN unnest(ARRAY['bbb-context-name', 'bbb-origin', 'gl-listed']) AS k ORDER BY r.id, k`,
		`INSERT INTO playback_formats (id, recording_id, format, url, length)
SELECT r.id, r.id, 'presentation', '/playback/presentation/2.3/' || r.record_id, 60 FROM recordings AS r`,
		`INSERT INTO thumbnails (playback_format_id, width, height, alt, url, sequence)
SELECT pf.id, 176, 136, 'Slide ' || (s + 1), '/presentation/' || r.record_id || '/thumbnails/thumb-' || (s + 1) || '.png', s
FROM playback_formats AS pf JOIN recordings AS r ON r.id = pf.recording_id CROSS JOIN generate_series(0, 2) AS s ORDER BY pf.id, s`,
		`SELECT setval('recordings_id_seq', (SELECT max(id) FROM recordings))`,
		`SELECT setval('playback_formats_id_seq', (SELECT max(id) FROM playback_formats))`,
	}
}

// ScaleliteServerURL is the API URL of a ScaleliteRedis server.
func ScaleliteServerURL(id string) string { return "https://" + id + ".example.com/bigbluebutton/api" }

// ScaleliteServerSecret is the secret of a ScaleliteRedis server.
func ScaleliteServerSecret(id string) string { return id + "-secret" }

// ScaleliteRedis returns the commands (HSET, SADD, ZADD, EXPIRE) that write a deployment's
// Redis keys under namespace ns:
//   - servers: bbb-enabled (online, load 21), bbb-tagged (tag eu, multiplier 2.5), bbb-cordoned,
//     bbb-disabled (offline), bbb-offline (enabled, offline), bbb-legacy (no state, enabled by
//     server_enabled), bbb-legacy-off (no state, not enabled); health counters in the bare-id
//     hash for some;
//   - tenants acme (three secrets, LRS basic) and uni (Keycloak) with settings;
//   - running meetings running-plain, running-cordoned (no tenant), running-acme, running-uni,
//     and expired-meeting (listed, hash gone), with their voice bridges.
func ScaleliteRedis(ns string) [][]string {
	k := func(parts ...string) string {
		key := ns
		for _, p := range parts {
			key += ":" + p
		}
		return key
	}
	server := func(id string, fields ...string) []string {
		return append([]string{"HSET", k("server:" + id), "url", ScaleliteServerURL(id), "secret", ScaleliteServerSecret(id)}, fields...)
	}
	cmds := [][]string{
		server("bbb-enabled", "state", "enabled", "online", "true", "load_multiplier", "1.0", "meetings", "2", "users", "31",
			"largest_meeting", "20", "videos", "4", "bbb_version", "3.0.4"),
		server("bbb-tagged", "state", "enabled", "online", "true", "load_multiplier", "2.5", "tag", "eu", "meetings", "1", "users", "12",
			"largest_meeting", "12", "videos", "0", "bbb_version", "2.7.12"),
		server("bbb-cordoned", "state", "cordoned", "online", "true", "load_multiplier", "1.0", "meetings", "1", "users", "3",
			"largest_meeting", "3", "videos", "1", "bbb_version", "3.0.4"),
		server("bbb-disabled", "state", "disabled", "online", "false", "load_multiplier", "1.0", "meetings", "0", "users", "0"),
		server("bbb-offline", "state", "enabled", "online", "false", "load_multiplier", "1.5"),
		server("bbb-legacy", "online", "true", "load_multiplier", "1.0", "meetings", "0", "users", "0"),
		server("bbb-legacy-off", "online", "false"),
		{"HSET", k("bbb-enabled"), "healthy_counter", "0", "unhealthy_counter", "0"},
		{"HSET", k("bbb-offline"), "healthy_counter", "0", "unhealthy_counter", "3"},
		{"SADD", k("servers"), "bbb-enabled", "bbb-tagged", "bbb-cordoned", "bbb-disabled", "bbb-offline", "bbb-legacy", "bbb-legacy-off"},
		{"SADD", k("server_enabled"), "bbb-enabled", "bbb-tagged", "bbb-offline", "bbb-legacy"},
		{"ZADD", k("server_load"), "21", "bbb-enabled", "30", "bbb-tagged", "0", "bbb-legacy"},
		{"ZADD", k("cordoned_server_load"), "5", "bbb-cordoned"},

		{"HSET", k("tenant:" + ScaleliteTenantA), "name", "acme", "secrets", "acme-secret-1:acme-secret-2:acme-secret-3",
			"lrs_endpoint", "https://lrs.acme.example/xapi", "lrs_username", "lrs-user", "lrs_password", "lrs-pass"},
		{"HSET", k("tenant:" + ScaleliteTenantB), "name", "uni", "secrets", "uni-secret-1:uni-secret-2",
			"lrs_endpoint", "https://lrs.uni.example/xapi", "kc_token_url", "https://kc.uni.example/token", "kc_client_id", "lrs",
			"kc_client_secret", "kc-secret", "kc_username", "kc-user", "kc_password", "kc-pass"},
		{"SADD", k("tenants"), ScaleliteTenantA, ScaleliteTenantB},
		{"HSET", k("tenant_name:acme"), "id", ScaleliteTenantA},
		{"HSET", k("tenant_name:uni"), "id", ScaleliteTenantB},
		{"HSET", k("tenant_setting:5b3a1c2d-0000-4000-8000-000000000001"), "param", "welcome", "value", "Welcome to Acme", "override", "false", "tenant_id", ScaleliteTenantA},
		{"HSET", k("tenant_setting:5b3a1c2d-0000-4000-8000-000000000002"), "param", "record", "value", "false", "override", "true", "tenant_id", ScaleliteTenantA},
		{"HSET", k("tenant_setting:5b3a1c2d-0000-4000-8000-000000000003"), "param", "meta_server-tag", "value", "eu", "override", "false", "tenant_id", ScaleliteTenantB},
		{"SADD", k("tenant_settings:" + ScaleliteTenantA), "5b3a1c2d-0000-4000-8000-000000000001", "5b3a1c2d-0000-4000-8000-000000000002"},
		{"SADD", k("tenant_settings:" + ScaleliteTenantB), "5b3a1c2d-0000-4000-8000-000000000003"},
	}
	meeting := func(id, serverID, bridge, tenant string) [][]string {
		h := []string{"HSET", k("meeting:" + id), "server_id", serverID, "moderator_pw", "mp-" + id, "voice_bridge", bridge}
		if tenant != "" {
			h = append(h, "tenant_id", tenant)
		}
		return [][]string{h, {"EXPIRE", k("meeting:" + id), "86400"}, {"HSET", k("voice_bridges"), bridge, id}}
	}
	for _, m := range [][4]string{
		{"running-plain", "bbb-enabled", "711111111", ""},
		{"running-cordoned", "bbb-cordoned", "733333333", ""},
		{"running-acme", "bbb-tagged", "722222222", ScaleliteTenantA},
		{"running-uni", "bbb-enabled", "744444444", ScaleliteTenantB},
	} {
		cmds = append(cmds, meeting(m[0], m[1], m[2], m[3])...)
	}
	cmds = append(cmds,
		[]string{"SADD", k("meetings"), "running-plain", "running-cordoned", "running-acme", "running-uni", "expired-meeting"},
		[]string{"HSET", k("voice_bridges"), "755555555", "expired-meeting"})
	return cmds
}
