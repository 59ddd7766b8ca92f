using FastMail.Accounts.Throttling;
using FastMail.Configuration;
using FastMail.Core.Diagnostics;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Core.Tls;
using FastMail.Hosting.Tls;
using FastMail.Pop3;
using FastMail.Smtp;
using FastMail.Transport;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting.Reload;

/// <summary>
/// What a configuration reload can change without a restart: the session handlers (their options: sizes, counts,
/// timeouts), the listeners' limits and the certificate. Each is one reference read per new connection, so a
/// connection runs wholly under the old or wholly under the new settings; sessions already running keep theirs.
/// </summary>
internal sealed class LiveSessions(FastMailSettings settings, LiveTlsOptions tls, MailMetrics metrics, ILoggerFactory loggerFactory)
{
    private readonly List<(SocketListener Listener, string Kind, ReadOnlyMemory<byte> BusyReply, bool ImplicitTls)> _listeners = [];
    private readonly ILogger _smtpLogger = loggerFactory.CreateLogger("FastMail.Smtp");
    private readonly ILogger _pop3Logger = loggerFactory.CreateLogger("FastMail.Pop3");
    private readonly ILogger _smtpTransactions = loggerFactory.CreateLogger("FastMail.Smtp.Transactions");
    private readonly ILogger _pop3Sessions = loggerFactory.CreateLogger("FastMail.Pop3.Sessions");
    private volatile SmtpSessionHandler? _smtp;
    private volatile SmtpSessionHandler? _submission;
    private volatile Pop3SessionHandler? _pop3;
    private volatile LimitsSection _limits = settings.Limits;
    private IDirectory? _directory;
    private IMailDelivery? _delivery;
    private IMailStore? _store;
    private SaslServerFactory? _sasl;
    private AuthThrottle? _throttle;

    public SmtpSessionHandler Smtp => _smtp ?? throw new InvalidOperationException("The sessions are not started.");

    /// <summary>The submission listeners (587, 465): AUTH required before MAIL.</summary>
    public SmtpSessionHandler Submission => _submission ?? throw new InvalidOperationException("The sessions are not started.");

    public Pop3SessionHandler Pop3 => _pop3 ?? throw new InvalidOperationException("The sessions are not started.");

    public LiveTlsOptions Tls => tls;

    public TimeSpan ShutdownGracePeriod => _limits.ShutdownGracePeriod;

    /// <summary>The options of one listener: the shared limits with its name, refusal reply and (implicit) TLS.</summary>
    public static ListenerOptions ListenerOptionsFor(LimitsSection limits, string kind, ReadOnlyMemory<byte> busyReply, TlsServerOptions? implicitTls) =>
        limits.Listener with
        {
            Name = kind,
            BusyReply = busyReply,
            Tls = implicitTls?.CreateAuthenticationOptions(),
        };

    public void StartSessions(FastMailSettings current, IDirectory directory, IMailDelivery delivery, IMailStore store, SaslServerFactory sasl, AuthThrottle? throttle)
    {
        (_directory, _delivery, _store, _sasl, _throttle) = (directory, delivery, store, sasl, throttle);
        ApplySessions(current);
    }

    public void Track(SocketListener listener, string kind, ReadOnlyMemory<byte> busyReply, bool implicitTls) =>
        _listeners.Add((listener, kind, busyReply, implicitTls));

    /// <summary>
    /// New session handlers from <paramref name="next"/>'s smtp.* and pop3.* options. Built before any is swapped in, so a
    /// bad value (the handlers validate) throws with nothing changed.
    /// </summary>
    public void ApplySessions(FastMailSettings next)
    {
        var smtpSecurity = new SmtpSecurity { Sasl = _sasl, Throttle = _throttle, Metrics = metrics };
        var smtp = new SmtpSessionHandler(next.Smtp.Session with { RequireAuth = false, ListenerName = "smtp" }, _directory!, _delivery!, _smtpLogger, security: smtpSecurity, transactionLogger: _smtpTransactions);
        var submission = new SmtpSessionHandler(next.Smtp.Session with { RequireAuth = true, ListenerName = "submission" }, _directory!, _delivery!, _smtpLogger, security: smtpSecurity, transactionLogger: _smtpTransactions);
        var pop3 = new Pop3SessionHandler(next.Pop3.Session, _directory!, _store!, _pop3Logger, security: new Pop3Security { Sasl = _sasl, Throttle = _throttle, Metrics = metrics }, sessionLogger: _pop3Sessions);
        (_smtp, _submission, _pop3) = (smtp, submission, pop3);
    }

    /// <summary>The limits.* values and the certificate of the implicit-TLS listeners, for connections accepted from now on.</summary>
    public void ApplyListeners(LimitsSection limits)
    {
        var certificate = tls.Current;
        foreach (var (listener, kind, busyReply, implicitTls) in _listeners)
        {
            listener.Reconfigure(ListenerOptionsFor(limits, kind, busyReply, implicitTls ? certificate : null));
        }

        _limits = limits;
    }
}
