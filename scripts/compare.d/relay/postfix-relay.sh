# Postfix as a store-and-forward relay for scripts/compare-relay: the private instance of
# compare.d/postfix.sh (own config, queue and log under $WORK, no chroot, 127.0.0.1:$POSTFIX_PORT)
# with one change: every domain it does not serve goes to relayhost [127.0.0.1]:$SINK_PORT, the
# load runner's sink. Everything else is stock, delivery concurrency included
# (default_destination_concurrency_limit 20, connection cache on demand).
# Needs WORK, POSTFIX_PORT, SINK_PORT, VMAIL_UID, VMAIL_GID, DOMAIN; postfix.sh sourced first.

postfix_relay_setup() {
    postfix_setup   # no local users: only the sink's domain matters
    local conf; conf="$(postfix_dir)/conf"
    # [brackets]: the next hop is this address itself, no MX lookup (postconf(5) relayhost).
    postconf -c "$conf" -e "relayhost = [127.0.0.1]:$SINK_PORT"
    postfix -c "$conf" check >>"$WORK/postfix-check.log" 2>&1 || true
}

# postfix_relay_facts: the settings that shape relay throughput, as this Postfix has them.
postfix_relay_facts() {
    local conf; conf="$(postfix_dir)/conf"
    echo "- Postfix $(postconf -c "$conf" -h mail_version): relayhost $(postconf -c "$conf" -h relayhost)," \
        "default_destination_concurrency_limit $(postconf -c "$conf" -h default_destination_concurrency_limit)," \
        "smtp_destination_concurrency_limit $(postconf -c "$conf" -h smtp_destination_concurrency_limit)," \
        "default_process_limit $(postconf -c "$conf" -h default_process_limit)," \
        "smtp_connection_cache_on_demand $(postconf -c "$conf" -h smtp_connection_cache_on_demand) (all stock)"
}

# postfix_wait_empty SECONDS: until the queue is empty; false when it is not by then.
postfix_wait_empty() {
    local i
    for i in $(seq 1 $(( $1 * 10 ))); do
        postfix_queue_empty && return 0
        sleep 0.1
    done
    return 1
}
