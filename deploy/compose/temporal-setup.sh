#!/bin/sh
# The one-shot set-up steps of docker-compose.prod.yml, run in the temporalio/admin-tools image.
# Both are safe to run again on every `up` (the tools skip what already exists):
#
#   temporal-setup.sh schema      create the PostgreSQL databases and bring their schemas up to
#                                 this server version (before the server starts)
#   temporal-setup.sh namespace   register the namespace the workers poll (once the server serves)
set -eu

schema() {
    : "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
    until nc -z "$POSTGRES_SEEDS" "${DB_PORT:-5432}"; do
        echo "waiting for PostgreSQL at $POSTGRES_SEEDS:${DB_PORT:-5432}"
        sleep 1
    done
    # Persistence (histories, task queues, namespaces) and visibility (workflow lists) are two
    # databases, each with its own versioned schema shipped in the image.
    for database in temporal:temporal temporal_visibility:visibility; do
        name="${database%%:*}"
        dir="/etc/temporal/schema/postgresql/v12/${database##*:}/versioned"
        sql "$name" create
        sql "$name" setup-schema -v 0.0
        sql "$name" update-schema -d "$dir"
        echo "database $name is at the schema in $dir"
    done
}

# temporal-sql-tool against database $1 (the password comes from SQL_PASSWORD).
sql() {
    database="$1"
    shift
    temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" \
        -u "$POSTGRES_USER" --db "$database" "$@"
}

namespace() {
    : "${TEMPORAL_ADDRESS:?}"
    name="${TEMPORAL_NAMESPACE:-default}"
    until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do
        echo "waiting for the Temporal server at $TEMPORAL_ADDRESS"
        sleep 2
    done
    if temporal operator namespace describe --namespace "$name" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
        echo "namespace $name exists"
    else
        temporal operator namespace create --namespace "$name" \
            --retention "${NAMESPACE_RETENTION:-72h}" --address "$TEMPORAL_ADDRESS"
        echo "namespace $name created"
    fi
}

case "${1:-}" in
    schema) schema ;;
    namespace) namespace ;;
    *)
        echo "usage: $0 schema|namespace" >&2
        exit 2
        ;;
esac
