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
}
