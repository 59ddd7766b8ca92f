using System.Text;
using FastMail.Relay.Client;
using FastMail.Testing.Relay;

namespace FastMail.Tests.Relay.Client;

public sealed class SmtpRelayClientTests : IAsyncLifetime
{
    private static readonly RelayClientOptions Fast = new()
    {
        HeloName = "relay.test",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        GreetingTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(5),
        DataInitiationTimeout = TimeSpan.FromSeconds(5),
        DataBlockTimeout = TimeSpan.FromSeconds(5),
        DataTerminationTimeout = TimeSpan.FromSeconds(5),
    };

    private readonly ScriptedSmtpPeer _peer = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _peer.DisposeAsync().AsTask();

    private static CancellationToken None => CancellationToken.None;

    private Task<SmtpRelayClient> Connect(RelayClientOptions? options = null, string? user = null, string? password = null) =>
        SmtpRelayClient.ConnectAsync(_peer.Hop(user, password), options ?? Fast, None);

    private static OutboundMessage Message(string body, params string[] recipients) =>
        new("alice@sender.example", recipients.Select(r => new OutboundRecipient(r, null, null)).ToArray(), new Body(body), false, false, null, null);

    private static string Wire(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task PipelinedTransactionSendsMailRcptsAndDataInOneWrite()
    {
        await using var client = await Connect();

        var result = await client.SendAsync(Message("Subject: hi\r\n\r\nhello\r\n", "bob@x.example", "carol@x.example"), None);

        Assert.All(result.Recipients, r => Assert.Equal(DeliveryOutcome.Delivered, r.Outcome));
        Assert.Equal("2.0.0", result.Recipients[0].Reply.EnhancedCode);
        Assert.Contains(_peer.Batches, b => b.SequenceEqual(
            ["MAIL FROM:<alice@sender.example> SIZE=22", "RCPT TO:<bob@x.example>", "RCPT TO:<carol@x.example>", "DATA"]));
        Assert.Equal("Subject: hi\r\n\r\nhello\r\n.\r\n", Wire(Assert.Single(_peer.Data)));
        Assert.True(client.SupportsPipelining);
        Assert.Equal(10485760, client.MaxSize);
        Assert.True(client.IsUsable);
    }

    [Fact]
    public async Task WithoutPipeliningEachCommandWaitsForItsReply()
    {
        _peer.Capabilities.Remove("PIPELINING");
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example", "carol@x.example"), None);

        Assert.All(result.Recipients, r => Assert.Equal(DeliveryOutcome.Delivered, r.Outcome));
        var transaction = _peer.Batches.SkipWhile(b => !b[0].StartsWith("MAIL", StringComparison.Ordinal)).Take(4).ToArray();
        Assert.Equal(
            ["MAIL FROM:<alice@sender.example> SIZE=3", "RCPT TO:<bob@x.example>", "RCPT TO:<carol@x.example>", "DATA"],
            transaction.Select(b => Assert.Single(b)));
    }

    [Fact]
    public async Task BodyIsDotStuffedByteExact()
    {
        await using var client = await Connect();
        const string body = "a\r\n.b\r\n..c\r\n.\r\nend.\r\n. \r\n";

        await client.SendAsync(Message(body, "bob@x.example"), None);

        Assert.Equal("a\r\n..b\r\n...c\r\n..\r\nend.\r\n.. \r\n.\r\n", Wire(Assert.Single(_peer.Data)));
    }

    [Fact]
    public async Task BodyStartingWithDotAndLackingFinalCrlfIsStuffedAndTerminated()
    {
        await using var client = await Connect();

        await client.SendAsync(Message(".first\r\nlast line", "bob@x.example"), None);

        Assert.Equal("..first\r\nlast line\r\n.\r\n", Wire(Assert.Single(_peer.Data)));
    }

    [Fact]
    public async Task EmptyBodySendsOnlyTheDotLine()
    {
        await using var client = await Connect();

        var result = await client.SendAsync(Message("", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Equal(".\r\n", Wire(Assert.Single(_peer.Data)));
    }

    [Fact]
    public async Task DotStuffingHoldsAcrossChunkBoundaries()
    {
        // 64 KiB chunks: put a line-leading dot right at a chunk start and a CRLF split across the boundary.
        var line = new string('x', 65534);
        var body = line + "\r\n.dot\r\n" + line[..65533] + "\r\n.\r\n";
        await using var client = await Connect();

        var result = await client.SendAsync(Message(body, "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Equal(line + "\r\n..dot\r\n" + line[..65533] + "\r\n..\r\n.\r\n", Wire(Assert.Single(_peer.Data)));
    }

    [Fact]
    public async Task EhloRefusedFallsBackToHeloWithoutExtensions()
    {
        _peer.EhloUnknown = true;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Null(client.Extensions);
        Assert.Contains("HELO relay.test", _peer.Commands);
        Assert.Contains("MAIL FROM:<alice@sender.example>", _peer.Commands); // no SIZE= to a HELO peer
    }

    [Fact]
    public async Task MessageOverPeerSizeFailsPermanentlyWithoutSending()
    {
        _peer.Capabilities.Remove("SIZE 10485760");
        _peer.Capabilities.Add("SIZE 10");
        await using var client = await Connect();

        var result = await client.SendAsync(Message("this body is longer than ten\r\n", "bob@x.example"), None);

        var recipient = Assert.Single(result.Recipients);
        Assert.Equal(DeliveryOutcome.PermanentFailure, recipient.Outcome);
        Assert.Equal(552, recipient.Reply.Code);
        Assert.Equal("5.3.4", recipient.Reply.EnhancedCode);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.True(client.IsUsable);
    }

    [Fact]
    public async Task TemporaryMailRejectionFailsEveryRecipientTemporarily()
    {
        _peer.Reply = line => line.StartsWith("MAIL", StringComparison.Ordinal) ? "451 4.3.0 try later" : null;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example", "carol@x.example"), None);

        Assert.All(result.Recipients, r =>
        {
            Assert.Equal(DeliveryOutcome.TemporaryFailure, r.Outcome);
            Assert.Equal(451, r.Reply.Code);
        });
        Assert.Empty(_peer.Data);
        Assert.Equal("RSET", _peer.Commands[^1]);
        Assert.True(client.IsUsable);
    }

    [Fact]
    public async Task PermanentMailRejectionFailsEveryRecipientPermanently()
    {
        _peer.Capabilities.Remove("PIPELINING");
        _peer.Reply = line => line.StartsWith("MAIL", StringComparison.Ordinal) ? "550 5.7.1 sender rejected" : null;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example", "carol@x.example"), None);

        Assert.All(result.Recipients, r => Assert.Equal(DeliveryOutcome.PermanentFailure, r.Outcome));
        Assert.Equal("5.7.1", result.Recipients[1].Reply.EnhancedCode);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("RCPT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MixedRecipientRepliesMapPerRecipient()
    {
        _peer.RcptReplies["gone@x.example"] = "550 5.1.1 no such user";
        _peer.RcptReplies["full@x.example"] = "452 4.2.2 mailbox full";
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "gone@x.example", "bob@x.example", "full@x.example"), None);

        Assert.Equal(
            [(DeliveryOutcome.PermanentFailure, 550), (DeliveryOutcome.Delivered, 250), (DeliveryOutcome.TemporaryFailure, 452)],
            result.Recipients.Select(r => (r.Outcome, r.Reply.Code)));
        Assert.Equal("gone@x.example", result.Recipients[0].Recipient.Address);
        Assert.Single(_peer.Data);
    }

    [Fact]
    public async Task NoAcceptedRecipientMeansNoDataAndRset()
    {
        _peer.Capabilities.Remove("PIPELINING");
        _peer.RcptReplies["gone@x.example"] = "550 5.1.1 no such user";
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "gone@x.example"), None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, Assert.Single(result.Recipients).Outcome);
        Assert.DoesNotContain("DATA", _peer.Commands);
        Assert.Equal("RSET", _peer.Commands[^1]);
    }

    [Fact]
    public async Task PipelinedDataRefusedAfterAllRecipientsFailedIsHarmless()
    {
        _peer.RcptReplies["gone@x.example"] = "550 5.1.1 no such user";
        _peer.Reply = line => line == "DATA" ? "554 5.5.1 no valid recipients" : null;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "gone@x.example"), None);

        Assert.Equal((DeliveryOutcome.PermanentFailure, 550), (result.Recipients[0].Outcome, result.Recipients[0].Reply.Code));
        Assert.True(client.IsUsable);
        Assert.Empty(_peer.Data);
    }

    [Fact]
    public async Task DataStartedWithoutAcceptedRecipientIsEndedEmptyAndDiscarded()
    {
        _peer.RcptReplies["gone@x.example"] = "550 5.1.1 no such user";
        _peer.Reply = line => line == "DATA" ? "354 go ahead anyway" : null;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("must not be sent\r\n", "gone@x.example"), None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Recipients[0].Outcome);
        Assert.Equal(".\r\n", Wire(Assert.Single(_peer.Data)));
        Assert.Equal("RSET", _peer.Commands[^1]);
        Assert.True(client.IsUsable);
    }

    [Theory]
    [InlineData("250 2.0.0 ok", DeliveryOutcome.Delivered)]
    [InlineData("451 4.3.0 local error", DeliveryOutcome.TemporaryFailure)]
    [InlineData("554 5.7.1 spam", DeliveryOutcome.PermanentFailure)]
    public async Task FinalReplyAppliesToEveryAcceptedRecipient(string final, DeliveryOutcome outcome)
    {
        _peer.FinalReply = final;
        _peer.RcptReplies["gone@x.example"] = "550 5.1.1 no such user";
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example", "gone@x.example", "carol@x.example"), None);

        Assert.Equal([outcome, DeliveryOutcome.PermanentFailure, outcome], result.Recipients.Select(r => r.Outcome));
        Assert.Equal(final[..3], result.Recipients[2].Reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DropMidDataIsTemporaryAndConnectionUnusable()
    {
        _peer.DropMidData = true;
        await using var client = await Connect();
        var body = string.Concat(Enumerable.Repeat(new string('y', 998) + "\r\n", 4000)); // ~4 MB: still writing when dropped

        var result = await client.SendAsync(Message(body, "bob@x.example", "carol@x.example"), None);

        Assert.All(result.Recipients, r =>
        {
            Assert.Equal(DeliveryOutcome.TemporaryFailure, r.Outcome);
            Assert.Equal("4.4.2", r.Reply.EnhancedCode);
        });
        Assert.False(client.IsUsable);
        var again = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);
        Assert.Equal(DeliveryOutcome.TemporaryFailure, again.Recipients[0].Outcome);
    }

    [Fact]
    public async Task DropAfterSmallBodyBeforeFinalReplyIsTemporary()
    {
        _peer.DropMidData = true;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("small\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.False(client.IsUsable);
    }

    [Fact]
    public async Task SlowPeerTimesOutAsTemporaryFailure()
    {
        _peer.SlowVerb = "RCPT";
        _peer.SlowDelay = TimeSpan.FromSeconds(10);
        var options = new RelayClientOptions { HeloName = "relay.test", CommandTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = await Connect(options);

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.Equal("4.4.2", result.Recipients[0].Reply.EnhancedCode);
        Assert.False(client.IsUsable);
    }

    [Fact]
    public async Task SlowFinalReplyUsesTheDataTerminationTimeout()
    {
        _peer.SlowVerb = "DOT";
        _peer.SlowDelay = TimeSpan.FromSeconds(10);
        var options = new RelayClientOptions { HeloName = "relay.test", DataTerminationTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = await Connect(options);

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.Single(_peer.Data);
    }

    [Fact]
    public async Task OverlongReplyLineFailsTheConnectionWithoutCrashing()
    {
        _peer.Reply = line => line.StartsWith("RCPT", StringComparison.Ordinal) ? "250 " + new string('x', 100_000) : null;
        await using var client = await Connect(new RelayClientOptions { HeloName = "relay.test", MaxReplyLineLength = 512 });

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.False(client.IsUsable);
    }

    [Fact]
    public async Task TooManyReplyLinesFailTheConnection()
    {
        _peer.Reply = line => line.StartsWith("MAIL", StringComparison.Ordinal)
            ? string.Join('\n', Enumerable.Range(0, 50).Select(_ => "250-more")) + "\n250 ok"
            : null;
        await using var client = await Connect(new RelayClientOptions { HeloName = "relay.test", MaxReplyLines = 20 });

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.False(client.IsUsable);
    }

    [Theory]
    [InlineData("hello there")]
    [InlineData("25")]
    [InlineData("999 what")]
    [InlineData("250x")]
    [InlineData("\u0001\u0002\u0003\u0004")]
    public async Task GarbageReplyIsTemporaryFailureNotACrash(string garbage)
    {
        _peer.Reply = line => line.StartsWith("MAIL", StringComparison.Ordinal) ? garbage : null;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.False(client.IsUsable);
    }

    [Fact]
    public async Task GarbageGreetingThrowsRelayExceptionNotACrash()
    {
        _peer.Greeting = "SSH-2.0-OpenSSH_9.6";

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() => Connect());

        Assert.False(error.IsPermanent);
    }

    [Fact]
    public async Task RefusingGreetingThrowsWithThePeersReply()
    {
        _peer.Greeting = "554 5.3.2 no service here";

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() => Connect());

        Assert.Equal(554, error.Reply!.Code);
        Assert.True(error.IsPermanent);
    }

    [Fact]
    public async Task ConnectionRefusedThrowsTemporary()
    {
        var port = _peer.Port;
        await _peer.DisposeAsync();

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() =>
            SmtpRelayClient.ConnectAsync(new("gone.test", System.Net.IPAddress.Loopback, port, null, null), Fast, None));

        Assert.False(error.IsPermanent);
        Assert.Equal("4.4.1", error.Reply!.EnhancedCode);
    }

    [Fact]
    public async Task StartTlsUpgradesAndRepeatsEhlo()
    {
        _peer.OfferStartTls = true;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("secret\r\n", "bob@x.example"), None);

        Assert.True(client.IsTls);
        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Equal(["EHLO relay.test", "STARTTLS"], _peer.Commands.Take(2));
        Assert.Equal("EHLO relay.test", _peer.TlsCommands[0]);
        Assert.Contains(_peer.TlsCommands, c => c.StartsWith("MAIL FROM:", StringComparison.Ordinal));
        Assert.DoesNotContain("STARTTLS", client.Extensions!);
    }

    [Fact]
    public async Task PlaintextInjectedAfterStartTlsReplyFailsTheConnection()
    {
        // RFC 3207 5: bytes the peer sent with its 220 precede the handshake and must not be taken as TLS-protected replies.
        _peer.OfferStartTls = true;
        _peer.Reply = line => line == "STARTTLS" ? "220 2.0.0 go ahead\n250 2.1.0 injected" : null;

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() => Connect());

        Assert.False(error.IsPermanent);
        Assert.Contains("after its 220", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuotedLocalPartWithSpaceIsSentAsIs()
    {
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "\"john doe\"@x.example"), None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Contains("RCPT TO:<\"john doe\"@x.example>", _peer.Commands);
    }

    [Fact]
    public async Task RequireTlsWithoutStartTlsFailsTemporarilyAndSendsNoMail()
    {
        var options = new RelayClientOptions { HeloName = "relay.test", RequireTls = true };

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() => Connect(options));

        Assert.False(error.IsPermanent);
        Assert.Equal("4.7.10", error.Reply!.EnhancedCode);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequireTlsWhenStartTlsIsRefusedFailsTemporarily()
    {
        _peer.OfferStartTls = true;
        _peer.Reply = line => line == "STARTTLS" ? "454 4.7.0 TLS not available" : null;

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() => Connect(new RelayClientOptions { RequireTls = true }));

        Assert.Equal(454, error.Reply!.Code);
        Assert.False(error.IsPermanent);
    }

    [Fact]
    public async Task OpportunisticTlsRefusedContinuesInPlaintext()
    {
        _peer.OfferStartTls = true;
        _peer.Reply = line => line == "STARTTLS" ? "454 4.7.0 TLS not available" : null;
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.False(client.IsTls);
        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
    }

    [Fact]
    public async Task AuthPlainSendsTheCredentialsOverTls()
    {
        _peer.OfferStartTls = true;
        _peer.Capabilities.Add("AUTH PLAIN LOGIN");
        await using var client = await Connect(user: "alice", password: "s3cret");

        var auth = Assert.Single(_peer.TlsCommands, c => c.StartsWith("AUTH", StringComparison.Ordinal));
        Assert.Equal("AUTH PLAIN " + Convert.ToBase64String("\0alice\0s3cret"u8), auth);
        Assert.DoesNotContain(_peer.Commands.Except(_peer.TlsCommands), c => c.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthLoginIsUsedWhenPlainIsNotOffered()
    {
        _peer.Capabilities.Add("AUTH=LOGIN");
        await using var client = await Connect(user: "alice", password: "pw");

        var index = _peer.Commands.ToList().IndexOf("AUTH LOGIN");
        Assert.True(index >= 0);
        Assert.Equal([Convert.ToBase64String("alice"u8), Convert.ToBase64String("pw"u8)], _peer.Commands.Skip(index + 1).Take(2));
    }

    [Fact]
    public async Task AuthFailureIsTemporary()
    {
        _peer.Capabilities.Add("AUTH PLAIN");
        _peer.Reply = line => line.StartsWith("AUTH", StringComparison.Ordinal) ? "535 5.7.8 bad credentials" : null;

        var error = await Assert.ThrowsAsync<SmtpRelayException>(() => Connect(user: "alice", password: "wrong"));

        Assert.Equal(535, error.Reply!.Code);
        Assert.False(error.IsPermanent);
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialsAreNotSentInClearTextWhenTlsIsRequired()
    {
        _peer.Capabilities.Add("AUTH PLAIN");
        _peer.OfferStartTls = true;
        _peer.Reply = line => line == "STARTTLS" ? "454 4.7.0 TLS not available" : null;

        await Assert.ThrowsAsync<SmtpRelayException>(() =>
            Connect(new RelayClientOptions { RequireTls = true }, user: "alice", password: "pw"));

        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoMessagesShareOneConnection()
    {
        await using (var client = await Connect())
        {
            var first = await client.SendAsync(Message("one\r\n", "bob@x.example"), None);
            var second = await client.SendAsync(Message("two\r\n", "carol@x.example"), None);

            Assert.Equal(DeliveryOutcome.Delivered, first.Recipients[0].Outcome);
            Assert.Equal(DeliveryOutcome.Delivered, second.Recipients[0].Outcome);
        }

        Assert.Equal(1, _peer.Connections);
        Assert.Equal(["one\r\n.\r\n", "two\r\n.\r\n"], _peer.Data.Select(Wire));
        Assert.Equal("QUIT", _peer.Commands[^1]);
    }

    [Fact]
    public async Task MessageAfterRejectedTransactionFollowsRset()
    {
        var rejectFirst = true;
        _peer.Reply = line =>
        {
            if (line.StartsWith("MAIL", StringComparison.Ordinal) && rejectFirst)
            {
                rejectFirst = false;
                return "451 4.3.0 later";
            }

            return null;
        };
        await using var client = await Connect();

        await client.SendAsync(Message("one\r\n", "bob@x.example"), None);
        var second = await client.SendAsync(Message("two\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.Delivered, second.Recipients[0].Outcome);
        Assert.Equal(1, _peer.Connections);
        Assert.Contains("RSET", _peer.Commands);
    }

    [Fact]
    public async Task DsnParametersAreSentWhenAdvertised()
    {
        _peer.Capabilities.Add("DSN");
        await using var client = await Connect();
        var message = new OutboundMessage("alice@sender.example",
            [new OutboundRecipient("bob@x.example", "SUCCESS,FAILURE", "rfc822;bob+tag=1@x.example")],
            new Body("x\r\n"), EightBitMime: true, SmtpUtf8: false, Ret: "HDRS", EnvelopeId: "id+1=2 é");

        await client.SendAsync(message, None);

        Assert.Contains("MAIL FROM:<alice@sender.example> SIZE=3 BODY=8BITMIME RET=HDRS ENVID=id+2B1+3D2+20+C3+A9", _peer.Commands);
        Assert.Contains("RCPT TO:<bob@x.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+2Btag+3D1@x.example", _peer.Commands);
    }

    [Fact]
    public async Task DsnParametersAreOmittedWhenNotAdvertised()
    {
        await using var client = await Connect();
        var message = new OutboundMessage("alice@sender.example",
            [new OutboundRecipient("bob@x.example", "SUCCESS", "rfc822;bob@x.example")], new Body("x\r\n"), false, false, "FULL", "env1");

        await client.SendAsync(message, None);

        Assert.Contains("MAIL FROM:<alice@sender.example> SIZE=3", _peer.Commands);
        Assert.Contains("RCPT TO:<bob@x.example>", _peer.Commands);
    }

    [Fact]
    public async Task SmtpUtf8MessageToPeerWithoutItFailsPermanently()
    {
        await using var client = await Connect();
        var message = Message("x\r\n", "bøb@x.example") with { SmtpUtf8 = true };

        var result = await client.SendAsync(message, None);

        Assert.Equal((DeliveryOutcome.PermanentFailure, "5.6.7"), (result.Recipients[0].Outcome, result.Recipients[0].Reply.EnhancedCode));
        Assert.DoesNotContain(_peer.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmtpUtf8MessageToPeerWithItDeclaresIt()
    {
        _peer.Capabilities.Add("SMTPUTF8");
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bøb@x.example") with { SmtpUtf8 = true }, None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Contains("MAIL FROM:<alice@sender.example> SIZE=3 SMTPUTF8", _peer.Commands);
        Assert.Contains("RCPT TO:<bøb@x.example>", _peer.Commands);
    }

    [Fact]
    public async Task EightBitBodyToPeerWithout8BitMimeFailsPermanently()
    {
        _peer.Capabilities.Remove("8BITMIME");
        await using var client = await Connect();

        var result = await client.SendAsync(Message("caf\u00e9\r\n", "bob@x.example") with { EightBitMime = true }, None);

        Assert.Equal("5.6.3", result.Recipients[0].Reply.EnhancedCode);
        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Recipients[0].Outcome);
        Assert.Empty(_peer.Data);
    }

    [Fact]
    public async Task SevenBitBodyDeclared8BitGoesToPeerWithout8BitMimeWithoutBodyParameter()
    {
        _peer.Capabilities.Remove("8BITMIME");
        await using var client = await Connect();

        var result = await client.SendAsync(Message("plain\r\n", "bob@x.example") with { EightBitMime = true }, None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Recipients[0].Outcome);
        Assert.Contains("MAIL FROM:<alice@sender.example> SIZE=7", _peer.Commands);
    }

    [Fact]
    public async Task NullReversePathIsSentAsEmptyBrackets()
    {
        await using var client = await Connect();

        await client.SendAsync(Message("x\r\n", "bob@x.example") with { Sender = "" }, None);

        Assert.Contains("MAIL FROM:<> SIZE=3", _peer.Commands);
    }

    [Fact]
    public async Task RecipientWithLineBreakIsRejectedLocallyAndNeverSent()
    {
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example\r\nRSET", "carol@x.example"), None);

        Assert.Equal([DeliveryOutcome.PermanentFailure, DeliveryOutcome.Delivered], result.Recipients.Select(r => r.Outcome));
        Assert.DoesNotContain(_peer.Commands, c => c.Contains("bob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServiceClosingReplyMakesTheConnectionUnusable()
    {
        _peer.Reply = line => line.StartsWith("MAIL", StringComparison.Ordinal) ? "421 4.3.2 shutting down" : null;
        _peer.Capabilities.Remove("PIPELINING");
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(DeliveryOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.Equal(421, result.Recipients[0].Reply.Code);
        Assert.False(client.IsUsable);
    }

    [Fact]
    public async Task MultilineReplyTextIsJoinedAndKeepsEnhancedCode()
    {
        _peer.RcptReplies["bob@x.example"] = "550-5.1.1 first line\n550 5.1.1 second line";
        await using var client = await Connect();

        var result = await client.SendAsync(Message("x\r\n", "bob@x.example"), None);

        Assert.Equal(new SmtpReply(550, "5.1.1 first line\n5.1.1 second line"), result.Recipients[0].Reply);
        Assert.Equal("5.1.1", result.Recipients[0].Reply.EnhancedCode);
        Assert.True(client.IsUsable);
    }

    [Theory]
    [InlineData(250, "2.1.5 ok", "2.1.5")]
    [InlineData(550, "5.7.1", "5.7.1")]
    [InlineData(550, "4.7.1 wrong class", null)]
    [InlineData(250, "ok", null)]
    [InlineData(250, "2.1 short", null)]
    [InlineData(250, "2..5 empty", null)]
    [InlineData(250, "2.1.5000 long", null)]
    [InlineData(250, "", null)]
    public void EnhancedCodeIsParsedOnlyWhenWellFormed(int code, string text, string? expected)
    {
        Assert.Equal(expected, new SmtpReply(code, text).EnhancedCode);
    }

    private sealed class Body(string text) : IOutboundBody
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);

        public long Length => _bytes.Length;

        public Stream Open() => new MemoryStream(_bytes, writable: false);
    }
}
