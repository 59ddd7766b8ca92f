# FastMail as a relay for scripts/compare-relay: the published binary with a private data
# directory under $WORK, SMTP on 127.0.0.1:$FASTMAIL_SMTP_PORT, and the relay keys
# (relay.allowRelay, relay.trustedNetworks, relay.routes) pointing every remote domain at the
# load runner's sink. FASTMAIL_RELAY_SETS (space-separated key=value) replaces those keys, e.g.
# to try a build whose route syntax differs. Reuses fastmail_available/fastmail_stop/fastmail_pid
# from compare.d/fastmail.sh; FASTMAIL_PID is the binary's own pid (started directly, no wrapper).
# Needs WORK, FASTMAIL_BIN, DOMAIN, FASTMAIL_SMTP_PORT, FASTMAIL_POP3_PORT, SINK_PORT.

fastmail_relay_sets() {
    echo "${FASTMAIL_RELAY_SETS:-relay.allowRelay=true relay.trustedNetworks=127.0.0.0/8 relay.routes=*=127.0.0.1:$SINK_PORT}"
}

fastmail_relay_setup() {
    mkdir -p "$WORK/fastmail/data"
    cat > "$(fastmail_config)" <<CONF
{"hostName":"localhost","primaryDomain":"$DOMAIN","dataDirectory":"$WORK/fastmail/data","logLevel":"warning","smtp":{"listen":["127.0.0.1:$FASTMAIL_SMTP_PORT"],"submissionListen":"","smtpsListen":""},"pop3":{"listen":["127.0.0.1:$FASTMAIL_POP3_PORT"],"pop3sListen":""},"limits":{"maxConnectionsPerIp":1000,"maxConnectionRatePerIp":0}}
CONF
}

# fastmail_relay_start: starts the server; on failure prints why (its own words) and returns 1.
fastmail_relay_start() {
    local args=(serve --config "$(fastmail_config)") kv
    for kv in $(fastmail_relay_sets); do args+=(--set "$kv"); done
    FASTMAIL_COMMAND="fastmail ${args[*]}"
    : > "$WORK/fastmail.log"
    "$FASTMAIL_BIN" "${args[@]}" >>"$WORK/fastmail.log" 2>&1 &
    FASTMAIL_PID=$!
    local i
    for i in $(seq 1 100); do
        port_open "$FASTMAIL_SMTP_PORT" && return 0
        if ! kill -0 "$FASTMAIL_PID" 2>/dev/null; then
            wait "$FASTMAIL_PID" 2>/dev/null || true
            FASTMAIL_PID=""
            FASTMAIL_WHY="exited at start: $(grep -v '^$' "$WORK/fastmail.log" | tail -1)"
            return 1
        fi
        sleep 0.1
    done
    FASTMAIL_WHY="not listening on 127.0.0.1:$FASTMAIL_SMTP_PORT after 10 s (see $WORK/fastmail.log)"
    fastmail_stop
    return 1
}
