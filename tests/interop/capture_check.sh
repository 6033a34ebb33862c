#!/usr/bin/env bash
# capture_check.sh: capture SCTP-over-UDP traffic on loopback while a command
# runs, then have tshark (Wireshark's dissector, an independent implementation)
# judge every packet. Fails if any UDP datagram on the given ports
#   - is not dissected as SCTP,
#   - has a CRC32c that tshark finds bad (checksum validation is switched on),
#   - is marked malformed, or
#   - raises a tshark expert message of severity Error.
# Prints a summary: packets, and how many chunks of each type.
#
# Usage: capture_check.sh [--keep FILE] [--min-packets N] [--require CHUNK]...
#                         PORT_A[-PORT_Z] [PORT_B ...] -- COMMAND [ARGS...]
#   PORT_*        the UDP ports whose traffic is SCTP (the usual pair: both
#                 peers' encapsulation ports; through the relay, add its port);
#                 A-Z: a range of ports
#   --require CHUNK  fail unless at least one chunk of that type (DATA,
#                 FORWARD_TSN, ABORT, SHUTDOWN, HEARTBEAT, ...) was seen
#   --iface IF    capture on IF instead of lo
#   --keep FILE   keep the capture in FILE (pcapng) for a look with Wireshark
#   --min-packets N  fail if fewer SCTP packets were seen (default 1)
# Environment: CAPTURE_TIMEOUT (seconds the command may run, default 120).
#
# Exit status: 0 every packet passed and the command succeeded; 1 a packet
# failed a check, or too few packets; 2 usage; 3 the capture could not be made
# (tshark missing, no capture rights, did not start); 4 the packets passed but
# the command itself failed.
#
# Needs tshark and the right to capture on lo (root, or the wireshark group).
set -uo pipefail

usage() {
	sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

keep=""
min_packets=1
ports=()
require=""
iface=lo
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
	--min-packets) [ $# -ge 2 ] || usage; min_packets=$2; shift 2 ;;
	--require) [ $# -ge 2 ] || usage; require="$require $2"; shift 2 ;;
	--iface) [ $# -ge 2 ] || usage; iface=$2; shift 2 ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*)
		lo_=${1%-*} hi_=${1#*-}
		[[ "$1" =~ ^[0-9]+(-[0-9]+)?$ ]] && [ "$lo_" -ge 1 ] && [ "$hi_" -le 65535 ] && [ "$lo_" -le "$hi_" ] || {
			echo "capture_check: bad port '$1'" >&2
			exit 2
		}
		ports+=("$1")
		shift
		;;
	esac
done
[ ${#ports[@]} -ge 1 ] && [ $# -ge 1 ] || usage
command -v tshark >/dev/null || { echo "capture_check: tshark not found" >&2; exit 3; }

tmp=$(mktemp -d)
tpid=""
cleanup() {
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

filter=""
decode=()
for p in "${ports[@]}"; do
	if [[ "$p" == *-* ]]; then
		filter="${filter:+$filter or }udp portrange $p"
	else
		filter="${filter:+$filter or }udp port $p"
	fi
	decode+=(-d "udp.port==$p,sctp")
done
pcap="$tmp/capture.pcapng"

tshark -q -i "$iface" -f "$filter" -w "$pcap" >"$tmp/tshark.log" 2>&1 &
tpid=$!
# Bounded wait until tshark says it is capturing.
for _ in $(seq 100); do
	grep -q "Capturing on" "$tmp/tshark.log" 2>/dev/null && break
	kill -0 "$tpid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "Capturing on" "$tmp/tshark.log"; then
	echo "capture_check: tshark did not start capturing:" >&2
	cat "$tmp/tshark.log" >&2
	exit 3
fi
sleep 0.5 # the filter is attached a little after the message

cmd_status=0
timeout "${CAPTURE_TIMEOUT:-120}" "$@" || cmd_status=$?
sleep 1 # let the last packets reach the capture
kill -INT "$tpid"
for _ in $(seq 50); do
	kill -0 "$tpid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$tpid" 2>/dev/null && kill -KILL "$tpid"
wait "$tpid" 2>/dev/null
tpid=""
[ -n "$keep" ] && cp "$pcap" "$keep"
if [ ! -s "$pcap" ]; then
	echo "capture_check: nothing captured" >&2
	cat "$tmp/tshark.log" >&2
	exit 3
fi

# One line per datagram. Checksum validation on: sctp.checksum.status is
# 1 good, 0 bad, 2 unverified. Expert severities: Error is 8388608 (0x800000).
tshark -r "$pcap" -n -o "sctp.checksum:CRC 32c" "${decode[@]}" -T fields \
	-e frame.number -e udp.srcport -e udp.dstport -e sctp.srcport -e sctp.checksum.status \
	-e sctp.chunk_type -e _ws.malformed -e _ws.expert.severity -e _ws.expert.message \
	-E separator=/t -E aggregator=, -E occurrence=a >"$tmp/fields.tsv" 2>"$tmp/dissect.log"
if [ $? -ne 0 ]; then
	echo "capture_check: tshark could not read the capture:" >&2
	cat "$tmp/dissect.log" >&2
	exit 3
fi

awk -F'\t' -v min="$min_packets" -v require="$require" '
function name(t) {
	return t in names ? names[t] : "type" t
}
BEGIN {
	split("DATA INIT INIT_ACK SACK HEARTBEAT HEARTBEAT_ACK ABORT SHUTDOWN SHUTDOWN_ACK ERROR COOKIE_ECHO COOKIE_ACK ECNE CWR SHUTDOWN_COMPLETE AUTH", n, " ")
	for (i = 1; i <= 16; i++) names[i - 1] = n[i]
	names[64] = "I_DATA"; names[128] = "ASCONF_ACK"; names[130] = "RE_CONFIG"
	names[132] = "PAD"; names[192] = "FORWARD_TSN"; names[193] = "ASCONF"; names[194] = "I_FORWARD_TSN"
	bad = 0; packets = 0; complaints = 0
}
function complain(why) {
	linebad = 1
	if (++complaints <= 20) printf "capture_check: frame %s (udp %s -> %s): %s\n", $1, $2, $3, why > "/dev/stderr"
}
{
	packets++
	linebad = 0
	if ($4 == "") { complain("not dissected as SCTP"); bad++; next }
	if ($5 != "1") complain($5 == "0" ? "bad CRC32c" : "checksum not verified (status " $5 ")")
	if ($7 != "") complain("malformed")
	ns = split($8, sev, ",")
	split($9, msg, ",")
	for (i = 1; i <= ns; i++)
		if (sev[i] + 0 >= 8388608) complain("expert error: " msg[i])
	nc = split($6, ch, ",")
	for (i = 1; i <= nc; i++) chunks[name(ch[i])]++
	sctp++
	bad += linebad
}
END {
	printf "capture_check: packets=%d sctp=%d failed=%d chunks:", packets, sctp, bad
	for (c in chunks) printf " %s=%d", c, chunks[c]
	printf "\n"
	if (sctp < min) { printf "capture_check: only %d SCTP packets, wanted at least %d\n", sctp, min > "/dev/stderr"; exit 1 }
	nr = split(require, req, " ")
	for (i = 1; i <= nr; i++)
		if (!(req[i] in chunks)) { printf "capture_check: no %s chunk seen, one was required\n", req[i] > "/dev/stderr"; exit 1 }
	exit bad ? 1 : 0
}' "$tmp/fields.tsv"
verdict=$?

if [ $verdict -ne 0 ]; then
	[ $cmd_status -ne 0 ] && echo "capture_check: the command failed too (status $cmd_status)" >&2
	echo "capture_check: FAIL" >&2
	exit 1
fi
if [ $cmd_status -ne 0 ]; then
	echo "capture_check: the packets passed, but the command failed (status $cmd_status)" >&2
	exit 4
fi
echo "capture_check: PASS"
exit 0
