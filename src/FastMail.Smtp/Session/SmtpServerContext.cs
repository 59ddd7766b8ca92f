using System.Text;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Smtp.Replies;
using Microsoft.Extensions.Logging;

namespace FastMail.Smtp.Session;

/// <summary>What every session of one listener shares: a snapshot of the options, the services, pre-encoded replies.</summary>
internal sealed class SmtpServerContext
{
    public SmtpServerContext(SmtpOptions options, IDirectory directory, IMailDelivery delivery, ILogger logger, TimeProvider time, SmtpSecurity? security = null)
    {
        if (options.MaxCommandLineLength < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxCommandLineLength must be at least 64 (RFC 5321 asks for 512).");
        }

        if (options.MaxMessageSize <= 0 || options.MaxRecipients <= 0 || options.MaxErrors <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxMessageSize, MaxRecipients and MaxErrors must be positive.");
        }

        if (options.MinDataRate < 0 || options.GreetingDelay < TimeSpan.Zero || options.MinDataRateGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MinDataRate, GreetingDelay and MinDataRateGracePeriod must not be negative.");
        }

        if (options.RequireAuth && security?.Sasl is null)
        {
            throw new ArgumentException("RequireAuth needs SASL mechanisms (SmtpSecurity.Sasl): nobody could send mail.", nameof(options));
        }

        Sasl = security?.Sasl;
        Throttle = security?.Throttle;
        MaxAuthLineLength = Math.Max(security?.MaxAuthLineLength ?? security?.Sasl?.MaxAuthLineLength ?? 0, options.MaxCommandLineLength);
        RequireAuth = options.RequireAuth;
        AllowPlaintextAuthWithoutTls = options.AllowPlaintextAuthWithoutTls;
        LocalSenderPolicy = options.LocalSenderPolicy;
        GreetingDelay = options.GreetingDelay;
        MinDataRate = options.MinDataRate;
        MinDataRateGracePeriod = options.MinDataRateGracePeriod;
        Directory = directory;
        Delivery = delivery;
        Logger = logger;
        Time = time;
        Strict = options.StrictAddresses;
        MaxMessageSize = options.MaxMessageSize;
        MaxRecipients = options.MaxRecipients;
        MaxLineLength = options.MaxCommandLineLength;
        MaxErrors = options.MaxErrors;
        CommandTimeout = options.CommandTimeout;
        DataTimeout = options.DataTimeout;
        var allMechanisms = Sasl is null ? "" : Encoding.ASCII.GetString(Sasl.MechanismNames.Span);
        var secureMechanisms = Sasl is not null && Sasl.IsEnabled(SaslMechanism.ScramSha256) ? Encoding.ASCII.GetString(SaslMechanismNames.ScramSha256) : "";
        Replies = new HostReplies(options, allMechanisms, secureMechanisms);
        PrimaryDomain = Encoding.UTF8.GetBytes(directory.PrimaryDomain);
    }

    public IDirectory Directory { get; }

    /// <summary>Where recipients go, quotas, and the store commit: the session only maps its verdicts to replies.</summary>
    public IMailDelivery Delivery { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public bool Strict { get; }

    public long MaxMessageSize { get; }

    public int MaxRecipients { get; }

    public int MaxLineLength { get; }

    public int MaxErrors { get; }

    public TimeSpan CommandTimeout { get; }

    public TimeSpan DataTimeout { get; }

    public HostReplies Replies { get; }

    /// <summary>AUTH mechanisms; null when AUTH is not offered.</summary>
    public SaslServerFactory? Sasl { get; }

    public IAuthThrottle? Throttle { get; }

    public int MaxAuthLineLength { get; }

    public bool RequireAuth { get; }

    public bool AllowPlaintextAuthWithoutTls { get; }

    public LocalSenderPolicy LocalSenderPolicy { get; }

    public TimeSpan GreetingDelay { get; }

    public long MinDataRate { get; }

    public TimeSpan MinDataRateGracePeriod { get; }

    /// <summary>Domain that qualifies an unqualified address in lenient mode.</summary>
    public byte[] PrimaryDomain { get; }

    /// <summary>Room for one address once qualified: the whole command line plus "@" and the primary domain.</summary>
    public int MaxAddressLength => MaxLineLength + 1 + PrimaryDomain.Length;
}
