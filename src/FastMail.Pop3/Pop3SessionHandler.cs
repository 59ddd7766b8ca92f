using FastMail.Core.Protocol;
using FastMail.Core.Services;
using FastMail.Pop3.Replies;
using FastMail.Pop3.Session;
using Microsoft.Extensions.Logging;

namespace FastMail.Pop3;

/// <summary>
/// Runs POP3 sessions (RFC 1939, RFC 2449; STLS RFC 2595; AUTH RFC 5034 with the optional <see cref="Pop3Security"/>)
/// over connections the transport hands in. One per listener; thread-safe.
/// Per-connection state is pooled, so steady-state sessions allocate nothing per command.
/// </summary>
public sealed class Pop3SessionHandler : SessionHandler
{
    private readonly SessionPool<Pop3Session> _sessions;

    /// <summary>The -ERR [SYS/TEMP] the transport sends, instead of a session, to a connection over the listener's limits.</summary>
    public static ReadOnlyMemory<byte> BusyReply { get; } = Pop3Replies.TooManyConnections.ToArray();

    /// <param name="sessionLogger">
    /// Where the one-line-per-session log goes; the host passes a logger of category <c>FastMail.Pop3.Sessions</c>.
    /// Null: <paramref name="logger"/>.
    /// </param>
    public Pop3SessionHandler(Pop3Options options, IDirectory directory, IMailStore store, ILogger logger, TimeProvider? time = null, Pop3Security? security = null, ILogger? sessionLogger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCommandLineLength, 8, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.HostName, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAuthLineLength ?? int.MaxValue, 8, nameof(options));

        // A copy: later changes to the caller's options cannot reach sessions sized for the old values.
        var snapshot = new Pop3Options
        {
            HostName = options.HostName,
            EnableApop = options.EnableApop,
            IdleTimeout = options.IdleTimeout,
            MaxCommandLineLength = options.MaxCommandLineLength,
            MaxErrors = options.MaxErrors,
            AllowPlaintextAuthWithoutTls = options.AllowPlaintextAuthWithoutTls,
            MaxAuthLineLength = options.MaxAuthLineLength,
        };
        var services = new Pop3Security { Sasl = security?.Sasl, Throttle = security?.Throttle, Metrics = security?.Metrics };
        var clock = time ?? TimeProvider.System;
        _sessions = new SessionPool<Pop3Session>(() => new Pop3Session(snapshot, directory, store, logger, clock, services, sessionLogger ?? logger), maximumRetained: 1024);
    }

    private protected override Task RunSessionAsync(IMailConnection connection, CancellationToken shutdown) => _sessions.RunAsync(connection, shutdown);
}
