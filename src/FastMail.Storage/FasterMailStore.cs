using System.Diagnostics;
using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Log;
using FastMail.Storage.Mailboxes;
using FastMail.Storage.Recovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Storage;

/// <summary>
/// The mail store on a FASTER log: every change is a log record (body chunk, message commit, delete), made durable by
/// group commit before the caller is answered; the mailbox index lives in memory and is rebuilt from the log at open.
/// Thread-safe: any number of writers and mailbox sessions at once.
/// </summary>
public sealed class FasterMailStore : IMailStore, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ObjectPool<MessageWriter> _writers;
    private int _disposed;

    private FasterMailStore(MailLog log, MailIndex index, StorageOptions options, ILogger logger)
    {
        Log = log;
        Index = index;
        _logger = logger;
        _writers = new DefaultObjectPool<MessageWriter>(new MessageWriterPolicy(this, options.ChunkSize), Math.Max(1, options.MaxPooledWriters));
    }

    internal MailLog Log { get; }

    internal MailIndex Index { get; }

    /// <summary>
    /// Opens the store in <c>options.DataDirectory/mail</c>, creating it on first start or recovering the last commit and
    /// replaying the log into the index otherwise.
    /// </summary>
    public static FasterMailStore Open(StorageOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var started = Stopwatch.GetTimestamp();
        var log = MailLog.Open(options, logger);
        try
        {
            var index = new MailIndex();
            LogReplayer.Replay(log, index, logger);
            var (messages, mailboxes) = index.Count();
            StorageLog.Opened(logger, options.MailDirectory, messages, mailboxes, log.BeginAddress, log.TailAddress, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new FasterMailStore(log, index, options, logger);
        }
        catch
        {
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public IMessageWriter BeginMessage()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var writer = _writers.Get();
        writer.Start();
        return writer;
    }

    public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(mailbox);
        var snapshot = Index.TryLock(mailbox);
        return ValueTask.FromResult<IMailboxSession?>(snapshot is null ? null : new MailboxSession(this, mailbox, snapshot));
    }

    /// <summary>Commits what is still in memory, stops the commit loop and closes the log and its device.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var tail = Log.TailAddress;
        await Log.DisposeAsync().ConfigureAwait(false);
        StorageLog.Closed(_logger, tail);
    }

    internal void ReturnWriter(MessageWriter writer) => _writers.Return(writer);
}
