using FastMail.Core.Storage;
using FastMail.Tests.TestKit;
namespace FastMail.Tests.Storage;

public sealed class FasterMailStoreFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DeviceWriteErrorFailsTheCommitInsteadOfHangingAndLeavesNothingVisible()
    {
        FaultyDevice? device = null;
        await using var store = new TempStore(o => o.DeviceFactory = path => device = new FaultyDevice(path));
        var kept = await store.DeliverAsync("before the disk filled\r\n", "alice");
        device!.FailWrites = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.DeliverAsync("lost\r\n", "alice").WaitAsync(Patience));

        // The commit loop is still alive: later writers get an error too, not a hang.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.DeliverAsync("also lost\r\n", "bob").WaitAsync(Patience));
        Assert.Equal([kept], (await store.ReadAllAsync("alice")).Select(m => m.Id));
        Assert.Empty(await store.ReadAllAsync("bob"));
    }

    [Fact]
    public async Task DeviceWriteErrorFailsCommitDeletesAndKeepsTheMessages()
    {
        FaultyDevice? device = null;
        await using var store = new TempStore(o => o.DeviceFactory = path => device = new FaultyDevice(path));
        var id = await store.DeliverAsync("keep\r\n", "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            device!.FailWrites = true;
            await Assert.ThrowsAsync<StorageUnavailableException>(() => session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None).AsTask().WaitAsync(Patience));
        }

        Assert.Equal([id], (await store.ReadAllAsync("alice")).Select(m => m.Id));
    }

    [Fact]
    public async Task WriterAndSessionUsedAfterTheStoreClosedGetObjectDisposedException()
    {
        await using var store = new TempStore();
        await store.DeliverAsync("x\r\n", "alice");
        var session = await store.OpenAsync("alice");
        using var writer = store.Store.BeginMessage();
        writer.Write("y"u8);

        await store.Store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await writer.CommitAsync(["alice"], CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await session.ReadAsync(0, 0, new byte[10], CancellationToken.None));
        Assert.Throws<ObjectDisposedException>(() => store.Store.BeginMessage());
        await session.DisposeAsync();
    }
}
