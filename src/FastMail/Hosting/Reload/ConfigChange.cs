using FastMail.Configuration;

namespace FastMail.Hosting.Reload;

/// <summary>One key whose value differs between the running configuration and the one just read.</summary>
internal sealed record ConfigChange(ConfigKey Key, string OldValue, string NewValue)
{
    /// <summary>The changes from <paramref name="running"/> to <paramref name="next"/>, in the order of <see cref="ConfigKeys.All"/>.</summary>
    public static IReadOnlyList<ConfigChange> Between(ConfigValues running, ConfigValues next) =>
        [.. ConfigKeys.All
            .Where(key => !string.Equals(running.Get(key), next.Get(key), StringComparison.Ordinal))
            .Select(key => new ConfigChange(key, running.Get(key), next.Get(key)))];

    /// <summary>A value fit for the log: credentials are never written out.</summary>
    public static string Shown(ConfigKey key, string value) =>
        key == ConfigKeys.RelayCredentials && value.Length > 0 ? "(hidden)" : value;
}
