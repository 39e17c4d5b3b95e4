# Bash completion for kesu(8). Installed by cmake --install into
# bash-completion's completions directory (as "kesu").
#
# kesu itself is asked for what it knows, so this file cannot go stale:
# commands and subcommands from `kesu --help` and `kesu CMD --help` (read in
# the C locale: option names are never translated), options from the same
# help, method ids from `kesu methods --json`, ledger numbers and job ids
# from `kesu ledger list --json`. Devices are only listed (whole drives
# under /dev), never opened.

# The kesu being completed: the word typed (build/kesu, /usr/sbin/kesu) if
# it runs, else kesu on PATH.
_kesu_bin() {
	local bin=${COMP_WORDS[0]}
	[[ $bin == */* && -x $bin ]] || bin=$(type -P kesu 2>/dev/null) || bin=kesu
	printf '%s' "$bin"
}

_kesu_help() {
	LC_ALL=C LANGUAGE= "$(_kesu_bin)" "$@" --help 2>/dev/null
}

# The commands: the "Commands:" lines of kesu --help.
_kesu_commands() {
	_kesu_help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'
}

# CMD's subcommands: the word after "kesu CMD" on its usage lines.
_kesu_subcommands() {
	_kesu_help "$1" | sed -n "s/^\(Usage:\)\{0,1\} *kesu $1 \([a-z][a-z0-9-]*\)\b.*/\2/p" | sort -u
}

# The options CMD [SUB]'s help names.
_kesu_options() {
	_kesu_help "$@" | grep -oE '(^|[][ (,|])--?[a-zA-Z][a-zA-Z0-9-]*' | grep -oE -- '--?[a-zA-Z][a-zA-Z0-9-]*' |
		sort -u
}

_kesu_methods() {
	"$(_kesu_bin)" methods --json 2>/dev/null | sed -n 's/^ *"id":"\([^"]*\)".*/\1/p'
}

# Ledger numbers and job ids (the station's ledger, or --ledger's).
_kesu_ledger_ids() {
	local args=() i
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == --ledger ]] && args=(--ledger "${COMP_WORDS[i + 1]}")
	done
	"$(_kesu_bin)" ledger list --json "${args[@]}" 2>/dev/null |
		sed -n 's/^ *"seq":\([0-9]*\),*$/\1/p; s/^ *"job_id":"\([0-9a-f]*\)".*/\1/p' | sort -u
}

# Whole drives: disks, NVMe namespaces, MMC cards, loop devices.
_kesu_devices() {
	local d
	for d in /dev/sd[a-z] /dev/sd[a-z][a-z] /dev/vd[a-z] /dev/hd[a-z] /dev/nvme[0-9]*n[0-9] \
		/dev/nvme[0-9]*n[0-9][0-9] /dev/mmcblk[0-9] /dev/mmcblk[0-9][0-9] /dev/loop[0-9]*; do
		[[ -b $d ]] || continue
		# a loop device only when it is attached to a file
		[[ $d != /dev/loop* || -e /sys/block/${d#/dev/}/loop/backing_file ]] &&
			printf '%s\n' "$d"
	done
	[[ $cur == /dev/disk/* ]] && compgen -f -- "$cur"
}

_kesu() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]-} sub= words
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		words=$(_kesu_commands; echo help --help --version)
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	local subs
	subs=$(_kesu_subcommands "$cmd")
	if [[ -n $subs ]] && ((COMP_CWORD == 2)) && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
		return
	fi
	[[ -n $subs && ${COMP_WORDS[2]-} != -* ]] && sub=${COMP_WORDS[2]-}
	[[ $cmd == help ]] && { mapfile -t COMPREPLY < <(compgen -W "$(_kesu_commands)" -- "$cur"); return; }

	# An option's value.
	case $prev in
	--method | --methods) words=$(_kesu_methods) ;;
	--verify) words='sample full none' ;;
	--verify-passes) words='last all' ;;
	--class) words='I II III' ;;
	--purpose) words='disposal lease-return repair reuse' ;;
	--technique) words='drill crush shred disintegrate incinerate degauss' ;;
	--role) words='approver witness validator contractor' ;;
	--progress) words='json' ;;
	--outcome) words='SUCCESS ERASED_WITH_EXCEPTIONS UNVERIFIED FAILED INTERRUPTED ABANDONED' ;;
	--expect) words='zero ff pattern: random:' ;;
	--ledger | --cert-dir | --key | --policy | --approval | --photo | --password-file | \
		--passphrase-file | --pin-file | --trust | --pubkey | --methods-dir | --media-file | \
		--asset-file | --members | --output | -o | --pkcs12 | --log | --out)
		[[ $prev == -o && $cmd == list ]] && return # columns
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	esac
	if [[ -n ${words-} ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_kesu_options "$cmd" ${sub:+"$sub"})" -- "$cur")
		return
	fi
	# An argument.
	case $cmd${sub:+ $sub} in
	list | info | check | wipe | destroy | tui | verify | unlock)
		mapfile -t COMPREPLY < <(compgen -W "$(_kesu_devices)" -- "$cur") ;;
	"ledger show" | "ledger abandon" | "cert issue" | countersign)
		mapfile -t COMPREPLY < <(compgen -W "$(_kesu_ledger_ids)" -- "$cur") ;;
	"methods show")
		mapfile -t COMPREPLY < <(compgen -W "$(_kesu_methods)" -- "$cur") ;;
	*)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null ;;
	esac
}
complete -F _kesu kesu
