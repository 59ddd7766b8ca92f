using FastMail.Hosting.Admin;

namespace FastMail.Cli;

/// <summary>How every CLI command that asks the running server shows its answer.</summary>
internal static class AdminReplyOutput
{
    /// <summary>The reply's lines to <paramref name="output"/>, its error to <paramref name="error"/>; the exit code (0 or 1).</summary>
    public static int Print(this AdminReply reply, TextWriter output, TextWriter error)
    {
        foreach (var line in reply.Lines)
        {
            output.WriteLine(line);
        }

        if (!reply.Succeeded)
        {
            error.WriteLine($"fastmail: {reply.Error}");
            return 1;
        }

        return 0;
    }
}
