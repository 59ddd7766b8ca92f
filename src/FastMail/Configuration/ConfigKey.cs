namespace FastMail.Configuration;

/// <summary>One configuration key: its dotted name, its default as text, and what it means. The table in <see cref="ConfigKeys"/> is the single source of truth for defaults and docs.</summary>
internal sealed record ConfigKey(string Name, string Default, string Description)
{
    /// <summary>The environment variable that overrides this key: FASTMAIL_ + name upper-cased with dots as underscores (smtp.maxMessageSize → FASTMAIL_SMTP_MAXMESSAGESIZE).</summary>
    public string EnvironmentVariable => "FASTMAIL_" + Name.Replace('.', '_').ToUpperInvariant();
}
