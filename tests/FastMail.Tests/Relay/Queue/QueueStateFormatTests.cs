using FastMail.Relay.Queue;

namespace FastMail.Tests.Relay.Queue;

/// <summary>The queue's saved state and the envelope parameters it reads back: what a restart depends on.</summary>
public sealed class QueueStateFormatTests
{
    [Fact]
    public void EveryRecipientFieldRoundTrips()
    {
        var arrived = DateTimeOffset.FromUnixTimeMilliseconds(1_765_000_000_123);
        var recipients = new List<QueuedRecipient>
        {
            new("bob@b.test", "FAILURE,DELAY", "rfc822;team@a.test") { State = QueuedRecipientState.Pending, Attempts = 3, NextAttempt = arrived.AddMinutes(20), LastReply = "451 4.3.0 later", Warned = true },
            new("jörg@b.test", null, null) { State = QueuedRecipientState.Bounced, Attempts = 1, NextAttempt = arrived, LastReply = "550 5.1.1 no", Reported = true },
            new("carol@c.test", "NEVER", null) { State = QueuedRecipientState.Delivered, Attempts = 1, NextAttempt = arrived },
        };

        var read = QueueStateFormat.Read(QueueStateFormat.Write(arrived, recipients), out var readArrived);

        Assert.Equal(arrived, readArrived);
        Assert.Equal(recipients.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(recipients[i].Address, read[i].Address);
            Assert.Equal(recipients[i].Notify, read[i].Notify);
            Assert.Equal(recipients[i].OriginalRecipient, read[i].OriginalRecipient);
            Assert.Equal(recipients[i].State, read[i].State);
            Assert.Equal(recipients[i].Attempts, read[i].Attempts);
            Assert.Equal(recipients[i].NextAttempt, read[i].NextAttempt);
            Assert.Equal(recipients[i].LastReply, read[i].LastReply);
            Assert.Equal(recipients[i].Warned, read[i].Warned);
            Assert.Equal(recipients[i].Reported, read[i].Reported);
        }
    }

    [Fact]
    public void AStateOfAnUnknownVersionIsRefused() =>
        Assert.Throws<InvalidDataException>(() => QueueStateFormat.Read([9, 0, 0], out _));

    [Fact]
    public void EnvelopeParametersGiveTheNextHopsOptionsWithXtextDecoded()
    {
        var options = EnvelopeOptions.Parse("SIZE=100 BODY=8BITMIME SMTPUTF8 RET=hdrs ENVID=a+2Bb"u8);
        Assert.Equal(new EnvelopeOptions(true, true, "HDRS", "a+b"), options);

        EnvelopeOptions.ParseRecipient("NOTIFY=failure,delay ORCPT=rfc822;x+2By@a.test"u8, out var notify, out var original);
        Assert.Equal("FAILURE,DELAY", notify);
        Assert.Equal("rfc822;x+y@a.test", original);
    }
}
