using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>
/// AUTH (RFC 5034): "AUTH" lists the usable mechanisms, "AUTH mech [initial-response]" runs a SASL exchange whose
/// challenges are "+ base64" lines and whose responses are whole lines read in place of commands.
/// </summary>
internal sealed partial class Pop3Session
{
    private SaslMechanism _saslMechanism;
    private int _saslResponses;
    private string? _saslAccount;

    private ValueTask Auth(ReadOnlySpan<byte> arguments, int argumentsOffset)
    {
        if (_sasl is null)
        {
            WriteError(Pop3Replies.AuthNotSupported);
            return default;
        }

        var rest = arguments;
        if (!ArgumentReader.TryReadToken(ref rest, out var name))
        {
            // RFC 1734 3 (kept by many clients' probes): AUTH alone lists the mechanisms, one per line.
            _output.Write(Pop3Replies.MechanismsFollow);
            WriteUsableMechanisms(default, Pop3Replies.CrLf);
            _output.Write(Pop3Replies.Terminator);
            return default;
        }

        var hasInitialResponse = ArgumentReader.TryReadToken(ref rest, out var initialResponse);
        if (!ArgumentReader.IsEnd(rest))
        {
            WriteError(Pop3Replies.SyntaxError);
            return default;
        }

        if (!SaslServer.TryGetMechanism(name, out var mechanism) || !_saslFactory!.IsEnabled(mechanism))
        {
            WriteError(Pop3Replies.UnknownMechanism);
            return default;
        }

        if (!IsUsable(mechanism))
        {
            WriteError(Pop3Replies.PlaintextDisallowed);
            return default;
        }

        var first = _sasl.Start(mechanism);
        _saslMechanism = mechanism;
        _saslResponses = 0;
        _saslAccount = null;
        if (!hasInitialResponse)
        {
            WriteChallenge(first.Challenge.Span);
            return default;
        }

        // RFC 5034 4: the initial response stands for the first response to an empty challenge.
        var offset = argumentsOffset + arguments.Length - rest.Length - initialResponse.Length;
        return StepSaslAsync(offset, initialResponse.Length);
    }

    /// <summary>A line read while an exchange waits for the client: a response, never a command.</summary>
    private ValueTask SaslResponseAsync(int length) => StepSaslAsync(0, length);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask StepSaslAsync(int offset, int length)
    {
        _mode = _mode == Pop3ReceiveMode.SaslResponse ? Pop3ReceiveMode.Command : _mode;
        _saslResponses++;
        var sasl = _sasl!;
        var response = _line.AsMemory(offset, length);
        var method = MethodName(_saslMechanism);
        if (_saslResponses == 1 && _throttle is not null)
        {
            _saslAccount = SaslAccountName.Read(_saslMechanism, response.Span);
        }

        SaslStep step;
        var attempt = LoginAttempt.Unthrottled;
        var checksCredentials = ChecksCredentials() && !response.Span.SequenceEqual("*"u8);
        try
        {
            if (checksCredentials)
            {
                attempt = await AdmitAsync(method, _saslAccount);
                if (!attempt.Admitted)
                {
                    // The same reply as a wrong password, without checking it (IAuthThrottle).
                    sasl.Reset();
                    WriteError(Pop3Replies.AuthFailed);
                    return;
                }
            }

            step = await sasl.StepAsync(response, _shutdown);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (checksCredentials)
            {
                _throttle?.Complete(attempt, succeeded: false);
            }

            Pop3Log.DirectoryFailed(_logger, exception, _remote);
            sasl.Reset();
            WriteError(Pop3Replies.MailboxUnavailable);
            return;
        }
        catch (OperationCanceledException) when (checksCredentials)
        {
            _throttle?.Complete(attempt, succeeded: false); // shutdown during the check: the attempt still ends
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_line.AsSpan(offset, length));
        }

        if (checksCredentials)
        {
            // SCRAM answers a right proof with its server-final challenge; the others succeed at once.
            LoginChecked(method, attempt, step.Status is SaslStatus.Succeeded or SaslStatus.Continue);
        }

        switch (step.Status)
        {
            case SaslStatus.Continue:
                WriteChallenge(step.Challenge.Span);
                return;
            case SaslStatus.Succeeded:
                _saslAccount = null;
                await OpenMailboxAsync(step.AuthenticatedUser!);
                return;
            case SaslStatus.Failed:
                if (!checksCredentials)
                {
                    Pop3Log.AuthenticationFailed(_logger, method, _remote); // refused before any credential check
                    CountLoginFailure();
                }

                WriteError(Pop3Replies.AuthFailed);
                return;
            case SaslStatus.Cancelled:
                WriteError(Pop3Replies.AuthCancelled);
                return;
            default:
                WriteError(Pop3Replies.AuthMalformed);
                return;
        }
    }

    /// <summary>Whether the response just received is the one the mechanism checks the credentials with.</summary>
    private bool ChecksCredentials() => _saslMechanism switch
    {
        SaslMechanism.Plain => _saslResponses == 1,
        _ => _saslResponses == 2, // LOGIN: the password; SCRAM: the client-final message with the proof
    };

    private static string MethodName(SaslMechanism mechanism) => mechanism switch
    {
        SaslMechanism.Plain => "AUTH PLAIN",
        SaslMechanism.Login => "AUTH LOGIN",
        _ => "AUTH SCRAM-SHA-256",
    };

    private void WriteChallenge(ReadOnlySpan<byte> challenge)
    {
        _output.Write(Pop3Replies.ChallengePrefix);
        _output.Write(challenge);
        _output.Write(Pop3Replies.CrLf);
        _mode = Pop3ReceiveMode.SaslResponse;
    }

    /// <summary>
    /// The longest line the next read may take: AUTH lines (RFC 5034 4: an initial response may exceed the RFC 2449
    /// 255-octet command limit) and SASL responses get the AUTH limit, everything else the command limit.
    /// </summary>
    private int LineLimit(in ReadOnlySequence<byte> buffer)
    {
        if (_sasl is null || _state != Pop3State.Authorization)
        {
            return _options.MaxCommandLineLength;
        }

        if (_mode == Pop3ReceiveMode.SaslResponse)
        {
            return _authLineLength;
        }

        return AuthCommand.StartsBuffer(buffer) ? _authLineLength : _options.MaxCommandLineLength;
    }

    private void ResetSasl()
    {
        _mode = _mode == Pop3ReceiveMode.SaslResponse ? Pop3ReceiveMode.Command : _mode;
        _saslResponses = 0;
        _saslAccount = null;
        _sasl?.Reset();
    }
}
