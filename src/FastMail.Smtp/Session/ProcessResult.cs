namespace FastMail.Smtp.Session;

/// <summary>Why the synchronous processing of the receive buffer stopped.</summary>
internal enum ProcessResult : byte
{
    /// <summary>Keep going with the next command in the buffer.</summary>
    Continue,

    /// <summary>The buffer holds no further complete command: flush the replies and read.</summary>
    NeedMoreData,

    /// <summary>A message is complete: flush, await the store's commit, then answer.</summary>
    Commit,

    /// <summary>A SASL response (or AUTH initial response) is in the session's AUTH buffer: flush, then run the step.</summary>
    Authenticate,

    /// <summary>STARTTLS was answered 220: discard the rest of the input, flush, then run the handshake.</summary>
    StartTls,

    /// <summary>QUIT or 421: flush and end the session.</summary>
    Close,

    /// <summary>The session met a state it does not know (a bug): 421 4.3.0 and the end of the session.</summary>
    Fault,
}
