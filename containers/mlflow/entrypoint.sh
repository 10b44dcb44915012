#!/usr/bin/env bash
# MLflow tracking server entrypoint: proxied artifacts + basic-auth switched on.
#
# Required environment:
#   MLFLOW_BACKEND_STORE_URI        SQLAlchemy URI of the tracking store
#                                   (e.g. postgresql://user:pass@host:5432/mlflow)
#   MLFLOW_ARTIFACTS_DESTINATION    where proxied artifacts are stored (e.g. s3://bucket/prefix)
#   MLFLOW_AUTH_ADMIN_PASSWORD      password of the admin user created on first start
#   MLFLOW_FLASK_SERVER_SECRET_KEY  static secret for CSRF protection (same on every replica)
# Optional environment:
#   MLFLOW_HOST (0.0.0.0), MLFLOW_PORT (5000), MLFLOW_WORKERS (2)
#   MLFLOW_AUTH_ADMIN_USERNAME      admin user name (admin)
#   MLFLOW_AUTH_DATABASE_URI        user/permission store (defaults to the backend store URI;
#                                   the auth tables and their alembic_version_auth table do not
#                                   clash with the tracking schema)
#   MLFLOW_AUTH_DEFAULT_PERMISSION  READ | EDIT | MANAGE | NO_PERMISSIONS (READ)
#   MLFLOW_AUTH_CONFIG_PATH         use this basic_auth.ini as-is instead of generating one
#   MLFLOW_SERVER_ALLOWED_HOSTS, MLFLOW_SERVER_CORS_ALLOWED_ORIGINS
#                                   read by MLflow itself (Host-header / CORS allow-lists)
#   MLFLOW_SERVER_ENABLE_JOB_EXECUTION
#                                   false unless set: MLflow 3's server otherwise starts a job
#                                   runner and seven huey consumers for its GenAI jobs (scorers,
#                                   prompt optimisation, evaluation), about 1.9 GB more memory
#                                   with 2 workers (2.7 GB against 0.8 GB, measured with mlflow
#                                   3.17.2): more than the 2 GB Fargate task. Tracking and the
#                                   model registry need none of them; set true only with a
#                                   larger task.
# Extra arguments are appended to `mlflow server`.
set -euo pipefail

log() { printf '[mlflow-entrypoint] %s\n' "$*" >&2; }

check_required() {
  local missing=() var
  for var in \
    MLFLOW_BACKEND_STORE_URI \
    MLFLOW_ARTIFACTS_DESTINATION \
    MLFLOW_AUTH_ADMIN_PASSWORD \
    MLFLOW_FLASK_SERVER_SECRET_KEY; do
    if [[ -z "${!var:-}" ]]; then
      missing+=("$var")
    fi
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "ERROR: missing required environment variable(s): ${missing[*]}"
    log "  MLFLOW_BACKEND_STORE_URI       e.g. postgresql://user:pass@db:5432/mlflow"
    log "  MLFLOW_ARTIFACTS_DESTINATION   e.g. s3://my-bucket/mlflow-artifacts"
    log "  MLFLOW_AUTH_ADMIN_PASSWORD     password for the initial admin user"
    log "  MLFLOW_FLASK_SERVER_SECRET_KEY static CSRF secret shared by all replicas"
    exit 64
  fi
}

# Write a basic_auth.ini so the user store lives in a persistent database
# instead of MLflow's default ./basic_auth.db inside the (ephemeral) container.
write_auth_config() {
  if [[ -n "${MLFLOW_AUTH_CONFIG_PATH:-}" ]]; then
    [[ -r "$MLFLOW_AUTH_CONFIG_PATH" ]] || {
      log "ERROR: MLFLOW_AUTH_CONFIG_PATH '$MLFLOW_AUTH_CONFIG_PATH' is not readable"
      exit 64
    }
    return
  fi
  local permission="${MLFLOW_AUTH_DEFAULT_PERMISSION:-READ}"
  case "$permission" in
    READ | EDIT | MANAGE | NO_PERMISSIONS) ;;
    *)
      log "ERROR: MLFLOW_AUTH_DEFAULT_PERMISSION must be READ, EDIT, MANAGE or NO_PERMISSIONS"
      exit 64
      ;;
  esac
  local db_uri="${MLFLOW_AUTH_DATABASE_URI:-$MLFLOW_BACKEND_STORE_URI}"
  local conf_dir
  conf_dir="$(mktemp -d "${TMPDIR:-/tmp}/mlflow-auth.XXXXXX")"
  local conf="$conf_dir/basic_auth.ini"
  # configparser interpolates '%', so URL-encoded passwords need '%%'.
  (
    umask 077
    {
      printf '[mlflow]\n'
      printf 'default_permission = %s\n' "$permission"
      printf 'database_uri = %s\n' "${db_uri//%/%%}"
      printf 'admin_username = %s\n' "${MLFLOW_AUTH_ADMIN_USERNAME:-admin}"
      printf 'authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n'
    } >"$conf"
  )
  export MLFLOW_AUTH_CONFIG_PATH="$conf"
}

main() {
  check_required
  write_auth_config
  local host="${MLFLOW_HOST:-0.0.0.0}"
  local port="${MLFLOW_PORT:-5000}"
  local workers="${MLFLOW_WORKERS:-2}"
  export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"
  log "starting MLflow tracking server on $host:$port (workers=$workers, basic-auth on)"
  exec mlflow server \
    --host "$host" \
    --port "$port" \
    --workers "$workers" \
    --backend-store-uri "$MLFLOW_BACKEND_STORE_URI" \
    --artifacts-destination "$MLFLOW_ARTIFACTS_DESTINATION" \
    --serve-artifacts \
    --app-name basic-auth \
    "$@"
}

main "$@"
