using FastMail.Smtp.Parsing;

namespace FastMail.Smtp.Session;

/// <summary>
/// The protocol on one screen (RFC 5321 3.3 and 4.1.4): for each verb and transaction state, whether the verb is
/// allowed or which 503 it gets. What a verb does to the state is in its handler; this table only guards.
/// </summary>
internal static class SmtpStateTable
{
    private const byte Ok = (byte)SequenceError.None;
    private const byte NeedMail = (byte)SequenceError.NeedMail;
    private const byte NeedRcpt = (byte)SequenceError.NeedRcpt;
    private const byte Nested = (byte)SequenceError.NestedMail;
    private const byte InTransaction = (byte)SequenceError.InTransaction;

    // Rows in SmtpVerb order; columns Idle, HaveSender, HaveRecipients.
    private static ReadOnlySpan<byte> Table =>
    [
        Ok, Ok, Ok,                 // Unknown (answered 500 by its handler)
        Ok, Ok, Ok,                 // HELO resets the transaction
        Ok, Ok, Ok,                 // EHLO resets the transaction
        Ok, Nested, Nested,         // MAIL
        NeedMail, Ok, Ok,           // RCPT
        NeedMail, NeedRcpt, Ok,     // DATA
        Ok, Ok, Ok,                 // RSET
        Ok, Ok, Ok,                 // NOOP
        Ok, Ok, Ok,                 // QUIT
        Ok, Ok, Ok,                 // VRFY
        Ok, Ok, Ok,                 // HELP
        Ok, InTransaction, InTransaction, // AUTH (RFC 4954 4: not during a mail transaction)
        Ok, InTransaction, InTransaction, // STARTTLS
    ];

    public static SequenceError Check(SmtpVerb verb, TransactionState state) =>
        (SequenceError)Table[((int)verb * 3) + (int)state];
}
