#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/hangup.sh - is the next login after a hang-up as fast as any
# other (issue 16)? `tmux kill-session` or a dropped SSH link sends SIGHUP;
# tuktuk then leaves as /quit does (unavailable presence, the stream
# closed), so the server keeps no stream-management session hibernating
# for it, queueing our contacts' messages to replay at the next login.
#
# Each round runs the installed binary (build/tuktuk as `make install`
# installs it) under our pty (build/rel/bench/bench_ui_pty), online, and
# ends it one of three ways:
#   quit    /quit typed
#   hangup  SIGHUP, as a closing terminal sends it
#   kill    SIGKILL: no goodbye at all, what a hang-up did before tuktuk
#           handled SIGHUP (the server notices the closed socket and
#           hibernates the session; the bench Prosody keeps it 5 s)
# Then a peer (build/rel/bench/bench_ui_peer) sends 200 messages to our
# bare JID, and tuktuk starts again with the same data folder. Measured
# from that start: until the status line says [online], and until the
# screen has been quiet for a second (the login's backlog shown), with
# the server idle before each start; and how many of the 200 the next run
# had in its message store when it quit (a killed run's hibernating
# session takes them instead, and the server deals with them when it
# expires). Five rounds, the modes alternated;
# medians.
#
# Run by scripts/bench (make bench), which provides the Prosody; run
# alone, it starts a private one. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PTY=$ROOT/build/rel/bench/bench_ui_pty
PEERBIN=$ROOT/build/rel/bench/bench_ui_peer
ME=hupme PEER=huppeer PW=bench-hup-pw COUNT=200 ROUNDS=${TUKTUK_BENCH_HUP_ROUNDS:-5}
. tests/bench/lib.sh
bench_need hangup.sh "$PTY" "$PEERBIN" "$ROOT/build/tuktuk"
bench_server hangup
bench_tuktuk
scripts/prosody adduser "$RUN" "$ME" "$PW" "$PEER" "$PW" >/dev/null
echo "$PW" >"$W/pw"
chmod 600 "$W/pw"

# leave_script MODE: online, settled, then gone by MODE.
leave_script() {
	echo 'wait 20000 [online]'
	echo 'settle 500 10000'
	# The shell of the pty driver's exec expands $BENCH_PID, not this one.
	# shellcheck disable=SC2016
	case $1 in
	quit) printf '%s\n' 'send /quit\r' ;;
	hangup) echo 'exec kill -HUP $BENCH_PID' ;;
	kill) echo 'exec kill -KILL $BENCH_PID' ;;
	esac
	echo 'exit 5000'
}
for m in quit hangup kill; do leave_script "$m" >"$W/leave-$m"; done
cat >"$W/measure" <<-EOF
	wait 60000 [online]
	settle 1000 60000
	send /quit\r
	exit 5000
EOF

# tuktuk TAG SCRIPT: one run with the data folder $W/home.
tuktuk() {
	timeout 120 "$PTY" 40 120 "$W/$1.tty" "$TUKTUK" --jid "$ME@localhost" \
		--server 127.0.0.1 --port "$PORT" --ca-file "$CA" --password-file "$W/pw" \
		-d "$W/home/data" -c "$W/home/conf" <"$2" >"$W/$1.out" 2>"$W/$1.err" || true
}

seconds() { # FILE KEY COLUMN: that value of the first KEY line, ms as s
	awk -v k="$2" -v c="$3" '$1 == k { printf "%.3f", $c / 1000; exit }' "$1"
}

rm -rf "${W:?}/home"
mkdir -p "$W/home/data" "$W/home/conf"
declare -A ONLINE QUIET LEFT GOT
for ((i = 1; i <= ROUNDS; i++)); do
	for m in quit hangup kill; do
		settle_server
		tuktuk "leave-$m-$i" "$W/leave-$m"
		LEFT[$m]+=" $(awk '$1 == "exit" { print $2; exit }' "$W/leave-$m-$i.out")"
		"$PEERBIN" "$PEER@localhost" "$PW" "$PORT" "$CA" "$ME@localhost" "$COUNT" "away-$m-$i" \
			>"$W/peer-$m-$i.out" 2>&1 || echo "  note: the peer failed in round $i ($m)"
		tuktuk "next-$m-$i" "$W/measure"
		out=$W/next-$m-$i.out
		if awk '$1 == "wait" && $2 == "OK" { ok = 1 } END { exit !ok }' "$out"; then
			ONLINE[$m]+=" $(seconds "$out" wait 3)"
			QUIET[$m]+=" $(seconds "$out" settle 3)"
		else
			ONLINE[$m]+=" timeout"
		fi
		GOT[$m]+=" $(sqlite3 -readonly "$W/home/data/messages.db" \
			"select count(*) from msg where body like 'away-$m-$i %'")"
		# A killed run's session hibernates 5 s: not into the next round.
		[ "$m" = kill ] && sleep 6
	done
done

echo "-- the next login after leaving, with $COUNT messages sent to us meanwhile (medians of $ROUNDS)"
for m in quit hangup kill; do
	case $m in
	quit) what="after /quit" ;;
	hangup) what="after a hang-up (SIGHUP)" ;;
	kill) what="after SIGKILL (no goodbye: the old hang-up)" ;;
	esac
	printf '  %-44s [online] %s s (runs:%s), screen quiet %s s (runs:%s)\n' \
		"$what" "$(echo "${ONLINE[$m]}" | tr ' ' '\n' | grep -v timeout | median)" "${ONLINE[$m]}" \
		"$(echo "${QUIET[$m]:-}" | median)" "${QUIET[$m]:-}"
	printf '  %-44s messages the next run got, of %s:%s; exit statuses:%s\n' '' "$COUNT" \
		"${GOT[$m]}" "${LEFT[$m]}"
done
