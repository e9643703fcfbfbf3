# bash completion for ecrlite's aws link, by the real CLI's completer protocol. `make
# install AWS_LINK=1` installs it as share/bash-completion/completions/aws (only then:
# the system CLI's own completion is never replaced otherwise).
complete -C 'ecrlite aws_completer' aws
