using FastMail.Core.Diagnostics;
using FastMail.Pop3.Parsing;

namespace FastMail.Pop3.Session;

/// <summary>The label values POP3 gives <see cref="MailMetrics"/>: constant strings, so counting allocates nothing.</summary>
internal sealed partial class Pop3Session
{
    // Indexed by Pop3Verb; Unknown is "other", so a client cannot invent label values.
    private static readonly string[] VerbLabels = ["other", "USER", "PASS", "APOP", "AUTH", "CAPA", "QUIT", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL", "STLS"];

    private readonly MailMetrics _metrics;

    private void CountCommand(Pop3Verb verb) => _metrics.Command(MailMetrics.Pop3, (uint)verb < (uint)VerbLabels.Length ? VerbLabels[(int)verb] : "other");

    private void CountLoginFailure() => _metrics.LoginFailed(MailMetrics.Pop3);
}
