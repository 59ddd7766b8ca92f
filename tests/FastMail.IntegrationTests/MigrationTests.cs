using System.Text;
using FastMail.Cli;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// Migration from and to Postfix + Dovecot (`fastmail import`, `fastmail export`): a Maildir written by the real Dovecot
/// imported and served over POP3 byte for byte as Dovecot's own POP3 serves it; mbox import with mboxrd unescaping;
/// export and import round trips; the same commands with the server running (through the admin socket) and stopped
/// (in process, under the data directory lock); and the inputs that must be refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MigrationTests
{
    [Fact]
    public async Task AMaildirDeliveredByDovecotIsServedOverPop3ExactlyAsDovecotServesIt()
    {
        await using var dovecot = await DovecotPeer.StartAsync();
        var messages = DovecotTestMessages();
        foreach (var message in messages)
        {
            await dovecot.DeliverAsync("alice", message);
        }

        var dataDirectory = TempDirectory.Create("migrate");
        try
        {
            Harness.Accounts.AddUser(dataDirectory, "alice", "pw");

            // The server is not running: the command opens the store itself.
            var import = await RunCliAsync(dataDirectory, "import", "alice", dovecot.Maildir("alice"));
            Assert.True(import.Exit == 0, import.Error);
            Assert.Contains($"imported {messages.Count - 1} messages (", import.Output, StringComparison.Ordinal);
            Assert.Contains("), skipped 1 (1 empty)", import.Output, StringComparison.Ordinal);
            Assert.Matches(@"skipped new/\d+\.M\d+P\d+\.[^:]+: empty", import.Output);

            var fromDovecot = await RawPop3.RetrieveAllAsync(dovecot.Port, "alice", DovecotPeer.Password);
            Assert.Equal(messages.Count, fromDovecot.Count);
            // The empty delivery is the one FastMail leaves out (Dovecot serves it as an empty line).
            var expected = fromDovecot.Where(reply => !reply.AsSpan().SequenceEqual("\r\n"u8)).ToList();

            await using var server = TestServer.Start(dataDirectory, []);
            var fromFastMail = await RawPop3.RetrieveAllAsync(server.Pop3Port, "alice", "pw");
            Assert.Equal(expected.Count, fromFastMail.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(fromFastMail[i]), $"message {i + 1} differs:\nDovecot:  {Show(expected[i])}\nFastMail: {Show(fromFastMail[i])}");
            }

            // Again, now through the running server: everything is already there, so nothing is added.
            var again = await RunCliAsync(dataDirectory, "import", "alice", dovecot.Maildir("alice"));
            Assert.True(again.Exit == 0, again.Error);
            Assert.Contains($"imported 0 messages (0 bytes), skipped {messages.Count} ({messages.Count - 1} duplicate, 1 empty)", again.Output, StringComparison.Ordinal);
            Assert.Equal(expected.Count, (await RawPop3.RetrieveAllAsync(server.Pop3Port, "alice", "pw")).Count);
        }
        finally
        {
            TempDirectory.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task AnMboxFileIsSplitAtItsFromLinesAndUnescapedAsMboxrd()
    {
        using var work = new TempDirectory("mbox");
        var mbox = work.File("alice.mbox");
        await File.WriteAllBytesAsync(mbox, Latin1(
            "From sender@example.org Sun Dec  6 10:00:00 2026\n" +
            "Return-Path: <sender@example.org>\n" +
            "Subject: one\n" +
            "Content-Length: 3\n" +
            "\n" +
            ">From the start of a line\n" +
            ">>From two levels\n" +
            "> From is quoted text, not an escape\n" +
            "\n" +
            "\n" +
            "From MAILER-DAEMON Sun Dec  6 10:01:00 2026\n" +
            "Subject: two\n" +
            "\n" +
            "no blank line before the next separator\n" +
            "From someone Sun Dec  6 10:02:00 2026\n" +
            "Subject: three\r\n" +
            "\r\n" +
            "CRLF lines stay CRLF\r\n" +
            "\n"));

        var dataDirectory = TempDirectory.Create("migrate");
        try
        {
            Harness.Accounts.AddUser(dataDirectory, "alice", "pw");
            var import = await RunCliAsync(dataDirectory, "import", "alice", mbox);
            Assert.True(import.Exit == 0, import.Error);
            Assert.Contains("imported 3 messages (", import.Output, StringComparison.Ordinal);

            await using var server = TestServer.Start(dataDirectory, []);
            var stored = (await RawPop3.RetrieveAllAsync(server.Pop3Port, "alice", "pw")).Select(RawPop3.Unstuff).Select(Encoding.Latin1.GetString).ToList();
            Assert.Equal(
                [
                    "Return-Path: <sender@example.org>\r\nSubject: one\r\nContent-Length: 3\r\n\r\nFrom the start of a line\r\n>From two levels\r\n> From is quoted text, not an escape\r\n\r\n",
                    "Subject: two\r\n\r\nno blank line before the next separator\r\n",
                    "Subject: three\r\n\r\nCRLF lines stay CRLF\r\n",
                ],
                stored);
        }
        finally
        {
            TempDirectory.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task ExportToMaildirAndMboxThenImportGivesTheSameBytesWhileTheServerRuns()
    {
        using var work = new TempDirectory("roundtrip");
        var source = work.File("source");
        WriteMaildir(source, DovecotTestMessages().Where(m => m.Length > 0 && m[^1] == (byte)'\n').ToList());
        await using var server = TestServer.Start([("alice", "pw"), ("bob", "pw"), ("carol", "pw")]);

        var import = await RunCliAsync(server.DataDirectory, "import", "alice", source);
        Assert.True(import.Exit == 0, import.Error);
        var original = await RawPop3.RetrieveAllAsync(server.Pop3Port, "alice", "pw");
        Assert.NotEmpty(original);

        // A POP3 session holds alice's mailbox meanwhile: the export reads around its lock and changes nothing.
        await using var pop3 = await LineClient.ConnectAsync(server.Pop3Port);
        await pop3.ExpectAsync("+OK");
        await pop3.SendLineAsync("USER alice");
        await pop3.ExpectAsync("+OK");
        await pop3.SendLineAsync("PASS pw");
        await pop3.ExpectAsync("+OK");

        var maildir = work.File("exported-maildir");
        var toMaildir = await RunCliAsync(server.DataDirectory, "export", "alice", "--maildir", maildir);
        Assert.True(toMaildir.Exit == 0, toMaildir.Error);
        Assert.Contains($"exported {original.Count} messages", toMaildir.Output, StringComparison.Ordinal);
        var files = Directory.GetFiles(Path.Combine(maildir, "new"));
        Assert.Equal(original.Count, files.Length);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.DoesNotContain("\r\n", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
            Assert.EndsWith($",S={bytes.Length},W={bytes.Length + bytes.Count(b => b == '\n')}", file, StringComparison.Ordinal);
        }

        var mbox = work.File("exported.mbox");
        var toMbox = await RunCliAsync(server.DataDirectory, "export", "alice", "--mbox", mbox);
        Assert.True(toMbox.Exit == 0, toMbox.Error);
        var mboxText = await File.ReadAllTextAsync(mbox, Encoding.Latin1);
        Assert.StartsWith("From sender@example.org ", mboxText, StringComparison.Ordinal);
        Assert.Contains("\n>From the start of a line\n", mboxText, StringComparison.Ordinal);

        await pop3.SendLineAsync("QUIT");
        await pop3.ExpectAsync("+OK");

        Assert.True((await RunCliAsync(server.DataDirectory, "import", "bob", maildir)).Exit == 0);
        Assert.True((await RunCliAsync(server.DataDirectory, "import", "carol", mbox)).Exit == 0);
        var viaMaildir = await RawPop3.RetrieveAllAsync(server.Pop3Port, "bob", "pw");
        var viaMbox = await RawPop3.RetrieveAllAsync(server.Pop3Port, "carol", "pw");
        Assert.Equal(original.Count, (await RawPop3.RetrieveAllAsync(server.Pop3Port, "alice", "pw")).Count);
        Assert.Equal(original.Select(Show), viaMaildir.Select(Show));
        Assert.Equal(original.Select(Show), viaMbox.Select(Show));
    }

    [Fact]
    public async Task BadInputsAreRefusedWithAMessageWhetherTheServerRunsOrNot()
    {
        using var work = new TempDirectory("bad");
        var notMail = work.File("notes.txt");
        await File.WriteAllTextAsync(notMail, "Subject: no From line\n\nhello\n");
        var plainDirectory = work.File("plain");
        Directory.CreateDirectory(plainDirectory);
        var maildir = work.File("maildir");
        WriteMaildir(maildir, [Latin1("Subject: x\n\nx\n")]);

        var dataDirectory = TempDirectory.Create("migrate");
        try
        {
            Harness.Accounts.AddUser(dataDirectory, "alice", "pw");
            async Task ExpectRefusedAsync(string expected, params string[] words)
            {
                var run = await RunCliAsync(dataDirectory, words);
                Assert.True(run.Exit == 1, $"exit {run.Exit}: {run.Output}{run.Error}");
                Assert.Contains(expected, run.Error, StringComparison.Ordinal);
            }

            await ExpectRefusedAsync("unknown user 'nobody'", "import", "nobody", maildir);
            await ExpectRefusedAsync("does not exist", "import", "alice", work.File("missing"));
            await ExpectRefusedAsync("not a Maildir", "import", "alice", plainDirectory);
            await ExpectRefusedAsync("not an mbox file", "import", "alice", notMail);
            await ExpectRefusedAsync("not an mbox file as --format says", "import", "alice", maildir, "--format", "mbox");
            await ExpectRefusedAsync("unknown user 'nobody'", "export", "nobody", "--mbox", work.File("out.mbox"));
            await ExpectRefusedAsync("already exists", "export", "alice", "--mbox", notMail);

            await using var server = TestServer.Start(dataDirectory, []);
            await ExpectRefusedAsync("unknown user 'nobody'", "import", "nobody", maildir);
            await ExpectRefusedAsync("does not exist", "import", "alice", work.File("missing"));
            await ExpectRefusedAsync("not an mbox file", "import", "alice", notMail);
            Assert.Empty(await RawPop3.RetrieveAllAsync(server.Pop3Port, "alice", "pw"));
        }
        finally
        {
            TempDirectory.DeleteQuietly(dataDirectory);
        }
    }

    /// <summary>Runs `fastmail import|export ...` in this process against <paramref name="dataDirectory"/> with the test server's settings.</summary>
    private static async Task<(int Exit, string Output, string Error)> RunCliAsync(string dataDirectory, params string[] words)
    {
        var args = new List<string>(words) { "--data-dir", dataDirectory };
        foreach (var (key, value) in TestServer.Overrides(dataDirectory).Where(o => o.Key != "dataDirectory"))
        {
            args.Add("--set");
            args.Add($"{key}={value}");
        }

        var parsed = Arguments.Parse(args);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = words[0] == "import" ? await ImportCommand.RunAsync(parsed, output, error) : await ExportCommand.RunAsync(parsed, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Twenty deliveries of the kinds a real mailbox holds, as an MTA pipes them to the LDA (mostly LF line ends):
    /// plain, CRLF, 8-bit, UTF-8 headers, MIME alternative and attachment, "From " and "." at line starts, folded and
    /// long lines, a bare CR, no final line end, headers only, a 300 KB message, and an empty one (the last).
    /// </summary>
    private static List<byte[]> DovecotTestMessages()
    {
        const string Head = "Return-Path: <sender@example.org>\nFrom: Sender <sender@example.org>\nTo: alice@example.org\nDate: Sun, 6 Dec 2026 10:00:00 +0000\n";
        var large = new StringBuilder(Head + "Subject: large\nMessage-ID: <large@example.org>\n\n");
        for (var i = 0; large.Length < 300 * 1024; i++)
        {
            large.Append("line ").Append(i).Append(" of a large message, long enough to fill three hundred kilobytes\n");
        }

        var attachment = Convert.ToBase64String(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray(), Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal);
        string[] texts =
        [
            Head + "Subject: plain\nMessage-ID: <plain@example.org>\n\nHello Alice.\n",
            Head + "Subject: several lines\nMessage-ID: <lines@example.org>\n\nfirst\nsecond\n\nthird after a blank line\n",
            Head.Replace("\n", "\r\n", StringComparison.Ordinal) + "Subject: crlf\r\nMessage-ID: <crlf@example.org>\r\n\r\nsent with CRLF\r\n",
            Head + "Subject: 8-bit\nMessage-ID: <8bit@example.org>\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nCaf\u00e9, na\u00efve, \u00e0 bient\u00f4t \u00ff\n",
            Head + "Subject: =?utf-8?q?caf=C3=A9?=\nMessage-ID: <utf8@example.org>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\u00c3\u00a9t\u00c3\u00a9\n",
            Head + "Subject: alternative\nMessage-ID: <alt@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nplain part\n--b1\nContent-Type: text/html\n\n<p>html part</p>\n--b1--\n",
            Head + "Subject: attachment\nMessage-ID: <att@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b2\"\n\n--b2\nContent-Type: text/plain\n\nsee attached\n--b2\nContent-Type: application/octet-stream; name=\"data.bin\"\nContent-Transfer-Encoding: base64\n\n" + attachment + "\n--b2--\n",
            Head + "Subject: from line\nMessage-ID: <from@example.org>\n\nFrom the start of a line\n>From the start, quoted\nFrom here on\n",
            Head + "Subject: dots\nMessage-ID: <dots@example.org>\n\n.\n..\n.leading dot\n. \nend\n",
            Head + "Subject: folded\n header\nMessage-ID: <folded@example.org>\nX-Long: one\n\ttwo\n  three\n\nbody\n",
            Head + "Subject: long line\nMessage-ID: <long@example.org>\n\n" + new string('x', 2000) + "\n",
            Head + "Subject: bare cr\nMessage-ID: <cr@example.org>\n\nbefore\rafter\n",
            Head + "Subject: no final line end\nMessage-ID: <nolf@example.org>\n\nlast line without LF",
            Head + "Subject: headers only\nMessage-ID: <headers@example.org>\n",
            Head + "Subject: trailing blank lines\nMessage-ID: <trailing@example.org>\n\nbody\n\n\n",
            Head + "Subject: tabs and spaces\nMessage-ID: <ws@example.org>\n\n\tindented \n   \ntrailing space \n",
            "Subject: no Return-Path, no Date\nMessage-ID: <minimal@example.org>\n\nminimal\n",
            Head + "Subject: same Message-ID twice (1)\nMessage-ID: <twice@example.org>\n\ncopy\n",
            Head + "Subject: same Message-ID twice (1)\nMessage-ID: <twice@example.org>\n\ncopy\n",
            large.ToString(),
            "",
        ];
        return texts.Select(Latin1).ToList();
    }

    /// <summary>A Maildir with <paramref name="messages"/> in new/, named as Dovecot names deliveries, one second apart.</summary>
    private static void WriteMaildir(string path, IReadOnlyList<byte[]> messages)
    {
        foreach (var folder in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(path, folder));
        }

        for (var i = 0; i < messages.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(path, "new", $"{1796500000 + i}.M{i}P1.test,S={messages[i].Length}"), messages[i]);
        }
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static string Show(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return text.Length > 400 ? text[..400] + $"... ({bytes.Length} bytes)" : text;
    }
}
