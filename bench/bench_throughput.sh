#!/bin/sh
# Throughput of usctp on loopback, measured with usctp-perf, for a few message
# sizes; with bench/usrsctp_perf built (Debian's libusrsctp-dev), the same
# runs between two usrsctp processes and the usctp/usrsctp ratios.
#
#   bench/bench_throughput.sh [-b BUILD_DIR] [-t SECONDS] [-s "SIZES"] [-j]
#
# Defaults: BUILD_DIR build/default (or $USCTP_BUILD), 5 s per run,
# sizes "100 1200 8192 65536". Numbers are the receiver's (bytes and
# messages it got between its first and last message). MB = 10^6 bytes.
# -j prints one JSON object per line instead of the table.
# Exit status: 0 done, 1 a run failed, 2 bad arguments or tools not built.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${USCTP_BUILD:-$here/../build/default}
secs=5
sizes="100 1200 8192 65536"
json=0
while getopts b:t:s:jh opt; do
	case $opt in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	s) sizes=$OPTARG ;;
	j) json=1 ;;
	h) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: $0 [-b BUILD_DIR] [-t SECONDS] [-s \"SIZES\"] [-j]" >&2; exit 2 ;;
	esac
done
perf=$build/tools/usctp-perf
ref=$build/bench/usrsctp_perf
if [ ! -x "$perf" ]; then
	echo "bench_throughput: $perf not found: build first (cmake --build $build)" >&2
	exit 2
fi
[ -x "$ref" ] || ref=

tmp=$(mktemp -d)
trap 'kill $spid 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
spid=

# UDP ports below the kernel's ephemeral range (32768-60999), so that no
# kernel-picked port of another program lands on them; by pid, so that two
# runs at once do not meet.
port_base=$(( 10000 + ($$ % 100) * 100 ))

num() { # num KEY FILE [SECTION]: the first number after "KEY": (in SECTION's object if given)
	if [ $# -gt 2 ]; then
		sed -n "s/.*\"$3\":{\([^}]*\)}.*/\1/p" "$2" | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" | head -1
	else
		sed -n "s/[^{]*{.*\"$1\":\([0-9.]*\).*/\1/p" "$2" | head -1
	fi
}

wait_listen() { # wait_listen FILE: up to 5 s for the server's "listening" line
	i=0
	while [ $i -lt 500 ] && ! grep -q listening "$1" 2>/dev/null; do sleep 0.01; i=$((i + 1)); done
}

run=0
next_ports() { # fresh ports for every run (the caller counts runs: we are in a subshell)
	su=$((port_base + run * 3)); cu=$((su + 1)); p=$((su + 2))
}

run_usctp() { # run_usctp SIZE -> "MB/s msgs/s retrans"
	next_ports
	rm -f "$tmp/s.err" "$tmp/s.json"
	"$perf" -s -1 -j -u $su -p $p >"$tmp/s.json" 2>"$tmp/s.err" &
	spid=$!
	wait_listen "$tmp/s.err"
	if ! "$perf" -c 127.0.0.1 -p $p -u $cu -r $su -l "$1" -t "$secs" -b 4M -j >"$tmp/c.json" 2>"$tmp/c.err"; then
		cat "$tmp/c.err" >&2
		kill $spid 2>/dev/null
		wait $spid 2>/dev/null
		return 1
	fi
	wait $spid || return 1
	spid=
	echo "$(num mb_per_s "$tmp/c.json" server) $(num msgs_per_s "$tmp/c.json" server) $(num retransmits "$tmp/c.json")"
}

run_usrsctp() { # run_usrsctp SIZE -> "MB/s msgs/s retrans"
	next_ports
	rm -f "$tmp/rs.err" "$tmp/rs.json"
	"$ref" -s -u $su -p $p >"$tmp/rs.json" 2>"$tmp/rs.err" &
	spid=$!
	wait_listen "$tmp/rs.err"
	if ! "$ref" -c 127.0.0.1 -p $p -u $cu -r $su -l "$1" -t "$secs" >"$tmp/rc.json" 2>"$tmp/rc.err"; then
		cat "$tmp/rc.err" >&2
		kill $spid 2>/dev/null
		wait $spid 2>/dev/null
		return 1
	fi
	wait $spid || return 1
	spid=
	echo "$(num mb_per_s "$tmp/rs.json") $(num msgs_per_s "$tmp/rs.json") -" # usrsctp_perf does not count them
}

if [ $json -eq 0 ]; then
	printf '%-8s %12s %12s %8s' size usctp_MB/s usctp_msg/s retrans
	[ -n "$ref" ] && printf ' %12s %12s %8s %8s %8s' usrsctp_MB/s usrsctp_msg/s retrans ratio_MB ratio_msg
	printf '\n'
fi
status=0
for size in $sizes; do
	# One retry, on fresh ports: a port may be busy.
	run=$((run + 1)); if ! r=$(run_usctp "$size") && { run=$((run + 1)); ! r=$(run_usctp "$size"); }; then
		echo "bench_throughput: usctp run with $size-byte messages failed" >&2
		status=1
		continue
	fi
	set -- $r
	u_mb=$1 u_ms=$2 u_rt=$3
	if [ -n "$ref" ]; then
		run=$((run + 1)); if ! r=$(run_usrsctp "$size") && { run=$((run + 1)); ! r=$(run_usrsctp "$size"); }; then
			echo "bench_throughput: usrsctp run with $size-byte messages failed" >&2
			status=1
			continue
		fi
		set -- $r
		r_mb=$1 r_ms=$2 r_rt=$3
		ratio_mb=$(awk "BEGIN { printf \"%.2f\", ($r_mb > 0) ? $u_mb / $r_mb : 0 }")
		ratio_ms=$(awk "BEGIN { printf \"%.2f\", ($r_ms > 0) ? $u_ms / $r_ms : 0 }")
	fi
	if [ $json -eq 1 ]; then
		printf '{"size":%s,"seconds":%s,"usctp":{"mb_per_s":%s,"msgs_per_s":%s,"retransmits":%s}' \
			"$size" "$secs" "$u_mb" "$u_ms" "$u_rt"
		[ -n "$ref" ] && printf ',"usrsctp":{"mb_per_s":%s,"msgs_per_s":%s,"retransmits":"%s"},"ratio_mb":%s,"ratio_msgs":%s' \
			"$r_mb" "$r_ms" "$r_rt" "$ratio_mb" "$ratio_ms"
		printf '}\n'
	else
		printf '%-8s %12s %12s %8s' "$size" "$u_mb" "$u_ms" "$u_rt"
		[ -n "$ref" ] && printf ' %12s %12s %8s %8s %8s' "$r_mb" "$r_ms" "$r_rt" "$ratio_mb" "$ratio_ms"
		printf '\n'
	fi
done
exit $status
