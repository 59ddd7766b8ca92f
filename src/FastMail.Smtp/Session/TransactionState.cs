namespace FastMail.Smtp.Session;

/// <summary>Where the mail transaction stands (RFC 5321 3.3); independent of <see cref="ReceiveMode"/>.</summary>
internal enum TransactionState : byte
{
    /// <summary>No MAIL yet (after connect, EHLO, RSET or a finished DATA).</summary>
    Idle,

    /// <summary>MAIL accepted, no recipient yet.</summary>
    HaveSender,

    /// <summary>At least one RCPT accepted: DATA may start.</summary>
    HaveRecipients,

    /// <summary>BDAT chunks of the message are arriving (RFC 3030 2): more BDAT, until LAST; DATA and RCPT get 503.</summary>
    Chunking,
}
