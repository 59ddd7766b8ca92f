using System.Text;
using FastMail.Smtp.Parsing;

namespace FastMail.Smtp.Session;

/// <summary>
/// Commands of one session by verb, and how many of them were refused, for the disconnect line
/// (Postfix's "ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6": accepted/sent where some were refused).
/// Two small arrays per pooled session object; counting is two increments, so it runs whether or not the log is on.
/// </summary>
internal sealed class SmtpCommandCounts
{
    private static readonly string[] s_names =
        ["unknown", "helo", "ehlo", "mail", "rcpt", "data", "rset", "noop", "quit", "vrfy", "help", "auth", "starttls", "bdat"];

    // Logged in Postfix's order: the session's course first, the rare verbs after.
    private static readonly SmtpVerb[] s_order =
    [
        SmtpVerb.Helo, SmtpVerb.Ehlo, SmtpVerb.StartTls, SmtpVerb.Auth, SmtpVerb.Mail, SmtpVerb.Rcpt, SmtpVerb.Data,
        SmtpVerb.Bdat, SmtpVerb.Rset, SmtpVerb.Noop, SmtpVerb.Vrfy, SmtpVerb.Help, SmtpVerb.Quit, SmtpVerb.Unknown,
    ];

    private readonly int[] _sent = new int[s_names.Length];
    private readonly int[] _refused = new int[s_names.Length];
    private SmtpVerb _current;
    private bool _currentRefused;

    /// <summary>The verb of the command being answered: refusals until the next command count against it.</summary>
    public SmtpVerb Current => _current;

    /// <summary>True when the command being answered was refused (so far).</summary>
    public bool CurrentRefused => _currentRefused;

    public void Start(SmtpVerb verb)
    {
        _current = verb;
        _currentRefused = false;
        _sent[(int)verb]++;
    }

    /// <summary>The current command got a 4xx or 5xx; counted once however many replies say so (DATA's 354, then 554).</summary>
    public void Refuse()
    {
        if (_currentRefused || _sent[(int)_current] == 0)
        {
            return;
        }

        _currentRefused = true;
        _refused[(int)_current]++;
    }

    public void Reset()
    {
        Array.Clear(_sent);
        Array.Clear(_refused);
        _current = SmtpVerb.Unknown;
        _currentRefused = false;
    }

    /// <summary>"ehlo=1 mail=1 rcpt=1/2 quit=1 commands=4/5": only verbs that were sent; "a/b" when some were refused.</summary>
    public string Format()
    {
        var text = new StringBuilder(96);
        int sent = 0, refused = 0;
        foreach (var verb in s_order)
        {
            var count = _sent[(int)verb];
            if (count == 0)
            {
                continue;
            }

            sent += count;
            refused += _refused[(int)verb];
            Append(text, s_names[(int)verb], count, _refused[(int)verb]);
        }

        Append(text, "commands", sent, refused);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string name, int sent, int refused)
    {
        if (text.Length > 0)
        {
            text.Append(' ');
        }

        text.Append(name).Append('=');
        if (refused > 0)
        {
            text.Append(sent - refused).Append('/');
        }

        text.Append(sent);
    }
}
