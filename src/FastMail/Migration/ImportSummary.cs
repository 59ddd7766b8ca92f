namespace FastMail.Migration;

/// <summary>Counts of one import, and the messages left out with their reason, for the closing report.</summary>
internal sealed class ImportSummary
{
    /// <summary>At most this many skipped messages are named one by one; the counts cover all.</summary>
    private const int MaxNamed = 1000;

    private readonly SortedDictionary<string, int> _reasons = new(StringComparer.Ordinal);

    public List<string> Lines { get; } = [];

    public long Imported { get; private set; }

    public long Bytes { get; private set; }

    public long Skipped { get; private set; }

    /// <summary>Skips for a fault (unreadable file), not by design (empty, duplicate): the command then exits 1.</summary>
    public long Failed { get; private set; }

    public void Stored(long bytes)
    {
        Imported++;
        Bytes += bytes;
    }

    public void Skip(string label, string reason, string? detail = null, bool failure = false)
    {
        Skipped++;
        Failed += failure ? 1 : 0;
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
        if (Skipped <= MaxNamed)
        {
            Lines.Add($"skipped {label}: {reason}{(detail is null ? "" : " (" + detail + ")")}");
        }
        else if (Skipped == MaxNamed + 1)
        {
            Lines.Add($"(more skipped messages are counted below, not named)");
        }
    }

    /// <summary>"imported 20 messages (351234 bytes), skipped 2 (1 duplicate, 1 empty)".</summary>
    public string Total(string verb = "imported")
    {
        var text = $"{verb} {Imported} {(Imported == 1 ? "message" : "messages")} ({Bytes} bytes), skipped {Skipped}";
        return _reasons.Count == 0 ? text : text + " (" + string.Join(", ", _reasons.Select(r => $"{r.Value} {r.Key}")) + ")";
    }
}
