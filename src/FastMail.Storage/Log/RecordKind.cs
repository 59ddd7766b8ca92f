namespace FastMail.Storage.Log;

/// <summary>The second byte of every record this store appends to the log (the first is the format version, <see cref="RecordFormat.Version"/> or <see cref="RecordFormat.EnvelopeVersion"/>).</summary>
internal enum RecordKind : byte
{
    /// <summary>Part of a body larger than the chunk size; meaningless until a commit record names its address.</summary>
    Chunk = 1,

    /// <summary>Makes one message visible in its mailboxes; holds the body inline or the addresses of its chunks.</summary>
    Commit = 2,

    /// <summary>Removes messages from one mailbox (POP3 UPDATE).</summary>
    Delete = 3,

    /// <summary>
    /// A commit record copied forward by compaction: same layout as <see cref="Commit"/> plus the message's original id,
    /// which it keeps. It relocates a message that is already listed; it lists nothing anew unless the original commit
    /// record was truncated away (see <see cref="Recovery.LogReplayer"/>).
    /// </summary>
    Moved = 4,

    /// <summary>
    /// Makes one message visible like <see cref="Commit"/> and stores its SMTP envelope (sender, recipients and their
    /// parameters) between the mailbox list and the body. Written since envelopes are stored; <see cref="Commit"/>
    /// records from older data directories are still read.
    /// </summary>
    CommitWithEnvelope = 5,

    /// <summary>A compaction copy of a <see cref="CommitWithEnvelope"/> record: <see cref="Moved"/> plus the envelope, which it keeps.</summary>
    MovedWithEnvelope = 6,

    /// <summary>
    /// The delivery state of a message in the outbound queue (<see cref="QueueStateRecord"/>): per remote recipient its
    /// attempts, next attempt and last reply. Replaces the message's previous state; meaningless once the message left
    /// the queue mailbox. Written with <see cref="RecordFormat.QueueVersion"/>.
    /// </summary>
    QueueState = 7,
}
