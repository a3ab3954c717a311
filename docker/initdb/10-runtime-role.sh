#!/bin/sh
# Run once by the postgres image when its data volume is new (compose.yaml): the runtime
# role the application connects as. The tables belong to the owner (POSTGRES_USER), which
# the migrations connect as; `flask db grant-runtime assess_app` (the migrate service) gives
# this role its rights: INSERT and SELECT only on the audit tables (docs/deployment.md).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE assess_app LOGIN PASSWORD '${ASSESS_APP_PASSWORD:?set ASSESS_APP_PASSWORD}';
GRANT CONNECT ON DATABASE "$POSTGRES_DB" TO assess_app;
SQL
