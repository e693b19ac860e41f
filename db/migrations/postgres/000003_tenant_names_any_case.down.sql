DROP INDEX IF EXISTS tenants_name_lower_key;
CREATE UNIQUE INDEX tenants_name_key ON tenants (name);
