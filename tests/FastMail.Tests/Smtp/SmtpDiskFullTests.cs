using FastMail.Core.Storage;

namespace FastMail.Tests.Smtp;

/// <summary>Disk full: a store that raises <see cref="StorageFullException"/> gets 452 4.3.1 (RFC 3463), other store errors keep 451 4.3.0.</summary>
public sealed class SmtpDiskFullTests
{
    private const string StorageFull = "452 4.3.1 Insufficient system storage";

    // What FasterMailStore raises below its reserve or when a commit fails on a full disk.
    private static StorageFullException NoSpace() => new("No space left on device: the mail log could not commit to storage.");

    [Fact]
    public async Task ACommitThatFailsForLackOfSpaceGets452And431ThenMailIsAcceptedOnceSpaceReturns()
    {
        var host = new SmtpHost();
        host.Recorder.CommitFailure = NoSpace();
        await using var script = await StartData(host);
        await script.SendRaw("x\r\n.\r\n");
        Assert.Equal(StorageFull, await script.ReadLine());
        Assert.Equal(1, host.Recorder.Disposed);

        host.Recorder.CommitFailure = null;
        await script.Send("MAIL FROM:<a@example.net>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("y\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Single(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task AnUnavailableStoreGets451And430()
    {
        var host = new SmtpHost();
        host.Recorder.CommitFailure = new StorageUnavailableException("The mail log could not commit to storage.", new IOException("Input/output error"));
        await using var script = await StartData(host);
        await script.SendRaw("x\r\n.\r\n");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
    }

    [Fact]
    public async Task ARawErrnoIsNotDecodedBySmtp()
    {
        // Only the store's typed failure means "full"; an IOException that merely carries ENOSPC is an ordinary store error.
        var host = new SmtpHost();
        host.Recorder.CommitFailure = new IOException("No space left on device", unchecked((int)0x8007001C));
        await using var script = await StartData(host);
        await script.SendRaw("x\r\n.\r\n");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
    }

    [Fact]
    public async Task AStoreThatRefusesToBeginAMessageGets452And431AtData()
    {
        var host = new SmtpHost();
        host.Recorder.BeginFailure = NoSpace();
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        Assert.Equal(StorageFull, await script.ReadLine());
        await script.Send("NOOP");
        await script.Expect("250");
    }

    [Fact]
    public async Task OtherStoreErrorsKeep451And430()
    {
        var host = new SmtpHost();
        host.Recorder.CommitFailure = new IOException("Input/output error", unchecked((int)0x80070005));
        await using var script = await StartData(host);
        await script.SendRaw("x\r\n.\r\n");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
    }

    private static async Task<TestKit.SessionScript> StartData(SmtpHost host)
    {
        var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        return script;
    }
}
