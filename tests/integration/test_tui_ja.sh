#!/bin/bash
# ctest: alone
# kesu tui in Japanese (issue 18): LANG=ja_JP.UTF-8 on a machine without an
# installed ja_JP locale, TERM=vt100, 80x25 in tmux. A whole job on one
# 4 MiB loop device, checking the Japanese words of each screen (drive
# list, details, form, confirmation, progress, results), and the
# Enter-on-choice regression: a confirmation retyped on the form (ERASE +
# Enter) used to change the method from dod-3pass to dod-ece-7pass. F10 is
# sent as tmux sends it (ESC [21~), which a vt100 terminfo does not know.
# The fault library's slow writes keep the progress screen up long enough
# to read it.
source "$(dirname "$0")/lib.sh"
FAULT=${KESU_FAULT_LIB:?}

source "$(dirname "$0")/lib_tmux.sh"
# on_screen DESCRIPTION TEXT: TEXT is on the screen now
on_screen() {
	local screen
	screen=$(pane)
	check "$1" grep -qF -- "$2" <<<"$screen"
}
# Every line fits 80 screen columns (a Japanese character takes two).
fits_80() {
	pane | python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
sys.exit(any(w(l.rstrip("\n")) > 80 for l in sys.stdin))'
}

size=$((4 << 20))
img=$(make_image a.img 4M)
head -c "$size" /dev/urandom | dd of="$img" conv=notrunc status=none
cp "$img" "$WORK/a.orig"
dev=$(attach "$img")
R="$WORK/results"
mkdir -p "$R"
L="$R/ledger.sqlite"
K="$R/station.key"

check "no ja_JP locale is installed (the catalog must work without one)" \
	bash -c "! locale -a 2>/dev/null | grep -qi '^ja_JP'"

# Slow writes (64 KiB at a time, 15 ms each): about 1 s a pass.
tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 LANG=ja_JP.UTF-8 \
	 LD_PRELOAD='$FAULT' KESU_FAULT_PATH='$dev' KESU_FAULT_SHORT=65536 KESU_FAULT_DELAY_US=15000 \
	 KESU_FAULT_CLOCK=unsync KESU_NO_CLOCK_WARNING= \
	 '$KESU' tui --ledger '$L' --cert-dir '$R/certs' --key '$K' $dev; \
	 echo EXIT=\$? > '$WORK/exit'; sleep 60"

# ---- the drive list ----
expect_screen "the drive list, in Japanese" "0 台選択"
on_screen "the title says ドライブ" " - ドライブ"
on_screen "the columns are Japanese" "デバイス"
on_screen "the keys are Japanese" "Space 選択  i 詳細"
check "the list fits 80 columns" fits_80

# ---- details: labelled values, not JSON names ----
keys i
expect_screen "the details screen" "$dev の詳細"
on_screen "the size is labelled 容量, with its bytes" "4M (4194304 バイト)"
on_screen "transport is labelled 接続方式" "接続方式"
check "no JSON member names" bash -c "! grep -qE 'logical_sector|read_only|smart\\.' <<<\"\$(tmux -L '$TMUX_SOCK' capture-pane -p -t '$SESSION')\""
keys Escape
expect_screen "back at the list" "0 台選択"
keys Space
expect_screen "the drive is selected" "1 台選択"

# ---- the form ----
keys Enter
expect_screen "the job form" "作業者 *"
on_screen "the method with its Japanese title" "消去方式   < dod-3pass >  米国国防総省方式"
on_screen "labels line up: 重要性分類 is the widest" "重要性分類 < Ⅲ >"
on_screen "the form's keys name F10 and Ctrl-X" "F10/Ctrl-X 開始"
check "the form fits 80 columns" fits_80

# ---- Enter on a choice: the reported sequence ----
keys F10
expect_screen "F10 under TERM=vt100 goes on to the confirmation" "ERASE と入力してください"
on_screen "the confirmation names the method in Japanese" "消去方式 dod-3pass: 米国国防総省方式"
keys "ERAS" Enter
expect_screen "a wrong confirmation goes back to the form" "確定していません (ERASE が入力されませんでした)"
keys "ERASE" Enter
expect_screen "Enter on the method says how to change it" "Enter では変わりません"
on_screen "the method is still dod-3pass" "消去方式   < dod-3pass >"
check "not dod-ece-7pass" bash -c "! grep -q 'dod-ece-7pass' <<<\"\$(tmux -L '$TMUX_SOCK' capture-pane -p -t '$SESSION')\""
check "nothing was written" cmp -s "$img" "$WORK/a.orig"
check "no ledger was created" test ! -e "$L"

# ---- confirmation, progress, results ----
keys C-x
expect_screen "Ctrl-X goes on too" "ERASE と入力してください"
on_screen "the confirmation still says dod-3pass" "消去方式 dod-3pass"
keys "ERASE" Enter
expect_screen "the progress screen" "消去中: 電源を切ったり"
expect_screen "whole-run progress: percent, elapsed, left" "全ドライブ:"
screen=$(pane)
check "the drive's pass line (書込み or 検証, pass n/3)" grep -qE "$dev +(書込み|検証) +パス [0-3]/3" <<<"$screen"
check "the drive's whole-job line: elapsed and left" grep -qE "作業全体 [0-9.]+%  経過 [0-9]+:[0-9]{2}  残り" <<<"$screen"
check "the whole run: percent, elapsed and left" grep -qE "全ドライブ: [0-9.]+%  経過 [0-9]+:[0-9]{2}  残り" <<<"$screen"
check "the stop key is Japanese" grep -qF "q 消去を止める" <<<"$screen"
# The wipe child speaks JSON to the TUI, but its messages are for the
# reader: the clock warning (the fault library says the clock is not
# synchronised) shows in Japanese, not English.
check "the child's message is Japanese" grep -qF "この端末の時計は同期されていません" <<<"$screen"
check "and not English" bash -c "! grep -qF 'clock is not synchronised' <<<\"\$1\"" _ "$screen"
expect_screen "the results screen" "結果: すべてのドライブを消去しました"
screen=$(pane)
check "$dev 消去完了 with dod-3pass and the Japanese level" \
	grep -qE "^$dev  消去完了  消去方式 dod-3pass  NIST レベル クリア" <<<"$screen"
check "the certificate line" grep -qF "証明書: $R/certs/" <<<"$screen"
check "the exit status line" grep -qF "kesu wipe: 終了ステータス 0。すべてのドライブが消去完了です" <<<"$screen"
check "the results fit 80 columns" fits_80
keys q
for i in $(seq 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
check "kesu tui exited 0" grep -qx "EXIT=0" "$WORK/exit"
check "the drive was written" bash -c "! cmp -s '$img' '$WORK/a.orig'"
expect_exit 0 "kesu ledger verify" "$KESU" ledger verify --ledger "$L" --pubkey "${K%.key}.pub"
check "the record says dod-3pass and SUCCESS" \
	grep -q '"method": *"dod-3pass"\|dod-3pass' <("$KESU" ledger list --json --ledger "$L" 2>&1)
finish
