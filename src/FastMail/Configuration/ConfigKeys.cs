namespace FastMail.Configuration;

/// <summary>Every key FastMail reads, with its default and a one-line description (printed by `fastmail config`).</summary>
internal static class ConfigKeys
{
    public static readonly ConfigKey HostName = new("hostName", "", "Name in the SMTP greeting and Received headers; empty = this machine's host name.");
    public static readonly ConfigKey PrimaryDomain = new("primaryDomain", "localhost", "The local domain an unqualified address (\"motriles\") belongs to; always local.");
    public static readonly ConfigKey DataDirectory = new("dataDirectory", "./data", "Where mail (FASTER log) and accounts.json live; relative paths are relative to the working directory.");
    public static readonly ConfigKey LogLevel = new("logLevel", "information", "Minimum log level: trace, debug, information, warning, error.");
    public static readonly ConfigKey LogFormat = new("logFormat", "text", "Log lines on stderr: text (timestamped; systemd format when run by systemd), json (one object per line with every field), or systemd (<6> priority prefixes, no timestamp).");

    public static readonly ConfigKey SmtpListen = new("smtp.listen", "0.0.0.0:2525", "SMTP listen addresses, comma-separated host:port (use 0.0.0.0:25 for the standard port).");
    public static readonly ConfigKey SmtpMaxMessageSize = new("smtp.maxMessageSize", "25m", "Largest message accepted, advertised as SIZE (RFC 1870); k/m/g suffixes.");
    public static readonly ConfigKey SmtpMaxRecipients = new("smtp.maxRecipients", "100", "Recipients per message before 452 4.5.3 (RFC 5321 4.5.3.1.8 minimum is 100).");
    public static readonly ConfigKey SmtpMaxErrors = new("smtp.maxErrors", "10", "Protocol errors in one session before 421 and close.");
    public static readonly ConfigKey SmtpCommandTimeout = new("smtp.commandTimeout", "5m", "Time to wait for a command line before 421 (RFC 5321 4.5.3.2.7: 5 minutes).");
    public static readonly ConfigKey SmtpDataTimeout = new("smtp.dataTimeout", "3m", "Time to wait for each block of DATA before 421 (RFC 5321 4.5.3.2.5: 3 minutes).");
    public static readonly ConfigKey SmtpStrictAddresses = new("smtp.strictAddresses", "false", "true: require <angle brackets> and qualified addresses in MAIL/RCPT (501 5.1.7 otherwise); false accepts `mail from: motriles` like Postfix's strict_rfc821_envelopes=no.");

    public static readonly ConfigKey SubmissionListen = new("smtp.submissionListen", "0.0.0.0:5587", "Submission listeners (RFC 6409; AUTH required before MAIL, STARTTLS offered); empty = off. Use 0.0.0.0:587 in production.");
    public static readonly ConfigKey SmtpsListen = new("smtp.smtpsListen", "0.0.0.0:4465", "Implicit-TLS SMTP submission listeners (RFC 8314; AUTH required); empty = off. Use 0.0.0.0:465 in production.");
    public static readonly ConfigKey SmtpAllowPlaintextAuth = new("smtp.allowPlaintextAuth", "false", "Allow AUTH PLAIN/LOGIN without TLS from non-loopback clients (538 5.7.11 otherwise). SCRAM-SHA-256 is always allowed.");
    public static readonly ConfigKey SmtpLocalSenderPolicy = new("smtp.localSenderPolicy", "acceptAndMark", "Unauthenticated MAIL FROM in a local domain: accept, reject (550 5.7.1), or acceptAndMark (adds X-FastMail-Unauthenticated-Sender).");
    public static readonly ConfigKey SmtpGreetingDelay = new("smtp.greetingDelay", "0s", "Wait this long before the 220 greeting and reject clients that talk first (554); 0 = off.");
    public static readonly ConfigKey SmtpMinDataRate = new("smtp.minDataRate", "1k", "Slowest average DATA rate (bytes/second, after a short grace) before 421 and close: a slowloris defence.");

    public static readonly ConfigKey Pop3Listen = new("pop3.listen", "0.0.0.0:1110", "POP3 listen addresses, comma-separated host:port (use 0.0.0.0:110 for the standard port).");
    public static readonly ConfigKey Pop3sListen = new("pop3.pop3sListen", "0.0.0.0:9995", "Implicit-TLS POP3 listeners (RFC 8314); empty = off. Use 0.0.0.0:995 in production.");
    public static readonly ConfigKey Pop3AllowPlaintextAuth = new("pop3.allowPlaintextAuth", "false", "Allow USER/PASS and AUTH PLAIN/LOGIN without TLS from non-loopback clients (-ERR [AUTH] otherwise).");
    public static readonly ConfigKey Pop3IdleTimeout = new("pop3.idleTimeout", "10m", "Idle time before a POP3 session is closed, and the longest one command line may take to arrive (RFC 1939 3: at least 10 minutes).");
    public static readonly ConfigKey Pop3EnableApop = new("pop3.enableApop", "false", "Offer APOP (the greeting carries a timestamp); only accounts with an APOP secret can use it.");
    public static readonly ConfigKey Pop3MaxErrors = new("pop3.maxErrors", "10", "Protocol errors in one session before -ERR and close.");

    public static readonly ConfigKey MaxConnections = new("limits.maxConnections", "1000", "Concurrent connections per listener; beyond it SMTP gets 421 4.7.0, POP3 -ERR [SYS/TEMP].");
    public static readonly ConfigKey MaxConnectionsPerIp = new("limits.maxConnectionsPerIp", "20", "Concurrent connections from one client address per listener.");
    public static readonly ConfigKey MaxConnectionRatePerIp = new("limits.maxConnectionRatePerIp", "120", "New connections per minute from one client address per listener (0 = unlimited); beyond it 421 4.7.0.");
    public static readonly ConfigKey ShutdownGracePeriod = new("limits.shutdownGracePeriod", "10s", "On SIGTERM/SIGINT: how long an in-flight DATA may take to finish before connections are cut.");

    public static readonly ConfigKey TlsCertificate = new("tls.certificate", "", "PEM certificate (chain) for STARTTLS/STLS and implicit TLS; empty = a self-signed one generated once into DATA/tls.");
    public static readonly ConfigKey TlsKey = new("tls.key", "", "PEM private key matching tls.certificate; set both or neither.");

    public static readonly ConfigKey LoginPenalty = new("accounts.loginPenalty", "true", "Slow down and then lock out (5 min after 10 failures) repeated failed logins per client address and per account.");

    public static readonly ConfigKey AllowRelay = new("relay.allowRelay", "false", "The \"Allow Relay\" switch: when true, clients in relay.trustedNetworks may send to other domains. Never expose this to the internet with a wide network: that is an open relay.");
    public static readonly ConfigKey TrustedNetworks = new("relay.trustedNetworks", "127.0.0.0/8,::1/128", "Networks (CIDR, comma-separated) that may relay when relay.allowRelay is true.");

    public static readonly ConfigKey RelayRoutes = new("relay.routes", "", "Static routes for outbound mail, comma-separated domain=host[:port] (`example.org=127.0.0.1:2626,*=smarthost.example:587`; `.example.org` = its subdomains, `*` = every remote domain); other domains go to their MX (RFC 5321 5.1).");
    public static readonly ConfigKey RelayCredentials = new("relay.credentials", "", "SMTP AUTH for route hosts, comma-separated host=user:password (e.g. `smarthost.example=me:secret`); sent only over TLS or to loopback.");
    public static readonly ConfigKey RelayDnsServer = new("relay.dnsServer", "", "DNS server for MX lookups as ip[:port]; empty = the system's resolvers.");
    public static readonly ConfigKey RelayPort = new("relay.port", "25", "TCP port of MX hosts (routes name their own); 25 except in a test network (Postfix smtp_tcp_port).");
    public static readonly ConfigKey RelayRequireTls = new("relay.requireTls", "false", "true: deliver only over STARTTLS (a next hop without it is retried later); false: STARTTLS when offered (opportunistic, any certificate).");
    public static readonly ConfigKey RelayRequireTlsFor = new("relay.requireTlsFor", "", "Destination domains (comma-separated; `.example.org` = its subdomains) that get mail only over STARTTLS, as relay.requireTls does for all.");
    public static readonly ConfigKey RelayDestinationConcurrency = new("relay.destinationConcurrency", "20", "Connections to one destination domain at a time (Postfix default_destination_concurrency_limit).");
    public static readonly ConfigKey RelayTotalConcurrency = new("relay.totalConcurrency", "100", "Outbound connections in all.");
    public static readonly ConfigKey RelayRecipientsPerTransaction = new("relay.recipientsPerTransaction", "50", "Recipients per outbound SMTP transaction (Postfix smtp_destination_recipient_limit).");
    public static readonly ConfigKey RelayConnectTimeout = new("relay.connectTimeout", "30s", "Time to connect to a next hop.");
    public static readonly ConfigKey RelayCommandTimeout = new("relay.commandTimeout", "5m", "Time to wait for the greeting and for each reply of a next hop (RFC 5321 4.5.3.2: 5 minutes; the DATA reply waits 2 minutes, or less if this is shorter).");
    public static readonly ConfigKey RelayDataTimeout = new("relay.dataTimeout", "10m", "Time for each block of message data and for the reply to its end (RFC 5321 4.5.3.2: 3 and 10 minutes; the shorter of those and this).");
    public static readonly ConfigKey QueueFirstRetry = new("queue.firstRetry", "5m", "Wait after the first failed attempt; doubles after each further one (Postfix minimal_backoff_time).");
    public static readonly ConfigKey QueueMaxRetry = new("queue.maxRetry", "4000s", "Longest wait between attempts (Postfix maximal_backoff_time).");
    public static readonly ConfigKey QueueLifetime = new("queue.lifetime", "5d", "Give up and bounce after this long in the queue (Postfix maximal_queue_lifetime).");
    public static readonly ConfigKey QueueDelayWarning = new("queue.delayWarning", "4h", "Tell the sender once that a message is still being retried after this long (a DSN with Action: delayed); 0 = never.");

    public static readonly ConfigKey Pbkdf2Iterations = new("accounts.pbkdf2Iterations", "600000", "PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP 2023: 600000; at least 4096, the SCRAM minimum).");

    public static readonly ConfigKey PasswordHashingSlots = new("accounts.passwordHashingSlots", "0", "Password checks (PBKDF2) that may run at once; more logins wait their turn. 0 = one fewer than the CPU cores, at least 1, so a login storm leaves a core for the sessions already logged in.");

    public static readonly ConfigKey DefaultQuota = new("accounts.defaultQuota", "0", "Mailbox quota for users without their own (`fastmail user quota`); k/m/g suffixes; 0 = unlimited. Over it: 452 4.2.2 at RCPT, 552 5.2.2 after DATA.");

    public static readonly ConfigKey Postmaster = new("accounts.postmaster", "", "The account that receives mail for postmaster@ every local domain (RFC 5321 requires accepting it) when no account is named postmaster; empty: an account named postmaster, else the oldest account.");

    public static readonly ConfigKey StorageMinFreeSpace = new("storage.minFreeSpace", "64m", "New mail gets 452 4.3.1 while the disk holding dataDirectory has less than this free (room for the log and index checkpoints); mail is accepted again as soon as space returns; 0 = no reserve.");

    public static readonly ConfigKey StorageIndexMemory = new("storage.indexMemory", "64m", "Memory for the mailbox index (FasterKV's in-memory log; a power of two, at least 1m); the rest of the index is on disk in dataDirectory/mail/kv. More memory: fewer disk reads for big or many mailboxes.");

    public static readonly ConfigKey StorageCheckpointEvery = new("storage.checkpointEvery", "64m", "Checkpoint the mail index after this much new mail log (and at least every 5 minutes while mail changes); a restart after a crash re-reads at most about this much log.");

    public static readonly ConfigKey WebListen = new("web.listen", "0.0.0.0:8080", "Webmail and admin pages (HTTP) listen addresses, comma-separated host:port; empty = off. Put it behind TLS (web.httpsListen or a proxy) beyond a trusted network.");
    public static readonly ConfigKey WebHttpsListen = new("web.httpsListen", "", "Webmail over HTTPS with the tls.certificate of SMTP/POP3 (or the self-signed one), comma-separated host:port; empty = off.");
    public static readonly ConfigKey MetricsListen = new("metrics.listen", "", "Prometheus metrics (GET /metrics, text format) listen addresses, comma-separated host:port, e.g. 127.0.0.1:9090; empty = off (nothing is collected). No login: keep it on loopback or a monitoring network.");
    public static readonly ConfigKey WebSessionIdle = new("web.sessionIdle", "30m", "A web session unused this long ends (log in again); sessions also end when the server restarts.");

    public static readonly IReadOnlyList<ConfigKey> All =
    [
        HostName, PrimaryDomain, DataDirectory, LogLevel, LogFormat,
        SmtpListen, SubmissionListen, SmtpsListen, SmtpMaxMessageSize, SmtpMaxRecipients, SmtpMaxErrors, SmtpCommandTimeout, SmtpDataTimeout,
        SmtpStrictAddresses, SmtpAllowPlaintextAuth, SmtpLocalSenderPolicy, SmtpGreetingDelay, SmtpMinDataRate,
        Pop3Listen, Pop3sListen, Pop3AllowPlaintextAuth, Pop3IdleTimeout, Pop3EnableApop, Pop3MaxErrors,
        TlsCertificate, TlsKey,
        MaxConnections, MaxConnectionsPerIp, MaxConnectionRatePerIp, ShutdownGracePeriod,
        AllowRelay, TrustedNetworks,
        RelayRoutes, RelayCredentials, RelayDnsServer, RelayPort, RelayRequireTls, RelayRequireTlsFor, RelayDestinationConcurrency, RelayTotalConcurrency, RelayRecipientsPerTransaction,
        RelayConnectTimeout, RelayCommandTimeout, RelayDataTimeout,
        QueueFirstRetry, QueueMaxRetry, QueueLifetime, QueueDelayWarning,
        Pbkdf2Iterations, PasswordHashingSlots, LoginPenalty, DefaultQuota,
        StorageMinFreeSpace, StorageIndexMemory, StorageCheckpointEvery, Postmaster,
        WebListen, WebHttpsListen, WebSessionIdle,
        MetricsListen,
    ];

    public static ConfigKey? Find(string name)
    {
        foreach (var key in All)
        {
            if (string.Equals(key.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
        }

        return null;
    }
}
