using FastMail.Core.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using FastMail.Core.Protocol;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Pop3.Parsing;
using Microsoft.Extensions.Logging;

namespace FastMail.Pop3.Session;

/// <summary>
/// One POP3 connection's state machine (RFC 1939). Pooled by <see cref="Pop3SessionHandler"/>: everything a
/// connection needs is allocated once per session object and cleared by <see cref="Reset"/> before reuse.
/// The read loop is the shared <see cref="SessionLoop"/> (its hooks are in Pop3Session.Protocol.cs); the partial files
/// hold the dispatcher and one file per state's commands.
/// </summary>
internal sealed partial class Pop3Session : IPooledSession
{
    private readonly Pop3Options _options;
    private readonly IDirectory _directory;
    private readonly IMailStore _store;
    private readonly ILogger _logger;
    private readonly ILogger _journalLogger;
    private readonly TimeProvider _time;
    private readonly byte[] _hostName;
    private readonly CommandLineReader _lineReader;
    private readonly byte[] _line;
    private readonly byte[] _user;
    private readonly byte[] _timestamp;
    private readonly DeletionMarks _marks = new();
    private readonly SaslServerFactory? _saslFactory;
    private readonly SaslServer? _sasl;
    private readonly IAuthThrottle? _throttle;
    private readonly int _authLineLength;
    private readonly SessionLoop _loop;

    private IMailConnection _connection = null!;
    private PipeReader _input = null!;
    private PipeWriter _output = null!;

    // In front of _output while an admin watches POP3 transcripts; one per pooled session, made on first watch.
    private TranscriptTap? _tap;
    private IPEndPoint? _remote;
    private CancellationToken _shutdown;
    private IMailboxSession? _mailbox;
    private Pop3State _state;
    private int _userLength = -1;
    private int _timestampLength;
    private ErrorLimit _errors;
    private bool _plaintextAuthAllowed;
    private Pop3ReceiveMode _mode;

    public Pop3Session(Pop3Options options, IDirectory directory, IMailStore store, ILogger logger, TimeProvider time, Pop3Security security, ILogger journalLogger)
    {
        _options = options;
        _directory = directory;
        _store = store;
        _logger = logger;
        _journalLogger = journalLogger;
        _time = time;
        _loop = new SessionLoop(this);
        _hostName = Encoding.ASCII.GetBytes(options.HostName);
        _lineReader = new CommandLineReader(options.MaxCommandLineLength);
        _saslFactory = security.Sasl;
        _sasl = _saslFactory?.Create();
        _throttle = security.Throttle;
        _metrics = security.Metrics ?? MailMetrics.Disabled;

        // RFC 5034 4: AUTH lines and SASL responses may be longer than commands; the line buffer holds the longer.
        _authLineLength = _sasl is null ? options.MaxCommandLineLength : Math.Max(options.MaxCommandLineLength, options.MaxAuthLineLength ?? _saslFactory!.MaxAuthLineLength);
        _line = new byte[_authLineLength];
        _user = new byte[options.MaxCommandLineLength];
        _timestamp = options.EnableApop ? new byte[ApopTimestamp.MaxLengthWithoutHost + _hostName.Length] : [];
    }

    /// <summary>Clears every trace of the last connection, secrets included, so the object can serve the next one.</summary>
    public void Reset()
    {
        _connection = null!;
        _input = null!;
        _output = null!;
        _tap?.Detach();
        _remote = null;
        _shutdown = default;
        _mailbox = null;
        _marks.Reset();
        _lineReader.Reset();
        _state = Pop3State.Authorization;
        _userLength = -1;
        _timestampLength = 0;
        _errors.Reset();
        _plaintextAuthAllowed = false;
        _mode = Pop3ReceiveMode.Command;
        ResetSasl();
        Array.Clear(_line);
        Array.Clear(_user);
        Array.Clear(_apopDigest);
    }
}
