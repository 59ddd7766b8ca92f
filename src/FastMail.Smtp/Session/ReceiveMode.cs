namespace FastMail.Smtp.Session;

/// <summary>How incoming bytes are read (Stalwart's receive states); kept apart from <see cref="TransactionState"/>.</summary>
internal enum ReceiveMode : byte
{
    /// <summary>Command lines.</summary>
    Command,

    /// <summary>The rest of an over-long command line is discarded up to its LF (the 500 was already sent).</summary>
    DrainLine,

    /// <summary>A client response to a 334 AUTH challenge (RFC 4954 4), up to the longer AUTH line limit.</summary>
    SaslResponse,

    /// <summary>Message text after 354, streamed into the store.</summary>
    Data,

    /// <summary>Message text read to its terminator and discarded (over the size limit, or the store failed).</summary>
    DrainData,

    /// <summary>The octets of a BDAT chunk (RFC 3030 2), streamed into the store as they are, no dot-unstuffing.</summary>
    Chunk,

    /// <summary>The octets of a BDAT chunk read and discarded (refused BDAT, over the size limit, or the store failed).</summary>
    DrainChunk,
}
