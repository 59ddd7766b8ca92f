using System.Collections.Concurrent;
using System.Text;
using FastMail.Cli;
using FastMail.Core.IO;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// `fastmail backup` and `fastmail restore` against in-process servers: a backup taken while clients keep sending holds
/// every message acknowledged before it started, byte for byte, and no half message; accounts, POP3 deletes and the
/// manifest's checksums behave as promised; restore refuses a tampered backup and a running server.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BackupRestoreTests : IDisposable
{
    private const int Senders = 4;
    private readonly List<string> _directories = [];

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            TempDirectory.DeleteQuietly(directory);
            foreach (var moved in Directory.GetDirectories(Path.GetDirectoryName(directory)!, Path.GetFileName(directory) + ".before-restore-*"))
            {
                TempDirectory.DeleteQuietly(moved);
            }
        }
    }

    [Fact]
    public async Task BackupUnderLoadRestoresEveryMessageAcknowledgedBeforeItStartedAndNoHalfMessage()
    {
        var users = Enumerable.Range(0, Senders).Select(i => ($"load{i}", $"secret{i}")).ToArray();
        var data = Track(TempDirectory.Create("backup-src"));
        var backup = Track(TempDirectory.NewPath("backup"));
        var restored = Track(TempDirectory.NewPath("backup-dst"));
        var acked = new ConcurrentQueue<(string User, string Token, long AckedAt)>();
        Dictionary<string, string> original;
        long backupStarted;
        await using (var server = TestServer.Start(data, users))
        {
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, Senders).Select(i => Task.Run(() => SendUntilStoppedAsync(server.SmtpPort, $"load{i}", i, acked, stop.Token))).ToArray();
            await WaitUntilAsync(() => acked.Count >= 150);

            backupStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            var (code, output, error) = await RunAsync(BackupCommand.RunAsync, "backup", backup, "--data-dir", data);
            Assert.True(code == 0, error);
            Assert.Contains("backup written to", output, StringComparison.Ordinal);

            // Mail keeps arriving after the backup's moment; none of it may appear half in the restore.
            var afterBackup = acked.Count;
            await WaitUntilAsync(() => acked.Count >= afterBackup + 60);
            await stop.CancelAsync();
            await Task.WhenAll(senders);
            original = await RetrieveAllAsync(server.Pop3Port, users);
            await server.StopAsync();
        }

        var before = acked.Where(a => a.AckedAt < backupStarted).ToList();
        Assert.True(before.Count >= 150);
        Assert.True(acked.Count > before.Count, "mail was acknowledged after the backup started");

        var (restoreCode, restoreOutput, restoreError) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", restored);
        Assert.True(restoreCode == 0, restoreError);
        Assert.Contains("messages in", restoreOutput, StringComparison.Ordinal);

        // Accounts came back with the backup: the same passwords log in (no user is created here).
        await using var again = TestServer.Start(restored, []);
        var after = await RetrieveAllAsync(again.Pop3Port, users);
        foreach (var (user, token, _) in before)
        {
            Assert.True(after.TryGetValue(token, out var text), $"message {token} to {user}, acknowledged before the backup, is missing");
            Assert.Equal(original[token], text);
        }

        // Whatever else is there arrived during the copy: whole and identical, never a fragment.
        foreach (var (token, text) in after)
        {
            Assert.True(original.TryGetValue(token, out var sent), $"restored message {token} was never stored by the original server");
            Assert.Equal(sent, text);
        }

        Assert.True(after.Count < original.Count, "the restore holds the backup's moment, not the later mail");
    }

    [Fact]
    public async Task MessageDeletedOverPop3BeforeTheBackupIsAbsentAfterRestore()
    {
        var data = Track(TempDirectory.Create("backup-src"));
        var backup = Track(TempDirectory.NewPath("backup"));
        var restored = Track(TempDirectory.NewPath("backup-dst"));
        await using (var server = TestServer.Start(data, [("dora", "explorer")]))
        {
            await SendAsync(server.SmtpPort, "dora", "keep-1");
            await SendAsync(server.SmtpPort, "dora", "gone-2");
            await SendAsync(server.SmtpPort, "dora", "keep-3");
            await using (var pop = await LineClient.ConnectAsync(server.Pop3Port))
            {
                await pop.ExpectAsync("+OK");
                await pop.SendRawAsync("USER dora\r\nPASS explorer\r\nDELE 2\r\nQUIT\r\n");
                await pop.ExpectAsync("+OK");
                await pop.ExpectAsync("+OK");
                await pop.ExpectAsync("+OK");
                await pop.ExpectAsync("+OK");
            }

            var (code, _, error) = await RunAsync(BackupCommand.RunAsync, "backup", backup, "--data-dir", data);
            Assert.True(code == 0, error);
        }

        var (restoreCode, output, restoreError) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", restored);
        Assert.True(restoreCode == 0, restoreError);
        Assert.Contains("2 messages in", output, StringComparison.Ordinal);
        await using var again = TestServer.Start(restored, []);
        var messages = await RetrieveAllAsync(again.Pop3Port, [("dora", "explorer")]);
        Assert.Equal(["keep-1", "keep-3"], messages.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BackupOfAStoppedServerRestoresAndATamperedCopyIsRefusedWithNothingChanged()
    {
        var data = Track(TempDirectory.Create("backup-src"));
        var backup = Track(TempDirectory.NewPath("backup"));
        var restored = Track(TempDirectory.NewPath("backup-dst"));
        await using (var server = TestServer.Start(data, [("stan", "stopped")]))
        {
            for (var i = 0; i < 5; i++)
            {
                await SendAsync(server.SmtpPort, "stan", $"offline-{i}");
            }

            await server.StopAsync();

            // No server answers on the admin socket now: the command locks the data directory and copies itself.
            var (code, output, error) = await RunAsync(BackupCommand.RunAsync, "backup", backup, "--data-dir", data);
            Assert.True(code == 0, error);
            Assert.Contains("backup written to", output, StringComparison.Ordinal);
        }

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(backup));
        Assert.All(Directory.GetFiles(backup, "*", SearchOption.AllDirectories), f => Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(f)));
        Assert.True(File.Exists(Path.Combine(backup, "accounts.json")));
        Assert.True(File.Exists(Path.Combine(backup, "tls", "selfsigned.key")));

        var (restoreCode, restoreOutput, restoreError) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", restored);
        Assert.True(restoreCode == 0, restoreError);
        Assert.Contains("5 messages in 1 mailboxes", restoreOutput, StringComparison.Ordinal);

        // A second restore over the now non-empty directory needs --force, which moves it aside.
        var (refused, _, refusal) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", restored);
        Assert.Equal(1, refused);
        Assert.Contains("not empty", refusal, StringComparison.Ordinal);

        // One flipped byte in the mail log: refused before anything changes, even with --force.
        var segment = Path.Combine(backup, "mail", "mail.log.0");
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(segment, bytes);
        var listing = Directory.GetFiles(restored, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var (tampered, _, tamperError) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", restored, "--force");
        Assert.Equal(1, tampered);
        Assert.Contains("checksum", tamperError, StringComparison.Ordinal);
        Assert.Equal(listing, Directory.GetFiles(restored, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray());
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(restored)!, Path.GetFileName(restored) + ".before-restore-*"));

        await using var again = TestServer.Start(restored, []);
        var messages = await RetrieveAllAsync(again.Pop3Port, [("stan", "stopped")]);
        Assert.Equal(5, messages.Count);
    }

    [Fact]
    public async Task RestoreIsRefusedWhileTheServerRunsAndForceMovesAStoppedDirectoryAside()
    {
        var data = Track(TempDirectory.Create("backup-src"));
        var backup = Track(TempDirectory.NewPath("backup"));
        await using (var server = TestServer.Start(data, [("rita", "running")]))
        {
            await SendAsync(server.SmtpPort, "rita", "before-backup");
            var (code, _, error) = await RunAsync(BackupCommand.RunAsync, "backup", backup, "--data-dir", data);
            Assert.True(code == 0, error);
            await SendAsync(server.SmtpPort, "rita", "after-backup");

            var (refused, _, refusal) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", data, "--force");
            Assert.Equal(1, refused);
            Assert.Contains("server runs", refusal, StringComparison.Ordinal);
            Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(data)!, Path.GetFileName(data) + ".before-restore-*"));

            // A backup directory inside the data directory would copy itself: refused.
            var (inside, _, insideError) = await RunAsync(BackupCommand.RunAsync, "backup", Path.Combine(data, "backup"), "--data-dir", data);
            Assert.Equal(1, inside);
            Assert.Contains("outside the data directory", insideError, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(data, "backup")));

            // A backup directory that is not empty is refused too.
            var (again, _, notEmpty) = await RunAsync(BackupCommand.RunAsync, "backup", backup, "--data-dir", data);
            Assert.Equal(1, again);
            Assert.Contains("not empty", notEmpty, StringComparison.Ordinal);
            await server.StopAsync();

            // A backup inside the data directory would be moved aside with it by --force: refused.
            var (nested, _, nestedError) = await RunAsync(RestoreCommand.RunAsync, "restore", Path.Combine(data, "tls"), "--data-dir", data, "--force");
            Assert.Equal(1, nested);
            Assert.Contains("outside the data directory", nestedError, StringComparison.Ordinal);

            var (forced, output, forceError) = await RunAsync(RestoreCommand.RunAsync, "restore", backup, "--data-dir", data, "--force");
            Assert.True(forced == 0, forceError);
            Assert.Contains("moved to", output, StringComparison.Ordinal);
            var moved = Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(data)!, Path.GetFileName(data) + ".before-restore-*"));
            Assert.True(File.Exists(Path.Combine(moved, "accounts.json")));
        }
    }

    private string Track(string directory)
    {
        _directories.Add(directory);
        return directory;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(Func<Arguments, TextWriter, TextWriter, Task<int>> command, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await command(Arguments.Parse(args), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for mail to be acknowledged");
            await Task.Delay(20);
        }
    }

    /// <summary>One SMTP connection sending to <paramref name="user"/> until stopped; each message is recorded when its 250 arrives.</summary>
    private static async Task SendUntilStoppedAsync(int port, string user, int sender, ConcurrentQueue<(string, string, long)> acked, CancellationToken stop)
    {
        await using var smtp = await LineClient.ConnectAsync(port);
        await smtp.ExpectAsync("220");
        await smtp.SendRawAsync($"EHLO sender{sender}\r\n");
        await smtp.ExpectSmtpAsync("250");
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var token = $"s{sender}-m{n}-{Guid.NewGuid():N}";
            await smtp.SendRawAsync($"MAIL FROM:<sender{sender}@example.org>\r\nRCPT TO:<{user}@{TestServer.Domain}>\r\nDATA\r\n");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync(Body(token, n));
            await smtp.ExpectAsync("250");
            acked.Enqueue((user, token, System.Diagnostics.Stopwatch.GetTimestamp()));
        }

        await smtp.SendRawAsync("QUIT\r\n");
    }

    /// <summary>A message of 1 to 60 KB, so that the log's pages fill and are flushed while the backup copies.</summary>
    private static string Body(string token, int n)
    {
        var text = new StringBuilder($"Subject: {token}\r\nX-Token: {token}\r\n\r\n");
        var lines = 10 + (n * 37 % 800);
        for (var i = 0; i < lines; i++)
        {
            text.Append(token).Append(" line ").Append(i).Append(" of the body, padded to a realistic length.\r\n");
        }

        return text.Append(".\r\n").ToString();
    }

    private static async Task SendAsync(int port, string user, string token)
    {
        await using var smtp = await LineClient.ConnectAsync(port);
        await smtp.ExpectAsync("220");
        await smtp.SendRawAsync($"EHLO once\r\nMAIL FROM:<once@example.org>\r\nRCPT TO:<{user}@{TestServer.Domain}>\r\nDATA\r\n");
        await smtp.ExpectSmtpAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("354");
        await smtp.SendRawAsync($"Subject: {token}\r\nX-Token: {token}\r\n\r\n{token}\r\n.\r\nQUIT\r\n");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("221");
    }

    /// <summary>Every message of every user, by its X-Token, as POP3 RETR returns it (nothing deleted).</summary>
    private static async Task<Dictionary<string, string>> RetrieveAllAsync(int port, (string Name, string Password)[] users)
    {
        var messages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, password) in users)
        {
            await using var pop = await LineClient.ConnectAsync(port);
            await pop.ExpectAsync("+OK");
            await pop.SendRawAsync($"USER {name}\r\nPASS {password}\r\nSTAT\r\n");
            await pop.ExpectAsync("+OK");
            await pop.ExpectAsync("+OK");
            var stat = await pop.ExpectAsync("+OK ");
            var count = int.Parse(stat.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 1; i <= count; i++)
            {
                await pop.SendRawAsync($"RETR {i}\r\n");
                await pop.ExpectAsync("+OK");
                var lines = await pop.ReadPop3BodyAsync();
                var token = lines.First(l => l.StartsWith("X-Token: ", StringComparison.Ordinal))["X-Token: ".Length..];
                Assert.True(messages.TryAdd(token, string.Join("\r\n", lines)), $"message {token} appears twice");
            }

            await pop.SendRawAsync("QUIT\r\n");
            await pop.ExpectAsync("+OK");
        }

        return messages;
    }
}
