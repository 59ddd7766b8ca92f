using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;

namespace FastMail.Transport.Tls;

/// <summary>
/// The decrypted side of a TLS session over a connection's plaintext pipes, made by
/// <see cref="TlsPipe.UpgradeAsync"/>. <see cref="Input"/> yields what the peer sent (completed when the
/// peer closes); <see cref="Output"/> encrypts what the handler flushes, with the plaintext pipe's
/// backpressure, and its flush reports completion once the peer can no longer be reached.
/// Neither side throws for what the peer does: a broken TLS stream ends <see cref="Input"/> (see
/// <see cref="BrokenBy"/>) and makes <see cref="Output"/> flushes report completion.
/// Dispose it when done: that sends what is buffered and the TLS close_notify alert (RFC 8446 6.1),
/// and leaves the plaintext pipes open for their owner to complete.
/// </summary>
public sealed class TlsDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    // One TLS record carries at most 16 KiB of plaintext (RFC 8446 5.1); reading that much at once
    // lets a bulk transfer go a record at a time. Zero-byte reads keep idle connections bufferless.
    private static readonly StreamPipeReaderOptions s_readerOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions s_writerOptions = new(minimumBufferSize: 4 * 1024, leaveOpen: true);

    private readonly SslStream _ssl;
    private int _disposed;

    internal TlsDuplexPipe(SslStream ssl, DuplexPipeStream transport)
    {
        _ssl = ssl;
        Input = new TlsPipeReader(PipeReader.Create(ssl, s_readerOptions), exception => BrokenBy = exception);
        Output = new TlsPipeWriter(PipeWriter.Create(ssl, s_writerOptions), transport);
        Protocol = ssl.SslProtocol;
        CipherSuite = ssl.NegotiatedCipherSuite;
    }

    /// <summary>Decrypted bytes from the peer.</summary>
    public PipeReader Input { get; }

    /// <summary>Bytes to encrypt and send to the peer.</summary>
    public PipeWriter Output { get; }

    /// <summary>The negotiated protocol (<see cref="SslProtocols.Tls12"/> or <see cref="SslProtocols.Tls13"/>), for Received headers and logs.</summary>
    public SslProtocols Protocol { get; }

    /// <summary>The negotiated cipher suite, e.g. TLS_AES_256_GCM_SHA384, for Received headers and logs.</summary>
    public TlsCipherSuite CipherSuite { get; }

    /// <summary>
    /// Why <see cref="Input"/> ended early, if it did: a corrupt record, a fatal alert or a reset ends the
    /// input as a completed read (like a reset on a plaintext connection) and the cause is kept here for the log.
    /// </summary>
    public Exception? BrokenBy { get; private set; }

    /// <summary>
    /// Completes both decrypted pipes, sending what is still buffered in <see cref="Output"/>, then
    /// the close_notify alert. Never throws (a peer that is gone cannot be told goodbye). Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Output.CompleteAsync();
            await _ssl.ShutdownAsync();
        }
        catch (Exception)
        {
            // The peer reset, sent garbage, or the connection was aborted: nothing more can be said,
            // and a client's behaviour must not surface as an exception here.
        }

        await Input.CompleteAsync();
        await _ssl.DisposeAsync();
    }
}
