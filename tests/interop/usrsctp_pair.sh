#!/usr/bin/env bash
# usrsctp_pair.sh: run a usrsctp_peer server and one or more clients on
# loopback, optionally through usctp-relay, and succeed only if every process
# verified everything. Used by the interop ctest tests and by hand.
#
# Usage: usrsctp_pair.sh --peer PATH [options] [-- CLIENT_ARGS...]
#   --peer PATH          the peer binary for both sides (usrsctp_peer or
#                        usctp_peer: same options, same checks)
#   --server-peer PATH   the server's binary (default: --peer)
#   --client-peer PATH   the clients' binary (default: --peer)
#   --server-args "..."  extra server arguments (default: --echo)
#   --clients N          clients run at once, each with CLIENT_ARGS (default 1,
#                        at most 64; the server then serves N associations)
#   --relay PATH         put usctp-relay between the client and the server
#                        (one client only)
#   --relay-args "..."   impairments for the relay
#   --base-port P        UDP ports P (server), P+1.. (clients), P+99 (relay);
#                        default 20000 + (pid % 127) * 100 (below the
#                        ephemeral range), or $USCTP_TEST_PORT
#   --ipv6               use ::1 (server binds it, clients connect to it)
#   --distinct-sctp-ports  client i binds SCTP port BASE+i (usctp picks the
#                        same ephemeral port in every process: docs/interop.md)
# Exit status: 0 all verified; 1 a peer failed; 2 usage.
set -uo pipefail

peer="" speer="" cpeer="" relay="" relay_args="" server_args="--echo" clients=1 ipv6=0 distinct=0
base=${USCTP_TEST_PORT:-$((20000 + ($$ % 127) * 100))}
while [ $# -gt 0 ]; do
	case "$1" in
	--peer) peer=$2; shift 2 ;;
	--server-peer) speer=$2; shift 2 ;;
	--client-peer) cpeer=$2; shift 2 ;;
	--server-args) server_args=$2; shift 2 ;;
	--clients) clients=$2; shift 2 ;;
	--relay) relay=$2; shift 2 ;;
	--relay-args) relay_args=$2; shift 2 ;;
	--base-port) base=$2; shift 2 ;;
	--ipv6) ipv6=1; shift ;;
	--distinct-sctp-ports) distinct=1; shift ;;
	--) shift; break ;;
	*) echo "usrsctp_pair: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
speer=${speer:-$peer} cpeer=${cpeer:-$peer}
[ -x "$speer" ] && [ -x "$cpeer" ] || { echo "usrsctp_pair: --peer (or --server-peer and --client-peer) must name peer binaries" >&2; exit 2; }
[ "$clients" -ge 1 ] && [ "$clients" -le 64 ] || { echo "usrsctp_pair: --clients 1..64" >&2; exit 2; }
[ -z "$relay" ] || [ "$clients" -eq 1 ] || { echo "usrsctp_pair: the relay takes one client" >&2; exit 2; }

# The server outlives the clients' own --timeout (default 30 s) by 10 s.
ctimeout=30
prev=""
for a in "$@"; do
	[ "$prev" = "--timeout" ] && ctimeout=$a
	prev=$a
done
case " $server_args " in
*" --timeout "*) ;;
*) server_args="$server_args --timeout $((ctimeout + 10))" ;;
esac

host=127.0.0.1 rhost=127.0.0.1
[ $ipv6 -eq 1 ] && host=::1 rhost="[::1]"
sport=$base rport=$((base + 99))
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck disable=SC2086 # word splitting of the argument strings is intended
"$speer" --server --udp-port "$sport" --host "$host" --assocs "$clients" $server_args \
	>"$tmp/server.out" 2>"$tmp/server.err" &
spid=$!
pids+=("$spid")
for _ in $(seq 50); do
	grep -q listening "$tmp/server.err" 2>/dev/null && break
	sleep 0.1
done

target=$sport
if [ -n "$relay" ]; then
	# shellcheck disable=SC2086
	"$relay" --listen "$rhost:$rport" --target "$rhost:$sport" $relay_args \
		>"$tmp/relay.out" 2>"$tmp/relay.err" &
	relay_pid=$!
	pids+=("$relay_pid")
	for _ in $(seq 50); do
		grep -q ready "$tmp/relay.err" 2>/dev/null && break
		sleep 0.1
	done
	target=$rport
fi

cpids=()
for i in $(seq "$clients"); do
	lport=()
	[ $distinct -eq 1 ] && lport=(--local-port $((base + i)))
	"$cpeer" --client --udp-port $((base + i)) --remote-udp-port "$target" --host "$host" "${lport[@]}" "$@" \
		>"$tmp/client$i.out" 2>"$tmp/client$i.err" &
	cpids+=($!)
	pids+=($!)
done

status=0
for i in $(seq "$clients"); do
	wait "${cpids[$((i - 1))]}" || status=1
	echo "client $i: $(cat "$tmp/client$i.out")"
	head -n 20 "$tmp/client$i.err"
done
if [ $status -ne 0 ]; then
	# A client failed: the server would wait for it until its own timeout.
	for _ in $(seq 30); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$spid" 2>/dev/null
fi
wait "$spid" || status=1
echo "server: $(cat "$tmp/server.out")"
grep -v listening "$tmp/server.err" | head -n 20
if [ -n "$relay" ]; then
	kill -TERM "$relay_pid"
	wait "$relay_pid" || status=1
	cat "$tmp/relay.out"
fi
[ $status -eq 0 ] && echo "usrsctp_pair: PASS" || echo "usrsctp_pair: FAIL"
exit $status
