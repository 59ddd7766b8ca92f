using FastMail.Core.Diagnostics;
using FastMail.Smtp.Parsing;

namespace FastMail.Smtp.Session;

/// <summary>The label values SMTP gives <see cref="MailMetrics"/>: constant strings, so counting allocates nothing.</summary>
internal sealed partial class SmtpSession
{
    // Indexed by SmtpVerb; Unknown is "other", so a client cannot invent label values.
    private static readonly string[] VerbLabels = ["other", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "HELP", "AUTH", "STARTTLS", "BDAT"];

    private void CountCommand(SmtpVerb verb) => _context.Metrics.Command(MailMetrics.Smtp, (uint)verb < (uint)VerbLabels.Length ? VerbLabels[(int)verb] : "other");

    /// <summary>Why the message just received is refused (the same decision FinishData makes for its reply).</summary>
    private RejectReason DataRejectReason() => _dataFailure switch
    {
        DataFailure.TooBig => RejectReason.Size,
        DataFailure.StorageFull => RejectReason.DiskFull,
        DataFailure.StoreFailed => RejectReason.TempFailure,
        _ => _scanner.SawBareLineBreak ? RejectReason.Policy : RejectReason.Quota,
    };
}
