using System.Text;
using FastMail.Core.Diagnostics;
using FastMail.Tests.Smtp;
using FastMail.Web.Admin;
using Microsoft.AspNetCore.Http;

namespace FastMail.Tests.Web.Admin;

/// <summary>GET /api/admin/transcripts as server-sent events.</summary>
[Collection(TranscriptCollection.Name)]
public sealed class AdminTranscriptStreamTests
{
    [Fact]
    public async Task LinesArriveAsServerSentEventsAndClosingThePageTurnsCaptureOff()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?protocol=smtp");
        var body = new SynchronizedStream();
        context.Response.Body = body;
        using var aborted = new CancellationTokenSource();
        context.RequestAborted = aborted.Token;

        var stream = AdminTranscripts.Stream(context);
        await WaitFor(() => Transcripts.SmtpWatched);
        Transcripts.PublishServer(TranscriptProtocol.Smtp, 5, "220 mx.example.com ESMTP"u8);
        Transcripts.PublishClient(TranscriptProtocol.Smtp, 5, "AUTH PLAIN AGJvYgBzZWNyZXQ="u8);
        await WaitFor(() => body.Text.Contains("AUTH", StringComparison.Ordinal));

        aborted.Cancel();
        await stream.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("text/event-stream", context.Response.ContentType);
        Assert.False(Transcripts.SmtpWatched);
        var events = body.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(": watching smtp", events[0]);
        Assert.StartsWith("data: {\"c\":5,\"d\":\"S\",\"t\":\"220 mx.example.com ESMTP\",\"at\":", events[1], StringComparison.Ordinal);
        Assert.StartsWith("data: {\"c\":5,\"d\":\"C\",\"t\":\"AUTH PLAIN ***\",", events[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownProtocolIsABadRequest()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?protocol=imap");
        context.Response.Body = new MemoryStream();
        await AdminTranscripts.Stream(context);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.False(Transcripts.SmtpWatched || Transcripts.Pop3Watched);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>A response body the test reads while the handler writes.</summary>
    private sealed class SynchronizedStream : MemoryStream
    {
        private readonly Lock _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                base.Write(buffer.Span);
            }

            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }
    }
}
