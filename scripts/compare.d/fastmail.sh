# FastMail for scripts/compare: the published binary (scripts/publish -> artifacts/publish/fastmail)
# with a private config and data directory under $WORK, SMTP on $FASTMAIL_SMTP_PORT and POP3 on
# $FASTMAIL_POP3_PORT, both on 127.0.0.1. Needs WORK, FASTMAIL_BIN, DOMAIN, PASSWORD,
# FASTMAIL_SMTP_PORT, FASTMAIL_POP3_PORT; FASTMAIL_USER_SUFFIX (default empty) is appended to
# user names, for a build whose accounts are full addresses (FASTMAIL_USER_SUFFIX=@bench.test).
# FASTMAIL_MAX_CONNECTIONS (default 1000, FastMail's own default) sets limits.maxConnections and
# limits.maxConnectionsPerIp; FASTMAIL_EXTRA_JSON (e.g. ',"accounts":{"pbkdf2Iterations":4096}') is appended
# to the top-level object.

FASTMAIL_PID=""

fastmail_available() { [[ -x "$FASTMAIL_BIN" ]]; }

fastmail_config() { echo "$WORK/fastmail/fastmail.json"; }

# fastmail_setup USER...
fastmail_setup() {
    mkdir -p "$WORK/fastmail/data"
    cat > "$(fastmail_config)" <<CONF
{"hostName":"localhost","primaryDomain":"$DOMAIN","dataDirectory":"$WORK/fastmail/data","logLevel":"warning","smtp":{"listen":["127.0.0.1:$FASTMAIL_SMTP_PORT"],"submissionListen":"","smtpsListen":""},"pop3":{"listen":["127.0.0.1:$FASTMAIL_POP3_PORT"],"pop3sListen":""},"limits":{"maxConnections":${FASTMAIL_MAX_CONNECTIONS:-1000},"maxConnectionsPerIp":${FASTMAIL_MAX_CONNECTIONS:-1000},"maxConnectionRatePerIp":0}${FASTMAIL_EXTRA_JSON:-}}
CONF
    local user
    for user in "$@"; do
        "$FASTMAIL_BIN" user add "$user$FASTMAIL_USER_SUFFIX" --password "$PASSWORD" --config "$(fastmail_config)" \
            >>"$WORK/fastmail-setup.log" 2>&1 || {
            echo "fastmail user add $user failed; see $WORK/fastmail-setup.log" >&2
            return 1
        }
    done
}

fastmail_start() {
    "$FASTMAIL_BIN" serve --config "$(fastmail_config)" >>"$WORK/fastmail.log" 2>&1 &
    FASTMAIL_PID=$!
    local i
    for i in $(seq 1 100); do
        if port_open "$FASTMAIL_SMTP_PORT" && port_open "$FASTMAIL_POP3_PORT"; then return 0; fi
        kill -0 "$FASTMAIL_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "fastmail did not start; see $WORK/fastmail.log" >&2
    return 1
}

fastmail_pid() { echo "$FASTMAIL_PID"; }

fastmail_stop() {
    [[ -n "$FASTMAIL_PID" ]] || return 0
    kill -TERM "$FASTMAIL_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$FASTMAIL_PID" 2>/dev/null || { FASTMAIL_PID=""; return 0; }; sleep 0.1; done
    kill -9 "$FASTMAIL_PID" 2>/dev/null || true
    FASTMAIL_PID=""
}
