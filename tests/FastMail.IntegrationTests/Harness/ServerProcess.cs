using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace FastMail.IntegrationTests.Harness;

/// <summary>The published binary running `fastmail serve` as a child process on ports the OS picks (read back from its log).</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public int SmtpPort { get; private set; }

    public int Pop3Port { get; private set; }

    public int SubmissionPort { get; private set; }

    public int SmtpsPort { get; private set; }

    public int Pop3sPort { get; private set; }

    /// <summary>The webmail port, once the server logged "HTTP listening on" (after the mail listeners: wait for that line before using it).</summary>
    public int WebPort { get; private set; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public static string[] ServeArguments(string dataDirectory) =>
    [
        "serve", "--data-dir", dataDirectory,
        "--set", "hostName=mail." + TestServer.Domain, "--set", "primaryDomain=" + TestServer.Domain,
        "--set", "smtp.listen=127.0.0.1:0", "--set", "pop3.listen=127.0.0.1:0",
        "--set", "smtp.submissionListen=127.0.0.1:0", "--set", "smtp.smtpsListen=127.0.0.1:0", "--set", "pop3.pop3sListen=127.0.0.1:0",
        "--set", "web.listen=127.0.0.1:0",
        "--set", "limits.shutdownGracePeriod=3s", "--set", "limits.maxConnectionRatePerIp=0", "--set", "limits.maxConnectionsPerIp=1000",
    ];

    public static Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArguments) =>
        StartAsync(dataDirectory, new Dictionary<string, string>(), extraArguments);

    /// <summary>Starts the server with <paramref name="environment"/> added to its environment (test seams).</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> environment, params string[] extraArguments)
    {
        var server = await LaunchAsync(dataDirectory, environment, underNohup: false, extraArguments);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>
    /// Starts the server and returns at once, while it is still starting; <paramref name="underNohup"/> runs it through
    /// nohup(1), which execs it with SIGHUP ignored (same PID), as `nohup fastmail serve &amp;` would.
    /// </summary>
    public static async Task<ServerProcess> LaunchAsync(string dataDirectory, IReadOnlyDictionary<string, string> environment, bool underNohup, params string[] extraArguments)
    {
        var binary = await AotBinary.GetAsync();
        var info = new ProcessStartInfo(underNohup ? "nohup" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (underNohup)
        {
            info.ArgumentList.Add(binary);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var argument in ServeArguments(dataDirectory).Concat(extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        var server = new ServerProcess(Process.Start(info)!);
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        server._process.EnableRaisingEvents = true;
        server._process.Exited += (_, _) => server._ready.TrySetException(new InvalidOperationException("fastmail exited before listening:\n" + server.Log));
        return server;
    }

    /// <summary>Until every mail listener has logged its port (throws if the process exits first).</summary>
    public Task WaitUntilListeningAsync() => _ready.Task.WaitAsync(TimeSpan.FromSeconds(30));

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }

        var match = ListeningPattern().Match(line);
        if (match.Success)
        {
            var port = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            switch (match.Groups[1].Value)
            {
                case "SMTP": SmtpPort = port; break;
                case "SMTP submission": SubmissionPort = port; break;
                case "SMTPS": SmtpsPort = port; break;
                case "POP3": Pop3Port = port; break;
                case "POP3S": Pop3sPort = port; break;
                case "HTTP": WebPort = port; break;
            }

            if (SmtpPort != 0 && Pop3Port != 0 && SubmissionPort != 0 && SmtpsPort != 0 && Pop3sPort != 0)
            {
                _ready.TrySetResult();
            }
        }
    }

    /// <summary>Waits until the server has logged a line containing <paramref name="text"/>; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>kill -9: no chance to flush or close anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. 1 = SIGHUP) to the server process.</summary>
    public void Signal(int signal) => Assert.Equal(0, SysKill(_process.Id, signal));

    /// <summary>SIGTERM, then waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Assert.Equal(0, SysKill(_process.Id, 15));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"\b(SMTP|SMTP submission|SMTPS|POP3|POP3S|HTTP) listening on [^:]+:(\d+)")]
    private static partial Regex ListeningPattern();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
