DROP INDEX IF EXISTS meetings_tenant_ended_idx;
ALTER TABLE meetings DROP COLUMN participants;
