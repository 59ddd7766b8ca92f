using System.Security.Cryptography;

namespace FastMail.Core.Sasl;

/// <summary>
/// The server side of one SASL exchange at a time, shared by SMTP AUTH (RFC 4954) and POP3 AUTH (RFC 5034). The protocol
/// layer deals in base64 lines; this class decodes them strictly, runs the mechanism and encodes the challenges.
/// Usage: <see cref="Start"/> (send its challenge unless the client gave an initial response), then <see cref="StepAsync"/>
/// with each client line (or the initial response) until the step is complete. Not thread-safe: one per session.
/// Buffers are allocated once per session and zeroed after each step, since they held credentials.
/// </summary>
public sealed partial class SaslServer
{
    private static ReadOnlySpan<byte> CancelLine => "*"u8;

    private readonly SaslServerFactory _factory;
    private readonly byte[] _decoded;
    private readonly byte[] _challenge = new byte[2048];
    private State _state;

    internal SaslServer(SaslServerFactory factory)
    {
        _factory = factory;
        _decoded = new byte[SaslBase64.MaxDecodedLength(factory.Options.MaxResponseLength)];
    }

    private enum State
    {
        Idle,
        PlainResponse,
        LoginUser,
        LoginPassword,
        ScramClientFirst,
        ScramClientFinal,
        ScramAcknowledge,
    }

    /// <summary>True between <see cref="Start"/> and a complete step.</summary>
    public bool InProgress => _state != State.Idle;

    /// <summary>Parses a mechanism name as sent after AUTH, in any case (RFC 4422 section 3.1).</summary>
    public static bool TryGetMechanism(ReadOnlySpan<byte> name, out SaslMechanism mechanism) => SaslMechanismNames.TryParse(name, out mechanism);

    /// <summary>
    /// Begins an exchange. Returns the first challenge, to send only when the client gave no initial response:
    /// empty for PLAIN and SCRAM, "Username:" for LOGIN. Throws <see cref="ArgumentException"/> for a disabled mechanism
    /// (check <see cref="SaslServerFactory.IsEnabled"/> first; that refusal is SMTP 504 5.5.4, POP3 -ERR).
    /// </summary>
    public SaslStep Start(SaslMechanism mechanism)
    {
        if (!_factory.IsEnabled(mechanism))
        {
            throw new ArgumentException($"SASL mechanism {mechanism} is not enabled.", nameof(mechanism));
        }

        Reset();
        switch (mechanism)
        {
            case SaslMechanism.Plain:
                _state = State.PlainResponse;
                return Continue(ReadOnlySpan<byte>.Empty);
            case SaslMechanism.Login:
                _state = State.LoginUser;
                return Continue("Username:"u8);
            default:
                _state = State.ScramClientFirst;
                return Continue(ReadOnlySpan<byte>.Empty);
        }
    }

    /// <summary>
    /// Feeds one client line without its CRLF: base64, "=" or empty for an empty response, "*" to cancel.
    /// A complete step (anything but <see cref="SaslStatus.Continue"/>) ends the exchange.
    /// </summary>
    public async ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte> clientLine, CancellationToken cancellationToken)
    {
        if (_state == State.Idle)
        {
            throw new InvalidOperationException("No SASL exchange in progress: call Start first.");
        }

        var line = clientLine.Span;
        if (line.SequenceEqual(CancelLine))
        {
            return Complete(SaslStatus.Cancelled);
        }

        // RFC 4954 section 4: "=" is an empty initial response; an empty line is an empty continuation response.
        var length = 0;
        if (line.Length > _factory.Options.MaxResponseLength
            || !(line.IsEmpty || (line.Length == 1 && line[0] == (byte)'=') || SaslBase64.TryDecode(line, _decoded, out length)))
        {
            return Complete(SaslStatus.MalformedInput);
        }

        try
        {
            var response = _decoded.AsMemory(0, length);
            return _state switch
            {
                State.PlainResponse => await PlainAsync(response, cancellationToken).ConfigureAwait(false),
                State.LoginUser => LoginUser(response.Span),
                State.LoginPassword => await LoginPasswordAsync(response, cancellationToken).ConfigureAwait(false),
                State.ScramClientFirst => ScramClientFirst(response.Span),
                State.ScramClientFinal => ScramClientFinal(response.Span),
                _ => ScramAcknowledge(response.Span),
            };
        }
        catch
        {
            Reset(); // a cancelled or failed credential check ends the exchange; the session decides what to answer
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_decoded.AsSpan(0, length));
        }
    }

    /// <summary>Abandons any exchange in progress and forgets what it held; the server can start again.</summary>
    public void Reset()
    {
        _state = State.Idle;
        ResetLogin();
        ResetScram();
    }

    private SaslStep Continue(ReadOnlySpan<byte> data)
    {
        var written = SaslBase64.Encode(data, _challenge);
        return new SaslStep(SaslStatus.Continue, _challenge.AsMemory(0, written), null);
    }

    private SaslStep Complete(SaslStatus status, string? user = null)
    {
        Reset();
        return new SaslStep(status, ReadOnlyMemory<byte>.Empty, user);
    }

    /// <summary>A failure with a SCRAM server-error (RFC 5802 section 7); only for errors that do not depend on the account.</summary>
    private SaslStep Fail(ReadOnlySpan<byte> serverError)
    {
        Reset();
        var written = SaslBase64.Encode(serverError, _challenge);
        return new SaslStep(SaslStatus.Failed, _challenge.AsMemory(0, written), null);
    }
}
