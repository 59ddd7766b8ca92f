namespace FastMail.Accounts.Lookup;

/// <summary>One account as the server holds it in memory: the canonical name instance sessions receive, the hash, the APOP secret octets.</summary>
internal sealed class UserEntry(string name, string passwordHash, byte[]? apopSecret, long quotaBytes = 0, bool isAdmin = false)
{
    public string Name { get; } = name;

    public string PasswordHash { get; } = passwordHash;

    /// <summary>ASCII octets of the APOP secret, or null when APOP is off for this user.</summary>
    public byte[]? ApopSecret { get; } = apopSecret;

    /// <summary>The effective quota in bytes (own value, else the default); 0 is unlimited.</summary>
    public long QuotaBytes { get; } = quotaBytes;

    /// <summary>True when the user may use the web administration.</summary>
    public bool IsAdmin { get; } = isAdmin;
}
