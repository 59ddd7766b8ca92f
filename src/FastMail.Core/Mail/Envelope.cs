namespace FastMail.Core.Mail;

/// <summary>
/// The SMTP envelope of one message (RFC 5321 2.3.1): the reverse-path with its MAIL parameters, the accepted
/// forward-paths with their RCPT parameters, and the local mailboxes they resolved to (the targets). Addresses are kept
/// as bytes in one buffer that grows to the largest transaction seen and is then reused, so a session that keeps one
/// envelope and clears it between transactions allocates nothing in steady state. Not thread-safe: one session fills
/// it; the delivery step and the store read it while the session waits for the commit.
/// </summary>
public sealed class Envelope
{
    private readonly List<Entry> _recipients = [];
    private readonly List<string> _targets = [];
    private byte[] _bytes;
    private int _used;
    private Entry _sender;

    public Envelope()
        : this(1024)
    {
    }

    /// <param name="capacity">Initial size of the address buffer; it grows when a transaction needs more.</param>
    public Envelope(int capacity) => _bytes = new byte[Math.Max(capacity, 64)];

    /// <summary>The id the session gave the transaction (shown in "queued as" and the Received header); 0 when none.</summary>
    public long QueueId { get; set; }

    /// <summary>The reverse-path without angle brackets, qualified; empty for the null reverse-path &lt;&gt;.</summary>
    public ReadOnlySpan<byte> Sender => Slice(_sender.Address);

    /// <summary>The ESMTP parameters of MAIL FROM as the client sent them (e.g. <c>SIZE=1000 BODY=8BITMIME</c>).</summary>
    public ReadOnlySpan<byte> SenderParameters => Slice(_sender.Parameters);

    public int RecipientCount => _recipients.Count;

    /// <summary>
    /// The distinct local mailboxes the message goes to, in the order first named. Filled as recipients are accepted;
    /// the delivery step removes those over quota once the message size is known.
    /// </summary>
    public IReadOnlyList<string> Targets => _targets;

    public EnvelopeRecipient this[int index]
    {
        get
        {
            var entry = _recipients[index];
            return new EnvelopeRecipient(Slice(entry.Address), Slice(entry.Parameters), entry.Mailbox);
        }
    }

    /// <summary>Starts a new envelope: forgets every recipient and target, then stores the sender.</summary>
    /// <param name="address">The reverse-path; empty for &lt;&gt;.</param>
    /// <param name="qualifyingDomain">Appended after "@" when not empty (an unqualified sender in lenient mode).</param>
    /// <param name="parameters">The MAIL FROM parameters.</param>
    public void SetSender(ReadOnlySpan<byte> address, ReadOnlySpan<byte> qualifyingDomain, ReadOnlySpan<byte> parameters)
    {
        Clear();
        _sender = new Entry(Append(address, qualifyingDomain), Append(parameters, default), null);
    }

    /// <summary>Adds an accepted recipient; <paramref name="mailbox"/> (the local mailbox it resolved to) joins the targets once.</summary>
    public void AddRecipient(ReadOnlySpan<byte> address, ReadOnlySpan<byte> qualifyingDomain, ReadOnlySpan<byte> parameters, string? mailbox)
    {
        _recipients.Add(new Entry(Append(address, qualifyingDomain), Append(parameters, default), mailbox));
        if (mailbox is not null && !ContainsTarget(mailbox))
        {
            _targets.Add(mailbox);
        }
    }

    /// <summary>Adds a target that no recipient names directly (an alias's mailbox, resolved at the end of DATA); once.</summary>
    public void AddTarget(string mailbox)
    {
        if (!ContainsTarget(mailbox))
        {
            _targets.Add(mailbox);
        }
    }

    /// <summary>Takes a mailbox out of the targets (it keeps its recipient entry: the envelope records what was accepted).</summary>
    public void RemoveTargetAt(int index) => _targets.RemoveAt(index);

    /// <summary>Forgets everything; the buffers stay for the next transaction.</summary>
    public void Clear()
    {
        _recipients.Clear();
        _targets.Clear();
        _sender = default;
        _used = 0;
        QueueId = 0;
    }

    private bool ContainsTarget(string mailbox)
    {
        // The directory hands out one string instance per mailbox; the ordinal compare is for other resolvers.
        foreach (var existing in _targets)
        {
            if (string.Equals(existing, mailbox, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private ReadOnlySpan<byte> Slice(Range range) => _bytes.AsSpan(range);

    /// <summary>Copies <paramref name="value"/>, then "@" and <paramref name="domain"/> when that is not empty.</summary>
    private Range Append(ReadOnlySpan<byte> value, ReadOnlySpan<byte> domain)
    {
        var length = value.Length + (domain.IsEmpty ? 0 : 1 + domain.Length);
        if (_bytes.Length - _used < length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + length));
        }

        var start = _used;
        value.CopyTo(_bytes.AsSpan(_used));
        _used += value.Length;
        if (!domain.IsEmpty)
        {
            _bytes[_used++] = (byte)'@';
            domain.CopyTo(_bytes.AsSpan(_used));
            _used += domain.Length;
        }

        return start.._used;
    }

    private readonly record struct Entry(Range Address, Range Parameters, string? Mailbox);
}
