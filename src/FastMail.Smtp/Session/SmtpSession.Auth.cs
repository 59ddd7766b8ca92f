using System.Buffers;
using System.Security.Cryptography;
using FastMail.Core.Diagnostics;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Smtp.Logging;
using FastMail.Smtp.Parsing;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// AUTH (RFC 4954) over the shared SASL server. Each step is awaited by the read loop (a password check may take a
/// while, and the throttle may delay it); the response waits in <see cref="AuthLine"/>, a buffer of its own, because
/// the receive buffer moves on meanwhile. Every password check is first admitted by the throttle when one is configured
/// (<see cref="IAuthThrottle"/>): the attempt is counted before the password is looked at.
/// </summary>
internal sealed partial class SmtpSession
{
    private SaslServer? _saslServer;
    private byte[]? _authLine;
    private int _authLineLength;
    private SaslMechanism _authMechanism;
    private int _authStep;
    private string? _authAccount;
    private string? _user;

    /// <summary>Holds one AUTH or SASL response line; allocated the first time this pooled session sees AUTH.</summary>
    private byte[] AuthLine => _authLine ??= new byte[_context.MaxAuthLineLength];

    private ProcessResult Auth(ReadOnlySpan<byte> arguments)
    {
        var sasl = _context.Sasl;
        if (sasl is null)
        {
            return Error(SmtpReplies.AuthNotEnabled);
        }

        // AUTH is an ESMTP extension: only after EHLO, and again after STARTTLS (RFC 3207 4.2).
        if (!_extended)
        {
            return Error(SmtpReplies.NeedEhlo);
        }

        if (_user is not null)
        {
            return Error(SmtpReplies.AlreadyAuthenticated); // RFC 4954 4: one successful AUTH per session
        }

        var blank = arguments.IndexOfAny(" \t"u8);
        var name = blank < 0 ? arguments : arguments[..blank];
        var initial = blank < 0 ? default : arguments[(blank + 1)..].Trim(" \t"u8);
        if (name.IsEmpty)
        {
            return Error(SmtpReplies.AuthSyntax);
        }

        if (!SaslServer.TryGetMechanism(name, out var mechanism) || !sasl.IsEnabled(mechanism))
        {
            return Error(SmtpReplies.UnknownMechanism);
        }

        // RFC 4954 4: mechanisms that send the password in the clear need TLS (loopback is not on the wire).
        if (mechanism != SaslMechanism.ScramSha256 && !_plaintextAuthAllowed)
        {
            return Error(SmtpReplies.EncryptionRequired);
        }

        _saslServer ??= sasl.Create();
        var first = _saslServer.Start(mechanism);
        _authMechanism = mechanism;
        _authStep = 0;
        _authAccount = null;
        if (!initial.IsEmpty)
        {
            // May overlap when the line itself was assembled in AuthLine: CopyTo is a memmove.
            initial.CopyTo(AuthLine);
            _authLineLength = initial.Length;
            return ProcessResult.Authenticate;
        }

        WriteChallenge(first.Challenge.Span);
        return ProcessResult.Continue;
    }

    /// <summary>Takes the client's answer to a 334 off the buffer, up to the AUTH line limit.</summary>
    private ProcessResult ReadSaslResponse(ref ReadOnlySequence<byte> buffer)
    {
        var status = SmtpCommandParser.TryReadLine(buffer, _context.MaxAuthLineLength, AuthLine, out var line, out var next);
        if (status == LineStatus.NeedMoreData)
        {
            return ProcessResult.NeedMoreData;
        }

        if (status == LineStatus.TooLong)
        {
            // RFC 4954 6: 500 5.5.6, the exchange is over; the rest of the line is discarded as it arrives.
            _saslServer!.Reset();
            _mode = ReceiveMode.DrainLine;
            return Error(SmtpReplies.AuthLineTooLong);
        }

        buffer = buffer.Slice(next);
        if (Transcripts.SmtpWatched)
        {
            _tap?.ClientSecret(); // RFC 4954 4: a SASL response carries credentials
        }

        line.CopyTo(AuthLine);
        _authLineLength = line.Length;
        _mode = ReceiveMode.Command;
        return ProcessResult.Authenticate;
    }

    /// <summary>One SASL step with the response in <see cref="AuthLine"/>; writes its reply.</summary>
    private async Task<ProcessResult> AuthenticateAsync()
    {
        var server = _saslServer!;
        var throttle = _context.Throttle;
        var address = _remote?.Address;
        var response = _authLine.AsMemory(0, _authLineLength);
        if (_authStep == 0)
        {
            _authAccount = SaslAccountName.Read(_authMechanism, response.Span);
        }

        // The step that checks the password: PLAIN's only one; LOGIN's and SCRAM's second.
        var checksPassword = _authStep == (_authMechanism == SaslMechanism.Plain ? 0 : 1);
        SaslStep step;
        var attempt = LoginAttempt.Unthrottled;
        var throttled = false;
        var passwordRight = false;
        try
        {
            if (checksPassword && throttle is not null && !response.Span.SequenceEqual("*"u8))
            {
                attempt = await throttle.BeginAsync(address, _authAccount, _shutdown);
                if (!attempt.Admitted)
                {
                    // The same reply as a wrong password, even when the password is right.
                    server.Reset();
                    return AuthFailed(lockedOut: true);
                }

                throttled = true;
            }

            step = await server.StepAsync(response, _shutdown);

            // SCRAM answers a right proof with its server-final challenge; the others succeed at once.
            passwordRight = step.Status is SaslStatus.Succeeded or SaslStatus.Continue;
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            server.Reset();
            Output.Write(_context.Replies.ShuttingDown);
            return ProcessResult.Close;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The account store failed, not the client: RFC 4954 6 says try again later.
            server.Reset();
            SmtpLog.AuthenticationError(_context.Logger, exception, _remote);
            return Reply(SmtpReplies.AuthTemporaryFailure);
        }
        finally
        {
            ClearAuthLine();
            if (throttled)
            {
                throttle!.Complete(attempt, passwordRight);
            }
        }

        _authStep++;
        switch (step.Status)
        {
            case SaslStatus.Continue:
                WriteChallenge(step.Challenge.Span);
                return ProcessResult.Continue;
            case SaslStatus.Succeeded:
                _user = step.AuthenticatedUser;
                SmtpLog.Authenticated(_context.Logger, _remote, _user, MechanismName());
                return Reply(SmtpReplies.AuthSucceeded);
            case SaslStatus.Failed:
                return AuthFailed(lockedOut: false);
            case SaslStatus.Cancelled:
                return Error(SmtpReplies.AuthCancelled);
            default:
                return Error(SmtpReplies.AuthMalformed);
        }
    }

    private ProcessResult AuthFailed(bool lockedOut)
    {
        // Never the password, never whether the account exists: the address and the mechanism only.
        SmtpLog.AuthenticationFailed(_context.Logger, _remote, MechanismName(), lockedOut);
        _context.Metrics.LoginFailed(MailMetrics.Smtp);
        return Error(SmtpReplies.AuthFailed);
    }

    private string MechanismName() => _authMechanism switch
    {
        SaslMechanism.Plain => "PLAIN",
        SaslMechanism.Login => "LOGIN",
        _ => "SCRAM-SHA-256",
    };

    private void WriteChallenge(ReadOnlySpan<byte> challenge)
    {
        Output.Write(SmtpReplies.ChallengePrefix);
        Output.Write(challenge);
        Output.Write("\r\n"u8);
        _mode = ReceiveMode.SaslResponse;
    }

    private void ClearAuthLine()
    {
        if (_authLine is not null)
        {
            CryptographicOperations.ZeroMemory(_authLine.AsSpan(0, _authLineLength));
        }

        _authLineLength = 0;
    }
}
