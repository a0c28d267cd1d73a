-- The database and its role for eservqual, run once as a superuser:
--   psql -v password="'...'" -f deploy/postgres/setup.sql
-- The collectors create and migrate their tables themselves at start (one at a time, under an
-- advisory lock), so the role owns the database's public schema.
CREATE ROLE eservqual LOGIN PASSWORD :password;
CREATE DATABASE eservqual OWNER eservqual ENCODING 'UTF8' TEMPLATE template0;
\connect eservqual
ALTER SCHEMA public OWNER TO eservqual;
