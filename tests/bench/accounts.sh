#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/accounts.sh - the cost of several accounts at once (issue 15),
# from outside, the installed binary (as `make install` installs it) under
# bench_ui_pty against the local Prosody:
#
#   1. five accounts of 2,000 contacts each: from the start of the process
#      until every account's line "[NAME] online" is on the screen (the
#      session goes online only once its roster is in and the UI has taken
#      it: xmpp/im.c roster_done) and the first section's contacts are
#      painted; beside it one account of 2,000 at the same size. Then,
#      untimed, sections 1-4 are folded one after the other to check that
#      each of the five sections holds its contacts and says "online".
#      The control: five other accounts with the same rosters, every
#      subscription "none" (Prosody then broadcasts and probes no presence
#      at login).
#   2. peak RSS (VmHWM) with 1, 2 and 3 accounts of 50 contacts, logged in
#      and idle 1 s after the last went online.
#      1 and 2 twice: first starts (a fresh data folder, as ui.sh: each
#      account creates its OMEMO identity, the whole roster comes) and
#      later starts (a copy of the data folder a first start left:
#      identities, roster caches).
#   3. idle wakeups with 3 accounts and with 1: context switches of every
#      thread (/proc/PID/task/*/status) over IDLE_S seconds of idle after
#      login, then the same span under strace to say what each wakeup was.
#
# The terminal is 120x80, not the 120x40 of ui.sh: with five accounts the
# status window says about 9 lines for each while they log in, and at 40
# rows the "[NAME] online" lines would scroll away before all are there;
# at 80 every one stays on the screen. The roster pane only ever shows the
# first rows of section 1 (a section of 2,000 contacts is 2,006 rows): the
# others are in the model and the view, not on the screen.
#
# Passwords: every account reads the vault, filled beforehand by
# build/rel/bench/bench_vault, so that no question is answered during the
# timed start. Not --password-file for the first: given it, tuktuk does
# not open the vault at all and the other accounts ask (main.c
# load_credentials, core/credentials.c credentials_load). Every run starts
# once Prosody is idle.
#
# Run by scripts/bench (make bench), which provides the Prosody; run
# alone, it starts a private one (about 6 minutes). TUKTUK_BENCH_RUNS
# (default 5) runs of 1, 3 of 2; TUKTUK_BENCH_IDLE_S (default 30);
# TUKTUK_BENCH_ACCOUNTS_PARTS (default 123) which of the three to run.
# Numbers are measurements, not pass/fail. See docs/benchmarks.md,
# "Several accounts (issue 15)".
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PTY=$ROOT/build/rel/bench/bench_ui_pty
VAULT=$ROOT/build/rel/bench/bench_vault
RUNS=${TUKTUK_BENCH_RUNS:-5}
IDLE_S=${TUKTUK_BENCH_IDLE_S:-30}
PARTS=${TUKTUK_BENCH_ACCOUNTS_PARTS:-123}
. tests/bench/lib.sh
bench_need accounts.sh "$PTY" "$VAULT" "$ROOT/build/tuktuk"
bench_server accounts
bench_tuktuk
ROWS=80 COLS=120

PW=bench-acct-pw
BIG='big1 big2 big3 big4 big5'
# The same five rosters with subscription "none": no presence is
# broadcast or probed at login, so Prosody's share of the start shrinks
# to the rosters themselves (the control of part 1).
QUIET='quiet1 quiet2 quiet3 quiet4 quiet5'
SMALL='small1 small2 small3'
# shellcheck disable=SC2153 # RUN is bench_server's (lib.sh)
for u in $BIG $QUIET $SMALL; do
	scripts/prosody adduser "$RUN" "$u" "$PW" >/dev/null
done
for u in $BIG $QUIET; do scripts/prosody roster "$RUN" "$u" 2000; done
# Written while the users are offline and never loaded yet (scripts/prosody).
for u in $QUIET; do sed -i 's/"both"/"none"/' "$RUN/data/localhost/roster/$u.dat"; done
for u in $SMALL; do scripts/prosody roster "$RUN" "$u" 50; done
echo "$PW" >"$W/pw"
chmod 600 "$W/pw"

# The last roster row of the first screen at 120x80: with one account
# (no section header) and with several (two header rows). Groups Family,
# Friends, Others, Work; Family holds contacts 3, 7, 11...
MARK_ONE="Contact 0303"
MARK_MULTI="Contact 0295"
MARK_SMALL="Contact 0050" # the last of 50 (Work: 2, 6, ... 50)

# prepare DIR USER...: a fresh data and config folder, one [account]
# section a user, every password in the vault.
prepare() {
	local dir=$1 u jids=()
	shift
	rm -rf "$dir"
	mkdir -p "$dir/data" "$dir/conf"
	for u in "$@"; do
		printf '[account %s]\njid = %s@localhost\nserver = 127.0.0.1\nport = %s\nca_file = %s\nautoconnect = yes\n\n' \
			"$u" "$u" "$PORT" "$CA"
		jids+=("$u@localhost")
	done >"$dir/conf/config"
	"$VAULT" "$dir/data" "$W/pw" "${jids[@]}"
	# A later start: the data folder another run left (OMEMO identities,
	# roster caches, message store, vault).
	if [ -n "${SEED:-}" ]; then
		rm -rf "$dir/data"
		cp -a "$SEED" "$dir/data"
	fi
}

# drive TAG SCRIPT USER...: tuktuk with those accounts under the pty.
drive() {
	local tag=$1 script=$2
	shift 2
	prepare "$W/$tag" "$@"
	prosody_idle
	timeout 280 "$PTY" "$ROWS" "$COLS" "$W/$tag.tty" "$TUKTUK" -d "$W/$tag/data" -c "$W/$tag/conf" \
		<"$script" >"$W/$tag.out" 2>"$W/$tag.err" || true
}

# online_waits USER...: the waits for every account's "[NAME] online"
# (with one account the line has no name: its marker is waited for).
online_waits() {
	local u
	[ $# -gt 1 ] || return 0
	for u in "$@"; do echo "wait 30000 [$u] online"; done
}

field() { # FILE KEY N COLUMN
	awk -v k="$2" -v n="$3" -v c="$4" '$1 == k && ++i == n { print $c; exit }' "$1"
}

stats() { # numbers on stdin: "median M, worst W (runs: ...)"
	tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1; s = s " " $1 } END {
		if (NR == 0) { print "n/a"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "median %s, worst %s (sorted:%s)", m, v[NR], s }'
}

prosody_cpu_ms() { # utime + stime of the server, ms
	awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1000 / t }' \
		"/proc/$(cat "$RUN/prosody.pid")/stat"
}

# Until Prosody has used no CPU for 300 ms (at most 30 s): the logout of
# an account with 2,000 contacts keeps it busy for a second or more (an
# unavailable presence for each contact), and a start timed meanwhile
# measures that (as bench_rosterver waits).
prosody_idle() {
	local a b i
	b=$(prosody_cpu_ms)
	for ((i = 0; i < 100; i++)); do
		sleep 0.3
		a=$b
		b=$(prosody_cpu_ms)
		[ "$a" = "$b" ] && return 0
	done
}

# ---------------------------------------------------------------- 1: start
if [[ $PARTS == *1* ]]; then
echo "-- issue 15: start to all rosters in, 2,000 contacts an account, 120x80 (target: five within 1 s)"
start_script() { # MARK USER...
	local mark=$1 users i
	shift
	users=("$@")
	{
		online_waits "$@"
		echo "wait 30000 $mark"
		echo cpu
		if [ $# -gt 1 ]; then
			# Untimed check: fold sections 1-4 (Alt-r: the roster; g: the
			# first header; Enter folds; j: the next header), so that each
			# section in turn comes on the screen with its contacts.
			printf '%s\n' 'send \er' 'sleep 200' 'send g' 'sleep 200'
			for ((i = 0; i < $# - 1; i++)); do
				printf '%s\n' 'send \r' "wait 30000 + ${users[i]}:" 'sleep 200'
				[ $i -lt $(($# - 2)) ] && printf '%s\n' 'send j' 'sleep 200'
			done
			echo screen
			printf '%s\n' 'send \er'
		fi
		printf '%s\n' 'send \x15/quit\r' 'exit 10000'
	} >"$W/start.script"
}

declare -A T CPU SRV
start_run() { # KEY RUN MARK USER...
	local key=$1 i=$2 mark=$3 out p0 p1 n
	shift 3
	n=$#
	start_script "$mark" "$@"
	prosody_idle
	p0=$(prosody_cpu_ms)
	drive "start-$key-$i" "$W/start.script" "$@"
	p1=$(prosody_cpu_ms)
	out=$W/start-$key-$i.out
	# The timed waits (every account online, then the marker painted):
	# all OK, and the latest of them is the time.
	local timed=$((n > 1 ? n + 1 : 1))
	T[$key]+=" $(awk -v n=$timed '$1 == "wait" && ++i <= n { if ($2 != "OK") bad = 1; if ($3 > m) m = $3 }
		END { if (bad) print "timeout"; else printf "%.3f", m / 1000 }' "$out")"
	CPU[$key]+=" $(awk '$1 == "cpu" { printf "%.3f", $2 / 1000; exit }' "$out")"
	SRV[$key]+=" $(awk -v a="$p0" -v b="$p1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')"
	if [ "$n" -gt 1 ]; then
		# Sections 1-4 folded ("+ NAME:"), the last one open below with
		# its contacts, every state row "online".
		awk -v n="$n" -F'│' '$1 == "wait" || /^wait / { if (++w > n + 1 && $0 !~ /^wait OK/) bad = 1 }
			/^screen\|/ { sub(/^screen\|/, "", $1); if ($1 ~ /Contact 0003/) c = 1; if ($1 ~ /^  (connecting|authenticating|failed|offline)/) bad = 1 }
			END { if (bad || !c) print "  run '"$i"': the check of the five sections failed (see '"$out"')" }' "$out"
	fi
}

# Interleaved, so that a drift of the machine's speed hits both alike.
for ((run = 1; run <= RUNS; run++)); do
	start_run one "$run" "$MARK_ONE" big1
	# shellcheck disable=SC2086 # the user list is words
	start_run five "$run" "$MARK_MULTI" $BIG
	# shellcheck disable=SC2086 # the user list is words
	start_run quiet "$run" "$MARK_MULTI" $QUIET
done
# Later starts: a copy of the data folder the first run left (OMEMO
# identities made, rosters cached: issue 11's roster versioning).
for ((run = 1; run <= RUNS; run++)); do
	SEED=$W/start-one-1/data start_run one-later "$run" "$MARK_ONE" big1
	# shellcheck disable=SC2086 # the user list is words
	SEED=$W/start-five-1/data start_run five-later "$run" "$MARK_MULTI" $BIG
	# shellcheck disable=SC2086 # the user list is words
	SEED=$W/start-quiet-1/data start_run quiet-later "$run" "$MARK_MULTI" $QUIET
done
for start in first later; do
	k=${start#first}
	k=${k:+-$k}
	echo "   $start start:"
	echo "  one account of 2,000:   $(echo "${T[one$k]}" | stats) s"
	echo "      tuktuk CPU to then $(echo "${CPU[one$k]}" | stats) s; Prosody CPU, login to logout $(echo "${SRV[one$k]}" | stats) s"
	echo "  five accounts of 2,000: $(echo "${T[five$k]}" | stats) s"
	echo "      tuktuk CPU to then $(echo "${CPU[five$k]}" | stats) s; Prosody CPU, login to logout $(echo "${SRV[five$k]}" | stats) s"
	echo "  five of 2,000, no subscriptions (no presence work in Prosody): $(echo "${T[quiet$k]}" | stats) s"
	echo "      tuktuk CPU to then $(echo "${CPU[quiet$k]}" | stats) s; Prosody CPU, login to logout $(echo "${SRV[quiet$k]}" | stats) s"
done
last=$W/start-five-$RUNS.out
if grep -q '^screen|' "$last"; then
	echo "  the last run's screen with sections 1-4 folded (roster pane, first rows):"
	awk -F'│' '/^screen\|/ && n++ < 14 { sub(/^screen\|/, "", $1); print "    " $1 }' "$last"
fi

fi

# ---------------------------------------------------------------- 2: memory
if [[ $PARTS == *2* ]]; then
echo "-- issue 15: peak RSS (VmHWM) with 1, 2, 3 accounts of 50 contacts, idle 1 s after the last went online"
echo "   (target: each extra account <= 1 MB)"
declare -A HWM
mem_run() { # N RUN
	local users
	read -r -a users <<<"$(echo "$SMALL" | cut -d' ' -f1-"$1")"
	{
		online_waits "${users[@]}"
		echo "wait 30000 $MARK_SMALL"
		echo 'settle 1000 20000'
		echo rss
		printf '%s\n' 'send \x15/quit\r' 'exit 10000'
	} >"$W/mem.script"
	drive "mem-$1-$2" "$W/mem.script" "${users[@]}"
	local out=$W/mem-$1-$2.out
	if awk '$1 == "wait" && $2 != "OK" { bad = 1 } END { exit bad }' "$out"; then
		HWM[${SEED:+later}$1]+=" $(awk '$1 == "rss" { printf "%.2f", $2 / 1024 }' "$out")"
	else
		echo "  run $2 with $1: not every account went online (see $out)"
	fi
}
# First starts (a fresh data folder: each account creates its OMEMO
# identity), then later starts (a copy of the data folder the first run
# with as many accounts left: identities, roster caches, store).
for ((run = 1; run <= 3; run++)); do
	for n in 1 2 3; do mem_run "$n" "$run"; done
done
for ((run = 1; run <= 3; run++)); do
	for n in 1 2 3; do SEED=$W/mem-$n-1/data mem_run "$n" "later$run"; done
done
med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for start in first later; do
	k=${start#first}
	echo "   $start start:"
	for n in 1 2 3; do
		echo "  $n account(s): median $(echo "${HWM[$k$n]:-}" | med) MB (runs:${HWM[$k$n]:-})"
	done
	m1=$(echo "${HWM[${k}1]:-}" | med)
	m2=$(echo "${HWM[${k}2]:-}" | med)
	m3=$(echo "${HWM[${k}3]:-}" | med)
	if [ -n "$m1" ] && [ -n "$m2" ] && [ -n "$m3" ]; then
		awk -v a="$m1" -v b="$m2" -v c="$m3" 'BEGIN {
			printf "  per extra account (medians): second %+.2f MB, third %+.2f MB, on average %+.2f MB\n", b - a, c - b, (c - a) / 2 }'
	fi
done
fi

# ---------------------------------------------------------------- 3: wakeups
if [[ $PARTS == *3* ]]; then
echo "-- issue 15: idle wakeups over $IDLE_S s after login, 50 contacts an account (target: zero)"
# Context switches of every thread, voluntary + involuntary: each is a
# time the process slept and was woken (or was preempted).
# shellcheck disable=SC2016 # $BENCH_PID is the pty driver's exec's
CTXT='exec echo ctxt $(cat /proc/$BENCH_PID/task/*/status | awk '"'"'/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n }'"'"')'
idle_run() { # N
	local users out trace
	read -r -a users <<<"$(echo "$SMALL" | cut -d' ' -f1-"$1")"
	trace=$W/idle-$1.strace
	{
		online_waits "${users[@]}"
		echo "wait 30000 $MARK_SMALL"
		echo 'settle 2000 20000'
		printf '%s\n' "$CTXT"
		echo "sleep $((IDLE_S * 1000))"
		printf '%s\n' "$CTXT"
		# The same span again under strace, to say what the wakeups were.
		printf '%s\n' "exec timeout -s INT $IDLE_S strace -f -tt -e trace=epoll_wait,epoll_pwait,epoll_pwait2,read,write,sendmsg,recvmsg,sendto,recvfrom -o $trace -p \$BENCH_PID 2>/dev/null"
		# Which descriptor is which (the sockets, one an account), for
		# reading the trace.
		# shellcheck disable=SC2016 # $BENCH_PID is the pty driver's exec's
		echo 'exec ls -l /proc/$BENCH_PID/fd | sed "s/^/fd /"'
		printf '%s\n' 'send \x15/quit\r' 'exit 10000'
	} >"$W/idle.script"
	drive "idle-$1" "$W/idle.script" "${users[@]}"
	out=$W/idle-$1.out
	local c0 c1
	c0=$(field "$out" ctxt 1 2)
	c1=$(field "$out" ctxt 2 2)
	if [ -n "$c0" ] && [ -n "$c1" ]; then
		echo "  $1 account(s): $((c1 - c0)) context switches in $IDLE_S s (all threads, voluntary + involuntary)"
	else
		echo "  $1 account(s): not measured (see $out)"
		return
	fi
	if [ -s "$trace" ]; then
		# Every return of the loop's epoll_wait is one wakeup; the reads and
		# writes after it say of which descriptor.
		awk '/epoll_(p)?wait/ && /= [0-9]+$/ { w++; if ($NF == 0) t++ }
			/^[0-9]+ +[0-9:.]+ (read|write|sendmsg|recvmsg|sendto|recvfrom)\(/ {
				split($3, a, "("); split(a[2], b, ","); k = a[1] " fd " b[1]; io[k]++ }
			END {
				printf "    under strace: %d epoll returns (%d by a timer alone)", w, t
				for (k in io) printf "; %s x%d", k, io[k]
				printf "\n" }' "$trace"
	fi
}
idle_run 1
idle_run 3
fi
