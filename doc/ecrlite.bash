# bash completion for ecrlite, its aws link and its cmdlet links (installed by `make
# install` to share/bash-completion/completions/ under each command's name).

_ecrlite() {
	local cur=${COMP_WORDS[COMP_CWORD]} self=${COMP_WORDS[0]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("$self" help 2>/dev/null | awk '/^  [a-z]/ {print $1}') --help --version" -- "$cur"))
		return
	fi
	case ${COMP_WORDS[1]} in
	aws) # the real CLI's completer protocol, answered by ecrlite
		COMPREPLY=($(COMP_LINE=$COMP_LINE COMP_POINT=$COMP_POINT "$self" aws_completer)) ;;
	vulndb) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "import status" -- "$cur"))
		else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
	vercmp) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "dpkg apk rpm pypi npm go maven" -- "$cur")) ;;
	lua) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "gate report rescan -e -l -i -v" -- "$cur") $(compgen -f -X '!*.lua' -- "$cur"))
		else COMPREPLY=($(compgen -W "--scan --wait --dry-run CRITICAL HIGH MEDIUM LOW INFORMATIONAL UNDEFINED" -- "$cur")); fi ;;
	pwsh) COMPREPLY=($(compgen -W "-Command -File -NoProfile -NonInteractive" -- "$cur") $(compgen -f -- "$cur")) ;;
	rematch) COMPREPLY=($(compgen -W "--all --region" -- "$cur")) ;;
	lifecycle) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "run" -- "$cur"))
		else COMPREPLY=($(compgen -W "--region --output" -- "$cur")); fi ;;
	serve) COMPREPLY=($(compgen -W "--listen --tls-cert --tls-key --credentials --no-auth --region --idle-timeout --scan-workers --lifecycle-interval --quiet --help" -- "$cur")) ;;
	push|inventory) COMPREPLY=($(compgen -W "--region --output --no-cache --platform --rootfs" -- "$cur") $(compgen -f -- "$cur")) ;;
	esac
}
complete -F _ecrlite ecrlite

# a cmdlet link: its parameters, from its own usage line (`Get-ECRImage -?`)
_ecrlite_cmdlet() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	case $cur in
	-*) COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" '-?' 2>/dev/null | grep -o -- '-[A-Za-z_]*' | sort -u)" -- "$cur")) ;;
	esac
}
# the cmdlet links, as ecrlite itself lists them
_ecrlite_links=$(command ecrlite --list-links 2>/dev/null | grep -vx aws)
[ -n "$_ecrlite_links" ] && complete -F _ecrlite_cmdlet $_ecrlite_links
unset _ecrlite_links
