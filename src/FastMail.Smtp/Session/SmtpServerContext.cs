using System.Text;
using FastMail.Core.Diagnostics;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Smtp.Replies;
using Microsoft.Extensions.Logging;

namespace FastMail.Smtp.Session;

/// <summary>What every session of one listener shares: a private copy of the validated options, the services, pre-encoded replies.</summary>
internal sealed class SmtpServerContext
{
    public SmtpServerContext(SmtpOptions options, IDirectory directory, IMailDelivery delivery, ILogger logger, TimeProvider time, SmtpSecurity? security = null, ILogger? transactionLogger = null)
    {
        options.Validate();
        if (options.RequireAuth && security?.Sasl is null)
        {
            throw new ArgumentException("RequireAuth needs SASL mechanisms (SmtpSecurity.Sasl): nobody could send mail.", nameof(options));
        }

        // A copy: changing the caller's options after the listener started changes nothing.
        Options = options with { };
        Sasl = security?.Sasl;
        Throttle = security?.Throttle;
        Metrics = security?.Metrics ?? MailMetrics.Disabled;
        MaxAuthLineLength = Math.Max(security?.MaxAuthLineLength ?? security?.Sasl?.MaxAuthLineLength ?? 0, options.MaxCommandLineLength);
        Directory = directory;
        Delivery = delivery;
        Logger = logger;
        TransactionLogger = transactionLogger ?? logger;
        Time = time;
        var allMechanisms = Sasl is null ? "" : Encoding.ASCII.GetString(Sasl.MechanismNames.Span);
        var secureMechanisms = Sasl is not null && Sasl.IsEnabled(SaslMechanism.ScramSha256) ? Encoding.ASCII.GetString(SaslMechanismNames.ScramSha256) : "";
        Replies = new HostReplies(Options, allMechanisms, secureMechanisms);
        PrimaryDomain = Encoding.UTF8.GetBytes(directory.PrimaryDomain);
    }

    public SmtpOptions Options { get; }

    public IDirectory Directory { get; }

    /// <summary>Where recipients go, quotas, and the store commit: the session only maps its verdicts to replies.</summary>
    public IMailDelivery Delivery { get; }

    public ILogger Logger { get; }

    /// <summary>The mail log (one line per transaction and session); <see cref="Logger"/> unless the host gave its own category.</summary>
    public ILogger TransactionLogger { get; }

    public TimeProvider Time { get; }

    public HostReplies Replies { get; }

    /// <summary>AUTH mechanisms; null when AUTH is not offered.</summary>
    public SaslServerFactory? Sasl { get; }

    public IAuthThrottle? Throttle { get; }

    public MailMetrics Metrics { get; }

    /// <summary>Longest AUTH or SASL response line: the SASL limit, never less than a command line.</summary>
    public int MaxAuthLineLength { get; }

    /// <summary>Domain that qualifies an unqualified address in lenient mode.</summary>
    public byte[] PrimaryDomain { get; }

    /// <summary>Room for one address once qualified: the whole command line plus "@" and the primary domain.</summary>
    public int MaxAddressLength => Options.MaxCommandLineLength + 1 + PrimaryDomain.Length;
}
