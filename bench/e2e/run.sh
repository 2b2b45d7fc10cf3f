#!/usr/bin/env bash
# End-to-end benchmark: our `lb serve` (proxy frontend) against haproxy and nginx stream on loopback,
# all in front of the same three backends, plus the direct path to one backend. See README.md here.
#
#   bench/e2e/run.sh [--quick] [--rounds N] [--duration S] [--no-install] [--keep] [--profile]
#                    [--lb-tuned] [--tuned-env "K=V ..."] [--nice N] [--lb-env "K=V ..."] [--out FILE]
#
#   --quick        one round, 2 s per measurement (about 2.5 minutes with the build); for testing
#   --rounds N     rounds of every measurement, interleaved across paths; the median is reported (default 3)
#   --duration S   seconds per measurement (default 5)
#   --no-install   do not apt-get install missing tools
#   --keep         keep the work directory (configs, logs) under /tmp
#   --profile      after the measurements, profile lb under load (top -H, strace -c, perf when present)
#   --lb-tuned     also measure a second lb serve (127.0.0.24) with the runtime knobs of --tuned-env
#   --tuned-env "K=V ..."  those knobs (default: inline socket completions, no thread-pool spinning)
#   --nice N       scheduling priority of everything measured (default -20: the machine is shared with
#                  builds; at nice 0 the proxies wait for CPU and the figures measure the scheduler)
#   --lb-env "K=V ..."  extra environment for lb (runtime knobs to try; the results name them)
#   --out FILE     results file (default bench/e2e/results-<UTC date>.md)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=3
DURATION=5
QUICK=0
INSTALL=1
KEEP=0
PROFILE=0
TUNED=0
TUNED_ENV="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"
OUT=""
NICE=-20
LB_EXTRA_ENV=""
ARGS_TEXT="$*"
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; ROUNDS=1; DURATION=2 ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --no-install) INSTALL=0 ;;
    --keep) KEEP=1 ;;
    --profile) PROFILE=1 ;;
    --lb-tuned) TUNED=1 ;;
    --tuned-env) TUNED_ENV=$2; shift ;;
    --out) OUT=$2; shift ;;
    --nice) NICE=$2; shift ;;
    --lb-env) LB_EXTRA_ENV=$2; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
# Linux puts every session in its own scheduler autogroup, and nice only ranks processes inside one
# group: on a machine shared with builds, a proxy at nice -20 in our group still waits on the run queue
# behind other sessions (measured: haproxy 1.5k conn/s at 13% CPU, 2 s of 3 s waiting). So the run
# gets a session of its own (setsid; signals are forwarded) whose autogroup is set to --nice after the build.
if [ -z "${LB_E2E_SESSION:-}" ] && [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = 1 ]; then
  LB_E2E_SESSION=1 setsid -w "$0" "${ORIG_ARGS[@]}" &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null' INT TERM
  rc=0; wait "$child" || rc=$?
  if [ $rc -gt 128 ]; then rc=0; wait "$child" || rc=$?; fi   # interrupted wait: wait for the cleanup
  exit $rc
fi
DATE=$(date -u +%Y-%m-%d)
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
[ -n "$OUT" ] || OUT="$HERE/results-$DATE.md"

# ---- topology ---------------------------------------------------------------------------------------
# Backends on 127.0.0.11-13 (Linux routes all of 127/8 to lo), one VIP address per proxy.
BACKENDS=(127.0.0.11 127.0.0.12 127.0.0.13)
declare -A VIP=([direct]=127.0.0.11 [haproxy]=127.0.0.21 [nginx]=127.0.0.22 [lb]=127.0.0.23 [lbtuned]=127.0.0.24)
PATHS=(direct haproxy nginx lb)
UDP_PATHS=(direct nginx lb)          # HAProxy has no UDP proxying
P_HTTP=8080                          # nginx http backends, wrk with Connection: close
P_IPERF=5201                         # iperf3 (control + data connection: source-hash pinned)
P_TCPLAT=11111                       # sockperf TCP ping-pong
P_UDPTP=11112                        # sockperf UDP throughput (counted at the backends)
P_UDPLAT=11113                       # sockperf UDP ping-pong
LOAD_CPU=0                           # load generators and backends
PROXY_CPU=1                          # the proxy under test (each proxy: one worker)
WRK_CONNS=64
MSG=64

WORK=$(mktemp -d /tmp/lb-e2e.XXXXXX)
declare -A PID=()                    # long-lived processes by role
UDP_TP_PIDS=()
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

stop_pid() {                         # TERM, then KILL after 5 s; only processes this script started
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$? role pid
  trap - EXIT INT TERM
  for pid in "${UDP_TP_PIDS[@]}"; do stop_pid "$pid"; done
  for role in "${!PID[@]}"; do stop_pid "${PID[$role]}"; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ] || [ $rc -ne 0 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ------------------------------------------------------------------------------------------
need_pkgs=()
for t in haproxy:haproxy nginx:nginx wrk:wrk iperf3:iperf3 sockperf:sockperf jq:jq; do
  command -v "${t%%:*}" >/dev/null || need_pkgs+=("${t#*:}")
done
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || need_pkgs+=(libnginx-mod-stream)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$INSTALL" = 1 ] || { echo "run.sh: missing ${need_pkgs[*]} (drop --no-install to install them)" >&2; exit 1; }
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${need_pkgs[@]}" >"$WORK/apt.log" 2>&1 \
    || { apt-get update -q >>"$WORK/apt.log" 2>&1 && apt-get install -y -q "${need_pkgs[@]}" >>"$WORK/apt.log" 2>&1; } \
    || { echo "run.sh: apt-get install ${need_pkgs[*]} failed, see $WORK/apt.log" >&2; exit 1; }
  # Debian starts the packaged services where it can; they are not ours to keep but they would take
  # port 80: stop them through the init system if one is running them (never by process name).
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl stop nginx haproxy >/dev/null 2>&1 || true
  fi
fi

# ---- build lb ---------------------------------------------------------------------------------------
log "building lb (Release)"
dotnet build -c Release "$ROOT/src/LoadBalancer.Host" -v q -nologo >"$WORK/build.log" 2>&1 \
  || { tail -30 "$WORK/build.log" >&2; exit 1; }
LB_BIN="$ROOT/src/LoadBalancer.Host/bin/Release/net10.0/lb"
[ -x "$LB_BIN" ] || { echo "run.sh: $LB_BIN not found after the build" >&2; exit 1; }
LB_KIND="lb serve ($(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ', with uncommitted changes in src'))"

# ---- configs ----------------------------------------------------------------------------------------
servers() {  # servers PORT PREFIX SUFFIX  -> one line per backend
  local i=1 b
  for b in "${BACKENDS[@]}"; do printf '%s%s:%s%s\n' "${2//@/$i}" "$b" "$1" "${3//@/$i}"; i=$((i + 1)); done
}

mkdir -p "$WORK/nginx-backend" "$WORK/nginx-proxy" "$WORK/haproxy"
cat >"$WORK/nginx-backend/nginx.conf" <<EOF
# The HTTP backends: one nginx, one server per backend address, a 2-byte answer.
worker_processes 1;
pid $WORK/nginx-backend/nginx.pid;
error_log $WORK/nginx-backend/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 9000; multi_accept on; }
http {
  access_log off;
  keepalive_timeout 0;
  client_body_temp_path $WORK/nginx-backend; proxy_temp_path $WORK/nginx-backend;
  fastcgi_temp_path $WORK/nginx-backend; uwsgi_temp_path $WORK/nginx-backend; scgi_temp_path $WORK/nginx-backend;
$(for b in "${BACKENDS[@]}"; do echo "  server { listen $b:$P_HTTP backlog=4096; location / { return 200 \"ok\"; } }"; done)
}
EOF

cat >"$WORK/nginx-proxy/nginx.conf" <<EOF
# nginx stream: one worker, the same three backends; hash \$remote_addr where a client must stay on one.
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1;
pid $WORK/nginx-proxy/nginx.pid;
error_log $WORK/nginx-proxy/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 9000; multi_accept on; }
stream {
  upstream http   {
$(servers $P_HTTP '    server ' ';')
  }
  upstream iperf  {
    hash \$remote_addr;
$(servers $P_IPERF '    server ' ';')
  }
  upstream tcplat {
$(servers $P_TCPLAT '    server ' ';')
  }
  upstream udptp  {
    hash \$remote_addr;
$(servers $P_UDPTP '    server ' ';')
  }
  upstream udplat {
    hash \$remote_addr;
$(servers $P_UDPLAT '    server ' ';')
  }
  server { listen ${VIP[nginx]}:$P_HTTP backlog=4096; proxy_pass http; }
  server { listen ${VIP[nginx]}:$P_IPERF; proxy_pass iperf; }
  server { listen ${VIP[nginx]}:$P_TCPLAT; proxy_pass tcplat; }
  server { listen ${VIP[nginx]}:$P_UDPTP udp; proxy_pass udptp; proxy_timeout 10s; }
  server { listen ${VIP[nginx]}:$P_UDPLAT udp; proxy_pass udplat; proxy_timeout 10s; }
}
EOF

cat >"$WORK/haproxy/haproxy.cfg" <<EOF
# haproxy TCP mode: one thread, the same three backends; balance source where a client must stay on one.
global
  nbthread 1
  maxconn 9000                      # FD limit here is 20000 (2 per connection)
  log stderr format raw local0 warning
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen http
  bind ${VIP[haproxy]}:$P_HTTP
  balance roundrobin
$(servers $P_HTTP '  server s@ ' '')
listen iperf
  bind ${VIP[haproxy]}:$P_IPERF
  balance source
$(servers $P_IPERF '  server s@ ' '')
listen tcplat
  bind ${VIP[haproxy]}:$P_TCPLAT
  balance roundrobin
$(servers $P_TCPLAT '  server s@ ' '')
EOF

reals_yaml() {  # reals_yaml PORT
  local b
  for b in "${BACKENDS[@]}"; do printf '      - { address: %s, port: %s, weight: 1 }\n' "$b" "$1"; done
}
lb_yaml() {  # lb_yaml VIP-ADDRESS > FILE
  local vip=$1
  cat <<EOF
# lb serve, proxy frontend with one worker, the same three backends; hash-source-only where a client
# must stay on one backend (iperf3's control and data connections; UDP as for nginx).
admin:
  listen: $vip:9180
frontend:
  mode: proxy
  workers: 1
  drainTimeout: 0s
vips:
  - name: http
    address: $vip
    port: $P_HTTP
    protocol: tcp
    flags: []
    reals:
$(reals_yaml $P_HTTP)
  - name: iperf
    address: $vip
    port: $P_IPERF
    protocol: tcp
    flags: [hash-source-only]
    reals:
$(reals_yaml $P_IPERF)
  - name: tcplat
    address: $vip
    port: $P_TCPLAT
    protocol: tcp
    flags: []
    reals:
$(reals_yaml $P_TCPLAT)
  - name: udptp
    address: $vip
    port: $P_UDPTP
    protocol: udp
    flags: [hash-source-only]
    reals:
$(reals_yaml $P_UDPTP)
  - name: udplat
    address: $vip
    port: $P_UDPLAT
    protocol: udp
    flags: [hash-source-only]
    reals:
$(reals_yaml $P_UDPLAT)
EOF
}
lb_yaml "${VIP[lb]}" >"$WORK/lb.yaml"
lb_yaml "${VIP[lbtuned]}" >"$WORK/lb-tuned.yaml"

# ---- start --------------------------------------------------------------------------------------------
start() {  # start ROLE CPU CMD...   (foreground processes only, so the PID is the server's own)
  local role=$1 cpu=$2; shift 2
  nice -n "$NICE" taskset -c "$cpu" "$@" >"$WORK/$role.log" 2>&1 &
  PID[$role]=$!
}
wait_tcp() {  # wait_tcp ROLE HOST PORT
  local i
  for i in $(seq 300); do
    if timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then return 0; fi
    kill -0 "${PID[$1]}" 2>/dev/null || { echo "run.sh: $1 exited at start:" >&2; tail -20 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "run.sh: $1 does not accept on $2:$3 after 30 s (log: $WORK/$1.log)" >&2; exit 1
}
start_udp_tp_backends() {  # fresh sockperf UDP servers, so their exit line counts one measurement
  local b i=0
  UDP_TP_PIDS=()
  for b in "${BACKENDS[@]}"; do
    i=$((i + 1))
    nice -n "$NICE" taskset -c $LOAD_CPU sockperf sr -i "$b" -p $P_UDPTP >"$WORK/udptp-$i.log" 2>&1 &
    UDP_TP_PIDS+=($!)
  done
  sleep 0.3
}
stop_udp_tp_backends() {  # prints the datagrams the three servers received
  local pid total=0 n f
  for pid in "${UDP_TP_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${UDP_TP_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  UDP_TP_PIDS=()
  for f in "$WORK"/udptp-*.log; do
    n=$(sed -n 's/.*Total \([0-9]*\) messages received.*/\1/p' "$f" | tail -1)
    total=$((total + ${n:-0}))
  done
  echo $total
}

if [ -w /proc/self/autogroup ] && echo "$NICE" >/proc/self/autogroup 2>/dev/null; then
  AUTOGROUP="autogroup nice $NICE"
else
  AUTOGROUP="autogroup unchanged"
fi
log "starting backends on ${BACKENDS[*]} (CPU $LOAD_CPU)"
start nginx-backend $LOAD_CPU nginx -p "$WORK/nginx-backend" -c "$WORK/nginx-backend/nginx.conf" -g 'daemon off;'
i=0
for b in "${BACKENDS[@]}"; do
  i=$((i + 1))
  start "iperf3-$i" $LOAD_CPU iperf3 -s -B "$b" -p $P_IPERF
  start "sockperf-tcp-$i" $LOAD_CPU sockperf sr --tcp -i "$b" -p $P_TCPLAT
  start "sockperf-udp-$i" $LOAD_CPU sockperf sr -i "$b" -p $P_UDPLAT
done
for b in "${BACKENDS[@]}"; do wait_tcp nginx-backend "$b" $P_HTTP; done
i=0; for b in "${BACKENDS[@]}"; do i=$((i + 1)); wait_tcp "iperf3-$i" "$b" $P_IPERF; wait_tcp "sockperf-tcp-$i" "$b" $P_TCPLAT; done

log "starting proxies (CPU $PROXY_CPU, one worker each)"
start haproxy $PROXY_CPU haproxy -db -f "$WORK/haproxy/haproxy.cfg"
start nginx $PROXY_CPU nginx -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf" -g 'daemon off;'
LB_ENV=()   # --profile: JIT frames named for perf (a perf map; W^X off, or perf sees only memfd:doublemapper)
[ "$PROFILE" = 1 ] && LB_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
if [ -n "$LB_EXTRA_ENV" ]; then read -r -a extra <<<"$LB_EXTRA_ENV"; LB_ENV+=("${extra[@]}"); LB_KIND="$LB_KIND with $LB_EXTRA_ENV"; fi
start lb $PROXY_CPU env "${LB_ENV[@]}" "$LB_BIN" serve --config "$WORK/lb.yaml" --drain-delay 0
proxies=(haproxy nginx lb)
if [ "$TUNED" = 1 ]; then
  read -r -a extra <<<"$TUNED_ENV"
  start lbtuned $PROXY_CPU env "${LB_ENV[@]}" "${extra[@]}" "$LB_BIN" serve --config "$WORK/lb-tuned.yaml" --drain-delay 0
  proxies+=(lbtuned)
  PATHS+=(lbtuned)
  UDP_PATHS+=(lbtuned)
fi
for p in "${proxies[@]}"; do wait_tcp "$p" "${VIP[$p]}" $P_HTTP; done
log "lb: $(grep -m1 'Starting lb serve' "$WORK/lb.log" | sed 's/.*Starting lb serve: //')"
log "all up; rounds=$ROUNDS duration=${DURATION}s"

# ---- measurements -----------------------------------------------------------------------------------
RAW="$WORK/raw.tsv"        # path  metric  round  value
: >"$RAW"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"; }

proxy_sched() {  # "on-CPU ns, run-queue wait ns" of a proxy's threads and its children's (nginx workers)
  local p=$1 pid
  [ "$p" = direct ] && { echo "0 0"; return; }
  for pid in "${PID[$p]}" $(pgrep -P "${PID[$p]}" 2>/dev/null); do
    cat /proc/"$pid"/task/*/schedstat 2>/dev/null || true
  done | awk '{c += $1; w += $2} END {printf "%.0f %.0f\n", c, w}'
}
# sched_pct BEFORE AFTER FIELD: % of one core over the measurement (1 = on CPU, 2 = waiting for a CPU)
sched_pct() { echo "$1 $2 $DURATION" | awk -v f="$3" '{printf "%.0f", ($(f + 2) - $f) / 1e7 / $5}'; }
record_sched() {  # record_sched PATH METRIC-PREFIX ROUND BEFORE AFTER
  [ "$1" = direct ] && return 0
  record "$1" "${2}_cpu" "$3" "$(sched_pct "$4" "$5" 1)"
  record "$1" "${2}_wait" "$3" "$(sched_pct "$4" "$5" 2)"
}

measure_conns() {  # wrk, a new TCP connection per request
  local p=$1 r=$2 t0 t1 out rps errs
  t0=$(proxy_sched "$p")
  out=$(nice -n "$NICE" taskset -c $LOAD_CPU wrk -t1 -c$WRK_CONNS -d"${DURATION}s" -H 'Connection: close' "http://${VIP[$p]}:$P_HTTP/" 2>&1)
  t1=$(proxy_sched "$p")
  echo "$out" >>"$WORK/wrk-$p.log"
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  errs=$(echo "$out" | awk '/Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} /Non-2xx/ {n += $NF} END {print n + 0}')
  record "$p" conns "$r" "${rps:-0}"
  record "$p" conns_err "$r" "$errs"
  record_sched "$p" conns "$r" "$t0" "$t1"
}
measure_iperf() {
  local p=$1 r=$2 t0 t1 out
  t0=$(proxy_sched "$p")
  out=$(nice -n "$NICE" taskset -c $LOAD_CPU iperf3 -c "${VIP[$p]}" -p $P_IPERF -t "$DURATION" -J 2>&1) || true
  t1=$(proxy_sched "$p")
  echo "$out" >"$WORK/iperf-$p-$r.json"
  record "$p" mbps "$r" "$(echo "$out" | jq -r '(.end.sum_received.bits_per_second // 0) / 8 / 1000000' 2>/dev/null || echo 0)"
  record_sched "$p" mbps "$r" "$t0" "$t1"
}
sockperf_pp() {  # sockperf_pp PATH ROUND METRIC-PREFIX [--tcp] PORT
  local p=$1 r=$2 m=$3 port=${!#} out
  out=$(nice -n "$NICE" taskset -c $LOAD_CPU sockperf pp "${@:4:$#-4}" -i "${VIP[$p]}" -p "$port" -t "$DURATION" -m $MSG --full-rtt 2>&1) || true
  echo "$out" >>"$WORK/sockperf-$m-$p.log"
  record "$p" "${m}_p50" "$r" "$(echo "$out" | awk '/percentile 50.000 =/ {print $NF}')"
  record "$p" "${m}_p99" "$r" "$(echo "$out" | awk '/percentile 99.000 =/ {print $NF}')"
}
measure_udp_tp() {  # one-way datagrams at full rate, counted where they arrive (the backends)
  local p=$1 r=$2 t0 t1 out sent got
  start_udp_tp_backends
  t0=$(proxy_sched "$p")
  out=$(nice -n "$NICE" taskset -c $LOAD_CPU sockperf tp -i "${VIP[$p]}" -p $P_UDPTP -t "$DURATION" -m $MSG 2>&1) || true
  t1=$(proxy_sched "$p")
  sleep 0.5
  got=$(stop_udp_tp_backends)
  echo "$out" >>"$WORK/sockperf-udptp-$p.log"
  sent=$(echo "$out" | sed -n 's/.*Total of \([0-9]*\) messages sent.*/\1/p')
  record "$p" udp_dps "$r" "$(echo "$got $DURATION" | awk '{printf "%.0f", $1 / $2}')"
  record "$p" udp_sent "$r" "$(echo "${sent:-0} $DURATION" | awk '{printf "%.0f", $1 / $2}')"
  record_sched "$p" udp "$r" "$t0" "$t1"
}

log "warm-up (JIT tiering, connection pools, caches)"
for p in "${PATHS[@]}"; do
  nice -n "$NICE" taskset -c $LOAD_CPU wrk -t1 -c16 -d2s -H 'Connection: close' "http://${VIP[$p]}:$P_HTTP/" >/dev/null 2>&1 || true
  nice -n "$NICE" taskset -c $LOAD_CPU sockperf pp --tcp -i "${VIP[$p]}" -p $P_TCPLAT -t 1 -m $MSG >/dev/null 2>&1 || true
done
for p in "${UDP_PATHS[@]}"; do
  nice -n "$NICE" taskset -c $LOAD_CPU sockperf pp -i "${VIP[$p]}" -p $P_UDPLAT -t 1 -m $MSG >/dev/null 2>&1 || true
done

for r in $(seq "$ROUNDS"); do
  log "round $r/$ROUNDS: TCP connections/s";      for p in "${PATHS[@]}"; do measure_conns "$p" "$r"; done
  log "round $r/$ROUNDS: TCP throughput";         for p in "${PATHS[@]}"; do measure_iperf "$p" "$r"; done
  log "round $r/$ROUNDS: TCP latency";            for p in "${PATHS[@]}"; do sockperf_pp "$p" "$r" tcp --tcp $P_TCPLAT; done
  log "round $r/$ROUNDS: UDP datagrams/s";        for p in "${UDP_PATHS[@]}"; do measure_udp_tp "$p" "$r"; done
  log "round $r/$ROUNDS: UDP latency";            for p in "${UDP_PATHS[@]}"; do sockperf_pp "$p" "$r" udp $P_UDPLAT; done
done

# ---- profile (optional) -----------------------------------------------------------------------------
PROFILE_MD=""
if [ "$PROFILE" = 1 ]; then
  log "profiling lb under wrk and UDP load"
  PROFILE_MD="$WORK/profile.md"
  nice -n "$NICE" "$HERE/profile.sh" "$WORK" "${PID[lb]}" "${VIP[lb]}" $P_HTTP $P_UDPLAT $LOAD_CPU "$DURATION" "${PID[nginx]}" "${VIP[nginx]}" "${PID[haproxy]}" "${VIP[haproxy]}" >"$PROFILE_MD" 2>"$WORK/profile.err" \
    || log "profile.sh failed (see $WORK/profile.err)"
fi

# ---- report -----------------------------------------------------------------------------------------
MACHINE="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, Linux $(uname -r), load average at the start $LOADAVG, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
VERSIONS="haproxy $(haproxy -v | sed -n 's/HAProxy version \([^ ]*\).*/\1/p' | head -1), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), wrk $(wrk -v 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p'), iperf3 $(iperf3 --version | awk 'NR==1 {print $2}'), sockperf $(sockperf --version 2>&1 | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -1), .NET $(dotnet --version)"
TUNED_ARGS=()
[ "$TUNED" = 1 ] && TUNED_ARGS=(--tuned-env "$TUNED_ENV")
python3 "$HERE/report.py" "$RAW" \
  --command "bench/e2e/run.sh${ARGS_TEXT:+ $ARGS_TEXT}" --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --lb "$LB_KIND" "${TUNED_ARGS[@]}" --machine "$MACHINE" --versions "$VERSIONS" \
  --rounds "$ROUNDS" --duration "$DURATION" --conns $WRK_CONNS --msg $MSG \
  --load-cpu $LOAD_CPU --proxy-cpu $PROXY_CPU --nice "$NICE ($AUTOGROUP)" ${PROFILE_MD:+--profile "$PROFILE_MD"} >"$OUT"
log "results: $OUT"
cat "$OUT"
