using System.Buffers;
using FastMail.Core.Sasl;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>STLS (RFC 2595 4) and the capabilities that depend on it (RFC 2449 5).</summary>
internal sealed partial class Pop3Session
{
    private void Stls()
    {
        if (_connection.IsSecure)
        {
            WriteError(Pop3Replies.TlsAlreadyActive);
            return;
        }

        if (!_connection.CanStartTls)
        {
            // Not offered in CAPA: the command does not exist here.
            WriteError(Pop3Replies.UnknownCommand);
            return;
        }

        _output.Write(Pop3Replies.BeginTls);
        _mode = Pop3ReceiveMode.StartTls;
    }

    /// <summary>
    /// Runs the handshake after the loop discarded every buffered byte and flushed the +OK. On success the session
    /// continues in AUTHORIZATION over the decrypted pipes; on failure it ends (returns false).
    /// </summary>
    private async ValueTask<bool> StartTlsAsync()
    {
        _mode = Pop3ReceiveMode.Command;
        try
        {
            // The idle timeout bounds the handshake: it cancels the plaintext read of a client that never finishes it.
            _loop.StartDeadline(IdleTimeout);
            await _connection.StartTlsAsync(_shutdown);
        }
        catch (Exception exception) when (!_shutdown.IsCancellationRequested)
        {
            _end = SessionEnd.TlsFailed;
            Pop3Log.TlsFailed(_logger, exception, _remote);
            _mode = Pop3ReceiveMode.Closing;
            return false;
        }
        finally
        {
            _loop.StopDeadline();
        }

        // RFC 2595 4: the client must discard what it knew and ask CAPA again; nothing from before TLS carries over.
        var transport = _connection.Transport;
        _input = transport.Input;
        _output = transport.Output;
        _lineReader.Reset();
        _userLength = -1;
        _plaintextAuthAllowed = true;
        Pop3Log.TlsStarted(_logger, _connection.TlsDescription, _remote);
        return true;
    }

    private void Capa()
    {
        _output.Write(Pop3Replies.CapabilitiesHead);
        var authorization = _state == Pop3State.Authorization;
        if (authorization && _plaintextAuthAllowed)
        {
            _output.Write(Pop3Replies.CapabilityUser);
        }

        _output.Write(Pop3Replies.CapabilitiesMiddle);
        if (authorization && _connection.CanStartTls && !_connection.IsSecure)
        {
            _output.Write(Pop3Replies.CapabilityStls);
        }

        if (authorization && HasUsableMechanism())
        {
            _output.Write(Pop3Replies.CapabilitySasl);
            WriteUsableMechanisms(" "u8, default);
            _output.Write(Pop3Replies.CrLf);
        }

        _output.Write(Pop3Replies.CapabilitiesTail);
    }

    private bool IsUsable(SaslMechanism mechanism) =>

        // SCRAM never sends the password, so it may run in the clear; PLAIN and LOGIN do.
        mechanism == SaslMechanism.ScramSha256 || _plaintextAuthAllowed;

    private bool HasUsableMechanism()
    {
        if (_saslFactory is null)
        {
            return false;
        }

        return _plaintextAuthAllowed || _saslFactory.IsEnabled(SaslMechanism.ScramSha256);
    }

    /// <summary>Writes each usable enabled mechanism, in the configured order, between <paramref name="before"/> and <paramref name="after"/>.</summary>
    private void WriteUsableMechanisms(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after)
    {
        var names = _saslFactory!.MechanismNames.Span;
        while (!names.IsEmpty)
        {
            var space = names.IndexOf((byte)' ');
            var name = space < 0 ? names : names[..space];
            names = space < 0 ? default : names[(space + 1)..];
            if (SaslMechanismNames.TryParse(name, out var mechanism) && IsUsable(mechanism))
            {
                _output.Write(before);
                _output.Write(name);
                _output.Write(after);
            }
        }
    }
}
