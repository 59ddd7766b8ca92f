using System.Buffers;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>Session-level verbs: HELO, EHLO, RSET, VRFY, QUIT (NOOP and HELP are one fixed reply each).</summary>
internal sealed partial class SmtpSession
{
    private ProcessResult Hello(ReadOnlySpan<byte> arguments, bool extended)
    {
        // Only the domain (or address literal) is kept; some clients add text after it.
        var blank = arguments.IndexOfAny(" \t"u8);
        var domain = blank < 0 ? arguments : arguments[..blank];

        // A bare CR or other control octet would end up inside the Received header.
        var malformed = domain.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || domain.Contains((byte)0x7F);
        if (malformed || (domain.IsEmpty && _context.Options.StrictAddresses))
        {
            return Error(extended ? SmtpReplies.EhloSyntax : SmtpReplies.HeloSyntax);
        }

        // RFC 5321 4.1.4: EHLO/HELO mid-session resets any transaction, as RSET does.
        LogTransactionAbandoned(extended ? "EHLO" : "HELO");
        ResetTransaction();
        _helo.Set(domain);
        _extended = extended;
        _needHelo = false;
        return Reply(extended ? EhloReply() : _context.Replies.Helo);
    }

    // RFC 3207 4.2: STARTTLS only while it can still be started; RFC 4954 4: AUTH with the mechanisms usable now.
    private byte[] EhloReply()
    {
        var startTls = _connection!.CanStartTls;
        return _context.Sasl is null
            ? _context.Replies.EhloWithoutAuth(startTls)
            : _context.Replies.EhloFor(startTls, _plaintextAuthAllowed);
    }

    private ProcessResult Rset(ReadOnlySpan<byte> arguments)
    {
        if (!arguments.IsEmpty)
        {
            return Error(SmtpReplies.RsetSyntax);
        }

        LogTransactionAbandoned("RSET");
        ResetTransaction();
        return Reply(SmtpReplies.Ok);
    }

    // RFC 5321 3.5.3: 252 for any argument, so VRFY never tells whether a user exists (DESIGN contract 6).
    private ProcessResult Vrfy(ReadOnlySpan<byte> arguments) =>
        arguments.IsEmpty ? Error(SmtpReplies.VrfySyntax) : Reply(SmtpReplies.CannotVerify);

    private ProcessResult Quit(ReadOnlySpan<byte> arguments)
    {
        if (!arguments.IsEmpty)
        {
            return Error(SmtpReplies.QuitSyntax);
        }

        _end = SessionEnd.Quit;
        LogTransactionAbandoned("QUIT");
        ResetTransaction();
        Output.Write(SmtpReplies.Bye);
        return ProcessResult.Close;
    }
}
