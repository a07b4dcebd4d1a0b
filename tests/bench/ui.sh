#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/ui.sh - the full-screen UI measured from outside, against the
# local Prosody, side by side with mcabber and Profanity (issue 3):
#
#   1. start to roster visible, 2,000 contacts (and 10,000 for tuktuk and
#      mcabber), 120x40
#   2. memory after login with 2,000 contacts, the roster shown and the
#      client idle: peak RSS (VmHWM), and PSS and private memory
#      (Private_Clean + Private_Dirty) from /proc/PID/smaps_rollup, for
#      the installed build (shared libraries), the static one (make
#      static) and the anchors
#   3. bytes written to the terminal per incoming short message (20
#      characters) in the open chat window, 120x40
#   4. CPU time to receive and show a burst of 1,000 messages
#   5. peak RSS with 10,000 contacts and 10,000 messages in scrollback,
#      with the message store and with it off (issue 12)
#
# tuktuk is the binary `make install` installs (build/tuktuk, stripped,
# into a folder of the run); the static PIE build/static/tuktuk is only
# measured in 1 and 2, and skipped with a note when it is not built.
#
# Every client runs under build/rel/bench/bench_ui_pty, our own pty with a
# model of the screen: "visible" means the text is on that screen, not
# merely somewhere in the bytes. The peer that sends messages is
# build/rel/bench/bench_ui_peer; it is on nobody's roster, so its logins
# bring no presence and the byte counts hold only the message.
#
# Run by scripts/bench (make bench), which provides the Prosody; run alone,
# it starts a private one. mcabber and Profanity are installed with apt if
# missing (skipped with a note when that fails). TUKTUK_BENCH_ANCHORS=0
# skips both anchors, TUKTUK_BENCH_PROFANITY=0 only Profanity (25 s).
# TUKTUK_BENCH_MEMORY_ONLY=1 stops after 1 and 2; TUKTUK_BENCH_BIG_ONLY=1 runs
# only 5. TUKTUK_BENCH_SMAPS=DIR keeps the whole smaps of each reading in
# 2 and of the end of each run in 5 (scripts/smaps-sum reads them).
# Numbers are measurements, not pass/fail. See docs/benchmarks.md.
set -euo pipefail
FULL_COUNT=${TUKTUK_BENCH_FULL_COUNT:-40}
cd "$(dirname "$0")/../.."
ROOT=$PWD
PTY=$ROOT/build/rel/bench/bench_ui_pty
PEERBIN=$ROOT/build/rel/bench/bench_ui_peer
. tests/bench/lib.sh
bench_need ui.sh "$PTY" "$PEERBIN" "$ROOT/build/tuktuk"
bench_server ui
bench_tuktuk
have_static=''
if [ -x "$STATIC" ]; then
	have_static=1
else
	echo "  note: $STATIC missing (make static): the static build is skipped"
fi
ROWS=40 COLS=120

# Accounts: uiroster2k (2,000 contacts), uiroster10k (10,000), uipeer (no
# roster, on no roster). Rosters are written while the users are offline.
PW=bench-ui-pw
scripts/prosody adduser "$RUN" uiroster2k "$PW" uiroster10k "$PW" uipeer "$PW" >/dev/null
scripts/prosody roster "$RUN" uiroster2k 2000
scripts/prosody roster "$RUN" uiroster10k 10000
echo "$PW" >"$W/pw"
chmod 600 "$W/pw"

# The last roster row of each client's first screen at 120x40 (groups
# Family, Friends, Others, Work; Family holds contacts 3, 7, 11...).
MARK_TUKTUK="Contact 0143"
MARK_MCABBER="Contact 0111"
MARK_PROFANITY="Contact 0025" # Profanity lists by presence, not group

peer() { # COUNT TEXT TO
	printf '%s' "$PEERBIN uipeer@localhost $PW $PORT $CA $3 $1 '$2'"
}

# ---------------------------------------------------------------- anchors
have_mcabber='' have_profanity=''
anchors=${TUKTUK_BENCH_ANCHORS:-1}
install_anchor() { # PACKAGE
	command -v "$1" >/dev/null && return 0
	[ "$(id -u)" = 0 ] || return 1
	echo "  (installing $1 from Debian for the comparison)"
	timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >"$W/apt-$1.log" 2>&1 ||
		return 1
	command -v "$1" >/dev/null
}
if [ "$anchors" != 0 ]; then
	if install_anchor mcabber; then
		have_mcabber=1
	else
		echo "  note: mcabber not available (apt failed, see $W/apt-mcabber.log): its anchors are skipped"
	fi
	if [ "${TUKTUK_BENCH_PROFANITY:-1}" != 0 ]; then
		if install_anchor profanity; then
			have_profanity=1
		else
			echo "  note: profanity not available: its anchors are skipped"
		fi
	fi
fi

# ---------------------------------------------------------------- clients
# Each prints the command line (one word a line, for the pty driver) after
# preparing a fresh configuration for USER in DIR.
tuktuk_cmd() { # USER DIR
	rm -rf "$2"
	mkdir -p "$2/data" "$2/conf"
	printf '%s\n' "$TUKTUK" --jid "$1@localhost" --server 127.0.0.1 --port "$PORT" \
		--ca-file "$CA" --password-file "$W/pw" -d "$2/data" -c "$2/conf"
}
static_cmd() { # USER DIR: the static build, same options
	tuktuk_cmd "$@" | sed "1s|.*|$STATIC|"
}
# tuktuk with jump_scroll = yes (half-page jumps, for slow links; the
# default scrolls line by line since issue 9): its bytes per message are
# measured beside the default's.
tuktukjump_cmd() { # USER DIR
	tuktuk_cmd "$@"
	printf '[ui]\njump_scroll = yes\n' >"$2/conf/config"
}
mcabber_cmd() { # USER DIR
	rm -rf "$2"
	mkdir -p "$2/.mcabber"
	# Logging and beeps off, as mcabber ships them (logging defaults to 0).
	cat >"$2/.mcabber/mcabberrc" <<-EOF
		set jid = $1@localhost
		set password = $PW
		set server = 127.0.0.1
		set port = $PORT
		set tls = 1
		set ssl_ca = $CA
		set resource = mcabber
		set disable_random_resource = 1
		set logging = 0
		set load_muc_logs = 0
		set autoaway = 0
		set beep_on_message = 0
		set statefile = $2/.mcabber/mcabber.state
	EOF
	chmod 600 "$2/.mcabber/mcabberrc"
	printf '%s\n' env "HOME=$2" mcabber -f "$2/.mcabber/mcabberrc"
}
profanity_cmd() { # USER DIR
	rm -rf "$2"
	mkdir -p "$2/config/profanity" "$2/data/profanity"
	# tls.policy=trust: Profanity has no option for a CA file; it would
	# otherwise stop at an interactive "trust this certificate?" question.
	cat >"$2/data/profanity/accounts" <<-EOF
		[$1@localhost]
		enabled=true
		jid=$1@localhost
		server=127.0.0.1
		port=$PORT
		resource=profanity
		password=$PW
		tls.policy=trust
	EOF
	cat >"$2/config/profanity/profrc" <<-EOF
		[ui]
		splash=false
		[notifications]
		message=false
		[logging]
		chlog=false
		grlog=false
	EOF
	printf '%s\n' env "HOME=$2" "XDG_CONFIG_HOME=$2/config" "XDG_DATA_HOME=$2/data" \
		profanity -a "$1@localhost"
}

# drive CLIENT USER TAG SCRIPT: runs the client under the pty with the
# script on stdin; the driver's output goes to $W/TAG.out, the terminal
# output to $W/TAG.tty.
drive() {
	local client=$1 user=$2 tag=$3 script=$4 cmd
	mapfile -t cmd < <("${client}_cmd" "$user" "$W/$tag")
	timeout 280 "$PTY" "$ROWS" "$COLS" "$W/$tag.tty" "${cmd[@]}" <"$script" >"$W/$tag.out" 2>"$W/$tag.err" || true
}

quit_line() { # CLIENT
	printf '%s\n' 'send /quit\r'
	echo 'exit 5000'
}

# Values from a driver output: the Nth (1-based) line starting with KEY.
field() { # FILE KEY N COLUMN
	awk -v k="$2" -v n="$3" -v c="$4" '$1 == k && ++i == n { print $c; exit }' "$1"
}

mean() {
	tr ' ' '\n' | grep -v '^$' | awk '{ t += $1 } END { if (NR) printf "%.0f\n", t / NR; else print "n/a" }'
}

# ---------------------------------------------------------------- 1+2: start
# One run: start, wait for the marker, let presences and (for clients
# with entity caps) Prosody's disco#info queries come in, peak RSS.
startup_script() { # MARKER TIMEOUT_MS CLIENT
	cat <<-EOF
		wait $2 $1
		settle 1000 20000
		rss
		cpu
	EOF
	# What the resident pages are at this moment: private (heap, stacks,
	# relocated data: only this process has them), shared (libraries,
	# locale files, also mapped by another process), and PSS (each page
	# divided by the number of processes that map it). The shell of the
	# pty driver's exec expands $BENCH_PID, not this one.
	# shellcheck disable=SC2016
	printf '%s\n' 'exec awk '"'"'/^(Private|Shared)_(Clean|Dirty):/ { k = substr($1, 1, index($1, "_") - 1); v[k] += $2 } $1 == "Pss:" { v["Pss"] = $2 } END { printf "smaps %d %d %d\n", v["Private"], v["Shared"], v["Pss"] }'"'"' /proc/$BENCH_PID/smaps_rollup'
	# How many other processes map libsodium, which only tuktuk of the
	# clients here uses: when other tuktuk processes run (tests, another
	# session), its libraries' pages are shared and its PSS drops.
	# shellcheck disable=SC2016
	printf '%s\n' 'exec echo sharers $(grep -l libsodium /proc/[0-9]*/maps 2>/dev/null | grep -vxc /proc/$BENCH_PID/maps)'
	# TUKTUK_BENCH_SMAPS=DIR keeps each reading's whole smaps there, for
	# finding where the memory goes (scripts/smaps-sum sums it by mapping).
	# shellcheck disable=SC2016
	[ -n "${TUKTUK_BENCH_SMAPS:-}" ] && printf '%s\n' "exec cp /proc/\$BENCH_PID/smaps $TUKTUK_BENCH_SMAPS/$3.\$BENCH_PID.smaps"
	quit_line "$3"
}

declare -A START RSS PSS PRIV SHARERS
startup() { # CLIENT USER RUNS MARKER TIMEOUT_MS KEY
	local client=$1 user=$2 runs=$3 marker=$4 to=$5 key=$6 i t r times='' rsss='' psss='' privs=''
	startup_script "$marker" "$to" "$client" >"$W/start.$client.script"
	for ((i = 1; i <= runs; i++)); do
		drive "$client" "$user" "start-$key-$client-$i" "$W/start.$client.script"
		local out=$W/start-$key-$client-$i.out
		if [ "$(field "$out" wait 1 2)" = OK ]; then
			t=$(field "$out" wait 1 3)
			times+=" $(awk -v t="$t" 'BEGIN { printf "%.3f", t / 1000 }')"
		else
			times+=" timeout"
		fi
		r=$(field "$out" rss 1 2)
		[ -n "$r" ] && [ "$r" -gt 0 ] && rsss+=" $(awk -v r="$r" 'BEGIN { printf "%.1f", r / 1024 }')"
		psss+=" $(awk '$1 == "smaps" { printf "%.1f", $4 / 1024 }' "$out")"
		privs+=" $(awk '$1 == "smaps" { printf "%.1f", $2 / 1024 }' "$out")"
		SHARERS[$client]+=" $(field "$out" sharers 1 2)"
	done
	START[$key.$client]="$(echo "$times" | tr ' ' '\n' | grep -v timeout | median) s (runs:$times)"
	RSS[$key.$client]="$(echo "$rsss" | median) MB (runs:$rsss)"
	PSS[$key.$client]="$(echo "$psss" | median) MB (runs:$psss)"
	PRIV[$key.$client]="$(echo "$privs" | median) MB (runs:$privs)"
}

# TUKTUK_BENCH_BIG_ONLY=1 skips to 5 (its two runs take about a minute).
if [ "${TUKTUK_BENCH_BIG_ONLY:-0}" = 0 ]; then

echo "-- start to roster visible, 2,000 contacts, 120x40, TERM=$TERM (target < 0.3 s)"
# Interleaved, so that a drift of the machine's speed hits both alike.
for round in 1 2 3; do
	startup tuktuk uiroster2k 1 "$MARK_TUKTUK" 10000 "2k$round"
	[ -n "$have_static" ] && startup static uiroster2k 1 "$MARK_TUKTUK" 10000 "2k$round"
	[ -n "$have_mcabber" ] && startup mcabber uiroster2k 1 "$MARK_MCABBER" 10000 "2k$round"
done
collect() { # CLIENT
	local times='' rsss='' psss='' privs='' round v
	for round in 1 2 3; do
		v=${START[2k$round.$1]:-}
		[ -n "$v" ] && times+=" ${v%% s*}"
		v=${RSS[2k$round.$1]:-}
		[ -n "$v" ] && rsss+=" ${v%% MB*}"
		v=${PSS[2k$round.$1]:-}
		[ -n "$v" ] && psss+=" ${v%% MB*}"
		v=${PRIV[2k$round.$1]:-}
		[ -n "$v" ] && privs+=" ${v%% MB*}"
	done
	START[2k.$1]="$(echo "$times" | median) s (median of:$times)"
	RSS[2k.$1]="$(echo "$rsss" | median) MB (runs:$rsss)"
	PSS[2k.$1]="$(echo "$psss" | median) MB (runs:$psss)"
	PRIV[2k.$1]="$(echo "$privs" | median) MB (runs:$privs)"
}
collect tuktuk
echo "  tuktuk     ${START[2k.tuktuk]}   (installed build, shared libraries)"
if [ -n "$have_static" ]; then
	collect static
	echo "  tuktuk static ${START[2k.static]}"
fi
if [ -n "$have_mcabber" ]; then
	collect mcabber
	echo "  mcabber    ${START[2k.mcabber]}   (issue's anchor: 0.97 s)"
fi
if [ -n "$have_profanity" ]; then
	startup profanity uiroster2k 1 "$MARK_PROFANITY" 60000 2k1
	echo "  profanity  ${START[2k1.profanity]}   (issue's anchor: 23 s; cap 60 s)"
	RSS[2k.profanity]=${RSS[2k1.profanity]}
	PSS[2k.profanity]=${PSS[2k1.profanity]}
	PRIV[2k.profanity]=${PRIV[2k1.profanity]}
fi

echo "-- memory after login with 2,000 contacts, idle 1 s after the roster showed (medians of 3; Profanity 1 run)"
echo "   peak RSS (VmHWM; target < 8 MB); PSS and private (Private_Clean + Private_Dirty) from smaps_rollup"
echo "   (target for the installed build: PSS <= 5 MB). PSS depends on what else maps the same libraries."
memline() { # LABEL CLIENT [ANCHOR]
	printf '  %-19s peak RSS %s, PSS %s, private %s%s\n' "$1" "${RSS[2k.$2]}" "${PSS[2k.$2]}" \
		"${PRIV[2k.$2]}" "${3:+   (issue: $3)}"
}
memline "tuktuk (installed)" tuktuk "10.6, 5.4, 4.5 MB"
echo "     other processes that mapped libsodium at the readings (runs):${SHARERS[tuktuk]}"
[ -n "$have_static" ] && memline "tuktuk static" static
[ -n "$have_mcabber" ] && memline mcabber mcabber "14.5, 11.5, 11.1 MB"
[ -n "$have_profanity" ] && memline profanity profanity "peak RSS 48 MB"
if [ "${TUKTUK_BENCH_MEMORY_ONLY:-0}" != 0 ]; then
	exit 0
fi

echo "-- start to roster visible, 10,000 contacts, 120x40 (for reference; no target)"
startup tuktuk uiroster10k 1 "$MARK_TUKTUK" 20000 10k
echo "  tuktuk     ${START[10k.tuktuk]}, peak RSS ${RSS[10k.tuktuk]}"
if [ -n "$have_mcabber" ]; then
	startup mcabber uiroster10k 1 "$MARK_MCABBER" 20000 10k
	echo "  mcabber    ${START[10k.mcabber]}, peak RSS ${RSS[10k.mcabber]}"
fi

# ---------------------------------------------------------------- 3+4: messages
# Open the chat with the peer, let a first message in (mcabber adds the
# unknown sender to its roster then), settle. Then, each counted from
# before the peer logs in until the screen has been quiet for 300 ms:
#   A. 5 messages of 20 characters into the fresh window (rows still free);
#   B. 60 chat-like messages of varied length fill the window, then
#      FULL_COUNT (40) more of 20 characters: now the chat pane must scroll,
#      which is the steady state of any conversation longer than the
#      screen; the mean over 40 includes the page jumps of jump scrolling;
#   C. a burst of 1,000, for the CPU time and the bytes per message.
messages_script() { # CLIENT MARKER
	local open=''
	[ "${1#tuktuk}" != "$1" ] && open='send /msg uipeer@localhost\r'
	cat <<-EOF
		wait 10000 $2
		settle 1000 20000
		$open
		settle 300 3000
		exec $(peer 1 'warm-up message' uiroster2k@localhost)
		wait 5000 warm-up message
		settle 300 3000
	EOF
	if [ "$1" = mcabber ]; then
		# Select the sender in the roster and enter chat mode (Enter).
		printf '%s\n' 'send /roster search uipeer\r'
		echo 'settle 300 3000'
		printf '%s\n' 'send \r'
		echo 'settle 500 3000'
	fi
	singles() { # FIRST COUNT
		local i
		for ((i = $1; i < $1 + $2; i++)); do
			cat <<-EOF
				mark
				exec $(peer 1 "hi, this is msg #$i!" uiroster2k@localhost)
				wait 5000 hi, this is msg #$i!
				settle 300 3000
			EOF
		done
	}
	singles 10 5
	cat <<-EOF
		exec $(peer 60 '@chat' uiroster2k@localhost)
		wait 10000 0060
		settle 500 5000
	EOF
	singles 100 "$FULL_COUNT"
	cat <<-EOF
		screen
		cpu
		mark
		exec $(peer 1000 'burst message' uiroster2k@localhost)
		wait 60000 burst message 1000
		cpu
		settle 300 5000
		cpu
		rss
	EOF
	quit_line "$1"
}

messages() { # CLIENT MARKER
	local client=$1 out=$W/msg-$1.out i fresh='' full='' seenA=0 seenB=0 s0=3
	messages_script "$client" "$2" >"$W/msg.$client.script"
	drive "$client" uiroster2k "msg-$client" "$W/msg.$client.script"
	# settle lines before the first single message: 3, 2 more for mcabber
	[ "$client" = mcabber ] && s0=5
	for i in 1 2 3 4 5; do
		[ "$(field "$out" wait $((i + 2)) 2)" = OK ] && seenA=$((seenA + 1))
		fresh+=" $(field "$out" settle $((s0 + i)) 2)"
	done
	for ((i = 1; i <= FULL_COUNT; i++)); do
		[ "$(field "$out" wait $((i + 8)) 2)" = OK ] && seenB=$((seenB + 1))
		full+=" $(field "$out" settle $((s0 + 6 + i)) 2)"
	done
	BYTES_FRESH[$client]="$(echo "$fresh" | median) bytes (5 messages:$fresh; $seenA/5 seen)"
	# The mean, not the median: a client that scrolls by jumps pays for
	# them now and then, and the mean over many messages counts that.
	BYTES_FULL[$client]="$(echo "$full" | mean) bytes on average over $FULL_COUNT messages \
(median $(echo "$full" | median); $seenB/$FULL_COUNT seen)"
	local c0 c1 c2 bw bb
	c0=$(field "$out" cpu 1 2)
	c1=$(field "$out" cpu 2 2)
	c2=$(field "$out" cpu 3 2)
	bw=$(field "$out" wait 14 2)
	bb=$(awk '$1 == "settle" { s = $2 } END { print s }' "$out")
	MSG_BYTES_BURST[$client]="$(awk -v b="$bb" 'BEGIN { printf "%.0f", b / 1000 }')"
	if [ "$bw" = OK ]; then
		MSG_CPU[$client]="$(awk -v a="$c0" -v b="$c1" -v c="$c2" 'BEGIN {
			printf "%.3f s when the last one showed (%.3f s once the screen settled)", (b - a) / 1000, (c - a) / 1000 }')"
		MSG_WALL[$client]="all on screen $(field "$out" wait 14 3) ms after the peer started"
	else
		MSG_CPU[$client]="not all shown within 60 s"
		MSG_WALL[$client]="timeout"
	fi
}

declare -A BYTES_FRESH BYTES_FULL MSG_CPU MSG_WALL MSG_BYTES_BURST
messages tuktuk "$MARK_TUKTUK"
# TUKTUK_BENCH_JUMP=0 skips the jump_scroll = yes run.
[ "${TUKTUK_BENCH_JUMP:-1}" != 0 ] && messages tuktukjump "$MARK_TUKTUK"
[ -n "$have_mcabber" ] && messages mcabber "$MARK_MCABBER"
echo "-- bytes to the terminal per incoming 20-character message, open chat, 120x40 (target <= 150)"
echo "   A. fresh chat window (free rows below the last message)"
echo "  tuktuk     ${BYTES_FRESH[tuktuk]}"
[ -n "${BYTES_FRESH[tuktukjump]:-}" ] && echo "  (jump)     ${BYTES_FRESH[tuktukjump]}"
[ -n "$have_mcabber" ] && echo "  mcabber    ${BYTES_FRESH[mcabber]}"
echo "   B. full chat window (60 varied messages before: from now on the pane must scroll)"
echo "  tuktuk     ${BYTES_FULL[tuktuk]}   (default: line by line)"
[ -n "${BYTES_FULL[tuktukjump]:-}" ] && echo "  (jump)     ${BYTES_FULL[tuktukjump]}   (jump_scroll = yes)"
[ -n "$have_mcabber" ] && echo "  mcabber    ${BYTES_FULL[mcabber]}   (issue's anchor: mcabber 247 bytes)"
[ -n "$have_profanity" ] && echo "  profanity  not measured (it had not shown a 1,000-message burst after 45 s in the issue's test)"
echo "-- CPU time (all threads, schedstat) to receive and show 1,000 messages (target < 0.15 s)"
echo "  tuktuk     ${MSG_CPU[tuktuk]}; ${MSG_WALL[tuktuk]}; ${MSG_BYTES_BURST[tuktuk]} bytes a message"
[ -n "$have_mcabber" ] &&
	echo "  mcabber    ${MSG_CPU[mcabber]}; ${MSG_WALL[mcabber]}; ${MSG_BYTES_BURST[mcabber]} bytes a message   (issue's anchor: 0.33 s)"

fi # TUKTUK_BENCH_BIG_ONLY

# ---------------------------------------------------------------- 5: 10k + 10k
# Twice: as installed, every message kept in the message store
# (core/store.c, issue 12), and with the store off: a folder where
# $DATA/messages.db would be, so that it cannot be opened and tuktuk runs
# as it did before the store (messages shown, not kept; the SQLite
# library is still mapped). The difference is the store's memory.
tuktuknostore_cmd() { # USER DIR
	tuktuk_cmd "$@"
	mkdir "$2/data/messages.db"
}
echo "-- 10,000 contacts from outside: End/Home in the roster pane; then 10,000 messages in scrollback"
cat >"$W/big.script" <<-EOF
	wait 20000 $MARK_TUKTUK
	settle 500 20000
	rss
	send \\er
	settle 300 3000
	mark
	send G
	wait 5000 Contact 9998
	settle 200 3000
	mark
	send g
	wait 5000 Contact 0003
	settle 200 3000
	send \\er
	send /msg uipeer@localhost\\r
	settle 300 3000
	mark
	cpu
	exec $(peer 10000 'scrollback line' uiroster10k@localhost)
	wait 120000 scrollback line 10000
	settle 500 10000
	rss
	cpu
EOF
# shellcheck disable=SC2016
[ -n "${TUKTUK_BENCH_SMAPS:-}" ] && printf '%s\n' "exec cp /proc/\$BENCH_PID/smaps $TUKTUK_BENCH_SMAPS/big.\$BENCH_PID.smaps" >>"$W/big.script"
quit_line tuktuk >>"$W/big.script"
drive tuktuk uiroster10k big-tuktuk "$W/big.script"
drive tuktuknostore uiroster10k big-nostore "$W/big.script"
out=$W/big-tuktuk.out
awk '$1 == "wait" { w[++n] = $2 " " $3 } END {
	split(w[2], a, " "); split(w[3], b, " ")
	printf "  tuktuk     End (G): %s ms until the last contact is on screen; Home (g): %s ms back to the first%s\n",
		a[2], b[2], (a[1] == "OK" && b[1] == "OK") ? "" : " (TIMEOUT: see the .out file)" }' "$out"
echo "-- peak RSS with 10,000 contacts and 10,000 messages in scrollback (target < 30 MB; issue 12: no higher"
echo "   than before the message store: 16.8 MB, 15.3 MB before the messages, installed build, 2026-12-03)"
big_line() { # LABEL OUT
	if [ "$(field "$2" wait 4 2)" = OK ]; then
		awk -v l="$1" '$1 == "rss" { h[++n] = $2; r[n] = $3 } $1 == "cpu" { c[++m] = $2 }
			$1 == "wait" { w = $3 } END {
			printf "  %-19s %.1f MB peak, %.1f MB now (peak %.1f MB before the messages); %.2f s CPU for the 10,000; the 10,000th shown %.1f s after the peer started\n",
				l, h[2] / 1024, r[2] / 1024, h[1] / 1024, (c[2] - c[1]) / 1000, w / 1000 }' "$2"
	else
		echo "  $1: the 10,000th message was not seen within 120 s (see $2)"
	fi
}
big_line "tuktuk (store)" "$out"
big_line "tuktuk (store off)" "$W/big-nostore.out"
