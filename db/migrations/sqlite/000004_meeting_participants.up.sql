-- Meeting.participants: the users its server listed at the last poll (written by the poller).
ALTER TABLE meetings ADD COLUMN participants INTEGER NOT NULL DEFAULT 0;
-- A tenant's meetings over time (running, or ended since a time): the console's usage chart.
CREATE INDEX meetings_tenant_ended_idx ON meetings (tenant_id, ended_at);
