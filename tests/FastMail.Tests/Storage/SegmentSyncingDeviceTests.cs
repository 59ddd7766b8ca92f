namespace FastMail.Tests.Storage;

public sealed class SegmentSyncingDeviceTests
{
    [Fact]
    public async Task StoreSpanningSeveralSegmentFilesReopensIntact()
    {
        // 1 MB segments: every new segment file passes through the directory-syncing device.
        await using var store = new TempStore();
        var contents = Enumerable.Range(0, 5).Select(i => FasterMailStoreDurabilityTests.RandomBytes(700_000, seed: 100 + i)).ToArray();
        var ids = new List<long>();
        foreach (var content in contents)
        {
            ids.Add(await store.DeliverAsync(content, "alice"));
        }

        Assert.True(Directory.GetFiles(Path.Combine(store.Directory, "mail"), "mail.log.*").Length >= 3);
        await store.ReopenAsync();

        var messages = await store.ReadAllAsync("alice", bufferSize: 65_536);
        Assert.Equal(ids, messages.Select(m => m.Id));
        for (var i = 0; i < contents.Length; i++)
        {
            Assert.Equal(contents[i], messages[i].Content);
        }
    }
}
