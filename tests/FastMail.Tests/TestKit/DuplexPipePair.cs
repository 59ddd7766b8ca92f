using System.IO.Pipelines;

namespace FastMail.Tests.TestKit;

/// <summary>Two in-memory pipes wired as a connection: the session gets <see cref="Server"/>, the test drives <see cref="Client"/>.</summary>
internal sealed class DuplexPipePair
{
    private readonly Pipe _toServer = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _toClient = new(new PipeOptions(useSynchronizationContext: false));

    public DuplexPipePair()
    {
        Server = new Endpoint(_toServer.Reader, _toClient.Writer);
        Client = new Endpoint(_toClient.Reader, _toServer.Writer);
    }

    public IDuplexPipe Server { get; }

    public IDuplexPipe Client { get; }

    private sealed class Endpoint(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
