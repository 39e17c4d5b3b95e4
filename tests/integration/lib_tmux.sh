# Driving kesu tui through tmux, for the test_tui*.sh scripts (source it
# after lib.sh). A tmux server of our own: it starts with the test's
# environment (its config, key and ledger locations), and killing it cannot
# touch anyone else's sessions.
command -v tmux >/dev/null || { echo "$TEST_NAME: needs tmux" >&2; exit 1; }

TMUX_SOCK="kesu-test-$$"
SESSION=tui
tm() { tmux -L "$TMUX_SOCK" "$@"; }
tui_cleanup() {
	tm kill-server 2>/dev/null || true
	cleanup
}
trap tui_cleanup EXIT

pane() { tm capture-pane -p -t "$SESSION"; }
keys() { tm send-keys -t "$SESSION" "$@"; }

# wait_for TEXT: polls the screen until TEXT shows (60 s); dumps it if not.
# The screen is read whole, then searched: a grep -q that stops reading
# early must not fail the pipe (pipefail).
wait_for() {
	local i screen
	for i in $(seq 600); do
		screen=$(pane 2>/dev/null) || screen=
		grep -qF -- "$1" <<<"$screen" && return 0
		sleep 0.1
	done
	echo "--- screen, waiting for \"$1\" ---"
	pane || true
	echo "---"
	return 1
}

# expect_screen DESCRIPTION TEXT: the rest of the flow depends on each
# screen, so a missing one ends the test.
expect_screen() {
	if wait_for "$2"; then
		ok "$1"
	else
		not_ok "$1"
		finish
		exit 1
	fi
}

# form_method NAME KEY: on the job form, presses KEY (Left or Right) until
# method NAME shows (at most 60 times).
form_method() {
	local i
	for i in $(seq 60); do
		grep -q "Method *< $1 >" <<<"$(pane)" && break
		keys "$2"
		sleep 0.1
	done
	expect_screen "method $1 chosen" "< $1 >"
}

# form_zero_full: on the job form, chooses method zero (methods are in id
# order: step back until it shows) with a full read-back (zero reads
# nothing back by default: UNVERIFIED; a full read makes SUCCESS), then
# goes down to the form's last line.
form_zero_full() {
	local i
	form_method zero Left
	keys Down Right Right
	expect_screen "verification full chosen" "Verify       < full >"
	for i in $(seq 14); do keys Down; done
}
