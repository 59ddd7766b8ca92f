using System.Net;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Delivery;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Delivery;

public sealed class MailDeliveryTests
{
    private readonly FakeDirectory _directory = new FakeDirectory("example.com").AddDomain("example.org").AddUser("bob", "pw").AddUser("motriles", "pw");
    private readonly InMemoryMailStore _store = new();
    private readonly RecordingLogger _logger = new();

    [Theory]
    [InlineData("bob", "example.com")]
    [InlineData("Bob", "EXAMPLE.ORG")]
    [InlineData("bob", "")]
    public void ALocalUserResolvesToItsCanonicalMailbox(string local, string domain)
    {
        var verdict = Resolve(local, domain, out var mailbox);
        Assert.Equal(RecipientVerdict.Local, verdict);
        Assert.Equal("bob", mailbox);
    }

    [Fact]
    public void AnUnknownUserOfALocalDomainIsUnknownUser()
    {
        Assert.Equal(RecipientVerdict.UnknownUser, Resolve("nobody", "example.com", out var mailbox));
        Assert.Null(mailbox);
    }

    [Theory]
    [InlineData("postmaster", "example.com")]
    [InlineData("PostMaster", "EXAMPLE.ORG")]
    [InlineData("Postmaster", "")]
    public void PostmasterOfEveryLocalDomainGoesToThePostmasterAccountWhenNoAccountHasItsName(string local, string domain)
    {
        _directory.Postmaster = "motriles";
        Assert.Equal(RecipientVerdict.Local, Resolve(local, domain, out var mailbox));
        Assert.Equal("motriles", mailbox);
    }

    [Fact]
    public void PostmasterIsAnAccountOfItsOwnWhenOneHasItsName()
    {
        _directory.Postmaster = "motriles";
        _directory.AddUser("postmaster", "pw");
        Assert.Equal(RecipientVerdict.Local, Resolve("POSTMASTER", "example.com", out var own));
        Assert.Equal("postmaster", own);
        Assert.Equal(RecipientVerdict.UnknownUser, Resolve("postmasters", "example.com", out _));
    }

    [Fact]
    public void PostmasterIsUnknownOnlyWhenNoAccountCanTakeIt()
    {
        _directory.Postmaster = null; // what the directory says when there is no account at all
        Assert.Equal(RecipientVerdict.UnknownUser, Resolve("postmaster", "example.org", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void ARemoteDomainIsRelayDeniedForAnAnonymousClient()
    {
        Assert.Equal(RecipientVerdict.RelayDenied, Resolve("x", "elsewhere.net", out var mailbox));
        Assert.Null(mailbox);
    }

    [Fact]
    public void ARemoteDomainIsRelayUnavailableForAClientThatMayRelay()
    {
        // No outbound queue yet: refused, with the wording that does not blame the client.
        Assert.Equal(RecipientVerdict.RelayUnavailable, Resolve("x", "elsewhere.net", out _, user: "bob"));
        _directory.AllowRelay = true;
        Assert.Equal(RecipientVerdict.RelayUnavailable, Resolve("x", "elsewhere.net", out _));
    }

    [Fact]
    public void AMailboxAtItsQuotaIsMailboxFullAtRcpt()
    {
        _store.Add("bob", new string('x', 100));
        _directory.SetQuota("bob", 100);
        Assert.Equal(RecipientVerdict.MailboxFull, Resolve("bob", "example.com", out _));
        _directory.SetQuota("bob", 101);
        Assert.Equal(RecipientVerdict.Local, Resolve("bob", "example.com", out _));
    }

    [Fact]
    public void CheckMessageDropsOnlyTheTargetsTheMessageWouldTakeOverQuota()
    {
        _directory.SetQuota("bob", 1000);
        var envelope = Envelope("bob", "motriles");
        Assert.Equal(MessageVerdict.Deliver, CreateDelivery().CheckMessage(envelope, 1001));
        Assert.Equal(["motriles"], envelope.Targets);
        Assert.Equal(2, envelope.RecipientCount);
        Assert.Contains(_logger.Entries, entry => entry.Message.Contains("not delivered to bob, over its quota", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckMessageSaysAllMailboxesFullWhenNoTargetHasRoom()
    {
        _directory.SetQuota("bob", 1000).SetQuota("motriles", 10);
        var envelope = Envelope("bob", "motriles");
        Assert.Equal(MessageVerdict.AllMailboxesFull, CreateDelivery().CheckMessage(envelope, 1001));
        Assert.Empty(envelope.Targets);
    }

    [Fact]
    public async Task CommitHandsTheStoreOneCommitWithTheEnvelopeAndTheLocalTargets()
    {
        var delivery = CreateDelivery();
        var envelope = new Envelope();
        envelope.SetSender("alice@example.net"u8, default, "SIZE=10 BODY=8BITMIME"u8);
        envelope.AddRecipient("bob@example.com"u8, default, default, "bob");
        envelope.AddRecipient("Bob"u8, "example.com"u8, default, "bob");
        envelope.AddRecipient("motriles@example.org"u8, default, default, "motriles");
        using var message = delivery.BeginMessage();
        message.Write("hello\r\n"u8);

        await delivery.CommitAsync(envelope, message, CancellationToken.None);

        Assert.Equal(1, _store.CommitCount);
        var stored = Assert.Single(_store.Envelopes);
        Assert.Equal("alice@example.net", stored.Sender);
        Assert.Equal("SIZE=10 BODY=8BITMIME", stored.SenderParameters);
        Assert.Equal(["bob@example.com", "Bob@example.com", "motriles@example.org"], stored.Recipients);
        Assert.Equal(["bob", "motriles"], stored.Mailboxes);
        Assert.Single(_store.Messages("bob"));
        Assert.Single(_store.Messages("motriles"));
    }

    private MailDelivery CreateDelivery() => new(_directory, _directory, _store, _logger);

    private RecipientVerdict Resolve(string local, string domain, out string? mailbox, string? user = null) =>
        CreateDelivery().ResolveRecipient(
            System.Text.Encoding.ASCII.GetBytes(local), System.Text.Encoding.ASCII.GetBytes(domain), IPAddress.Parse("192.0.2.7"), user, out mailbox);

    private static Envelope Envelope(params string[] mailboxes)
    {
        var envelope = new Envelope();
        envelope.SetSender("alice@example.net"u8, default, default);
        foreach (var mailbox in mailboxes)
        {
            envelope.AddRecipient(System.Text.Encoding.ASCII.GetBytes(mailbox), "example.com"u8, default, mailbox);
        }

        return envelope;
    }
}
