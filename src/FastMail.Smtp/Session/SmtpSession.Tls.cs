using System.Buffers;
using System.Net;
using System.Text;
using FastMail.Core.Protocol;
using FastMail.Smtp.Logging;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// STARTTLS (RFC 3207), and what the connection's security allows (plaintext AUTH, the Received protocol).
/// </summary>
internal sealed partial class SmtpSession
{
    // "TLSv1.3 TLS_AES_256_GCM_SHA384" and the like (about 30 octets), for the Received header; longer descriptions
    // are cut so a header line stays well under RFC 5322 2.1.1's 998 octets.
    private const int MaxTlsDescriptionLength = 96;

    private readonly byte[] _tlsDescription = new byte[MaxTlsDescriptionLength];
    private int _tlsDescriptionLength;
    private bool _secure;
    private bool _plaintextAuthAllowed;

    // RFC 3207 4.2: after the handshake the client must say EHLO again before a transaction.
    private bool _needHelo;

    private ProcessResult StartTls(ReadOnlySpan<byte> arguments)
    {
        if (!arguments.IsEmpty)
        {
            return Error(SmtpReplies.StartTlsSyntax);
        }

        if (_secure)
        {
            return Error(SmtpReplies.TlsAlreadyActive);
        }

        if (!_connection!.CanStartTls)
        {
            return Error(SmtpReplies.NotImplemented);
        }

        Output.Write(SmtpReplies.StartTlsReady);
        return ProcessResult.StartTls;
    }

    /// <summary>
    /// Runs the handshake after the 220 went out and the input was drained. False when it failed: the connection is
    /// then closed (RFC 3207 4.1 leaves no way to go on in plaintext once the client started TLS).
    /// </summary>
    private async Task<bool> StartTlsAsync()
    {
        try
        {
            using var deadline = new CancellationTokenSource(_context.Options.CommandTimeout, _context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _shutdown);
            await _connection!.StartTlsAsync(linked.Token);
        }
        catch (Exception exception)
        {
            _end = SessionEnd.TlsFailed;
            SmtpLog.TlsFailed(_context.Logger, exception, _remote);
            return false;
        }

        var transport = _connection.Transport;
        _input = transport.Input;
        _output = transport.Output;

        // RFC 3207 4.2: forget everything learnt before TLS: EHLO argument, envelope, authentication.
        LogTransactionAbandoned("STARTTLS");
        ResetTransaction();
        _helo.Clear();
        _extended = false;
        _user = null;
        _saslServer?.Reset();
        _needHelo = true;
        ReadSecurity();
        SmtpLog.TlsStarted(_context.Logger, _remote, _connection.TlsDescription);
        return true;
    }

    private void ReadSecurity()
    {
        var connection = _connection!;
        _secure = connection.IsSecure;
        _plaintextAuthAllowed = _secure || _context.Options.AllowPlaintextAuthWithoutTls || LoopbackAddress.Is(connection.RemoteEndPoint);
        _tlsDescriptionLength = 0;
        var description = _secure ? connection.TlsDescription : null;
        if (!string.IsNullOrEmpty(description))
        {
            var length = Math.Min(description.Length, _tlsDescription.Length);
            _tlsDescriptionLength = Encoding.ASCII.GetBytes(description.AsSpan(0, length), _tlsDescription);

            // It goes into a header: no line breaks or other controls, whatever the TLS layer said.
            foreach (ref var octet in _tlsDescription.AsSpan(0, _tlsDescriptionLength))
            {
                if (octet < 0x20 || octet == 0x7F)
                {
                    octet = (byte)' ';
                }
            }
        }
    }

    private void ResetSecurity()
    {
        _secure = false;
        _plaintextAuthAllowed = false;
        _tlsDescriptionLength = 0;
        _needHelo = false;
        _user = null;
        _authAccount = null;
        _saslServer?.Reset();
        ClearAuthLine();
    }
}
