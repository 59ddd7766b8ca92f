# Result bookkeeping and the markdown output of scripts/compare.

declare -A RESULTS=()   # RESULTS[scenario|server|metric] = space-separated values, one per round

record() { RESULTS["$1|$2|$3"]+="$4 "; }

# med SCENARIO SERVER METRIC: the median over the rounds, or "" when none was recorded.
med() {
    local values="${RESULTS["$1|$2|$3"]:-}"
    [[ -n "${values// /}" ]] || { echo ""; return; }
    tr ' ' '\n' <<<"$values" | grep -v '^$' | median
}

fmt() { [[ -n "$1" ]] && LC_ALL=C printf "%.${2:-1}f" "$1" || echo "pending"; }

# ratio A B: A/B with two decimals, or "–" when either is missing or B is zero.
ratio() {
    if [[ -n "$1" && -n "$2" ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
        LC_ALL=C awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'
    else
        echo "–"
    fi
}

results_table() {
    echo "| scenario | FastMail msg/s | Postfix/Dovecot msg/s | ratio | FastMail CPU ms/msg | Postfix/Dovecot CPU ms/msg | ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    local s title f_rate p_rate f_cpu p_cpu
    for s in "${SCENARIOS[@]}"; do
        title="${SCENARIO_TITLE[$s]}"
        f_rate=$(med "$s" fastmail rate); p_rate=$(med "$s" reference rate)
        f_cpu=$(med "$s" fastmail cpu); p_cpu=$(med "$s" reference cpu)
        echo "| $title | $(fmt "$f_rate") | $(fmt "$p_rate") | $(ratio "$f_rate" "$p_rate") | $(fmt "$f_cpu" 3) | $(fmt "$p_cpu" 3) | $(ratio "$f_cpu" "$p_cpu") |"
        if [[ " ${TUNED_SCENARIOS[*]:-} " == *" $s "* ]]; then
            # Same FastMail figures, against the tuned Dovecot (compare.d/dovecot.sh).
            p_rate=$(med "$s" tuned rate); p_cpu=$(med "$s" tuned cpu)
            echo "| ${TUNED_TITLE[$s]} | $(fmt "$f_rate") | $(fmt "$p_rate") | $(ratio "$f_rate" "$p_rate") | $(fmt "$f_cpu" 3) | $(fmt "$p_cpu" 3) | $(ratio "$f_cpu" "$p_cpu") |"
        fi
    done
}

machine_facts() {
    echo "- CPU: $(nproc) cores visible, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- kernel: $(uname -r); OS: $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- Postfix $(postconf -dh mail_version 2>/dev/null), Dovecot $(dovecot --version 2>/dev/null | cut -d' ' -f1), .NET SDK $(dotnet --version 2>/dev/null)"
    echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows up as noise)"
}

# write_performance_doc FILE: replaces the generated block between the markers (or appends it).
write_performance_doc() {
    local file="$1" block
    block="$(generated_block)"
    mkdir -p "$(dirname "$file")"
    if [[ -f "$file" ]] && grep -qx '<!-- compare:begin -->' "$file"; then
        BLOCK="$block" awk '
            /^<!-- compare:begin -->$/ { print; print ENVIRON["BLOCK"]; skip = 1; next }
            /^<!-- compare:end -->$/ { skip = 0 }
            !skip { print }' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
    else
        { [[ -f "$file" ]] && cat "$file"; echo; echo '<!-- compare:begin -->'; echo "$block"; echo '<!-- compare:end -->'; } > "$file.tmp"
        mv "$file.tmp" "$file"
    fi
}

generated_block() {
    echo "## Measured by scripts/compare on $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    if [[ "$FASTMAIL_STATUS" != "measured" ]]; then
        echo "**FastMail figures are pending**: $FASTMAIL_STATUS. The Postfix/Dovecot column is real."
        echo
    fi
    echo "Median of $ROUNDS rounds per cell, servers interleaved (FastMail, Postfix/Dovecot, FastMail, ...),"
    echo "concurrency 16, everything on 127.0.0.1. CPU is the server's user+sys time over the run"
    echo "(all its processes, exited children included) divided by the messages (or logins) done."
    echo "ratio = FastMail / Postfix-Dovecot: above 1 is better for msg/s, below 1 is better for CPU ms/msg."
    echo "Rows marked **tuned** compare the same FastMail figures with a Dovecot configured by its own performance"
    echo "documentation (high-performance login processes, auth cache, pop3 process reuse, pop3_no_flag_updates,"
    echo "maildir_very_dirty_syncs, indexes on tmpfs; scripts/compare.d/dovecot.sh). smtp-source has no PIPELINING"
    echo "(its man page, BUGS), so Postfix's own client appears with -d (connection reuse) only. Before each POP3"
    echo "drain every mailbox has one untimed login, which warms each server's auth cache as the login rows' warm-up does."
    echo
    results_table
    echo
    local server
    for server in fastmail reference tuned; do
        if [[ -n "${ERRORS[$server]:-}" ]]; then
            echo "Errors during the runs ($(case $server in fastmail) echo FastMail ;; tuned) echo tuned Dovecot ;; *) echo Postfix/Dovecot ;; esac)): ${ERRORS[$server]} (see the compare output)."
            echo
        fi
    done
    echo "Machine:"
    echo
    machine_facts
    echo
    echo "Commands (ports: FastMail SMTP $FASTMAIL_SMTP_PORT / POP3 $FASTMAIL_POP3_PORT, Postfix $POSTFIX_PORT, Dovecot $DOVECOT_PORT, tuned Dovecot ${DOVECOT_TUNED_PORT:-}; shown for Postfix/Dovecot):"
    echo
    echo '```'
    printf '%s\n' "${COMMANDS[@]}"
    echo '```'
}
