using System.Text;
using FastMail.Core.Mail;

namespace FastMail.Tests.Mail;

public sealed class EnvelopeTests
{
    [Fact]
    public void SenderAndRecipientsAreKeptQualifiedWithTheirParameters()
    {
        var envelope = new Envelope(capacity: 64);
        envelope.SetSender("alice"u8, "example.com"u8, "SIZE=5"u8);
        envelope.AddRecipient("bob"u8, "example.com"u8, default, "bob");
        envelope.AddRecipient("carol@example.org"u8, default, "NOTIFY=NEVER"u8, null);

        Assert.Equal("alice@example.com", Encoding.ASCII.GetString(envelope.Sender));
        Assert.Equal("SIZE=5", Encoding.ASCII.GetString(envelope.SenderParameters));
        Assert.Equal(2, envelope.RecipientCount);
        Assert.Equal("bob@example.com", Encoding.ASCII.GetString(envelope[0].Address));
        Assert.Equal("bob", envelope[0].Mailbox);
        Assert.Equal("carol@example.org", Encoding.ASCII.GetString(envelope[1].Address));
        Assert.Equal("NOTIFY=NEVER", Encoding.ASCII.GetString(envelope[1].Parameters));
        Assert.Null(envelope[1].Mailbox);
        Assert.Equal(["bob"], envelope.Targets);
    }

    [Fact]
    public void AMailboxNamedTwiceIsOneTarget()
    {
        var envelope = new Envelope();
        envelope.SetSender(default, default, default);
        envelope.AddRecipient("bob@example.com"u8, default, default, "bob");
        envelope.AddRecipient("BOB@example.org"u8, default, default, "bob");
        Assert.Equal(2, envelope.RecipientCount);
        Assert.Equal(["bob"], envelope.Targets);
        Assert.True(envelope.Sender.IsEmpty);
    }

    [Fact]
    public void TheBufferGrowsForLongAddressesAndIsReusedAfterClear()
    {
        var envelope = new Envelope(capacity: 64);
        var longLocal = Encoding.ASCII.GetBytes(new string('a', 300));
        envelope.SetSender(longLocal, "example.com"u8, default);
        for (var i = 0; i < 10; i++)
        {
            envelope.AddRecipient(longLocal, "example.org"u8, default, "m" + i);
        }

        Assert.Equal(new string('a', 300) + "@example.org", Encoding.ASCII.GetString(envelope[9].Address));
        envelope.Clear();
        Assert.Equal(0, envelope.RecipientCount);
        Assert.Empty(envelope.Targets);

        // Steady state: the same transaction again allocates nothing.
        Fill(envelope, longLocal);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Fill(envelope, longLocal);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Fill(Envelope envelope, byte[] local)
    {
        envelope.SetSender(local, "example.com"u8, default);
        for (var i = 0; i < 10; i++)
        {
            envelope.AddRecipient(local, "example.org"u8, default, "bob");
        }
    }
}
