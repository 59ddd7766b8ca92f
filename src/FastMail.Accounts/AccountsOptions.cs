namespace FastMail.Accounts;

/// <summary>Where accounts live and how they are checked. Bound from configuration by the host.</summary>
public sealed class AccountsOptions
{
    /// <summary>
    /// The data directory that holds <c>accounts.json</c> (and its lock file). Required, no default.
    /// The CLI and the server must point at the same directory for <c>fastmail user add</c> to reach a running server.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// The domain unqualified addresses belong to. Required, no default. It is always local, whether or not
    /// <c>accounts.json</c> lists it, so a fresh install accepts mail for it without any admin step.
    /// </summary>
    public string PrimaryDomain { get; set; } = "";

    /// <summary>
    /// The account that receives mail for <c>postmaster</c> (any case, qualified with any local domain or not) when
    /// no account is named postmaster itself. Default empty: an account named postmaster, else the oldest account
    /// (the first in <c>accounts.json</c>, as <c>fastmail user list</c> shows it).
    /// </summary>
    public string Postmaster { get; set; } = "";

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for NEW password hashes. Default 600,000 (OWASP 2023 recommendation).
    /// More iterations cost an attacker with a stolen file more, and cost every uncached login the same CPU time
    /// (about a quarter of a second per login on one core at the default). Existing hashes keep the count they were made with.
    /// </summary>
    public int Pbkdf2Iterations { get; set; } = PasswordHasher.DefaultIterations;

    /// <summary>
    /// How many password checks (PBKDF2) may run at once; the logins beyond wait their turn without a thread
    /// (<see cref="Authentication.PasswordHashingGate"/>). 0 (the default): one fewer than the CPU cores, at least 1.
    /// </summary>
    public int PasswordHashingSlots { get; set; }

    /// <summary>
    /// The reference system's "Allow Relay" switch. Default false: nobody relays without authenticating
    /// (DESIGN.md contract 5, no open relay). When true, clients in <see cref="TrustedNetworks"/> may relay
    /// without AUTH; clients elsewhere still must authenticate.
    /// </summary>
    public bool AllowRelay { get; set; }

    /// <summary>
    /// Networks trusted to relay when <see cref="AllowRelay"/> is on, as CIDR strings ("127.0.0.0/8", "::1/128",
    /// "192.168.1.0/24") or single addresses. Default empty. Keep it to networks you control: every host in it can send
    /// mail anywhere through this server. IPv4-mapped IPv6 clients (::ffff:a.b.c.d) are matched as IPv4.
    /// </summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>
    /// How often the server looks at <c>accounts.json</c> for changes made by the CLI. Default 1 second. The check is
    /// one file stat, done on a lookup once the interval has passed; shorter picks changes up sooner at the price of
    /// more stats, longer leaves a deleted user or changed password valid for up to this long.
    /// </summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a successful login is remembered (as a keyed hash, never the password), so a client that logs in
    /// every minute does not pay PBKDF2 each time. Default 5 minutes; <see cref="TimeSpan.Zero"/> turns the cache off.
    /// A password change or user deletion ends the entry at once (the stored hash is part of the key input).
    /// </summary>
    public TimeSpan AuthCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most logins the auth cache remembers. Default 10,000 (about 1 MB). When full, expired entries are
    /// dropped first; if none expired, new logins are simply not cached.
    /// </summary>
    public int AuthCacheSize { get; set; } = 10_000;

    /// <summary>
    /// Mailbox quota in bytes for users without their own (<see cref="AccountRecord.QuotaBytes"/>). Default 0: unlimited.
    /// A quota keeps one user from filling the disk for everyone; mail over it is refused (452 4.2.2 / 552 5.2.2).
    /// </summary>
    public long DefaultQuotaBytes { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> with a message fit to print when a setting is unusable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("accounts: DataDirectory is required.", nameof(DataDirectory));
        }

        if (!AccountNames.TryNormalizeDomain(PrimaryDomain, out _))
        {
            throw new ArgumentException($"accounts: PrimaryDomain '{PrimaryDomain}' is not a valid domain name.", nameof(PrimaryDomain));
        }

        if (Pbkdf2Iterations < 1 || Pbkdf2Iterations > PasswordHasher.MaxIterations)
        {
            throw new ArgumentException($"accounts: Pbkdf2Iterations must be between 1 and {PasswordHasher.MaxIterations}.", nameof(Pbkdf2Iterations));
        }

        if (PasswordHashingSlots < 0)
        {
            throw new ArgumentException("accounts: PasswordHashingSlots must not be negative.", nameof(PasswordHashingSlots));
        }

        if (ReloadCheckInterval < TimeSpan.Zero || AuthCacheTtl < TimeSpan.Zero || AuthCacheSize < 0)
        {
            throw new ArgumentException("accounts: ReloadCheckInterval, AuthCacheTtl and AuthCacheSize must not be negative.");
        }

        if (DefaultQuotaBytes < 0)
        {
            throw new ArgumentException("accounts: DefaultQuotaBytes must not be negative (0 means unlimited).", nameof(DefaultQuotaBytes));
        }

        _ = Relay.TrustedNetworks.Parse(TrustedNetworks ?? []);
    }
}
