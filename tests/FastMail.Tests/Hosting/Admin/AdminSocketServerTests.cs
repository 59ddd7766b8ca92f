using System.Net.Sockets;
using System.Text;
using FastMail.Cli;
using FastMail.Hosting.Admin;
using FastMail.Tests.TestKit;
using FastMail.Relay.Queue;

namespace FastMail.Tests.Hosting.Admin;

public sealed class AdminSocketServerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Arrived = new(2026, 12, 6, 17, 45, 24, TimeSpan.Zero);

    private readonly TempDirectory _dir = new("admin");
    private readonly FakeQueueAdmin _queue = new();
    private readonly RecordingLogger _logger = new();
    private AdminSocketServer _server = null!;

    public Task InitializeAsync()
    {
        _queue.Messages.Add(new QueuedMessageInfo(42, "alice@example.com", 1234, Arrived,
        [
            new("bob@example.net", QueuedRecipientState.Pending, 2, Arrived.AddMinutes(15), "451 4.7.1 try again later"),
            new("carol@example.org", QueuedRecipientState.Delivered, 1, Arrived, "250 2.0.0 OK"),
        ]));
        _queue.Messages.Add(new QueuedMessageInfo(43, "", 900, Arrived.AddHours(1),
        [
            new("dave@example.com", QueuedRecipientState.Pending, 0, Arrived.AddHours(1), null),
        ]));
        _server = StartServer(new AdminSocketOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync();
        _dir.Dispose();
    }

    private AdminSocketServer StartServer(AdminSocketOptions options)
    {
        var server = new AdminSocketServer(_dir.Path, _logger, options);
        QueueAdminHandler.Register(server, _queue);
        server.Start();
        return server;
    }

    private Task<AdminReply> Send(params string[] args) => AdminClient.SendAsync(_dir.Path, args, TimeSpan.FromSeconds(10));

    /// <summary>Sends raw octets (then closes its sending side) and returns everything the server answered.</summary>
    private async Task<string> SendRaw(byte[] request, bool closeSend = true)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_server.SocketPath));
        if (request.Length > 0)
        {
            await socket.SendAsync(request, SocketFlags.None);
        }

        if (closeSend)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return await ReadAll(socket);
    }

    private static async Task<string> ReadAll(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    private async Task AssertStillServes()
    {
        var reply = await Send("queue", "show", "43");
        Assert.True(reply.Succeeded, reply.Error);
    }

    [Fact]
    public async Task QueueListPrintsEachMessageAndItsRecipientsLikeMailq()
    {
        var reply = await Send("queue", "list");

        Assert.True(reply.Succeeded, reply.Error);
        var indent = new string(' ', 41);
        Assert.Equal(
        [
            "-Queue ID- --Size-- ----Arrival Time---- -Sender/Recipient-------",
            "42             1234 2026-12-06 17:45:24Z alice@example.com",
            indent + "bob@example.net",
            indent + "  pending, 2 attempts, next 2026-12-06 18:00:24Z",
            indent + "  (451 4.7.1 try again later)",
            indent + "carol@example.org",
            indent + "  delivered, 1 attempt",
            indent + "  (250 2.0.0 OK)",
            "",
            "43              900 2026-12-06 18:45:24Z <>",
            indent + "dave@example.com",
            indent + "  pending, 0 attempts, next 2026-12-06 18:45:24Z",
            "",
            "-- 3 Kbytes in 2 Requests.",
        ], reply.Lines);
    }

    [Fact]
    public async Task QueueListOfAnEmptyQueueSaysSo()
    {
        _queue.Messages.Clear();
        var reply = await Send("queue", "list");
        Assert.True(reply.Succeeded);
        Assert.Equal(["Mail queue is empty"], reply.Lines);
    }

    [Fact]
    public async Task QueueShowPrintsOneMessageInDetail()
    {
        var reply = await Send("queue", "show", "42");

        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal(
        [
            "Queue ID:   42",
            "Sender:     alice@example.com",
            "Size:       1234 bytes",
            "Arrived:    2026-12-06 17:45:24Z",
            "Recipients: 2",
            "",
            "  bob@example.net",
            "    State:        pending",
            "    Attempts:     2",
            "    Next attempt: 2026-12-06 18:00:24Z",
            "    Last reply:   451 4.7.1 try again later",
            "",
            "  carol@example.org",
            "    State:        delivered",
            "    Attempts:     1",
            "    Last reply:   250 2.0.0 OK",
        ], reply.Lines);
    }

    [Fact]
    public async Task QueueShowOfAnUnknownIdIsAnError()
    {
        var reply = await Send("queue", "show", "7");
        Assert.Equal("no queued message 7", reply.Error);
        Assert.Empty(reply.Lines);
    }

    [Fact]
    public async Task QueueRetryWithoutIdReschedulesEveryMessage()
    {
        var reply = await Send("queue", "retry");
        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal(["2 messages scheduled for immediate delivery"], reply.Lines);
        Assert.Equal([(long?)null], _queue.Retried);
    }

    [Fact]
    public async Task QueueRetryWithIdReschedulesThatMessage()
    {
        var reply = await Send("queue", "retry", "42");
        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal(["message 42 scheduled for immediate delivery"], reply.Lines);
        Assert.Equal([(long?)42], _queue.Retried);

        Assert.Equal("no queued message 99", (await Send("queue", "retry", "99")).Error);
    }

    [Fact]
    public async Task QueueDeleteRemovesTheMessage()
    {
        var reply = await Send("queue", "delete", "42");
        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal(["message 42 deleted (no bounce sent)"], reply.Lines);
        Assert.Equal([43L], _queue.Messages.Select(m => m.Id));

        Assert.Equal("no queued message 42", (await Send("queue", "delete", "42")).Error);
    }

    [Theory]
    [InlineData("queue")]
    [InlineData("queue", "frobnicate")]
    [InlineData("queue", "list", "extra")]
    [InlineData("queue", "delete")]
    public async Task AWrongQueueRequestGetsTheUsage(params string[] args)
    {
        var reply = await Send(args);
        Assert.Equal(QueueAdminHandler.Usage, reply.Error);
    }

    [Fact]
    public async Task ANonNumericIdIsAnError()
    {
        var reply = await Send("queue", "show", "abc");
        Assert.StartsWith("'abc' is not a queue id", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCommandIsAnErrorNamingTheKnownOnes()
    {
        var reply = await Send("reboot");
        Assert.Equal("unknown command 'reboot' (known: queue)", reply.Error);
    }

    [Fact]
    public async Task TextLinesStartingWithADotComeBackIntact()
    {
        _server.Register("echo", (args, _) => ValueTask.FromResult(AdminReply.Ok(args)));
        var reply = await Send("echo", ".ok", ".error not really", "..", "plain");
        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal([".ok", ".error not really", "..", "plain"], reply.Lines);
    }

    [Fact]
    public async Task NonAsciiArgumentsAndRepliesRoundTrip()
    {
        _server.Register("echo", (args, _) => ValueTask.FromResult(AdminReply.Ok(args)));
        var reply = await Send("echo", "jörg@exämple.de", "東京");
        Assert.Equal(["jörg@exämple.de", "東京"], reply.Lines);
    }

    [Fact]
    public async Task AHandlerThatThrowsIsAnErrorAndTheServerGoesOn()
    {
        _server.Register("boom", (_, _) => throw new InvalidOperationException("kaput"));
        var reply = await Send("boom");
        Assert.Equal("internal error: kaput", reply.Error);
        Assert.True(_logger.Has(1403));
        await AssertStillServes();
    }

    [Fact]
    public async Task ARequestThatIsNotUtf8IsAnError()
    {
        var answer = await SendRaw([0xFF, 0xFE, 0x00, 0x80, (byte)'\t', 0xC3, (byte)'\n']);
        Assert.Equal(".error request is not UTF-8\n", answer);
        await AssertStillServes();
    }

    [Fact]
    public async Task AnEmptyRequestIsAnError()
    {
        Assert.Equal(".error empty request\n", await SendRaw("\r\n"u8.ToArray()));
        Assert.Equal(".error empty request\n", await SendRaw("\tqueue\n"u8.ToArray()));
    }

    [Fact]
    public async Task ARequestWithoutLineEndIsAnError()
    {
        Assert.Equal(".error incomplete request (no line end)\n", await SendRaw("queue\tlist"u8.ToArray()));
        Assert.Equal(".error incomplete request (no line end)\n", await SendRaw([]));
        await AssertStillServes();
    }

    [Fact]
    public async Task RandomGarbageGetsAnErrorNeverACrash()
    {
        var random = new Random(1234);
        for (var i = 0; i < 20; i++)
        {
            var garbage = new byte[random.Next(1, 3000)];
            random.NextBytes(garbage);
            garbage[^1] = (byte)'\n';
            var answer = await SendRaw(garbage);
            Assert.StartsWith(".error ", answer, StringComparison.Ordinal);
            Assert.EndsWith("\n", answer, StringComparison.Ordinal);
        }

        await AssertStillServes();
    }

    [Fact]
    public async Task AnOversizedRequestIsAnErrorAndTheServerGoesOn()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_server.SocketPath));
        var huge = new byte[1024 * 1024];
        huge.AsSpan().Fill((byte)'a');
        var sending = Task.Run(async () =>
        {
            try
            {
                await socket.SendAsync(huge, SocketFlags.None);
            }
            catch (SocketException)
            {
                // The server stops reading after 4 KB (plus a bounded drain): the rest may be refused.
            }
        });

        var answer = await ReadAll(socket);
        await sending;

        Assert.Equal(".error request too long (at most 4096 bytes)\n", answer);
        await AssertStillServes();
    }

    [Fact]
    public async Task ARequestOfExactlyTheLimitIsServed()
    {
        _server.Register("echo", (args, _) => ValueTask.FromResult(AdminReply.Ok(args.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var request = "echo\t" + new string('x', AdminProtocol.MaxRequestLength - "echo\t\n".Length) + "\n";
        Assert.Equal(AdminProtocol.MaxRequestLength, request.Length);
        Assert.Equal("1\n.ok\n", await SendRaw(Encoding.ASCII.GetBytes(request)));
        Assert.Equal(".error request too long (at most 4096 bytes)\n", await SendRaw(Encoding.ASCII.GetBytes("x" + request)));
    }

    [Fact]
    public async Task ASilentClientIsAnsweredWithATimeout()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_server.SocketPath));
        Assert.Equal(".error timed out waiting for the request line\n", await ReadAll(socket));
        await AssertStillServes();
    }

    [Fact]
    public async Task TheSocketIsRemovedAtStop()
    {
        Assert.True(File.Exists(_server.SocketPath));
        await _server.StopAsync();
        Assert.False(File.Exists(_server.SocketPath));
        await _server.StopAsync(); // idempotent
    }

    [Fact]
    public async Task AStaleSocketFromACrashIsReplaced()
    {
        await _server.StopAsync();
        // .NET unlinks the file of a socket it bound when that socket is disposed; kill -9 does not. Bound elsewhere and
        // moved into place, the file outlives its socket as after a crash.
        using (var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            crashed.Bind(new UnixDomainSocketEndPoint(_dir.File("crashed.sock")));
            crashed.Listen();
            File.Move(_dir.File("crashed.sock"), _server.SocketPath);
        }

        Assert.True(File.Exists(_server.SocketPath));

        var unavailable = await Assert.ThrowsAsync<AdminUnavailableException>(() => Send("queue", "list"));
        Assert.StartsWith("server is not running (", unavailable.Message, StringComparison.Ordinal);

        _server = StartServer(new AdminSocketOptions());
        Assert.True(_logger.Has(1401));
        await AssertStillServes();
    }

    [Fact]
    public async Task ASecondServerOnTheSameSocketIsRefused()
    {
        await using var second = new AdminSocketServer(_dir.Path, _logger);
        Assert.Throws<IOException>(second.Start);
        await AssertStillServes();
    }

    [Fact]
    public async Task WithoutAServerTheClientSaysTheServerIsNotRunning()
    {
        using var empty = new TempDirectory("admin-none");
        var error = await Assert.ThrowsAsync<AdminUnavailableException>(() => AdminClient.SendAsync(empty.Path, ["queue", "list"]));
        Assert.Equal($"server is not running (no {Path.Combine(empty.Path, "admin.sock")})", error.Message);
    }

    [Fact]
    public async Task AnArgumentWithATabCannotBeSent()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Send("queue", "show\t42"));
    }

    [Fact]
    public async Task TheQueueCommandPrintsTheServersReply()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await QueueCommand.RunAsync(Arguments.Parse(["queue", "show", "43", "--data-dir", _dir.Path]), output, error);

        Assert.Equal(0, exit);
        Assert.Contains("Queue ID:   43", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Sender:     <>", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task TheQueueCommandExitsOneWhenTheServerRefuses()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await QueueCommand.RunAsync(Arguments.Parse(["queue", "delete", "77", "--data-dir", _dir.Path]), output, error);

        Assert.Equal(1, exit);
        Assert.Equal("fastmail: no queued message 77", error.ToString().TrimEnd());
    }

    [Fact]
    public async Task TheQueueCommandExitsOneWhenNoServerRuns()
    {
        using var empty = new TempDirectory("admin-none");
        var error = new StringWriter();
        var exit = await QueueCommand.RunAsync(Arguments.Parse(["queue", "list", "--data-dir", empty.Path]), new StringWriter(), error);

        Assert.Equal(1, exit);
        Assert.StartsWith("fastmail: server is not running (no ", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queue")]
    [InlineData("queue", "show")]
    [InlineData("queue", "show", "abc")]
    [InlineData("queue", "delete", "1", "2")]
    [InlineData("queue", "purge")]
    [InlineData("queue", "list", "--force")]
    public async Task TheQueueCommandRejectsWrongUsageBeforeAskingTheServer(params string[] args)
    {
        await Assert.ThrowsAsync<UsageException>(() => QueueCommand.RunAsync(Arguments.Parse([.. args, "--data-dir", _dir.Path]), new StringWriter(), new StringWriter()));
        Assert.Empty(_queue.Retried);
        Assert.Empty(_queue.Deleted);
    }
}
