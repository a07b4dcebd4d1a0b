#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/accounts.sh - several accounts in one tuktuk (issue 15), driven
# in tmux: home and work on the project's Prosody, ej on its ejabberd, and
# bad (Prosody) whose password is typed wrong. A peer on each server talks
# to them.
#   - the roster pane has a section per account, with its state; the
#     password questions name their account, and the wrong one does not
#     keep the others from logging in;
#   - a message to each account arrives in that account's window, and a
#     reply from that window reaches the peer from that account;
#   - /msg to a contact of two rosters asks which account;
#   - /status -a all changes every account's presence;
#   - ejabberd stops: home and work go on chatting; it comes back, and ej
#     logs in again on its own;
#   - home and work are in the same room at once, each seeing the other.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

: "${TUKTUK_TEST_EJABBERD_C2S_PORT:?tests/run names ejabberd (TUKTUK_TEST_EJABBERD_*)}"
: "${TUKTUK_TEST_PROSODY_C2S_PORT:?tests/run names Prosody (TUKTUK_TEST_PROSODY_*)}"
DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
MUC=${TUKTUK_TEST_MUC:-conference.localhost}
RUN=$TUKTUK_TEST_PROSODY_RUNDIR
EJ=$TUKTUK_TEST_EJABBERD_SCRIPT
EJRUN=$TUKTUK_TEST_EJABBERD_RUNDIR

H=$(ui_user home) W=$(ui_user work) X=$(ui_user bad) P=$(ui_user pat) Z=$(ui_user zed)
E=$(ui_user ej) Q=$(ui_user quinn)
"$UI_PROSODY" adduser "$RUN" "$H" h-pw "$W" w-pw "$X" x-pw "$P" p-pw "$Z" z-pw >/dev/null
# rosteradd makes the subscription mutual: the other side's item has no
# name, so the peers see addresses.
"$UI_PROSODY" rosteradd "$RUN" "$H" "$P@$DOMAIN" "Pat" Friends >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$W" "$P@$DOMAIN" "Pat" Team >/dev/null
"$EJ" adduser "$EJRUN" "$E" e-pw "$Q" q-pw >/dev/null
"$EJ" rosteradd "$EJRUN" "$E" "$Q@$DOMAIN" "Quinn" Friends >/dev/null

# me: four sections, all autoconnect; home's password from a file, the
# others typed when asked.
ME=$UI_TMP/me
mkdir -p "$ME/data" "$ME/config"
(umask 077 && printf 'h-pw\n' >"$ME/pw")
section() { # NAME USER PORT CA
	printf '[account %s]\njid = %s@%s\nserver = 127.0.0.1\nport = %s\nca_file = %s\nautoconnect = yes\n\n' \
		"$1" "$2" "$DOMAIN" "$3" "$4"
}
{
	section home "$H" "$TUKTUK_TEST_PROSODY_C2S_PORT" "$TUKTUK_TEST_PROSODY_CA"
	section work "$W" "$TUKTUK_TEST_PROSODY_C2S_PORT" "$TUKTUK_TEST_PROSODY_CA"
	section ej "$E" "$TUKTUK_TEST_EJABBERD_C2S_PORT" "$TUKTUK_TEST_EJABBERD_CA"
	section bad "$X" "$TUKTUK_TEST_PROSODY_C2S_PORT" "$TUKTUK_TEST_PROSODY_CA"
} >"$ME/config/config"
cat >"$ME/run" <<EOF
#!/bin/sh
export TERM=tmux-256color
unset TMUX
"$TUKTUK_BIN" --password-file "$ME/pw" -d "$ME/data" -c "$ME/config" 2>"$UI_TMP/me.err"
echo \$? >"$UI_TMP/me.status"
EOF
chmod +x "$ME/run"

# The peer on ejabberd, started as ui_start starts one on Prosody.
QD=$UI_TMP/quinn
mkdir -p "$QD/data" "$QD/config"
(umask 077 && printf 'q-pw\n' >"$QD/pw")
cat >"$QD/run" <<EOF
#!/bin/sh
export TERM=tmux-256color
unset TMUX
"$TUKTUK_BIN" --jid "$Q@$DOMAIN" --server 127.0.0.1 --port "$TUKTUK_TEST_EJABBERD_C2S_PORT" \
	--ca-file "$TUKTUK_TEST_EJABBERD_CA" --password-file "$QD/pw" -d "$QD/data" -c "$QD/config" \
	2>"$UI_TMP/quinn.err"
EOF
chmod +x "$QD/run"

ui_start pat "$P" p-pw 100 30
tm new-window -d -t ui -n quinn "$QD/run"
tm resize-window -t ui:quinn -x 100 -y 30
tm new-window -d -t ui -n me "$ME/run"
tm resize-window -t ui:me -x 120 -y 40
check "the peers log in" ui_wait pat "[online]" && ui_wait quinn "[online]"

roster() { ui_screen me | sed -n '2,$p' | sed -n 's/│.*//p'; }
# The state row under an account's header.
state_of() { roster | grep -A1 -F -- "- $1: " | sed -n 2p; }
wait_state() { # ACCOUNT TEXT [SECONDS]
	local deadline=$((SECONDS + ${3:-$UI_WAIT}))
	while [ "$SECONDS" -le "$deadline" ]; do
		state_of "$1" | grep -qF -- "$2" && return 0
		sleep 0.2
	done
	echo "# $1's state never showed '$2'; the roster was:" >&2
	roster | sed 's/^/# | /' >&2
	return 1
}

# The questions come in the order the servers answer: each is answered
# as it shows. bad gets a wrong password once, then Esc.
asked_for=
bad_tries=0
deadline=$((SECONDS + 60))
while [ "$SECONDS" -le "$deadline" ]; do
	line=$(ui_row me -1)
	case "$line" in
	*"password for work ($W@$DOMAIN)"*) tm send-keys -t ui:me w-pw Enter; asked_for+=" work" ;;
	*"password for ej ($E@$DOMAIN)"*) tm send-keys -t ui:me e-pw Enter; asked_for+=" ej" ;;
	*"password for bad ($X@$DOMAIN)"*)
		if [ "$bad_tries" -eq 0 ]; then tm send-keys -t ui:me not-it Enter; else tm send-keys -t ui:me Escape; fi
		bad_tries=$((bad_tries + 1))
		asked_for+=" bad" ;;
	*"keep the password of"*) tm send-keys -t ui:me n Enter ;;
	*) [ "$bad_tries" -ge 2 ] && state_of ej | grep -qF online && state_of work | grep -qF online && break ;;
	esac
	sleep 0.4
done
check "each password question names its account (work, ej, bad)" \
	bash -c "grep -qw work <<<'$asked_for' && grep -qw ej <<<'$asked_for' && grep -qw bad <<<'$asked_for'"
check "bad was asked again after the wrong password" test "$bad_tries" -ge 2
check "home's section is online" wait_state home online
check "work's section is online" wait_state work online
check "ej's section (ejabberd) is online" wait_state ej online
check "bad's section says it failed, with the reason" wait_state bad failed
check "the status window names the account a line is about" ui_wait_said me "[bad] "

# A message to each account arrives in its own window; the reply leaves
# from that account (the peer files it under that address).
tm send-keys -t ui:pat "/msg $H@$DOMAIN to-home" Enter
check "pat's message to home went" ui_wait_said pat "to-home"
tm send-keys -t ui:pat "/msg $W@$DOMAIN to-work" Enter
check "pat's message to work went" ui_wait_said pat "to-work"
tm send-keys -t ui:quinn "/msg $E@$DOMAIN to-ej" Enter
check "quinn's message to ej went" ui_wait_said quinn "to-ej"

tm send-keys -t ui:me "/msg -a home Pat" Enter
check "home's chat with Pat is titled [home]" ui_wait_line me 0 "[home] chat: Pat"
check "... and has pat's message to home" ui_wait_said me "to-home"
ui_chat_text me | grep -qF to-work && not_ok "home's window has the message to work" ||
	ok "home's window has not got the message to work"
tm send-keys -t ui:me "re-home" Enter
tm send-keys -t ui:me "/msg -a work Pat" Enter
check "work's chat with Pat is titled [work]" ui_wait_line me 0 "[work] chat: Pat"
check "... and has pat's message to work" ui_wait_said me "to-work"
tm send-keys -t ui:me "re-work" Enter
tm send-keys -t ui:me "/msg Quinn" Enter
check "/msg Quinn goes to ej, the one roster that has Quinn" ui_wait_line me 0 "[ej] chat: Quinn"
check "... where quinn's message is" ui_wait_said me "to-ej"
tm send-keys -t ui:me "re-ej" Enter

tm send-keys -t ui:pat "/msg $H@$DOMAIN" Enter
check "pat has home's reply from home's address" ui_wait_said pat "re-home"
tm send-keys -t ui:pat "/msg $W@$DOMAIN" Enter
check "pat has work's reply from work's address" ui_wait_said pat "re-work"
check "quinn (ejabberd) has ej's reply" ui_wait_said quinn "re-ej"

# /search -a looks through every account's conversations; /goto opens
# a result in its own account's window.
tm send-keys -t ui:me M-1
tm send-keys -t ui:me "/search -a to" Enter
check "/search -a finds home's message, named" ui_wait_said me "[home $P@$DOMAIN] Pat> to-home"
check "... work's" ui_wait_said me "[work $P@$DOMAIN] Pat> to-work"
check "... and ej's" ui_wait_said me "[ej $Q@$DOMAIN] Quinn> to-ej"
tm send-keys -t ui:me "/goto 3" Enter
check "/goto 3 opens ej's chat with Quinn" ui_wait_line me 0 "[ej] chat: Quinn"

# Pat is in two rosters: /msg asks which account.
tm send-keys -t ui:me M-1
tm send-keys -t ui:me "/msg Pat which-one" Enter
check "/msg Pat asks which account" ui_wait_line me -1 "Pat is in the rosters of home, work: which account?"
tm send-keys -t ui:me work Enter
check "... and work was used" ui_wait_line me 0 "[work] chat: Pat"
tm send-keys -t ui:pat "/msg $W@$DOMAIN" Enter
check "pat gets it from work" ui_wait_said pat "which-one"

tm send-keys -t ui:me "/status -a all away lunch" Enter
check "/status -a all: home away" wait_state home away
check "... work away" wait_state work away
check "... ej away" wait_state ej away
check "pat sees home away" ui_wait pat "  - $H"
check "pat sees work away" ui_wait pat "  - $W"
tm send-keys -t ui:me "/back -a home" Enter
check "/back -a home: home online again" wait_state home online
check "... work stays away" wait_state work away

# ejabberd goes: ej waits to reconnect, the others chat on.
"$EJ" stop "$EJRUN" >/dev/null 2>&1
check "ejabberd stopped: ej's section says it is reconnecting" wait_state ej reconnecting 30
tm send-keys -t ui:pat "/msg $H@$DOMAIN still-here" Enter
tm send-keys -t ui:me "/msg -a home Pat" Enter
check "home still gets pat's messages" ui_wait_said me "still-here"
tm send-keys -t ui:me "still-home" Enter
tm send-keys -t ui:pat "/msg $H@$DOMAIN" Enter
check "pat still gets home's" ui_wait_said pat "still-home"
"$EJ" restart "$EJRUN" >/dev/null 2>&1 # the same ports and certificate
# ej was set away with the others: online, it says so.
check "ejabberd back: ej logs in again on its own" wait_state ej away 90

# home and work in one room at once.
ROOM=acc$$@$MUC
tm send-keys -t ui:me "/msg -a home Pat" Enter
tm send-keys -t ui:me "/join $ROOM/homey" Enter
check "home joined the room" ui_wait_said me "the room as homey"
tm send-keys -t ui:me "/msg -a work Pat" Enter
tm send-keys -t ui:me "/join $ROOM/worky" Enter
check "work joined the room" ui_wait_line me 0 "[work] room:"
check "... and sees homey in it" ui_wait_said me "the room as worky; here: homey"
tm send-keys -t ui:me "hi-from-work" Enter
# To home's room window: the next windows until its title says so.
for _ in 1 2 3 4 5 6 7 8; do
	ui_row me 0 | grep -qF "[home] room:" && break
	tm send-keys -t ui:me C-n
	sleep 0.3
done
check "home's room window is there" ui_wait_line me 0 "[home] room:"
check "... and shows work's message" ui_wait_said me "hi-from-work"
tm send-keys -t ui:me "hi-from-home" Enter
check "home's message is in the room" ui_wait_said me "homey> hi-from-home"

# The XML console names the account of each stanza.
tm send-keys -t ui:me "/xml" Enter
check "the console is open" ui_wait_line me 0 "xml console"
tm send-keys -t ui:me "/status -a work away console-check" Enter
check "work's stanzas show as 'work sent'" ui_wait_re me "work sent> "
check "... the others' under their own names" ui_wait_re me "(home|ej) (sent|recv)> "
tm send-keys -t ui:me "/close" Enter

# /account add: the address, then the password; the section goes to the
# config file (reaching the server as home does, on the same domain), the
# password to the vault, and the account logs in.
tm send-keys -t ui:me "/account add" Enter
check "/account add asks for the address" ui_wait_line me -1 "new account's address"
tm send-keys -t ui:me "$Z@$DOMAIN" Enter
check "... then for its password, naming it" ui_wait_line me -1 "password for $Z@$DOMAIN"
tm send-keys -t ui:me z-pw Enter
check "... and says it is added" ui_wait_said me "account $Z@$DOMAIN added"
check "the config file has its section" grep -qx "\[account $Z\]" "$ME/config/config"
check "... with its address and home's port" \
	grep -qx "port = $TUKTUK_TEST_PROSODY_C2S_PORT" <(sed -n "/^\[account $Z\]/,\$p" "$ME/config/config")
check "its section in the roster comes online" wait_state "$Z" online 30
tm send-keys -t ui:me "/account list" Enter
check "/account list names it, online" ui_wait_said me "$Z: $Z@$DOMAIN, online"
check "the config file stays private" test "$(stat -c %a "$ME/config/config")" = 600

tm send-keys -t ui:me "/quit" Enter
check "/quit ends every account and exits 0" test "$(ui_wait_exit me)" = 0
check "no sanitizer report" ui_clean_stderr me
ui_done
