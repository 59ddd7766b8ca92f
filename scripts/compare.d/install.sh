# Installs what scripts/compare needs from Debian, once, without starting or enabling the system
# mail services: postfix (ships smtp-source in /usr/sbin, verified on Debian 12 with dpkg -S)
# and dovecot-pop3d (pulls in dovecot-core).

# Prints the pids of Postfix masters and Dovecot masters that are not our private instances
# (ours get MAIL_CONFIG / -c under $WORK).
system_mail_running() {
    local pid
    for pid in $(pgrep -x master 2>/dev/null || true); do
        [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */postfix/sbin/master ]] || continue
        tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "MAIL_CONFIG=$WORK/.*" || echo "$pid"
    done
    for pid in $(pgrep -x dovecot 2>/dev/null || true); do
        tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- " $WORK/" || echo "$pid"
    done
}

install_packages() {
    local missing=()
    command -v postfix >/dev/null 2>&1 && [[ -x /usr/sbin/smtp-source ]] || missing+=(postfix)
    [[ -x /usr/sbin/dovecot && -e /usr/lib/dovecot/pop3 ]] || missing+=(dovecot-core dovecot-pop3d)
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    echo "installing ${missing[*]} (apt-get)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    # "No configuration": the package must not set up (and start) a system-wide MTA on port 25.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    local before
    before=$(system_mail_running)
    # policy-rc.d 101 keeps maintainer scripts from starting services during the install.
    local added_policy=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        added_policy=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [[ -n "$added_policy" ]] && rm -f /usr/sbin/policy-rc.d
    stop_system_mail_started_since "$before"
}

# Stops system postfix/dovecot instances that were not running before (and keeps them off at boot).
stop_system_mail_started_since() {
    local before=" $1 " pid
    for pid in $(system_mail_running); do
        [[ "$before" == *" $pid "* ]] && continue
        echo "stopping system mail process $pid started by the install" >&2
        kill -TERM "$pid" 2>/dev/null || true
    done
    if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
        systemctl disable --now postfix dovecot >/dev/null 2>&1 || true
    fi
}
