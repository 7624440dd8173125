# bash completion for kctl. Load it with: source <(kctl completion bash)
# On TAB it asks `kctl` (from PATH) for candidates; keep kctl and this script from one release.
_kctl_complete() {
    local IFS=$'\n'
    local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}" "$2")
    local out
    out=$(KCTL_COMPLETE=bash kctl -- "${words[@]}" 2>/dev/null) || return 0
    COMPREPLY=()
    local line
    while IFS= read -r line; do
        [[ -n $line ]] && COMPREPLY+=("$line")
    done <<<"$out"
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[=/] ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -o nosort -F _kctl_complete kctl 2>/dev/null || complete -F _kctl_complete kctl
