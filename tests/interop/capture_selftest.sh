#!/usr/bin/env bash
# The capture check's own test: usrsctp-to-usrsctp traffic must pass it, and
# the same traffic with corrupted packets (through usctp-relay) must fail it.
# Usage: capture_selftest.sh USRSCTP_PEER USCTP_RELAY
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peer=$1 relay=$2
base=$((20000 + ($$ % 127) * 100))
s=$base c=$((base + 1)) r=$((base + 99))

echo "== clean usrsctp traffic must pass"
"$here/capture_check.sh" --min-packets 20 $s $c -- \
	"$here/usrsctp_pair.sh" --peer "$peer" --base-port $base -- \
	--messages 100 --max 5000 --streams 4 --unordered 30 --end eof
rc=$?
if [ $rc -ne 0 ]; then
	echo "capture_selftest: FAIL: clean traffic was rejected (status $rc)"
	exit 1
fi

echo "== corrupted packets (relay --corrupt-c2s 5) must fail"
"$here/capture_check.sh" $s $c $r -- \
	"$here/usrsctp_pair.sh" --peer "$peer" --base-port $base --relay "$relay" \
	--relay-args "--corrupt-c2s 5 --seed 3" -- --messages 100 --max 3000
rc=$?
if [ $rc -ne 1 ]; then
	echo "capture_selftest: FAIL: corrupted traffic gave status $rc, expected 1"
	exit 1
fi
echo "capture_selftest: PASS"
