# The node's dead man's switch, one bash process per node JVM (started by BrowserWatchdog): kills the
# node's browsers when the node stops confirming its leases in time, so the pages of a frozen or cut-off
# node leave WhatsApp (the browser process holds their connections) before another node may take over.
# Lines from the node on stdin:
#   w PID    watch a browser (the process and its process group)
#   u PID    stop watching it (closed by the node)
#   d MS     the watched browsers may stay up MS more milliseconds, counted from when the line is read
#   d -      no deadline (no session holds a lease)
#   q        exit without killing anything (the node closes)
# A missed deadline or the end of input (the node died) kills every watched browser, then the watchdog exits.
set -u
declare -A pids=()
deadline=
kill_all() {
  local p
  for p in "${!pids[@]}"; do
    kill -KILL -- "-$p" 2>/dev/null
    kill -KILL -- "$p" 2>/dev/null
  done
}
while :; do
  if [[ -n $deadline ]]; then
    now=${EPOCHREALTIME/./}
    left=$((deadline - now))
    if ((left <= 0)); then
      echo "wagw-watchdog: the node missed its deadline; killing ${#pids[@]} browser(s): ${!pids[*]}" >&2
      kill_all
      exit 2
    fi
    printf -v timeout '%d.%06d' $((left / 1000000)) $((left % 1000000))
  else
    timeout=3600
  fi
  if IFS= read -r -t "$timeout" line; then
    case $line in
      "w "*) pids[${line#w }]=1 ;;
      "u "*) unset "pids[${line#u }]" ;;
      "d -") deadline= ;;
      "d "*) now=${EPOCHREALTIME/./}; deadline=$((now + ${line#d } * 1000)) ;;
      q) exit 0 ;;
    esac
  elif (($? <= 128)); then
    echo "wagw-watchdog: the node is gone; killing ${#pids[@]} browser(s): ${!pids[*]}" >&2
    kill_all
    exit 1
  fi
done
