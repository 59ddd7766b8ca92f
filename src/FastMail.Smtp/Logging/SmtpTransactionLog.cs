using Microsoft.Extensions.Logging;

namespace FastMail.Smtp.Logging;

/// <summary>
/// The operator's mail log (category FastMail.Smtp.Transactions), one line per event in the spirit of Postfix's
/// maillog: every field is key=value so grep finds it, and a structured parameter so the JSON format has it as a field.
/// Event ids 5100-5199. Every string from the network is already sanitized (LogText) by the caller; no password or
/// AUTH payload is ever a parameter.
/// </summary>
internal static partial class SmtpTransactionLog
{
    /// <summary>The category the host creates the transaction logger under, so it can be filtered on its own.</summary>
    public const string Category = "FastMail.Smtp.Transactions";

    [LoggerMessage(5100, LogLevel.Information,
        "{QueueId}: {Outcome}: client={Client} listener={Listener} helo=<{Helo}> user={User} tls={Tls} from=<{Sender}> to=<{Recipients}> nrcpt={RecipientCount} size={Size} reply=\"{Reply}\" duration={DurationMs}ms")]
    public static partial void TransactionEnded(
        ILogger logger, string queueId, string outcome, string client, string listener, string helo, string user, string tls,
        string sender, string recipients, int recipientCount, long size, string reply, double durationMs);

    [LoggerMessage(5101, LogLevel.Information,
        "{QueueId}: abandoned: client={Client} listener={Listener} helo=<{Helo}> user={User} tls={Tls} from=<{Sender}> to=<{Recipients}> nrcpt={RecipientCount} by={EndedBy} duration={DurationMs}ms")]
    public static partial void TransactionAbandoned(
        ILogger logger, string queueId, string client, string listener, string helo, string user, string tls,
        string sender, string recipients, int recipientCount, string endedBy, double durationMs);

    [LoggerMessage(5102, LogLevel.Information,
        "NOQUEUE: reject: {Command} from {Client}: {Reply}; listener={Listener} helo=<{Helo}> user={User} tls={Tls} from=<{Sender}> arg=<{Argument}>")]
    public static partial void CommandRejected(
        ILogger logger, string command, string client, string reply, string listener, string helo, string user, string tls, string sender, string argument);

    [LoggerMessage(5103, LogLevel.Information,
        "disconnect from {Client} listener={Listener} helo=<{Helo}> user={User} tls={Tls} {Commands} end={End} duration={DurationMs}ms")]
    public static partial void SessionSummary(
        ILogger logger, string client, string listener, string helo, string user, string tls, string commands, string end, double durationMs);
}
