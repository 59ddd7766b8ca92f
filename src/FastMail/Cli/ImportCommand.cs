using FastMail.Migration;

namespace FastMail.Cli;

/// <summary>`fastmail import USER PATH`: a Maildir or mbox file from Postfix/Dovecot into a user's mailbox.</summary>
internal static class ImportCommand
{
    public const string Help = """
        Usage: fastmail import USER PATH [--format maildir|mbox] [--duplicates skip|import]

        Imports the mail in PATH into USER's mailbox (USER as `fastmail user list` shows it, or user@domain):
          a Maildir (a directory with cur/ and new/: Dovecot, Postfix virtual) or an mbox file (/var/mail/USER).
        The format is detected; --format names the one expected. Each message is stored with its bytes as they are (no
        header is added; LF line ends become CRLF), in the order it was delivered: Maildir by the time in the file name,
        mbox in file order (mboxrd: separator lines removed, ">From " unescaped, Content-Length ignored). Maildir tmp/ and
        Maildir++ folders (.Sent...) are not read. Empty messages are skipped and named; a message already in the mailbox
        (same Message-ID and size) is skipped unless --duplicates import, so running the same import twice adds nothing.
        The quota does not stop an import; the report warns when the mailbox went over it.
        Works whether the server runs or not: a running server does the import itself (PATH must be readable by it).
        Prints each skipped message, then "imported N messages (B bytes), skipped K (reasons)".
        Exit code 0 on success, 1 when the import could not run or a message could not be read, 2 on wrong usage.

        """ + ConfigOptions.Help;

    public static Task<int> RunAsync(Arguments args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error)
    {
        if (args.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        args.AllowOnly([.. ConfigOptions.Names, "format", "duplicates"]);
        var user = AccountCommands.Required(args, 1, "USER");
        var path = AccountCommands.Required(args, 2, "PATH (a Maildir or an mbox file)");
        AccountCommands.NoMoreThan(args, 3);
        var format = args.Option("format") switch
        {
            null => (MailboxFormat?)null,
            "maildir" => MailboxFormat.Maildir,
            "mbox" => MailboxFormat.Mbox,
            var other => throw new UsageException($"--format must be maildir or mbox, not '{other}'"),
        };
        var skipDuplicates = args.Option("duplicates") switch
        {
            null or "skip" => true,
            "import" => false,
            var other => throw new UsageException($"--duplicates must be skip or import, not '{other}'"),
        };
        return await MigrationHost.RunAsync(args, MigrationRequest.ForImport(user, path, format, skipDuplicates), output, error);
    }
}
