using FastMail.Core.Protocol;
using FastMail.Core.Services;
using FastMail.Smtp.Replies;
using FastMail.Smtp.Session;
using Microsoft.Extensions.Logging;

namespace FastMail.Smtp;

/// <summary>
/// Runs SMTP sessions (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES, CHUNKING (RFC 3030),
/// DSN parameters (RFC 3461), and STARTTLS (RFC 3207)
/// and AUTH (RFC 4954) when the connection and <see cref="SmtpSecurity"/> allow them) over connections the transport hands in. One instance per listener; thread-safe. Per-connection state (line and data buffers)
/// is pooled, so a connection costs no allocation beyond its async state once the pool is warm.
/// </summary>
public sealed class SmtpSessionHandler : SessionHandler
{
    private readonly SessionPool<SmtpSession> _sessions;

    /// <summary>The 421 the transport sends, instead of a session, to a connection over the listener's limits.</summary>
    public static ReadOnlyMemory<byte> BusyReply { get; } = SmtpReplies.TooManyConnections.ToArray();

    /// <param name="transactionLogger">
    /// Where the mail log goes (one line per transaction and per session, Postfix-maillog style); the host passes a
    /// logger of category <c>FastMail.Smtp.Transactions</c>. Null: <paramref name="logger"/>.
    /// </param>
    public SmtpSessionHandler(SmtpOptions options, IDirectory directory, IMailDelivery delivery, ILogger logger, TimeProvider? time = null, SmtpSecurity? security = null, ILogger? transactionLogger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(logger);
        var context = new SmtpServerContext(options, directory, delivery, logger, time ?? TimeProvider.System, security, transactionLogger);
        _sessions = new SessionPool<SmtpSession>(() => new SmtpSession(context), Environment.ProcessorCount * 64);
    }

    private protected override Task RunSessionAsync(IMailConnection connection, CancellationToken shutdown) => _sessions.RunAsync(connection, shutdown);
}
