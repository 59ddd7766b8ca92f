using System.Globalization;
using FastMail.Relay.Queue;

namespace FastMail.Hosting.Admin;

/// <summary>
/// The `queue` admin command: `list`, `show ID`, `retry [ID]`, `delete ID`, mapped onto <see cref="IQueueAdmin"/>.
/// `list` looks like Postfix's mailq: per message its id, size, arrival time (UTC) and sender, then each recipient with
/// its state, attempts, next attempt and last reply, indented; `show` prints one message field by field.
/// </summary>
internal sealed class QueueAdminHandler(IQueueAdmin queue)
{
    public const string Command = "queue";

    public const string Usage = "usage: queue list | queue show ID | queue retry [ID] | queue delete ID";

    private const string Header = "-Queue ID- --Size-- ----Arrival Time---- -Sender/Recipient-------";

    // Width of id, size and time columns with their separating spaces: where the sender column starts.
    private static readonly string Indent = new(' ', 41);

    /// <summary>Registers this handler as the `queue` command of <paramref name="server"/>.</summary>
    public static void Register(AdminSocketServer server, IQueueAdmin queue) =>
        server.Register(Command, new QueueAdminHandler(queue).HandleAsync);

    public async ValueTask<AdminReply> HandleAsync(string[] args, CancellationToken cancellationToken)
    {
        var verb = args.Length > 0 ? args[0] : "";
        switch (verb)
        {
            case "list" when args.Length == 1:
                return List();

            case "show" when args.Length == 2:
                {
                    if (!TryParseId(args[1], out var id, out var error))
                    {
                        return error;
                    }

                    return queue.Find(id) is { } message ? AdminReply.Ok(Show(message)) : NotQueued(id);
                }

            case "retry" when args.Length == 1:
                {
                    var count = queue.RetryNow(null);
                    return AdminReply.Ok($"{count} {(count == 1 ? "message" : "messages")} scheduled for immediate delivery");
                }

            case "retry" when args.Length == 2:
                {
                    if (!TryParseId(args[1], out var id, out var error))
                    {
                        return error;
                    }

                    return queue.RetryNow(id) > 0 ? AdminReply.Ok($"message {Format(id)} scheduled for immediate delivery") : NotQueued(id);
                }

            case "delete" when args.Length == 2:
                {
                    if (!TryParseId(args[1], out var id, out var error))
                    {
                        return error;
                    }

                    return await queue.DeleteAsync(id, cancellationToken)
                        ? AdminReply.Ok($"message {Format(id)} deleted (no bounce sent)")
                        : NotQueued(id);
                }

            default:
                return AdminReply.Fail(Usage);
        }
    }

    private AdminReply List()
    {
        var messages = queue.List();
        if (messages.Count == 0)
        {
            return AdminReply.Ok("Mail queue is empty");
        }

        var lines = new List<string> { Header };
        long bytes = 0;
        foreach (var message in messages)
        {
            bytes += message.Size;
            lines.Add($"{Format(message.Id),-10} {message.Size,8} {Time(message.Arrived),-20} {Sender(message.Sender)}");
            foreach (var recipient in message.Recipients)
            {
                lines.Add(Indent + recipient.Address);
                lines.Add(Indent + "  " + Status(recipient));
                if (recipient.LastReply is { } reply)
                {
                    lines.Add(Indent + "  (" + AdminProtocol.OneLine(reply) + ")");
                }
            }

            lines.Add("");
        }

        var kbytes = (bytes + 1023) / 1024;
        lines.Add($"-- {kbytes} Kbytes in {messages.Count} {(messages.Count == 1 ? "Request" : "Requests")}.");
        return AdminReply.Ok(lines);
    }

    private static List<string> Show(QueuedMessageInfo message)
    {
        var lines = new List<string>
        {
            $"Queue ID:   {Format(message.Id)}",
            $"Sender:     {Sender(message.Sender)}",
            $"Size:       {message.Size} bytes",
            $"Arrived:    {Time(message.Arrived)}",
            $"Recipients: {message.Recipients.Count}",
        };
        foreach (var recipient in message.Recipients)
        {
            lines.Add("");
            lines.Add($"  {recipient.Address}");
            lines.Add($"    State:        {State(recipient.State)}");
            lines.Add($"    Attempts:     {recipient.Attempts}");
            if (recipient.State == QueuedRecipientState.Pending)
            {
                lines.Add($"    Next attempt: {Time(recipient.NextAttempt)}");
            }

            lines.Add($"    Last reply:   {(recipient.LastReply is { } reply ? AdminProtocol.OneLine(reply) : "(not tried yet)")}");
        }

        return lines;
    }

    private static string Status(QueuedRecipientInfo recipient)
    {
        var attempts = recipient.Attempts == 1 ? "1 attempt" : $"{recipient.Attempts} attempts";
        return recipient.State == QueuedRecipientState.Pending
            ? $"{State(recipient.State)}, {attempts}, next {Time(recipient.NextAttempt)}"
            : $"{State(recipient.State)}, {attempts}";
    }

    private static string State(QueuedRecipientState state) => state switch
    {
        QueuedRecipientState.Pending => "pending",
        QueuedRecipientState.Delivered => "delivered",
        QueuedRecipientState.Bounced => "bounced",
        _ => state.ToString(),
    };

    /// <summary>The null reverse-path is shown as &lt;&gt; (a bounce in the queue), as mailq shows MAILER-DAEMON.</summary>
    private static string Sender(string sender) => sender.Length == 0 ? "<>" : sender;

    /// <summary>UTC, sortable, one token wide: 2026-12-06 17:45:24Z.</summary>
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static AdminReply NotQueued(long id) => AdminReply.Fail($"no queued message {Format(id)}");

    private static bool TryParseId(string text, out long id, out AdminReply error)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id))
        {
            error = AdminReply.Ok();
            return true;
        }

        error = AdminReply.Fail($"'{AdminProtocol.OneLine(text.Length > 40 ? text[..40] + "..." : text)}' is not a queue id (a number, as `fastmail queue list` shows)");
        return false;
    }
}
