using System.Buffers;
using FastMail.Core.Services;

namespace FastMail.Pop3.Session;

/// <summary>
/// The DELE marks of one TRANSACTION (RFC 1939 5), with the totals STAT, LIST and RSET report. The mark array is
/// rented per login and returned on release, so an idle pooled session holds none.
/// </summary>
internal sealed class DeletionMarks
{
    private bool[] _marks = [];

    public int MessageCount { get; private set; }

    public long TotalSize { get; private set; }

    public int DeletedCount { get; private set; }

    public long DeletedSize { get; private set; }

    public int LiveCount => MessageCount - DeletedCount;

    public long LiveSize => TotalSize - DeletedSize;

    public void Open(IMailboxSession mailbox)
    {
        MessageCount = mailbox.Count;
        _marks = MessageCount == 0 ? [] : ArrayPool<bool>.Shared.Rent(MessageCount);
        Array.Clear(_marks, 0, MessageCount);
        long total = 0;
        for (var i = 0; i < MessageCount; i++)
        {
            total += mailbox.GetSize(i);
        }

        TotalSize = total;
        DeletedCount = 0;
        DeletedSize = 0;
    }

    public bool IsDeleted(int index) => _marks[index];

    public void Mark(int index, long size)
    {
        if (!_marks[index])
        {
            _marks[index] = true;
            DeletedCount++;
            DeletedSize += size;
        }
    }

    /// <summary>RFC 1939 5 RSET: unmarks every message.</summary>
    public void UnmarkAll()
    {
        Array.Clear(_marks, 0, MessageCount);
        DeletedCount = 0;
        DeletedSize = 0;
    }

    /// <summary>Writes the marked indexes in ascending order; <paramref name="destination"/> holds at least <see cref="DeletedCount"/>.</summary>
    public void CopyMarked(Span<int> destination)
    {
        var written = 0;
        for (var i = 0; i < MessageCount; i++)
        {
            if (_marks[i])
            {
                destination[written++] = i;
            }
        }
    }

    public void Reset()
    {
        if (_marks.Length > 0)
        {
            ArrayPool<bool>.Shared.Return(_marks);
        }

        _marks = [];
        MessageCount = 0;
        TotalSize = 0;
        DeletedCount = 0;
        DeletedSize = 0;
    }
}
