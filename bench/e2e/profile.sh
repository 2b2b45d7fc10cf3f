#!/usr/bin/env bash
# Where lb's time goes under the e2e loads; called by run.sh --profile with the proxies still running.
# Prints markdown. No dotnet-counters offline: threads (top -H), CPU samples (perf, with the runtime's
# perf map for JIT-compiled frames when lb runs with DOTNET_PerfMapEnabled=1) and syscalls (strace -c).
#   profile.sh WORK LB_PID LB_VIP HTTP_PORT UDP_PORT LOAD_CPU DURATION NGINX_PID NGINX_VIP HAPROXY_PID HAPROXY_VIP
set -uo pipefail
WORK=$1 LB=$2 VIP=$3 HTTP=$4 UDP=$5 CPU=$6 D=$7 NGINX=$8 NGINX_VIP=$9 HAPROXY=${10} HAPROXY_VIP=${11}
RATE=5000                                     # datagrams/s offered under strace (it slows every syscall)
wrk_load() { taskset -c "$CPU" wrk -t1 -c64 -d"${1}s" -H 'Connection: close' "http://$VIP:$HTTP/" >/dev/null 2>&1; }
udp_load() { taskset -c "$CPU" sockperf tp -i "$1" -p "$UDP" -t "$2" -m 64 ${3:+--mps=$3} >/dev/null 2>&1; }
nginx_worker() { pgrep -P "$NGINX" | head -1; }

echo "## Profile of lb (run.sh --profile)"
echo
threads() {  # tid-independent snapshot: "name cpu_ticks voluntary_cs involuntary_cs" per thread
  local t name
  for t in /proc/"$1"/task/*; do
    name=$(tr ' ' '_' <"$t/comm" 2>/dev/null | sed 's/[0-9]*$//')
    echo "$(basename "$t") ${name:-?} $(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}') $(awk '/^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {n = $2} END {print v + 0, n + 0}' "$t/status" 2>/dev/null)"
  done
}
thread_table() {  # thread_table PID LOAD-FUNCTION LOAD-ARGS...: CPU and context switches per thread kind
  local pid=$1; shift
  threads "$pid" >"$WORK/threads-before"
  "$@"
  threads "$pid" >"$WORK/threads-after"
  awk -v hz="$(getconf CLK_TCK)" -v d="$D" '
    NR == FNR {c[$1] = $3; v[$1] = $4; n[$1] = $5; next}
    {k = $2; cnt[k]++; cpu[k] += $3 - c[$1]; vol[k] += $4 - v[$1]; inv[k] += $5 - n[$1]}
    END {
      printf "| thread (name) | threads | CPU %% of one core | voluntary switches/s | involuntary switches/s |\n|---|---:|---:|---:|---:|\n"
      for (k in cnt) if (cpu[k] + vol[k] + inv[k] > 0)
        printf "| %s | %d | %.0f | %.0f | %.0f |\n", k, cnt[k], cpu[k] * 100 / hz / d, vol[k] / d, inv[k] / d
    }' "$WORK/threads-before" "$WORK/threads-after"
}
wrk_count() {  # wrk for D seconds, prints the connections made
  taskset -c "$CPU" wrk -t1 -c64 -d"${D}s" -H 'Connection: close' "http://$1:$HTTP/" 2>/dev/null | awk '/ requests in / {print $1}' >"$WORK/wrk-count"
}

for who in lb haproxy nginx; do
  case $who in lb) pid=$LB target=$VIP ;; haproxy) pid=$HAPROXY target=$HAPROXY_VIP ;; nginx) pid=$(nginx_worker) target=$NGINX_VIP ;; esac
  echo "### Threads of $who under wrk (${D} s, a connection per request; /proc/PID/task)"
  echo
  thread_table "$pid" wrk_count "$target"
  echo
  echo "$(cat "$WORK/wrk-count") connections in ${D} s; $(awk -v c="$(cat "$WORK/wrk-count")" 'NR == FNR {b[$1] = $4 + $5; next} {s += $4 + $5 - b[$1]} END {printf "%.1f", s / (c > 0 ? c : 1)}' "$WORK/threads-before" "$WORK/threads-after") context switches per connection."
  echo
done

if command -v perf >/dev/null; then
  for what in tcp udp; do
    if [ $what = tcp ]; then wrk_load $((D + 2)) & load=$!; title="wrk, a connection per request"
    else udp_load "$VIP" $((D + 2)) & load=$!; title="UDP at full rate"; fi
    sleep 1
    perf record -q -F 499 -g -p "$LB" -o "$WORK/perf-$what.data" -- sleep "$D" >/dev/null 2>&1
    wait $load
    echo "### CPU samples of lb under $title (perf record -F 499, ${D} s)"
    echo
    echo "By thread:"
    echo
    echo '```'
    perf report -i "$WORK/perf-$what.data" --no-children --sort comm -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -10
    echo '```'
    echo
    echo "By object (kernel, JIT-compiled code, native runtime):"
    echo
    echo '```'
    perf report -i "$WORK/perf-$what.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
    echo '```'
    echo
    echo "By function (self time, top 30; JIT-compiled frames named through the runtime's perf map):"
    echo
    echo '```'
    perf report -i "$WORK/perf-$what.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30 | cut -c1-150
    echo '```'
    echo
  done
fi

if command -v strace >/dev/null; then
  echo "### System calls per TCP connection (strace -c -f under wrk -c8, ${D} s; strace slows every call)"
  echo
  for who in lb haproxy nginx; do
    case $who in lb) pid=$LB target=$VIP ;; haproxy) pid=$HAPROXY target=$HAPROXY_VIP ;; nginx) pid=$(nginx_worker) target=$NGINX_VIP ;; esac
    [ -n "$pid" ] || continue
    taskset -c "$CPU" wrk -t1 -c8 -d"$((D + 1))s" -H 'Connection: close' "http://$target:$HTTP/" 2>/dev/null >"$WORK/wrk-strace-$who.txt" & load=$!
    sleep 0.5
    timeout -s INT "$D" strace -c -f -q -p "$pid" -o "$WORK/strace-tcp-$who.txt" >/dev/null 2>&1
    wait $load
    # Connections while strace was attached: the successful accept calls (calls minus errors) it counted.
    echo "$who (pid $pid): $(awk '$NF ~ /^accept4?$/ {a += $4 - (NF == 6 ? $5 : 0)} $NF ~ /^(sched_yield|futex|restart_syscall)$/ {w += $4} $NF == "total" {t = $4} END {a = a > 0 ? a : 1; printf "%d calls for %d connections accepted, %.1f calls per connection (%.1f without the waiting and spinning ones: sched_yield, futex, restart_syscall)", t, a, t / a, (t - w) / a}' "$WORK/strace-tcp-$who.txt")"
    echo
    echo '```'
    sed -n '1,22p' "$WORK/strace-tcp-$who.txt"
    echo '```'
    echo
  done

  echo "### System calls per datagram (strace -c -f, ${RATE} datagrams/s offered for ${D} s; strace slows every call, so fewer get through)"
  echo
  for who in lb nginx; do
    if [ $who = lb ]; then pid=$LB target=$VIP; else pid=$(nginx_worker) target=$NGINX_VIP; fi
    [ -n "$pid" ] || continue
    udp_load "$target" $((D + 1)) $RATE & load=$!
    sleep 0.5
    timeout -s INT "$D" strace -c -f -q -p "$pid" -o "$WORK/strace-$who.txt" >/dev/null 2>&1
    wait $load
    echo "$who (pid $pid): $(awk '$NF ~ /^(sendto|sendmsg|sendmmsg)$/ {s += $4} $NF ~ /^(sched_yield|futex|restart_syscall)$/ {w += $4} $NF == "total" {t = $4} END {s = s > 0 ? s : 1; printf "%d calls for %d datagrams forwarded (send calls), %.1f calls per datagram (%.1f without sched_yield, futex, restart_syscall)", t, s, t / s, (t - w) / s}' "$WORK/strace-$who.txt")"
    echo
    echo '```'
    sed -n '1,12p' "$WORK/strace-$who.txt"
    echo '```'
    echo
  done
fi
