using System.IO.Pipelines;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// A connection without a socket: two pipes, the server's ends handed to the session as an <see cref="IDuplexPipe"/>,
/// the client's ends kept for the benchmark's <see cref="LockstepClient"/>. Reused across sessions via <see cref="Reset"/>,
/// so the benchmark itself allocates no pipes per session. Inline schedulers keep the ping-pong on one thread, so the
/// figures measure the session code rather than thread-pool hops.
/// </summary>
internal sealed class InMemoryConnection
{
    private static readonly PipeOptions Options = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        useSynchronizationContext: false);

    private readonly Pipe _toServer = new(Options);
    private readonly Pipe _toClient = new(Options);

    public InMemoryConnection()
    {
        Server = new DuplexPipe(_toServer.Reader, _toClient.Writer);
        Client = new LockstepClient(_toClient.Reader, _toServer.Writer);
    }

    /// <summary>The session's side: it reads what the client sent and writes replies.</summary>
    public IDuplexPipe Server { get; }

    public LockstepClient Client { get; }

    /// <summary>Makes both pipes reusable once the session and the client have completed their ends.</summary>
    public void Reset()
    {
        _toServer.Reset();
        _toClient.Reset();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
