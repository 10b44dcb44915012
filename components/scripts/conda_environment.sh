#!/bin/bash
# Creates (or updates, when it exists) the team's conda environment from an environment.yml and
# registers it as a Jupyter kernel. Solving and downloading takes longer than a lifecycle script
# may run (5 minutes on notebook instances), so that part runs in the background with nohup and
# this script returns within seconds. The background job writes
#   $MLOPS_STATE_DIR/conda-<env>.log     progress
#   $MLOPS_STATE_DIR/conda-<env>.done    on success
#   $MLOPS_STATE_DIR/conda-<env>.failed  on failure (with the exit status)
# Usage: conda_environment.sh   (the "background" argument is internal)
set -euo pipefail

# Settings (environment variables; default after :=)
#   ENVIRONMENT_YML_SOURCE  required: s3://bucket/key, an absolute path, or a path relative to
#                           $HOME such as the file of a cloned git repository (<repo>/environment.yml)
#   CONDA_ENV_NAME          environment and kernel name
#   KERNEL_DISPLAY_NAME     kernel name shown in JupyterLab
#   PACKAGE_MIRROR_URL      conda package mirror (the environments have no internet): channel
#                           names such as conda-forge resolve to <url>/conda-forge, "defaults"
#                           to <url>/main. Empty: keep the existing conda configuration.
#   CONDA_CHANNELS          channels to use with the mirror, comma separated
#   PIP_MIRROR_URL          PyPI mirror (index URL) for the pip: section of environment.yml
#   CONDA_CMD               conda command
#   AWS_CMD                 AWS CLI command (for an s3:// source)
#   CONDARC_FILE            conda configuration file to write
#   CONDA_ENVS_DIR          where environments live; on the persistent home volume by default,
#                           so that a restart only updates the environment
#   MLOPS_STATE_DIR         log, markers and pid file
: "${ENVIRONMENT_YML_SOURCE:=}"
: "${CONDA_ENV_NAME:=team}"
: "${KERNEL_DISPLAY_NAME:=Python (${CONDA_ENV_NAME})}"
: "${PACKAGE_MIRROR_URL:=}"
: "${CONDA_CHANNELS:=conda-forge}"
: "${PIP_MIRROR_URL:=}"
: "${CONDA_CMD:=conda}"
: "${AWS_CMD:=aws}"
: "${CONDARC_FILE:=${HOME}/.condarc}"
: "${CONDA_ENVS_DIR:=${HOME}/.conda/envs}"
: "${MLOPS_STATE_DIR:=${HOME}/.mlops}"
export ENVIRONMENT_YML_SOURCE CONDA_ENV_NAME KERNEL_DISPLAY_NAME PACKAGE_MIRROR_URL CONDA_CHANNELS \
  PIP_MIRROR_URL CONDA_CMD AWS_CMD CONDARC_FILE CONDA_ENVS_DIR MLOPS_STATE_DIR

log() { printf '%s conda-environment: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

[[ $CONDA_ENV_NAME =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "invalid CONDA_ENV_NAME '$CONDA_ENV_NAME'"
[[ -n $ENVIRONMENT_YML_SOURCE ]] || die "ENVIRONMENT_YML_SOURCE is not set"
SELF=$(readlink -f "${BASH_SOURCE[0]}")
BASE="$MLOPS_STATE_DIR/conda-$CONDA_ENV_NAME"
PREFIX="$CONDA_ENVS_DIR/$CONDA_ENV_NAME"

conda_config() { "$CONDA_CMD" config --file "$CONDARC_FILE" "$@"; }

configure() {
  # So that `conda activate <name>`, `conda env list` and Jupyter find the environment.
  conda_config --append envs_dirs "$CONDA_ENVS_DIR"
  if [[ -z $PACKAGE_MIRROR_URL ]]; then
    log "PACKAGE_MIRROR_URL is empty: keeping the conda channel configuration"
    return 0
  fi
  local mirror=${PACKAGE_MIRROR_URL%/} channel channels
  conda_config --set channel_alias "$mirror"
  # "defaults" would otherwise still point at repo.anaconda.com.
  conda_config --remove-key default_channels >/dev/null 2>&1 || true
  conda_config --append default_channels "$mirror/main"
  conda_config --remove-key channels >/dev/null 2>&1 || true
  IFS=', ' read -ra channels <<<"$CONDA_CHANNELS"
  for channel in "${channels[@]}"; do conda_config --append channels "$channel"; done
  log "conda uses the package mirror $mirror (channels: ${channels[*]})"
}

running_pid() {
  # The pid file survives restarts on the home volume; only trust it if the process is our job.
  local pid
  [[ -f $BASE.pid ]] && pid=$(<"$BASE.pid") && [[ $pid =~ ^[0-9]+$ ]] || return 1
  grep -qa "conda-$CONDA_ENV_NAME.sh" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  mkdir -p "$MLOPS_STATE_DIR" "$CONDA_ENVS_DIR"
  configure
  local pid
  if pid=$(running_pid); then
    log "a job for '$CONDA_ENV_NAME' is already running (pid $pid), see $BASE.log"
    return 0
  fi
  rm -f "$BASE.done" "$BASE.failed"
  # The lifecycle script file is temporary: the background job runs from a copy.
  [[ $SELF -ef $BASE.sh ]] || cp "$SELF" "$BASE.sh"
  nohup bash "$BASE.sh" background </dev/null >>"$BASE.log" 2>&1 &
  echo "$!" >"$BASE.pid"
  log "building '$CONDA_ENV_NAME' in the background (pid $!), log: $BASE.log"
}

finish() {
  local rc=$?
  if ((rc == 0)); then log "finished" >"$BASE.done"; else echo "exit $rc" >"$BASE.failed"; fi
}

background() {
  trap finish EXIT
  [[ -z $PIP_MIRROR_URL ]] || export PIP_INDEX_URL=$PIP_MIRROR_URL
  local yml="$BASE.environment.yml"
  log "fetching $ENVIRONMENT_YML_SOURCE"
  case $ENVIRONMENT_YML_SOURCE in
    s3://*) "$AWS_CMD" s3 cp --only-show-errors "$ENVIRONMENT_YML_SOURCE" "$yml" ;;
    /*) cp "$ENVIRONMENT_YML_SOURCE" "$yml" ;;
    *) cp "$HOME/$ENVIRONMENT_YML_SOURCE" "$yml" ;;
  esac
  if [[ -d $PREFIX/conda-meta ]]; then
    log "updating $PREFIX"
    "$CONDA_CMD" env update --prefix "$PREFIX" --file "$yml" --prune
  else
    # A directory without conda-meta is the rest of an interrupted create.
    rm -rf "$PREFIX"
    log "creating $PREFIX"
    "$CONDA_CMD" env create --prefix "$PREFIX" --file "$yml"
  fi
  # Jupyter starts kernels with the environment's own python, which needs ipykernel.
  if ! "$CONDA_CMD" run --prefix "$PREFIX" python -c 'import ipykernel' >/dev/null 2>&1; then
    "$CONDA_CMD" install --yes --prefix "$PREFIX" ipykernel
  fi
  "$CONDA_CMD" run --prefix "$PREFIX" python -m ipykernel install --user \
    --name "$CONDA_ENV_NAME" --display-name "$KERNEL_DISPLAY_NAME"
  log "kernel '$KERNEL_DISPLAY_NAME' registered"
}

case "${1:-start}" in
  start) start ;;
  background) background ;;
  *) echo "usage: $0" >&2; exit 2 ;;
esac
