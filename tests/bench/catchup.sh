#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/catchup.sh - issue 12's "a key pressed during the catch-up
# is painted within 50 ms", from outside: the installed binary (as `make
# install` installs it) under bench_ui_pty at 120x40 logs in with a fresh
# data folder to an account whose archive holds 10,000 messages it has
# never seen (bench_catchup --fill sends them while only another resource
# is online), and reads them all into its store (core/catchup.c). Meanwhile
# a key is typed every 0.25 s, 100 times, each timed from the write to the
# moment the input line shows it on the screen model. Also the CPU time of
# the process from start until "archive: 10000 messages caught up" is on
# the screen: login and catch-up, with the screen (bench_catchup measures
# the catch-up alone, in-process).
#
# Run by scripts/bench (make bench), which provides the Prosody; run alone,
# it starts a private one. Numbers are measurements, not pass/fail. See
# docs/benchmarks.md, "The message store".
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PTY=$ROOT/build/rel/bench/bench_ui_pty
FILL=$ROOT/build/rel/bench/bench_catchup
KEYS=100
. tests/bench/lib.sh
bench_need catchup.sh "$PTY" "$FILL" "$ROOT/build/tuktuk"
bench_server catchup
bench_tuktuk

read -r word user _sender pw secs < <(TUKTUK_BENCH_RUNDIR=$RUN TUKTUK_BENCH_C2S_PORT=$PORT \
	TUKTUK_BENCH_CA=$CA "$FILL" --fill)
[ "$word" = filled ] || {
	echo "catchup.sh: the archive could not be filled"
	exit 1
}
echo "$pw" >"$W/pw"
chmod 600 "$W/pw"
mkdir -p "$W/data" "$W/conf"

# Keys 0-9 over and over; each waits for the whole line typed so far
# ("> " is the input line's prompt), so a key counts once it is painted.
{
	echo cpu
	typed=''
	for ((i = 0; i < KEYS; i++)); do
		typed+=$((i % 10))
		echo mark
		echo "send $((i % 10))"
		echo "wait 5000 > $typed"
		echo 'sleep 250'
	done
	echo 'wait 1 caught up' # TIMEOUT: the catch-up still ran after the last key
	echo 'wait 300000 caught up'
	echo cpu
	echo rss
	printf '%s\n' 'send \x15/quit\r' 'exit 5000'
} >"$W/script"

timeout 400 "$PTY" 40 120 "$W/tty" "$TUKTUK" --jid "$user" --server 127.0.0.1 --port "$PORT" \
	--ca-file "$CA" --password-file "$W/pw" -d "$W/data" -c "$W/conf" \
	<"$W/script" >"$W/out" 2>"$W/err" || true

echo "-- catch-up of 10,000 archived messages in the installed binary, 120x40 (archive filled in $secs s)"
# The first KEYS waits are the keys, then the two for "caught up".
awk -v keys="$KEYS" '$1 == "wait" && ++n <= keys && $2 == "OK" { print $3 }' "$W/out" | sort -g >"$W/keys"
awk -v keys="$KEYS" '
	NR == FNR { t[++k] = $1; next }
	$1 == "wait" { n++; if (n == keys + 1) still = ($2 == "TIMEOUT"); if (n == keys + 2) done = ($2 == "OK") }
	$1 == "cpu" { c[++m] = $2 }
	$1 == "rss" { hwm = $2 }
	END {
		if (k == 0) { print "  no key was painted (see the .out file)"; exit }
		for (i = 1; i <= k; i++) if (t[i] > 50) slow++
		printf "  key pressed to painted, %d keys 0.25 s apart from the start: median %.1f ms, worst %.1f ms, %d over 50 ms%s (target: within 50 ms)\n",
			k, t[int((k + 1) / 2)], t[k], slow, k < keys ? sprintf(", %d never painted", keys - k) : ""
		print "  " (still ? "the catch-up still ran when the last key was painted: every key fell within login and catch-up" \
			: "the catch-up ended before the last key: some keys fell after it")
		if (done)
			printf "  CPU from start to \"10000 messages caught up\" on the screen (login, catch-up and screen): %.3f s; peak RSS %.1f MB\n",
				(c[2] - c[1]) / 1000, hwm / 1024
		else
			print "  the catch-up did not finish within 300 s (see the .out file)"
	}' "$W/keys" "$W/out"
