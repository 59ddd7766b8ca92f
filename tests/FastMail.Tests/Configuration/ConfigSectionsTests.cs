using System.Net;
using FastMail.Configuration;
using FastMail.Smtp;

namespace FastMail.Tests.Configuration;

/// <summary>Each section binds its keys straight into the options its component takes; nothing is mapped a second time.</summary>
public sealed class ConfigSectionsTests
{
    private static FastMailSettings Load(params (string Key, string Value)[] sets) =>
        FastMailSettings.From(ConfigLoader.Load(null, [.. sets.Select(s => new KeyValuePair<string, string>(s.Key, s.Value))], _ => null));

    [Fact]
    public void EverySmtpKeyLandsInTheSmtpOptions()
    {
        var settings = Load(
            ("hostName", "mx.example.org"),
            ("smtp.maxMessageSize", "10m"),
            ("smtp.maxRecipients", "7"),
            ("smtp.maxErrors", "3"),
            ("smtp.commandTimeout", "30s"),
            ("smtp.dataTimeout", "20s"),
            ("smtp.strictAddresses", "true"),
            ("smtp.allowPlaintextAuth", "yes"),
            ("smtp.localSenderPolicy", "reject"),
            ("smtp.greetingDelay", "2s"),
            ("smtp.minDataRate", "2k"));

        var smtp = settings.Smtp.Session;
        Assert.Equal("mx.example.org", smtp.HostName);
        Assert.Equal(10L << 20, smtp.MaxMessageSize);
        Assert.Equal(7, smtp.MaxRecipients);
        Assert.Equal(3, smtp.MaxErrors);
        Assert.Equal(TimeSpan.FromSeconds(30), smtp.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), smtp.DataTimeout);
        Assert.True(smtp.StrictAddresses);
        Assert.True(smtp.AllowPlaintextAuthWithoutTls);
        Assert.Equal(LocalSenderPolicy.Reject, smtp.LocalSenderPolicy);
        Assert.Equal(TimeSpan.FromSeconds(2), smtp.GreetingDelay);
        Assert.Equal(2048, smtp.MinDataRate);
        Assert.False(smtp.RequireAuth);
        smtp.Validate();
    }

    [Fact]
    public void ASubmissionListenersOptionsDifferFromTheConfiguredOnesOnlyInRequiringAuth()
    {
        var smtp = Load(("smtp.maxRecipients", "7")).Smtp.Session;

        var submission = smtp with { RequireAuth = true };

        Assert.Equal(smtp with { RequireAuth = true }, submission);
        Assert.False(smtp.RequireAuth);
        Assert.Equal(7, submission.MaxRecipients);
    }

    [Fact]
    public void Pop3LimitsTlsAccountsAndStorageKeysLandInTheirOptions()
    {
        var settings = Load(
            ("hostName", "mx.example.org"),
            ("dataDirectory", "/srv/mail"),
            ("primaryDomain", "Example.ORG"),
            ("pop3.listen", "127.0.0.1:1110, 127.0.0.1:1111"),
            ("pop3.idleTimeout", "15m"),
            ("pop3.enableApop", "on"),
            ("pop3.maxErrors", "4"),
            ("pop3.allowPlaintextAuth", "true"),
            ("limits.maxConnections", "50"),
            ("limits.maxConnectionsPerIp", "5"),
            ("limits.maxConnectionRatePerIp", "0"),
            ("limits.shutdownGracePeriod", "3s"),
            ("tls.certificate", "/etc/ssl/mail.pem"),
            ("tls.key", "/etc/ssl/mail.key"),
            ("relay.allowRelay", "true"),
            ("relay.trustedNetworks", "10.0.0.0/8"),
            ("accounts.pbkdf2Iterations", "5000"),
            ("accounts.loginPenalty", "false"),
            ("accounts.defaultQuota", "1g"),
            ("storage.minFreeSpace", "1m"));

        Assert.Equal("mx.example.org", settings.Pop3.Session.HostName);
        Assert.Equal([1110, 1111], settings.Pop3.Listen.Select(e => e.Port));
        Assert.Equal(TimeSpan.FromMinutes(15), settings.Pop3.Session.IdleTimeout);
        Assert.True(settings.Pop3.Session.EnableApop);
        Assert.Equal(4, settings.Pop3.Session.MaxErrors);
        Assert.True(settings.Pop3.Session.AllowPlaintextAuthWithoutTls);

        Assert.Equal(50, settings.Limits.Listener.MaxConnections);
        Assert.Equal(5, settings.Limits.Listener.MaxConnectionsPerIp);
        Assert.Equal(0, settings.Limits.Listener.MaxConnectionRatePerIp);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Limits.ShutdownGracePeriod);

        Assert.Equal("/etc/ssl/mail.pem", settings.Tls.CertificatePath);
        Assert.Equal("/etc/ssl/mail.key", settings.Tls.KeyPath);

        var accounts = settings.Accounts.Options;
        Assert.Equal("/srv/mail", accounts.DataDirectory);
        Assert.Equal("example.org", accounts.PrimaryDomain);
        Assert.True(accounts.AllowRelay);
        Assert.Equal(["10.0.0.0/8"], accounts.TrustedNetworks);
        Assert.Equal(5000, accounts.Pbkdf2Iterations);
        Assert.Equal(1L << 30, accounts.DefaultQuotaBytes);
        Assert.False(settings.Accounts.LoginPenalty);

        Assert.Equal("/srv/mail", settings.Storage.DataDirectory);
        Assert.Equal(1L << 20, settings.Storage.MinFreeBytes);
    }

    [Fact]
    public void EachListenerIsACopyOfTheLimitsWithItsOwnEndpoint()
    {
        var limits = Load(("limits.maxConnections", "50")).Limits.Listener;
        var endPoint = new IPEndPoint(IPAddress.Loopback, 2525);

        var listener = limits with { Name = "SMTP", EndPoint = endPoint };

        Assert.Equal(50, listener.MaxConnections);
        Assert.Equal(endPoint, listener.EndPoint);
        Assert.NotEqual(endPoint, limits.EndPoint);
    }
}
