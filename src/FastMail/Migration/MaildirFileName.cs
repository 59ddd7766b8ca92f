using System.Globalization;
using System.Text;

namespace FastMail.Migration;

/// <summary>
/// Maildir file names (https://cr.yp.to/proto/maildir.html, Dovecot's maildir-filename.c):
/// <c>SECONDS.UNIQUE.HOST[,S=size][,W=size][:2,FLAGS]</c>, where UNIQUE is Dovecot's <c>M&lt;usecs&gt;P&lt;pid&gt;</c>,
/// Postfix's <c>V&lt;dev&gt;I&lt;inode&gt;M&lt;usecs&gt;</c> or Courier's; the M number orders deliveries within a second.
/// </summary>
internal static class MaildirFileName
{
    /// <summary>The delivery second and the M number (microseconds for Dovecot and Postfix; -1 when absent).</summary>
    public static bool TryParse(string name, out long seconds, out long micro)
    {
        micro = -1;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            seconds = 0;
            return false;
        }

        var unique = name.AsSpan(dot + 1);
        var end = unique.IndexOf('.');
        unique = end < 0 ? unique : unique[..end];
        var m = unique.IndexOf('M');
        if (m >= 0)
        {
            var digits = unique[(m + 1)..];
            var length = 0;
            while (length < digits.Length && char.IsAsciiDigit(digits[length]))
            {
                length++;
            }

            if (length > 0 && long.TryParse(digits[..length], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                micro = value;
            }
        }

        return true;
    }

    /// <summary>
    /// The name of an exported message, as Dovecot names a delivery: <c>SECONDS.M&lt;id&gt;P&lt;pid&gt;.HOST,S=size,W=size</c>.
    /// The store's message id in place of the microseconds keeps the names unique and, at equal seconds, in mailbox order.
    /// </summary>
    public static string Format(long seconds, long id, long size, long virtualSize) => string.Create(
        CultureInfo.InvariantCulture,
        $"{seconds}.M{id}P{Environment.ProcessId}.{Host},S={size},W={virtualSize}");

    /// <summary>The host name with "/" and ":" written as \057 and \072 (the Maildir convention: they cannot appear in a name).</summary>
    private static string Host { get; } = EscapeHost(Environment.MachineName);

    private static string EscapeHost(string host)
    {
        var text = new StringBuilder(host.Length);
        foreach (var c in host)
        {
            text.Append(c switch
            {
                '/' => "\\057",
                ':' => "\\072",
                _ => c.ToString(),
            });
        }

        return text.Length > 0 ? text.ToString() : "localhost";
    }
}
