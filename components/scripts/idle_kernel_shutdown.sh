#!/bin/bash
# Shuts down Jupyter kernels that have been idle for IDLE_TIMEOUT_MINUTES.
# Studio's built-in idle shutdown never counts an app as idle while a kernel is open, and an
# abandoned browser tab keeps its kernel open, so idle kernels must be removed first.
#
# Usage: idle_kernel_shutdown.sh [install|check|loop]
#   install (default) copy this script, with the current settings baked in, to MLOPS_STATE_DIR
#           and run "check" every CHECK_INTERVAL_MINUTES from cron, or from a nohup loop where
#           no cron daemon runs (Studio images). Idempotent; returns within seconds.
#   check   one pass: shut down every kernel that is idle (never a busy or starting one) and
#           whose last activity is at least IDLE_TIMEOUT_MINUTES old, with or without
#           connections. Logs each decision.
#   loop    run "check" forever (started by install when cron is not used).
set -euo pipefail

# Settings (environment variables; default after :=)
#   IDLE_TIMEOUT_MINUTES    idle time after which a kernel is shut down
#   CHECK_INTERVAL_MINUTES  time between checks (1-59)
#   DRY_RUN                 true: only log what would be shut down
#   JUPYTER_CMD             CLI that lists the running servers (`server list --json`)
#   JUPYTER_SERVER_URL      use this server instead of discovery, e.g. https://127.0.0.1:8443/
#   JUPYTER_SERVER_TOKEN    token for JUPYTER_SERVER_URL, if it needs one
#   MLOPS_METADATA_FILE     SageMaker resource metadata, names the resource in the log
#   MLOPS_STATE_DIR         installed copy, pid file and log
#   MLOPS_SCHEDULER         auto (cron if a cron daemon runs, else loop) | cron | loop
: "${IDLE_TIMEOUT_MINUTES:=60}"
: "${CHECK_INTERVAL_MINUTES:=5}"
: "${DRY_RUN:=false}"
: "${JUPYTER_CMD:=jupyter}"
: "${JUPYTER_SERVER_URL:=}"
: "${JUPYTER_SERVER_TOKEN:=}"
: "${MLOPS_METADATA_FILE:=/opt/ml/metadata/resource-metadata.json}"
: "${MLOPS_STATE_DIR:=${HOME:-/tmp}/.mlops}"
: "${MLOPS_SCHEDULER:=auto}"
SETTINGS=(IDLE_TIMEOUT_MINUTES CHECK_INTERVAL_MINUTES DRY_RUN JUPYTER_CMD JUPYTER_SERVER_URL
  JUPYTER_SERVER_TOKEN MLOPS_METADATA_FILE MLOPS_STATE_DIR MLOPS_SCHEDULER)
export "${SETTINGS[@]}"

SELF=$(readlink -f "${BASH_SOURCE[0]}")
INSTALLED="$MLOPS_STATE_DIR/idle_kernel_shutdown.sh"
LOG_FILE="$MLOPS_STATE_DIR/idle_kernel_shutdown.log"
PID_FILE="$MLOPS_STATE_DIR/idle_kernel_shutdown.pid"
CRON_MARKER="# mlops-idle-kernel-shutdown"

log() { printf '%s idle-kernel-shutdown: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

[[ $IDLE_TIMEOUT_MINUTES =~ ^[1-9][0-9]*$ ]] || die "IDLE_TIMEOUT_MINUTES must be a whole number >= 1"
[[ $CHECK_INTERVAL_MINUTES =~ ^[1-9]$|^[1-5][0-9]$ ]] || die "CHECK_INTERVAL_MINUTES must be 1-59"

install() {
  mkdir -p "$MLOPS_STATE_DIR"
  # Cron passes no environment and a minimal PATH, and the lifecycle script file is temporary:
  # the installed copy carries PATH and the settings as exports (replacing any earlier ones).
  local tmp="$INSTALLED.$$" var
  {
    echo '#!/bin/bash'
    for var in PATH "${SETTINGS[@]}"; do printf 'export %s=%q\n' "$var" "${!var}"; done
    sed -e '1d' -e '/^export [A-Za-z_][A-Za-z0-9_]*=/d' "$SELF"
  } >"$tmp"
  chmod 700 "$tmp"  # may hold JUPYTER_SERVER_TOKEN
  mv -f "$tmp" "$INSTALLED"

  local mode=$MLOPS_SCHEDULER
  if [[ $mode == auto ]]; then
    mode=loop
    if command -v crontab >/dev/null && pgrep -x 'cron|crond' >/dev/null 2>&1; then mode=cron; fi
  fi
  case $mode in
    cron) install_cron ;;
    loop) start_loop ;;
    *) die "MLOPS_SCHEDULER must be auto, cron or loop, not '$mode'" ;;
  esac
}

install_cron() {
  local line others
  line="*/$CHECK_INTERVAL_MINUTES * * * * $(printf %q "$INSTALLED") check >>$(printf %q "$LOG_FILE") 2>&1 $CRON_MARKER"
  # Replace our entry, keep everyone else's (read fully before writing the new crontab).
  others=$(crontab -l 2>/dev/null | grep -vF "$CRON_MARKER") || true
  { [[ -z $others ]] || echo "$others"; echo "$line"; } | crontab -
  log "cron entry installed: every $CHECK_INTERVAL_MINUTES min, idle timeout $IDLE_TIMEOUT_MINUTES min"
}

loop_pid() {
  # The pid file survives restarts on the home volume; only trust it if the process is our loop.
  local pid
  [[ -f $PID_FILE ]] && pid=$(<"$PID_FILE") && [[ $pid =~ ^[0-9]+$ ]] || return 1
  grep -qa idle_kernel_shutdown "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

start_loop() {
  local old
  # Restart rather than skip, so that new settings take effect.
  if old=$(loop_pid); then
    kill "$old" 2>/dev/null || true
    log "stopped previous loop (pid $old)"
  fi
  nohup bash "$INSTALLED" loop </dev/null >>"$LOG_FILE" 2>&1 &
  echo "$!" >"$PID_FILE"
  log "background loop started (pid $!): every $CHECK_INTERVAL_MINUTES min, idle timeout $IDLE_TIMEOUT_MINUTES min, log $LOG_FILE"
}

loop() {
  local sleep_pid=""
  trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM INT
  while true; do
    # A separate process, so that `set -e` applies inside the check and a failure never ends the loop.
    bash "$SELF" check || log "check failed (exit $?)"
    sleep $((CHECK_INTERVAL_MINUTES * 60)) &
    sleep_pid=$!
    wait "$sleep_pid" || true
  done
}

check() {
  local now line servers=""
  now=$(date -u +%s)
  if [[ -z $JUPYTER_SERVER_URL ]]; then
    servers=$("$JUPYTER_CMD" server list --json) || die "'$JUPYTER_CMD server list --json' failed"
  fi
  python3 - "$now" "$((IDLE_TIMEOUT_MINUTES * 60))" "$DRY_RUN" "$MLOPS_METADATA_FILE" \
    "$servers" "$JUPYTER_SERVER_URL" "$JUPYTER_SERVER_TOKEN" <<'PY' | while IFS= read -r line; do log "$line"; done
import calendar, json, re, ssl, sys, time, urllib.parse, urllib.request

now, timeout = int(sys.argv[1]), int(sys.argv[2])
dry_run, meta_file, servers_text, url, token = sys.argv[3:8]
dry_run = dry_run == "true"
try:
    with open(meta_file) as f:
        meta = json.load(f)
    print("resource %s (%s)" % (meta.get("ResourceName") or meta.get("ResourceArn", "?"),
                               meta.get("AppType", "notebook instance")))
except (OSError, ValueError) as e:
    print("metadata unavailable: %s" % e)

servers = [{"url": url, "token": token}] if url else []
for text in servers_text.splitlines():
    if text.strip():
        parsed = json.loads(text)
        servers.extend(parsed if isinstance(parsed, list) else [parsed])
if not servers:
    print("no running Jupyter server found")
# The server is local; notebook instances serve https with a self-signed certificate.
ctx = ssl._create_unverified_context()

def call(server, method, path):
    req = urllib.request.Request(server["url"].rstrip("/") + "/" + path, method=method)
    if server.get("token"):
        req.add_header("Authorization", "token " + server["token"])
    with urllib.request.urlopen(req, timeout=15, context=ctx) as resp:
        body = resp.read()
    return json.loads(body) if body else None

def epoch(value):
    # Jupyter writes e.g. 2026-11-27T10:40:00.123456Z; parsed by hand for old python3 versions.
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$", value or "")
    if not m:
        return None
    ts = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    off = (m.group(3) or "Z").replace(":", "")
    if off != "Z":
        ts -= (1 if off[0] == "+" else -1) * (int(off[1:3]) * 3600 + int(off[3:5]) * 60)
    return ts

failed = False
for server in servers:
    try:
        kernels = call(server, "GET", "api/kernels")
    except Exception as e:
        print("cannot list kernels at %s: %s" % (server.get("url"), e))
        failed = True
        continue
    for k in kernels:
        desc = "kernel %s (%s, %s connection(s))" % (k.get("id"), k.get("name"), k.get("connections", 0))
        last = epoch(k.get("last_activity"))
        if k.get("execution_state") != "idle" or last is None:
            print("keep %s: state %s, last activity %s" % (desc, k.get("execution_state"), k.get("last_activity")))
            continue
        idle = (now - last) // 60
        if now - last < timeout:
            print("keep %s: idle for %d min" % (desc, idle))
        elif dry_run:
            print("dry run: would shut down %s: idle for %d min" % (desc, idle))
        else:
            try:
                call(server, "DELETE", "api/kernels/" + urllib.parse.quote(k["id"], safe=""))
                print("shut down %s: idle for %d min" % (desc, idle))
            except Exception as e:
                print("failed to shut down %s: %s" % (desc, e))
                failed = True
sys.exit(1 if failed else 0)
PY
}

case "${1:-install}" in
  install) install ;;
  check) check ;;
  loop) loop ;;
  *) echo "usage: $0 [install|check|loop]" >&2; exit 2 ;;
esac
