using FastMail.Migration;

namespace FastMail.Cli;

/// <summary>`fastmail export USER --maildir DIR | --mbox FILE`: a user's mailbox out, for Postfix/Dovecot or a backup.</summary>
internal static class ExportCommand
{
    public const string Help = """
        Usage: fastmail export USER --maildir DIR
               fastmail export USER --mbox FILE

        Writes every message of USER's mailbox, oldest first, with LF line ends (as Dovecot and Postfix store mail):
          --maildir DIR   into DIR/new/ (created, or added to an existing Maildir), one file per message named like
                          Dovecot's deliveries (SECONDS.M<id>P<pid>.HOST,S=size,W=size), written in tmp/ and renamed
          --mbox FILE     into a new mbox file (mboxrd: "From SENDER DATE" lines from the Return-Path and the Received
                          date, ">From " escaping); an existing FILE is not overwritten
        The mailbox is not changed, and a POP3 user is not blocked meanwhile. Works whether the server runs or not: a
        running server writes the files itself (as its user). `fastmail import` reads both back byte for byte.
        Exit code 0 on success, 1 when the export could not run, 2 on wrong usage.

        """ + ConfigOptions.Help;

    public static Task<int> RunAsync(Arguments args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error)
    {
        if (args.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        args.AllowOnly([.. ConfigOptions.Names, "maildir", "mbox"]);
        var user = AccountCommands.Required(args, 1, "USER");
        AccountCommands.NoMoreThan(args, 2);
        var (format, path) = (args.Option("maildir"), args.Option("mbox")) switch
        {
            ({ Length: > 0 } maildir, null) => (MailboxFormat.Maildir, maildir),
            (null, { Length: > 0 } mbox) => (MailboxFormat.Mbox, mbox),
            _ => throw new UsageException("name one destination: --maildir DIR or --mbox FILE"),
        };
        return await MigrationHost.RunAsync(args, MigrationRequest.ForExport(user, path, format), output, error);
    }
}
