# shellcheck shell=bash disable=SC2034 # what it sets is for the scripts that source it
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/lib.sh - what the shell benchmarks share, sourced from the
# repository root: the binaries they need, and the Prosody they measure
# against (the one scripts/bench started, named by TUKTUK_BENCH_RUNDIR,
# else one of their own, stopped at exit).

# bench_need NAME BIN...: every BIN is built, else say so and exit 0
# (a benchmark that cannot run is not a failure of the tests).
bench_need() {
	local name=$1 b
	shift
	for b in "$@"; do
		[ -x "$b" ] || {
			echo "$name: $b missing: run make bench"
			exit 0
		}
	done
}

# bench_tuktuk: sets TUKTUK to the binary `make install` installs
# (build/tuktuk, linked against the shared libraries, stripped), installed
# into a folder of the run: TUKTUK_BENCH_TUKTUK when scripts/bench did it,
# else into $W/install here (call after bench_server). STATIC is the
# static PIE, build/static/tuktuk (`make static`), or TUKTUK_BENCH_STATIC.
bench_tuktuk() {
	TUKTUK=${TUKTUK_BENCH_TUKTUK:-}
	STATIC=${TUKTUK_BENCH_STATIC:-$PWD/build/static/tuktuk}
	if [ -z "$TUKTUK" ]; then
		make -s install DESTDIR="$W/install" PREFIX=/usr/local >/dev/null
		TUKTUK=$W/install/usr/local/bin/tuktuk
	fi
}

# bench_server TAG: sets RUN, PORT, CA and an empty work folder W
# (RUN/TAG), starting a Prosody of our own when none was given.
bench_server() {
	bench_own=
	if [ -z "${TUKTUK_BENCH_RUNDIR:-}" ]; then
		bench_own=$(mktemp -d "/tmp/tuktuk-$1bench.XXXXXX")
		scripts/prosody start "$bench_own" >/dev/null
		# shellcheck source=/dev/null
		. "$bench_own/env"
		TUKTUK_BENCH_RUNDIR=$bench_own
		TUKTUK_BENCH_C2S_PORT=$PROSODY_C2S_PORT
		TUKTUK_BENCH_CA=$PROSODY_CA
	fi
	RUN=$TUKTUK_BENCH_RUNDIR
	PORT=$TUKTUK_BENCH_C2S_PORT
	CA=$TUKTUK_BENCH_CA
	W=$RUN/$1
	rm -rf "$W"
	mkdir -p "$W"
	trap bench_cleanup EXIT
	export TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
	unset TMUX
}

bench_cleanup() {
	if [ -n "${bench_own:-}" ]; then
		scripts/prosody stop "$bench_own" >/dev/null 2>&1 || true
		rm -rf "$bench_own"
	fi
}

# settle_server: wait until the bench Prosody's CPU ticks stop moving
# for 300 ms (a logout can keep it busy for seconds).
server_ticks() {
	awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' \
		"/proc/$(cat "$RUN/prosody.pid")/stat" 2>/dev/null || echo -1
}
settle_server() {
	local last now quiet=0 i
	last=$(server_ticks)
	for ((i = 0; i < 200 && quiet < 3; i++)); do
		sleep 0.1
		now=$(server_ticks)
		if [ "$now" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; fi
		last=$now
	done
}

# median: the median of the numbers on stdin (spaces or lines), n/a for none.
median() {
	tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
