#!/usr/bin/env bash
# The restore drill (docs/deployment.md, "The restore drill"): back up a PostgreSQL database
# with pg_dump -Fc, destroy the database the backup is restored into, restore it with
# pg_restore, and prove the restored copy is the original: every table's row count and a
# digest of its rows must equal the original's, and `audit verify` and `documents verify`
# must pass on the restored copy. Any difference or failure ends the drill with exit 1 and
# the word FAILED.
#
# Usage:
#   DATABASE_URL=postgresql://owner@db.example/assess scripts/restore_drill.sh [options]
#
# Options:
#   --target URL   restore into this database (created, or dropped and re-created: its
#                  contents are DESTROYED); default: the same server, database
#                  "<name>_restore_drill". The original database is left as it was.
#   --in-place     drop the original database itself and restore it from the backup (a
#                  staging or test server only: the database is gone until the restore ends).
#   --keep FILE    write the backup to FILE and keep it (default: a temporary file, removed).
#   --no-compare   skip the row comparison (a database written to during the drill differs
#                  by what was written; audit verify and documents verify still run).
#
# Environment: DATABASE_URL (the database backed up; a role that can read every table, the
# owner's in a role split: MIGRATION_DATABASE_URL is used instead when set), FLASK_APP
# (default assess.wsgi; `wsgi` in a checkout works too), PG_BIN (the folder of pg_dump,
# pg_restore and psql, when they are not on the PATH), and the application's own settings
# (AUDIT_CHECKPOINT_KEY, so that audit verify holds the chain against its checkpoints).
# The restore keeps owners and grants: run it as the owner role or a superuser, with the
# runtime role existing on the target server.
set -euo pipefail

fail() {
    echo "RESTORE DRILL FAILED: $*" >&2
    exit 1
}

target=""
in_place=0
keep=""
compare=1
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target="${2:?--target needs a database URL}"; shift 2 ;;
        --in-place) in_place=1; shift ;;
        --keep) keep="${2:?--keep needs a file name}"; shift 2 ;;
        --no-compare) compare=0; shift ;;
        -h | --help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown option '$1'; expected --target URL, --in-place, --keep FILE or --no-compare" ;;
    esac
done

source_url="${MIGRATION_DATABASE_URL:-${DATABASE_URL:-}}"
[ -n "$source_url" ] || fail "DATABASE_URL is not set; expected the database to back up, e.g. postgresql://owner@localhost/assess"
case "$source_url" in
    postgres://* | postgresql://* | postgresql+psycopg://*) ;;
    *) fail "DATABASE_URL is not a PostgreSQL URL ($source_url); for SQLite use sqlite3's .backup (docs/deployment.md)" ;;
esac
if [ "$in_place" = 1 ] && [ -n "$target" ]; then
    fail "--in-place and --target exclude each other: either the original is dropped and restored, or a copy is made"
fi

if [ -n "${PG_BIN:-}" ]; then
    PATH="$PG_BIN:$PATH"
elif ! command -v pg_restore >/dev/null; then
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$newest" ] || fail "pg_dump, pg_restore and psql not found; set PG_BIN to their folder"
    PATH="$newest:$PATH"
fi
FLASK_APP="${FLASK_APP:-assess.wsgi}"
PYTHON="${PYTHON:-python3}"

# libpq's tools take postgresql:// without SQLAlchemy's driver part.
libpq() { printf '%s' "$1" | sed -E 's#^(postgres|postgresql)(\+[a-z0-9]+)?://#postgresql://#'; }
# The URL's database name and the same server's maintenance database "postgres".
db_name() { local u="${1%%\?*}"; printf '%s' "${u##*/}"; }
maintenance() {
    local u="$1" query=""
    case "$u" in *\?*) query="?${u#*\?}"; u="${u%%\?*}" ;; esac
    printf '%s/postgres%s' "${u%/*}" "$query"
}
with_name() {
    local u="$1" name="$2" query=""
    case "$u" in *\?*) query="?${u#*\?}"; u="${u%%\?*}" ;; esac
    printf '%s/%s%s' "${u%/*}" "$name" "$query"
}

source_pq="$(libpq "$source_url")"
source_name="$(db_name "$source_pq")"
if [ "$in_place" = 1 ]; then
    target_pq="$source_pq"
elif [ -n "$target" ]; then
    target_pq="$(libpq "$target")"
else
    target_pq="$(with_name "$source_pq" "${source_name}_restore_drill")"
fi
target_name="$(db_name "$target_pq")"
if [ "$in_place" = 0 ] && [ "$target_pq" = "$source_pq" ]; then
    fail "--target is the database being backed up; use --in-place to drop and restore it"
fi

# Every table of the public schema: its name, row count and a digest of its rows (order-free).
fingerprint() {
    psql "$1" --no-psqlrc -X -q -A -t -v ON_ERROR_STOP=1 <<'SQL'
SELECT format(
    'SELECT %L || ''|'' || count(*) || ''|'' || coalesce(md5(string_agg(md5(t::text), '''' ORDER BY md5(t::text))), ''-'') FROM %I.%I t',
    table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
\gexec
SQL
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
backup="${keep:-$work/backup.dump}"
started=$(date +%s)

echo "1/5 fingerprint of $source_name"
if [ "$compare" = 1 ]; then
    fingerprint "$source_pq" >"$work/before" || fail "could not read $source_name"
    [ -s "$work/before" ] || fail "$source_name has no tables in the public schema"
    echo "    $(wc -l <"$work/before") tables, $(awk -F'|' '{s+=$2} END {print s}' "$work/before") rows"
fi

echo "2/5 backup: pg_dump -Fc $source_name"
pg_dump -Fc -f "$backup" "$source_pq" || fail "pg_dump of $source_name failed"
echo "    $(du -h "$backup" | cut -f1) in $backup"

echo "3/5 destroy: drop database $target_name"
admin="$(maintenance "$target_pq")"
psql "$admin" --no-psqlrc -X -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS \"$target_name\" WITH (FORCE)" ||
    fail "could not drop $target_name"

echo "4/5 restore: create database $target_name, pg_restore"
psql "$admin" --no-psqlrc -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$target_name\"" ||
    fail "could not create $target_name (the backup is in $backup)"
pg_restore --exit-on-error -d "$target_pq" "$backup" ||
    fail "pg_restore into $target_name failed (the backup is in $backup)"
if [ "$compare" = 1 ]; then
    fingerprint "$target_pq" >"$work/after" || fail "could not read the restored $target_name"
    if ! diff -u "$work/before" "$work/after" >"$work/diff"; then
        cat "$work/diff" >&2
        fail "the restored $target_name differs from the original (table|rows|digest above)"
    fi
    echo "    every table's rows equal the original's"
fi

echo "5/5 audit verify and documents verify on $target_name"
app_url="$(printf '%s' "$target_pq" | sed 's#^postgresql://#postgresql+psycopg://#')"
run_app() {
    # Connected as the owner here: the role-split check would refuse a start it need not.
    DATABASE_URL="$app_url" MIGRATION_DATABASE_URL="" AUDIT_REQUIRE_ROLE_SPLIT="" "$PYTHON" -m flask --app "$FLASK_APP" "$@"
}
run_app audit verify --workers 1 || fail "audit verify failed on the restored $target_name"
run_app documents verify || fail "documents verify failed on the restored $target_name"

echo "RESTORE DRILL PASSED: $source_name backed up, $target_name destroyed and restored," \
    "identical and verified in $(($(date +%s) - started)) s."
