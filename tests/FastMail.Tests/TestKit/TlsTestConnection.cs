using System.IO.Pipelines;
using System.Net;
using FastMail.Core.Services;
using FastMail.Tests.Transport;
using FastMail.Transport.Tls;

namespace FastMail.Tests.TestKit;

/// <summary>An <see cref="IMailConnection"/> over in-memory pipes whose STARTTLS/STLS runs the real server handshake (<see cref="TlsPipe.UpgradeAsync"/>) with the test certificate.</summary>
internal sealed class TlsTestConnection(IDuplexPipe plaintext, IPEndPoint? remote) : IMailConnection, IAsyncDisposable
{
    private TlsDuplexPipe? _tls;
    private int _handshakes;

    public IDuplexPipe Transport => (IDuplexPipe?)_tls ?? plaintext;

    public IPEndPoint? RemoteEndPoint => remote;

    public IPEndPoint? LocalEndPoint => null;

    public bool IsSecure => _tls is not null;

    public bool CanStartTls => _tls is null;

    public string? TlsDescription => _tls is null ? null : $"{_tls.Protocol} {_tls.CipherSuite}";

    /// <summary>How many times the session asked for a handshake.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    public async ValueTask StartTlsAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _handshakes);
        if (_tls is not null)
        {
            throw new InvalidOperationException("The connection is already encrypted.");
        }

        _tls = await TlsPipe.UpgradeAsync(plaintext, TlsTestKit.ServerOptions(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_tls is not null)
        {
            await _tls.DisposeAsync();
        }

        await plaintext.Input.CompleteAsync();
        await plaintext.Output.CompleteAsync();
    }
}
