#!/bin/bash
# orderhub's entry point for the apache/activemq-artemis image (docker-compose.yml).
#  1. The image's own first start (/docker-run.sh): `artemis create` with ARTEMIS_USER and
#     ARTEMIS_PASSWORD and EXTRA_ARGS (--role hub: the hub's role in broker.properties), and the
#     etc-override files copied into etc. Called with "version", so it returns instead of
#     running the broker.
#  2. Every start: the current broker.properties, and the users from the environment, written
#     to the login files with hashed passwords: the hub's (role hub) and, when
#     ORDERHUB_BROKER_ERP_PASSWORD is set, the ERP's (role erp). A blank password creates no user.
#  3. The broker runs.
# Passwords are never printed.
set -euo pipefail

ARTEMIS_HOME=${ARTEMIS_HOME:-/opt/activemq-artemis}
INSTANCE=${ARTEMIS_INSTANCE:-/var/lib/artemis-instance}
DOCKER_RUN=${DOCKER_RUN:-/docker-run.sh}
cd "$INSTANCE"

"$DOCKER_RUN" version >/dev/null

cp etc-override/broker.properties etc/broker.properties

users=etc/artemis-users.properties
roles=etc/artemis-roles.properties

hash() {
  "$ARTEMIS_HOME/bin/artemis" mask --hash "$1" | sed -n 's/^result: //p'
}

# set_user NAME PASSWORD ROLE: replaces NAME's line in the users file and its membership of ROLE.
set_user() {
  local name=$1 password=$2 role=$3 hashed
  hashed=$(hash "$password")
  if [ -z "$hashed" ]; then
    echo "orderhub-entrypoint: could not hash the password of broker user $name" >&2
    exit 1
  fi
  grep -v "^${name} *=" "$users" > "$users.new" || true
  echo "${name} = ENC(${hashed})" >> "$users.new"
  mv "$users.new" "$users"
  grep -v "^${role} *=" "$roles" > "$roles.new" || true
  echo "${role} = ${name}" >> "$roles.new"
  mv "$roles.new" "$roles"
  echo "orderhub-entrypoint: broker user $name (role $role) set"
}

set_user "${ARTEMIS_USER:?ARTEMIS_USER is not set}" "${ARTEMIS_PASSWORD:?ARTEMIS_PASSWORD is not set}" hub
if [ -n "${ORDERHUB_BROKER_ERP_PASSWORD:-}" ]; then
  set_user "${ORDERHUB_BROKER_ERP_USER:-erp}" "$ORDERHUB_BROKER_ERP_PASSWORD" erp
else
  grep -v "^erp *=" "$roles" > "$roles.new" || true
  mv "$roles.new" "$roles"
  echo "orderhub-entrypoint: ORDERHUB_BROKER_ERP_PASSWORD is not set: no ERP user"
fi

exec ./bin/artemis "$@"
