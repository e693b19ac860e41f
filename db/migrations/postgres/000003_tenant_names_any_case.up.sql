-- Tenant names keep the case they were given (Scalelite accepts e.g. "SHA1-tenant") and are
-- matched to the request's host without regard to case, so they are unique without regard to
-- case, and looked up by lower(name).
DROP INDEX IF EXISTS tenants_name_key;
CREATE UNIQUE INDEX tenants_name_lower_key ON tenants (lower(name));
