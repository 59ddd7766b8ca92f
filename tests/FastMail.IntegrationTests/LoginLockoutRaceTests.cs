using System.Text;
using System.Text.RegularExpressions;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// The login lockout holds under concurrency, against the published binary with default settings: wrong passwords sent
/// at once over POP3 USER/PASS, AUTH PLAIN on submission and AUTH PLAIN on port 25 get no more password checks than the
/// lockout allows, and the right password is refused afterwards with the ordinary wrong-password reply.
/// </summary>
public sealed partial class LoginLockoutRaceTests : IAsyncLifetime
{
    private const int AttemptsPerListener = 19;
    private const int LockoutFailures = 10; // accounts.loginPenalty's default

    private string _dataDirectory = null!;

    public async Task InitializeAsync()
    {
        _dataDirectory = TempDirectory.Create("it");
        var (exitCode, output) = await ExternalProcess.RunAsync(
            await AotBinary.GetAsync(),
            ["user", "add", "motriles", "--password", "jose", "--data-dir", _dataDirectory, "--set", "accounts.pbkdf2Iterations=4096"],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
    }

    public Task DisposeAsync()
    {
        TempDirectory.DeleteQuietly(_dataDirectory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ConcurrentWrongPasswordsOverSmtpAndPop3CannotOvertakeTheLockout()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory);
        var clients = new List<(LineClient Client, string FinalLine, string FailurePrefix)>();
        try
        {
            for (var i = 0; i < AttemptsPerListener; i++)
            {
                clients.Add((await Pop3AfterUserAsync(server.Pop3Port), $"PASS wrong-{i}", "-ERR [AUTH]"));
                clients.Add((await SmtpAfterEhloAsync(server.SubmissionPort), "AUTH PLAIN " + Plain("motriles", $"wrong-s{i}"), "535 "));
                clients.Add((await SmtpAfterEhloAsync(server.SmtpPort), "AUTH PLAIN " + Plain("motriles", $"wrong-m{i}"), "535 "));
            }

            // All wrong passwords at once; the lockout starts as soon as the tenth attempt is counted.
            await Task.WhenAll(clients.Select(c => c.Client.SendLineAsync(c.FinalLine)));
            var replies = clients.Select(c => c.Client.ReadLineAsync()).ToArray();
            await WaitForLogAsync(server, "Login lockout of account 'motriles'");

            // The right password, while locked: the same answers as a wrong one.
            await using (var pop = await Pop3AfterUserAsync(server.Pop3Port))
            {
                await pop.SendLineAsync("PASS jose");
                Assert.Equal("-ERR [AUTH] Invalid user name or password", await pop.ReadLineAsync());
            }

            await using (var submission = await SmtpAfterEhloAsync(server.SubmissionPort))
            {
                await submission.SendLineAsync("AUTH PLAIN " + Plain("motriles", "jose"));
                Assert.Equal("535 5.7.8 Authentication credentials invalid", await submission.ReadLineAsync());
            }

            var answered = await Task.WhenAll(replies).WaitAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < clients.Count; i++)
            {
                Assert.StartsWith(clients[i].FailurePrefix, answered[i], StringComparison.Ordinal);
            }

            // Password checks that really ran and failed are logged as such; refused attempts are logged as locked out.
            // The log arrives through a pipe: wait until every attempt's line is in.
            var log = server.Log;
            for (var i = 0; i < 100 && Logged(log) < clients.Count + 2; i++)
            {
                await Task.Delay(50);
                log = server.Log;
            }

            var checkedFailures = SmtpCheckedFailure().Count(log) + Pop3CheckedFailure().Count(log);
            var refused = SmtpRefused().Count(log) + Pop3Refused().Count(log);
            Assert.InRange(checkedFailures, 1, LockoutFailures);
            Assert.Equal(clients.Count + 2, checkedFailures + refused);
            Assert.DoesNotContain("authenticated as motriles", log, StringComparison.Ordinal);
            Assert.DoesNotContain("POP3 login to motriles", log, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (client, _, _) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<LineClient> Pop3AfterUserAsync(int port)
    {
        var client = await LineClient.ConnectAsync(port);
        await client.ExpectAsync("+OK");
        await client.SendLineAsync("USER motriles");
        await client.ExpectAsync("+OK");
        return client;
    }

    private static async Task<LineClient> SmtpAfterEhloAsync(int port)
    {
        var client = await LineClient.ConnectAsync(port);
        await client.ExpectAsync("220");
        await client.SendLineAsync("EHLO race.test");
        await client.ExpectSmtpAsync("250");
        return client;
    }

    private static async Task WaitForLogAsync(ServerProcess server, string text)
    {
        for (var i = 0; i < 300 && !server.Log.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(text, server.Log, StringComparison.Ordinal);
    }

    private static int Logged(string log) =>
        SmtpCheckedFailure().Count(log) + Pop3CheckedFailure().Count(log) + SmtpRefused().Count(log) + Pop3Refused().Count(log);

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    [GeneratedRegex(@"SMTP AUTH PLAIN from \S+ failed \(locked out: False\)")]
    private static partial Regex SmtpCheckedFailure();

    [GeneratedRegex(@"SMTP AUTH PLAIN from \S+ failed \(locked out: True\)")]
    private static partial Regex SmtpRefused();

    [GeneratedRegex(@"POP3 authentication failed \(USER/PASS\)")]
    private static partial Regex Pop3CheckedFailure();

    [GeneratedRegex(@"POP3 authentication refused \(USER/PASS\)")]
    private static partial Regex Pop3Refused();
}
