using FastMail.Configuration;

namespace FastMail.Check;

/// <summary>Runs every check of `fastmail check` in order; the later ones need the configuration, so a bad one ends the list.</summary>
internal static class ServerChecks
{
    public static List<CheckResult> Run(Func<ConfigValues> load, DateTimeOffset now)
    {
        var (configuration, settings) = ConfigurationCheck.Run(load);
        List<CheckResult> results = [configuration];
        if (settings is null)
        {
            return results;
        }

        results.AddRange(ListenAddressCheck.Run(settings));
        results.Add(TlsCertificateCheck.Run(settings, now));
        results.AddRange(DataDirectoryCheck.Run(settings));
        results.Add(FreeSpaceCheck.Run(settings));
        results.Add(AccountsFileCheck.Run(settings));
        return results;
    }
}
