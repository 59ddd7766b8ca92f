using FastMail.Cli;
using FastMail.Configuration;

namespace FastMail.Install;

/// <summary>
/// The /etc/fastmail/fastmail.json a fresh install writes: `fastmail config` (every key with its comment) with the
/// values a mail server on the standard ports needs. Web: HTTP on 80 and HTTPS on 443, because TLS is always
/// available (tls.certificate, or the self-signed certificate generated into the data directory, the one 465 and 995
/// use too) and webmail passwords should not cross the internet in the clear; HTTP stays for ACME challenges and
/// trusted networks.
/// </summary>
internal static class ProductionConfig
{
    /// <summary>Production values by key name. A key this build does not know (metrics.listen before the metrics endpoint exists) is skipped.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Overrides(string? domain, string? hostName)
    {
        var values = new List<KeyValuePair<string, string>>
        {
            new("dataDirectory", InstallLayout.DataDirectory),
            new("smtp.listen", "0.0.0.0:25"),
            new("smtp.submissionListen", "0.0.0.0:587"),
            new("smtp.smtpsListen", "0.0.0.0:465"),
            new("pop3.listen", "0.0.0.0:110"),
            new("pop3.pop3sListen", "0.0.0.0:995"),
            new("web.listen", "0.0.0.0:80"),
            new("web.httpsListen", "0.0.0.0:443"),
            new("metrics.listen", "127.0.0.1:9090"),
        };
        if (domain is not null)
        {
            values.Add(new("primaryDomain", domain));
        }

        if (hostName is not null)
        {
            values.Add(new("hostName", hostName));
        }

        return values.Where(pair => ConfigKeys.Find(pair.Key) is not null).ToList();
    }

    /// <summary>The file's text; validated the way `serve` will read it, so a bad --domain fails here, not at the first start.</summary>
    public static string Render(string? domain, string? hostName)
    {
        var values = ConfigLoader.Load(configFile: null, Overrides(domain, hostName), environment: _ => null);
        FastMailSettings.From(values);
        return "// Written by `fastmail install`; it is yours now: later installs never overwrite it.\n"
            + "// Every key with its default is listed; `systemctl restart fastmail` applies changes.\n"
            + ConfigCommand.Render(values);
    }
}
