#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/files.sh - the UI answers keys while a file moves (issue 14:
# a key press on screen within 50 ms during a transfer). tuktuk, the
# binary `make install` installs, runs under build/rel/bench/bench_ui_pty
# against the bench's Prosody, uploads a 6 MB file to its server's
# mod_http_file_share (rate_limit 1500 kB/s keeps it running for seconds),
# then downloads it back; during each transfer ten probes are typed, each
# timed from the key to its text on the pty's model of the screen, and
# wiped with Ctrl-U. Prints the median and the worst of each. Numbers are
# measurements, not pass/fail (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PTY=$ROOT/build/rel/bench/bench_ui_pty
. tests/bench/lib.sh
bench_need files.sh "$PTY" "$ROOT/build/tuktuk"
bench_server files
bench_tuktuk

PW=bench-files-pw
scripts/prosody adduser "$RUN" filesbench "$PW" >/dev/null
echo "$PW" >"$W/pw"
chmod 600 "$W/pw"
mkdir -p "$W/data" "$W/conf" "$W/dl"
printf '[ui]\ndownload_dir = %s\nrate_limit = 1500\n' "$W/dl" >"$W/conf/config"
head -c 6000000 /dev/urandom >"$W/big.bin"

probes() { # TAG
	local i
	for i in 01 02 03 04 05 06 07 08 09 10; do
		printf '%s\n' mark "send $1$i" "wait 1000 $1$i" 'send \x15' 'sleep 150'
	done
}
{
	echo 'wait 20000 [online]'
	printf '%s\n' 'send /msg echo@localhost\r' 'wait 5000 chat: echo@localhost'
	printf '%s\n' "send /upload $W/big.bin\\r" 'wait 10000 upload big.bin ['
	probes up
	echo 'wait 30000 upload big.bin done'
	printf '%s\n' 'send /download\r' 'wait 10000 download big.bin ['
	probes dn
	echo 'wait 30000 saved as'
	printf '%s\n' 'send /quit\r' 'exit 5000'
} >"$W/script"
timeout 200 "$PTY" 40 120 "$W/tty" "$TUKTUK" --jid filesbench@localhost --server 127.0.0.1 \
	--port "$PORT" --ca-file "$CA" --password-file "$W/pw" -d "$W/data" -c "$W/conf" \
	<"$W/script" >"$W/out" 2>"$W/err" || true

# The wait lines: 3 setup waits, 10 upload probes, the upload's end and
# the download's start, 10 download probes, the end.
report() { # WHAT FIRST_WAIT_INDEX
	local times
	times=$(awk -v a="$2" '$1 == "wait" && ++n >= a && n < a + 10 { print ($2 == "OK" ? $3 : "timeout") }' "$W/out")
	if echo "$times" | grep -q timeout || [ -z "$times" ]; then
		echo "key press to screen during the $1: some probes not seen (see $W/out)"
		return
	fi
	echo "key press to screen during the $1: median $(echo "$times" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ms, worst $(echo "$times" | sort -g | tail -n 1) ms (target <= 50 ms; 10 probes)"
}
report upload 4
report download 16
if cmp -s "$W/big.bin" "$W/dl/big.bin"; then
	echo "the file came back byte for byte"
else
	echo "the file did not come back (see $W/out, $W/err)"
fi
