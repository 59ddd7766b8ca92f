using System.IO.Pipelines;

namespace FastMail.Core.Diagnostics;

/// <summary>
/// A pass-through <see cref="PipeWriter"/> a watched session puts in front of its output: every byte goes straight to
/// the connection's writer, and a copy is cut into lines for <see cref="Transcripts"/>. A session only puts it in place
/// while its protocol is watched (one volatile read otherwise), and keeps one per pooled session object, so watching
/// costs one allocation per session object, not per connection. Once watching stops it forwards without copying.
/// </summary>
internal sealed class TranscriptTap : PipeWriter
{
    private readonly TranscriptProtocol _protocol;
    private readonly byte[] _line = new byte[Transcripts.MaxLineLength + 1];
    private PipeWriter _inner = null!;
    private Memory<byte> _lastMemory;
    private int _lineLength;

    public TranscriptTap(TranscriptProtocol protocol) => _protocol = protocol;

    /// <summary>This connection's transcript id; 0 until the session is first watched on this connection.</summary>
    public long ConnectionId { get; private set; }

    /// <summary>The connection's own writer (bypasses the transcript: a message body sent by POP3 RETR, say).</summary>
    public PipeWriter Inner => _inner;

    /// <summary>
    /// Puts this tap in front of <paramref name="output"/> (again after STARTTLS replaced it) and returns the writer the
    /// session should use from now on.
    /// </summary>
    public PipeWriter Attach(PipeWriter output)
    {
        if (ReferenceEquals(output, this))
        {
            return this;
        }

        _inner = output;
        if (ConnectionId == 0)
        {
            ConnectionId = Transcripts.NextConnectionId();
        }

        return this;
    }

    /// <summary>Forgets the connection (pooled session reset).</summary>
    public void Detach()
    {
        _inner = null!;
        _lastMemory = default;
        _lineLength = 0;
        ConnectionId = 0;
    }

    /// <summary>Publishes a client command line, its secrets redacted.</summary>
    public void Client(ReadOnlySpan<byte> line) => Transcripts.PublishClient(_protocol, ConnectionId, line);

    /// <summary>Publishes a client line that is a secret as a whole (a SASL response).</summary>
    public void ClientSecret() => Transcripts.PublishSecret(_protocol, ConnectionId);

    /// <summary>Publishes a note in place of server data not shown (a message body).</summary>
    public void ServerNote(ReadOnlySpan<byte> note) => Transcripts.PublishServer(_protocol, ConnectionId, note);

    public override void Advance(int bytes)
    {
        if (bytes > 0)
        {
            if (Transcripts.IsWatched(_protocol))
            {
                Observe(_lastMemory.Span[..bytes]);
            }
            else
            {
                // Nobody watches: forget a half line, so a later watcher does not see it glued to a new one.
                _lineLength = 0;
            }
        }

        _lastMemory = default;
        _inner.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _lastMemory = _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => (_lastMemory = _inner.GetMemory(sizeHint)).Span;

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _inner.FlushAsync(cancellationToken);

    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _inner.UnflushedBytes;

    private void Observe(ReadOnlySpan<byte> written)
    {
        while (!written.IsEmpty)
        {
            var lf = written.IndexOf((byte)'\n');
            var part = lf < 0 ? written : written[..lf];
            var room = _line.Length - _lineLength;
            var take = Math.Min(room, part.Length);
            part[..take].CopyTo(_line.AsSpan(_lineLength));
            _lineLength += take;
            if (lf < 0)
            {
                return;
            }

            var line = _line.AsSpan(0, _lineLength);
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            Transcripts.PublishServer(_protocol, ConnectionId, line);
            _lineLength = 0;
            written = written[(lf + 1)..];
        }
    }
}
