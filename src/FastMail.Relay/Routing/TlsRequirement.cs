namespace FastMail.Relay.Routing;

/// <summary>
/// The destinations that get mail only over STARTTLS (`relay.requireTlsFor`, Postfix's per-destination
/// smtp_tls_policy_maps "encrypt" level): exact domains, and ".example.org" for its subdomains. Elsewhere STARTTLS is
/// used when offered.
/// </summary>
public sealed class TlsRequirement
{
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];

    public static TlsRequirement None { get; } = new();

    /// <summary>Reads a comma-separated list; throws <see cref="FormatException"/> naming an entry that is no domain.</summary>
    public static TlsRequirement Parse(string? text)
    {
        var requirement = new TlsRequirement();
        foreach (var entry in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = entry.StartsWith('.') ? entry[1..] : entry;
            if (name.Length == 0 || Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                throw new FormatException($"'{entry}' is not a domain or .domain");
            }

            if (entry.StartsWith('.'))
            {
                requirement._suffixes.Add(entry);
            }
            else
            {
                requirement._domains.Add(entry);
            }
        }

        return requirement;
    }

    public bool AppliesTo(string domain) =>
        _domains.Contains(domain) || _suffixes.Exists(suffix => domain.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
}
