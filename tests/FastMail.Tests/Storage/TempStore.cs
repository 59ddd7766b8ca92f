using FastMail.Core.Services;
using FastMail.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

/// <summary>A mail store on its own temp directory, deleted on dispose; small pages so tests stay fast.</summary>
internal sealed class TempStore : IAsyncDisposable
{
    private readonly Func<StorageOptions> _options;
    private readonly ILogger _logger;

    public TempStore(Action<StorageOptions>? configure = null, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        Directory = TempDirectory.NewPath("storage"); // the store creates it, owner-only
        _options = () =>
        {
            var options = new StorageOptions
            {
                DataDirectory = Directory,
                PageSizeBits = 16,
                MemorySizeBits = 18,
                SegmentSizeBits = 20,
                ChunkSize = 16 * 1024,
                // The smallest index memory: most of a test's index lives on disk, so reads from it are exercised.
                IndexMemory = 1 << 20,
            };
            configure?.Invoke(options);
            return options;
        };
        Store = FasterMailStore.Open(_options(), _logger);
    }

    public string Directory { get; }

    public FasterMailStore Store { get; private set; }

    public StorageOptions Options => _options();

    /// <summary>Closes the store and opens it again on the same directory (a clean restart).</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = FasterMailStore.Open(_options(), _logger);
    }

    public Task<long> DeliverAsync(string content, params string[] mailboxes) =>
        DeliverAsync(System.Text.Encoding.ASCII.GetBytes(content), mailboxes);

    public async Task<long> DeliverAsync(byte[] content, params string[] mailboxes)
    {
        using var writer = Store.BeginMessage();
        writer.Write(content);
        return await writer.CommitAsync(mailboxes, CancellationToken.None);
    }

    public async Task<IMailboxSession> OpenAsync(string mailbox)
    {
        var session = await Store.TryOpenMailboxAsync(mailbox, CancellationToken.None);
        Assert.NotNull(session);
        return session;
    }

    /// <summary>Every message of the mailbox as (id, bytes), read with the given buffer size.</summary>
    public async Task<List<(long Id, byte[] Content)>> ReadAllAsync(string mailbox, int bufferSize = 4096)
    {
        await using var session = await OpenAsync(mailbox);
        var result = new List<(long, byte[])>();
        for (var i = 0; i < session.Count; i++)
        {
            result.Add((session.GetId(i), await ReadMessageAsync(session, i, bufferSize)));
        }

        return result;
    }

    /// <summary>Opens another store on a copy of this one's files (the crash image), with this store's settings.</summary>
    public FasterMailStore OpenCopy(string copyDirectory, ILogger? logger = null)
    {
        var options = _options();
        options.DataDirectory = copyDirectory;
        return FasterMailStore.Open(options, logger ?? NullLogger.Instance);
    }

    /// <summary>Every listed message of the given mailboxes as "mailbox/id" → bytes.</summary>
    public static async Task<SortedDictionary<string, byte[]>> ContentsAsync(FasterMailStore store, IEnumerable<string> mailboxes)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var mailbox in mailboxes)
        {
            await using var session = await store.TryOpenMailboxAsync(mailbox, CancellationToken.None);
            Assert.NotNull(session);
            for (var i = 0; i < session.Count; i++)
            {
                result.Add(mailbox + "/" + session.GetId(i), await ReadMessageAsync(session, i, 7000));
            }
        }

        return result;
    }

    public static async Task<byte[]> ReadMessageAsync(IMailboxSession session, int index, int bufferSize)
    {
        var content = new byte[session.GetSize(index)];
        var buffer = new byte[bufferSize];
        long offset = 0;
        while (true)
        {
            var read = await session.ReadAsync(index, offset, buffer, CancellationToken.None);
            if (read == 0)
            {
                break;
            }

            buffer.AsSpan(0, read).CopyTo(content.AsSpan((int)offset));
            offset += read;
        }

        Assert.Equal(content.Length, offset);
        return content;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        TempDirectory.DeleteQuietly(Directory);
    }
}
