namespace FastMail.Relay.Queue;

/// <summary>One remote recipient of a queued message and where its delivery stands. Changed under its item's lock.</summary>
internal sealed class QueuedRecipient(string address, string? notify, string? originalRecipient)
{
    public string Address { get; } = address;

    /// <summary>The RCPT NOTIFY parameter (RFC 3461), e.g. "FAILURE,DELAY"; null when the client gave none.</summary>
    public string? Notify { get; } = notify;

    /// <summary>The RCPT ORCPT parameter, e.g. "rfc822;bob@example.org"; null when the client gave none.</summary>
    public string? OriginalRecipient { get; } = originalRecipient;

    public QueuedRecipientState State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttempt { get; set; }

    /// <summary>The next hop's last reply (or the failure to reach one).</summary>
    public string? LastReply { get; set; }

    /// <summary>The host that gave <see cref="LastReply"/>, for the DSN's Remote-MTA field.</summary>
    public string? LastHost { get; set; }

    /// <summary>A delay warning was sent (once per recipient).</summary>
    public bool Warned { get; set; }

    /// <summary>The bounce of this recipient was reported to the sender (once).</summary>
    public bool Reported { get; set; }

    /// <summary>Taken by a delivery job now; not scheduled again until the job reports.</summary>
    public bool InFlight { get; set; }

    public string Domain => Address[(Address.LastIndexOf('@') + 1)..].ToLowerInvariant();

    public QueuedRecipientInfo ToInfo() => new(Address, State, Attempts, NextAttempt, LastReply);
}
