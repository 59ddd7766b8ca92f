namespace FastMail.Migration;

/// <summary>The two layouts Postfix and Dovecot keep mail in.</summary>
internal enum MailboxFormat
{
    /// <summary>A directory with cur/, new/ and tmp/, one file per message (Dovecot, Postfix virtual/local with a trailing "/").</summary>
    Maildir,

    /// <summary>One file, each message after a "From " separator line (Postfix local(8) to /var/mail/USER).</summary>
    Mbox,
}

/// <summary>Tells a Maildir from an mbox file, or checks the format the operator named.</summary>
internal static class MailboxFormats
{
    /// <summary>"maildir" or "mbox" as the command line and the admin request spell them; "auto" is null.</summary>
    public static MailboxFormat? Parse(string text) => text switch
    {
        "maildir" => MailboxFormat.Maildir,
        "mbox" => MailboxFormat.Mbox,
        "auto" or "" => null,
        _ => throw new MigrationException($"unknown format '{text}' (maildir or mbox)"),
    };

    public static string Name(MailboxFormat? format) => format switch
    {
        MailboxFormat.Maildir => "maildir",
        MailboxFormat.Mbox => "mbox",
        _ => "auto",
    };

    /// <summary>
    /// The format of the mail at <paramref name="path"/>: a directory with cur/ and new/ is a Maildir (tmp/ holds
    /// deliveries in progress and may be missing), a file that starts with "From " (or is empty: Postfix leaves an empty
    /// mbox behind) is an mbox. <paramref name="expected"/>, when given, must match what is found.
    /// </summary>
    public static MailboxFormat Detect(string path, MailboxFormat? expected)
    {
        MailboxFormat found;
        if (Directory.Exists(path))
        {
            if (!MaildirReader.IsMaildir(path))
            {
                throw new MigrationException($"{path} is a directory but not a Maildir (no cur/ and new/ in it)");
            }

            found = MailboxFormat.Maildir;
        }
        else if (File.Exists(path))
        {
            if (!MboxReader.LooksLikeMbox(path))
            {
                throw new MigrationException($"{path} is not an mbox file (it does not start with a \"From \" line)");
            }

            found = MailboxFormat.Mbox;
        }
        else
        {
            throw new MigrationException($"{path} does not exist");
        }

        if (expected is { } wanted && wanted != found)
        {
            throw new MigrationException($"{path} is {(found == MailboxFormat.Maildir ? "a Maildir" : "an mbox file")}, not {(wanted == MailboxFormat.Maildir ? "a Maildir" : "an mbox file")} as --format says");
        }

        return found;
    }
}
