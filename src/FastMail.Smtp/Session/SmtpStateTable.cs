using FastMail.Smtp.Parsing;

namespace FastMail.Smtp.Session;

/// <summary>
/// The protocol on one screen (RFC 5321 3.3 and 4.1.4, RFC 3030 2): for each verb and transaction state, whether the
/// verb is allowed or which 503 it gets. What a verb does to the state is in its handler; this table only guards.
/// </summary>
internal static class SmtpStateTable
{
    private const int States = 4;
    private const byte Ok = (byte)SequenceError.None;
    private const byte NeedMail = (byte)SequenceError.NeedMail;
    private const byte NeedRcpt = (byte)SequenceError.NeedRcpt;
    private const byte Nested = (byte)SequenceError.NestedMail;
    private const byte InTransaction = (byte)SequenceError.InTransaction;
    private const byte DataAfterBdat = (byte)SequenceError.DataAfterBdat;
    private const byte RcptAfterBdat = (byte)SequenceError.RcptAfterBdat;

    // Rows in SmtpVerb order; columns Idle, HaveSender, HaveRecipients, Chunking.
    private static ReadOnlySpan<byte> Table =>
    [
        Ok, Ok, Ok, Ok,                 // Unknown (answered 500 by its handler)
        Ok, Ok, Ok, Ok,                 // HELO resets the transaction
        Ok, Ok, Ok, Ok,                 // EHLO resets the transaction
        Ok, Nested, Nested, Nested,     // MAIL
        NeedMail, Ok, Ok, RcptAfterBdat, // RCPT
        NeedMail, NeedRcpt, Ok, DataAfterBdat, // DATA (RFC 3030 2: not after BDAT)
        Ok, Ok, Ok, Ok,                 // RSET (discards a BDAT transaction too)
        Ok, Ok, Ok, Ok,                 // NOOP
        Ok, Ok, Ok, Ok,                 // QUIT
        Ok, Ok, Ok, Ok,                 // VRFY
        Ok, Ok, Ok, Ok,                 // HELP
        Ok, InTransaction, InTransaction, InTransaction, // AUTH (RFC 4954 4: not during a mail transaction)
        Ok, InTransaction, InTransaction, InTransaction, // STARTTLS
        NeedMail, NeedRcpt, Ok, Ok,     // BDAT (its chunk is read and discarded after a 503, RFC 3030 2)
    ];

    public static SequenceError Check(SmtpVerb verb, TransactionState state) =>
        (SequenceError)Table[((int)verb * States) + (int)state];
}
