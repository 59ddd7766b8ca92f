using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using FastMail.Core.Sasl;
using FastMail.Pop3;
using FastMail.Tests.Sasl;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Pop3;

public sealed class Pop3AllocationTests
{
    [Theory]
    [InlineData("STAT\r\n")]
    [InlineData("LIST\r\n")]
    [InlineData("LIST 2\r\n")]
    [InlineData("UIDL\r\n")]
    [InlineData("UIDL 1\r\n")]
    [InlineData("RETR 2\r\n")]
    [InlineData("TOP 2 1\r\n")]
    [InlineData("DELE 1\r\nRETR 1\r\nRSET\r\n")]
    [InlineData("NOOP\r\n")]
    [InlineData("CAPA\r\n")]
    [InlineData("BOGUS\r\n")]
    [InlineData("STAT\r\nLIST\r\nLIST 2\r\nUIDL\r\nUIDL 1\r\nRETR 1\r\nTOP 2 1\r\nDELE 1\r\nRETR 1\r\nRSET\r\nNOOP\r\nCAPA\r\nBOGUS\r\n")]
    public async Task ASteadyStateCommandAllocatesNothing(string commands)
    {
        // Inline schedulers and a synchronous store run the whole session on this thread, inside the client's flush,
        // so the current thread's allocation counter sees everything the session does.
        var toServer = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var toClient = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var store = new InMemoryMailStore();
        store.Add("motriles", Pop3TestHost.FirstMessage);
        store.Add("motriles", ".dotted\r\n" + Pop3TestHost.SecondMessage);
        var handler = new Pop3SessionHandler(new Pop3Options { MaxErrors = 0 }, new FakeDirectory().AddUser("motriles", "jose"), store, NullLogger.Instance);
        var session = handler.RunAsync(new Duplex(toServer.Reader, toClient.Writer), new IPEndPoint(IPAddress.Loopback, 1), CancellationToken.None);

        await Send(toServer.Writer, "USER motriles\r\nPASS jose\r\n");
        Assert.Contains("+OK Mailbox locked and ready", Drain(toClient.Reader), StringComparison.Ordinal);
        var round = Encoding.ASCII.GetBytes(commands);
        for (var warmUp = 0; warmUp < 3; warmUp++)
        {
            await Send(toServer.Writer, round);
            Drain(toClient.Reader);
        }

        var allocated = AllocatedBy100Rounds(toServer.Writer, toClient.Reader, round);

        await Send(toServer.Writer, "QUIT\r\n");
        Assert.Contains("+OK FastMail POP3 server signing off", Drain(toClient.Reader), StringComparison.Ordinal);
        await session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task CapaAndAuthListingsWithSaslConfiguredAllocateNothingInAuthorization()
    {
        var toServer = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var toClient = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var security = new Pop3Security { Sasl = new SaslServerFactory(new SaslTestCredentials(), new SaslServerOptions { ScramFakeIterations = 4096 }) };
        var handler = new Pop3SessionHandler(new Pop3Options { MaxErrors = 0 }, new FakeDirectory(), new InMemoryMailStore(), NullLogger.Instance, time: null, security);
        var session = handler.RunAsync(new Duplex(toServer.Reader, toClient.Writer), Pop3TestHost.RemoteClient, CancellationToken.None);
        Assert.StartsWith("+OK", Drain(toClient.Reader), StringComparison.Ordinal);

        var round = "CAPA\r\nAUTH\r\nNOOP\r\nAUTH PLAIN\r\n"u8.ToArray();
        for (var warmUp = 0; warmUp < 3; warmUp++)
        {
            await Send(toServer.Writer, round);
            Drain(toClient.Reader);
        }

        var allocated = AllocatedBy100Rounds(toServer.Writer, toClient.Reader, round);

        await Send(toServer.Writer, "QUIT\r\n");
        Assert.Contains("+OK FastMail POP3 server signing off", Drain(toClient.Reader), StringComparison.Ordinal);
        await session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, allocated);
    }

    private static async Task Send(PipeWriter writer, string text) => await Send(writer, Encoding.ASCII.GetBytes(text));

    private static async Task Send(PipeWriter writer, byte[] bytes) => await writer.WriteAsync(bytes);

    /// <summary>Bytes this thread allocates over 100 rounds, each run synchronously on it (fewest of up to three tries).</summary>
    private static long AllocatedBy100Rounds(PipeWriter toServer, PipeReader toClient, byte[] round)
    {
        // One more round on the measuring thread first: the awaits before may have resumed on another pool thread, and a
        // thread's first ArrayPool rent makes its per-thread buckets (3,480 B, seen once in CI), not the session's doing.
        SendSynchronously(toServer, round);
        DrainWithoutAllocating(toClient);
        return AllocationCount.FewestOf3(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                SendSynchronously(toServer, round);
                DrainWithoutAllocating(toClient);
            }
        });
    }

    private static void SendSynchronously(PipeWriter writer, byte[] bytes)
    {
        var flush = writer.WriteAsync(bytes);
        Assert.True(flush.IsCompletedSuccessfully, "the session should have run inline");
    }

    private static string Drain(PipeReader reader)
    {
        Assert.True(reader.TryRead(out var result));
        var text = Encoding.ASCII.GetString(result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    private static void DrainWithoutAllocating(PipeReader reader)
    {
        Assert.True(reader.TryRead(out var result));
        Assert.False(result.Buffer.IsEmpty);
        reader.AdvanceTo(result.Buffer.End);
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
