using System.Buffers;
using FastMail.Storage.Journal;

namespace FastMail.Storage.Mailboxes;

/// <summary>
/// Holds the one log record a session read last, so that RETR's many small reads of the same commit record or chunk hit
/// memory instead of the device. At most one record (a chunk, or an inline body) is held at a time.
/// </summary>
internal sealed class RecordCache : IDisposable
{
    private readonly IStoreJournal _journal;
    private IMemoryOwner<byte>? _owner;
    private int _length;
    private long _address = -1;

    public RecordCache(IStoreJournal journal) => _journal = journal;

    public async ValueTask<ReadOnlyMemory<byte>> GetAsync(long address, int estimatedLength, CancellationToken cancellationToken)
    {
        if (address != _address)
        {
            Release();
            var (owner, length) = await _journal.ReadAsync(address, estimatedLength, cancellationToken).ConfigureAwait(false);
            _owner = owner;
            _length = length;
            _address = address;
        }

        return _owner!.Memory[.._length];
    }

    public void Dispose() => Release();

    private void Release()
    {
        _owner?.Dispose();
        _owner = null;
        _address = -1;
        _length = 0;
    }
}
