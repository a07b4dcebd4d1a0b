#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/files.sh - files in a chat, in the real binary against the
# project's Prosody (mod_http_file_share): Tab completes a path after
# /upload, the progress line shows a bar with percent, bytes, rate and
# time left (rate_limit keeps the 2 MB upload running for seconds, so
# that it is seen), the link goes out only once the upload is done and is
# numbered [1]; the echo contact's copy is [2]; /download fetches the
# newest into download_dir byte for byte, and again under a new name;
# /open runs open_cmd with the link; M-c cancels the window's upload; a
# message with an out-of-band URL (XEP-0066) its body does not have
# shows the URL, numbered, and /download fetches it; a missing file and
# /upload cancel with nothing running each get one line; /quit during a
# download removes its .part file.
. "$(dirname "$0")/lib.sh"

user=$(ui_user files)
peer=$(ui_user peer)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$user" files-pw "$peer" peer-pw >/dev/null
mkdir -p "$UI_TMP/$user/config" "$UI_TMP/src" "$UI_TMP/dl"
head -c 2000000 /dev/urandom >"$UI_TMP/src/upload-me.bin"
cat >"$UI_TMP/opener" <<EOF2
#!/bin/sh
printf '%s\n' "\$1" >"$UI_TMP/opened"
EOF2
chmod +x "$UI_TMP/opener"
printf '[ui]\ndownload_dir = %s\nopen_cmd = %s\nrate_limit = 400\n' \
	"$UI_TMP/dl" "$UI_TMP/opener" >"$UI_TMP/$user/config/config"

ui_start me "$user" files-pw 150 40
check "logged in" ui_wait me "logged in as"
ui_type me "/msg echo@localhost files ahead"
ui_keys me Enter
check "the chat is open" ui_wait me "echo: files ahead"

ui_type me "/upload $UI_TMP/src/upl"
ui_keys me Tab
check "Tab completes the path" ui_wait me "/upload $UI_TMP/src/upload-me.bin"
ui_keys me Enter
check "the progress line: bar, percent, bytes, rate, time left" \
	ui_wait_re me 'upload upload-me\.bin \[[#-]{20}\] [0-9]+% [0-9.]+ [kM]?B/2\.0 MB [0-9.]+ [kM]?B/s [0-9?]+ ?s? ?left'
check "the upload ends" ui_wait me "upload upload-me.bin done" 30
check "our link is shown, numbered [1]" ui_wait_re me '> https://127\.0\.0\.1:[0-9]+/.*upload-me\.bin \[1\]'
check "the echo's copy is numbered [2]" ui_wait_re me 'echo: https://.*upload-me\.bin \[2\]'

ui_type me "/download"
ui_keys me Enter
check "/download saves the newest link" ui_wait me "saved as $UI_TMP/dl/upload-me.bin" 30
check "byte for byte" cmp -s "$UI_TMP/src/upload-me.bin" "$UI_TMP/dl/upload-me.bin"
ui_type me "/download 1"
ui_keys me Enter
check "a second download takes a new name" ui_wait me "saved as $UI_TMP/dl/upload-me (1).bin" 30
check "no .part is left" bash -c "! ls '$UI_TMP/dl' | grep -q part"

ui_type me "/open 2"
ui_keys me Enter
check "/open says what it runs" ui_wait me "opening with $UI_TMP/opener"
check "open_cmd got the link" bash -c "for i in \$(seq 50); do grep -q '^https://127.0.0.1:.*upload-me.bin\$' '$UI_TMP/opened' 2>/dev/null && exit 0; sleep 0.1; done; exit 1"

# The cancel-transfer key (M-c) stops this window's transfer.
ui_say me "/upload $UI_TMP/src/upload-me.bin"
check "an upload runs" ui_wait_re me 'upload upload-me\.bin \[[#-]{20}\] [0-9]+%.*M-c or /upload cancel stops it'
ui_keys me M-c
check "M-c cancels it, nothing sent" ui_wait me "upload upload-me.bin failed, nothing was sent: cancelled"
ui_keys me M-c
check "M-c with nothing running here is one line" ui_wait me "no transfer in this window"

# A message whose out-of-band element (XEP-0066) names a URL its body
# does not: the URL is shown, numbered, and /download fetches it.
URL=$(ui_screen me | grep -oE 'https://127\.0\.0\.1:[0-9]+/[^ ]*upload-me\.bin' | head -1)
check "the uploaded link is read off the screen" [ -n "$URL" ]
ui_start peer "$peer" peer-pw 150 40
check "the peer logged in" ui_wait peer "logged in as"
ui_say peer "/raw <message to='$user@localhost' type='chat' id='oob1'><body>look at this</body><x xmlns='jabber:x:oob'><url>$URL</url></x></message>"
ui_keys me M-3
check "the body shows" ui_wait_re me "look at this"
check "... the URL, numbered [3]" ui_wait_re me "https://127\.0\.0\.1:[0-9]+/[^ ]*upload-me\.bin \[3\]"
ui_say me "/download 3"
check "/download fetches it" ui_wait me "saved as $UI_TMP/dl/upload-me (2).bin" 30
check "... byte for byte" cmp -s "$UI_TMP/src/upload-me.bin" "$UI_TMP/dl/upload-me (2).bin"
ui_say peer "/quit"
check "the peer exits 0" [ "$(ui_wait_exit "$peer")" = 0 ]

ui_type me "/upload $UI_TMP/src/nothing-here"
ui_keys me Enter
check "a missing file is one line" ui_wait me "cannot upload $UI_TMP/src/nothing-here: No such file or directory"
ui_type me "/upload cancel"
ui_keys me Enter
check "cancel with nothing running is one line" ui_wait me "no transfer is running"

# Leaving in the middle of a download: the .part file goes too.
ui_type me "/download 1"
ui_keys me Enter
check "a third download runs" ui_wait me "download upload-me.bin ["
check "as upload-me.bin.part, beside the files" test -e "$UI_TMP/dl/upload-me.bin.part"
ui_type me "/quit"
ui_keys me Enter
check "/quit exits 0" [ "$(ui_wait_exit "$user")" = 0 ]
check "the partial download is removed" bash -c "! ls '$UI_TMP/dl' | grep -q part"

# The next start: the chat read back from the message store numbers its
# link too, and /download alone takes it, the newest.
ui_start me "$user" files-pw 150 40
check "logged in again" ui_wait me "logged in as"
ui_say me "/msg $peer@localhost"
check "the chat's link, read from the store, is numbered" \
	ui_wait_re me "https://127\.0\.0\.1:[0-9]+/[^ ]*upload-me\.bin \[1\]"
ui_say me "/download"
check "/download alone fetches it" ui_wait me "saved as $UI_TMP/dl/upload-me (3).bin" 30
ui_say me "/quit"
check "/quit exits 0 once more" [ "$(ui_wait_exit "$user")" = 0 ]
check "no sanitizer report" bash -c "! grep -q Sanitizer '$UI_TMP/$user.err'"
ui_done
