#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/wincmds.sh - the window and presence commands irssi, Profanity
# and weechat users type without thinking (issue 9, items 9 and 10):
# /win N past the ten Alt keys reach, /wins, /query, /clear, /close,
# /away and /back, /leave for /part; /help alone is a short overview and
# /help COMMAND has an example. Presence commands ui_say what they did:
# /status alone shows the presence, /status and /priority confirm what
# they set, and a quoted status message reaches the contacts without its
# quotes.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user win)
B=$(ui_user peer)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null





# The chat pane's lines that TEXT starts, counted.
rows_with() {
	ui_screen "$1" | grep -cF -- "$2"
}

ui_start peer "$B" b-pw 100 30
check "the peer logs in" ui_wait_line peer -2 "[online]"
ui_start me "$A" a-pw 100 40
check "I log in" ui_wait_line me -2 "[online]"
ui_say peer "/msg $A@$DOMAIN"

# ---- /help ----
ui_say me "/help"
check "/help alone ends with the keys" ui_wait me "Keys: Alt-1..0"
check "... and starts with the overview" ui_wait me "Commands (/help COMMAND explains one"
check "... which names the commands without their long texts" \
	ui_lacks me "Set, change or (empty"
check "... and fits on the screen: its first line is still shown" ui_wait me "Commands ("
ui_say me "/help status"
check "/help COMMAND gives an example" ui_wait me 'Example: /status away "out for lunch"'

# ---- /clear ----
ui_say me "/clear"
check "/clear empties the window" ui_wait_gone me "Example: /status away"
check "... the overview too" ui_lacks me "Commands (/help COMMAND"

# ---- /win past ten, /wins, /query, /close ----
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	ui_say me "/msg w$i@$DOMAIN"
done
check "eleven chats open: window 12 is current" ui_wait_line me 0 "w11@$DOMAIN"
ui_say me "/win 3"
check "/win 3 goes to the second chat" ui_wait_line me 0 "w2@$DOMAIN"
ui_say me "/win 12"
check "/win 12 reaches a window Alt-N cannot" ui_wait_line me 0 "w11@$DOMAIN"
ui_say me "/win 40"
check "/win 40 says there are 12" ui_wait me "no window 40: there are 12"
ui_say me "/wins"
check "/wins lists the status window" ui_wait me "1: status"
check "... and window 12, marked as the current one" ui_wait me "12: w11 (w11@$DOMAIN) <- here"
ui_say me "/query $B@$DOMAIN hello from query"
check "/query opens the chat and sends the text" ui_wait peer "hello from query"
check "... in window 13" ui_wait_line me 0 "Bob"
ui_say me "/close"
check "/close closes it: window 13 is gone" ui_wait_line me 0 "w11@$DOMAIN"
ui_say me "/win 1"
check "/win 1 is the status window" ui_wait_line me 0 "status:"

# ---- /status, /away, /back, /priority ui_say what they did ----
ui_say me "/status"
check "/status alone shows the presence" ui_wait me "your presence: online, priority 0"
ui_say me '/status away "out for lunch"'
check "/status confirms what it set" ui_wait me 'presence set: away "out for lunch", priority 0'
check "my status line says away" ui_wait_line me -2 "[away]"
check "the peer gets the message without the quotes" ui_wait peer "is away: out for lunch"
check "... never with them" ui_lacks peer "is away: \"out for lunch"
ui_say me "/priority 7"
check "/priority confirms" ui_wait me "priority set to 7"
ui_say me "/priority"
check "/priority alone shows it" ui_wait me "priority 7"
ui_say me "/back"
check "/back: online, without a message" ui_wait me "presence set: online, priority 7"
check "the peer sees me online" ui_wait_re peer "is online\$"
ui_say me "/away 'at the dentist'"
check "/away sets away with its message" ui_wait me 'presence set: away "at the dentist"'
check "the peer sees that message" ui_wait peer "is away: at the dentist"

# ---- /leave is /part ----
ui_say me "/leave"
check "/leave is a command (as /part: it wants a room)" \
	ui_wait me "/part works in a room you are in"
check "no 'unknown command'" ui_lacks me "unknown command"

ui_say me "/quit"
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
ui_done
