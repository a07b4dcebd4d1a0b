#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/rosterver.sh - the roster cache seen from outside (RFC 6121
# §2.6 roster versioning; src/core/rostercache.c): the installed binary
# (build/tuktuk as `make install` installs it, shared libraries)
# with 10,000 contacts at 120x40, started
#   - without a roster cache (a fresh data folder): the server sends the
#     whole roster, 1 MB;
#   - with the cache the previous run left (the roster has not changed
#     since): the server sends an empty result and the roster comes from
#     the file.
# For each: the time from start until the last roster row of the first
# screen is shown, and peak RSS (VmHWM) once the screen has settled.
# Three runs each, alternated; each starts once Prosody is idle again (a
# logout with 10,000 contacts keeps it busy for seconds). Bytes on the
# wire are measured in-process by build/rel/bench/bench_rosterver.
#
# Run by scripts/bench (make bench), which provides the Prosody; run
# alone, it starts a private one. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PTY=$ROOT/build/rel/bench/bench_ui_pty
. tests/bench/lib.sh
bench_need rosterver.sh "$PTY" "$ROOT/build/tuktuk"
bench_server rosterver
bench_tuktuk
USER_=rvcache10k
PW=bench-rvcache-pw
scripts/prosody adduser "$RUN" "$USER_" "$PW" >/dev/null
scripts/prosody roster "$RUN" "$USER_" 10000
echo "$PW" >"$W/pw"
chmod 600 "$W/pw"
# The last roster row of the first screen (as in ui.sh).
MARK="Contact 0143"

cat >"$W/script" <<-EOF
	wait 20000 $MARK
	settle 1000 20000
	rss
	send /quit\r
	exit 5000
EOF

# run TAG: one start with the data folder $W/home (kept between runs).
run() {
	settle_server
	timeout 120 "$PTY" 40 120 "$W/$1.tty" "$TUKTUK" --jid "$USER_@localhost" \
		--server 127.0.0.1 --port "$TUKTUK_BENCH_C2S_PORT" --ca-file "$TUKTUK_BENCH_CA" \
		--password-file "$W/pw" -d "$W/home/data" -c "$W/home/conf" \
		<"$W/script" >"$W/$1.out" 2>"$W/$1.err" || true
}

field() { # FILE KEY COLUMN
	awk -v k="$2" -v c="$3" '$1 == k { print $c; exit }' "$1"
}

declare -A T R
for i in 1 2 3; do
	rm -rf "${W:?}/home"
	mkdir -p "$W/home/data" "$W/home/conf"
	run "cold$i"
	[ -s "$W/home/data/roster/$USER_@localhost" ] || echo "  note: run $i left no roster cache"
	run "warm$i"
	for k in cold warm; do
		out=$W/$k$i.out
		if [ "$(field "$out" wait 2)" = OK ]; then
			T[$k]+=" $(awk -v t="$(field "$out" wait 3)" 'BEGIN { printf "%.3f", t / 1000 }')"
		else
			T[$k]+=" timeout"
		fi
		r=$(field "$out" rss 2)
		[ -n "$r" ] && R[$k]+=" $(awk -v r="$r" 'BEGIN { printf "%.1f", r / 1024 }')"
	done
done
size=$(stat -c %s "$W/home/data/roster/$USER_@localhost" 2>/dev/null || echo '?')
echo "-- 10,000 contacts, 120x40: start to roster visible, and peak RSS (medians of 3)"
for k in cold warm; do
	what="without a roster cache (whole roster sent)"
	[ "$k" = warm ] && what="with the roster cache (roster unchanged: no item sent)"
	printf '  %-56s %s s (runs:%s), peak RSS %s MB (runs:%s)\n' "$what" \
		"$(echo "${T[$k]}" | tr ' ' '\n' | grep -v timeout | median)" "${T[$k]}" \
		"$(echo "${R[$k]:-}" | median)" "${R[$k]:-}"
done
echo "  roster cache file: $size bytes"
