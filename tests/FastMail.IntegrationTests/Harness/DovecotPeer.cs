using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// A private Dovecot instance (Debian's dovecot-core and dovecot-pop3d, as scripts/compare.d/dovecot.sh runs one): its
/// own configuration, run and state directories in a temporary folder, POP3 only on 127.0.0.1 with a free port, every
/// user's password "secret", mail in Maildirs owned by "nobody". Mail is delivered by Dovecot's own LDA
/// (<see cref="DeliverAsync"/>), so the Maildir files are exactly what a real Dovecot writes. The system's Dovecot is
/// neither configured nor started. Needs root (CI runs as root): Dovecot's master refuses to start otherwise.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DovecotPeer : IAsyncDisposable
{
    public const string Password = "secret";

    private const int NobodyId = 65534;
    private const string Lda = "/usr/lib/dovecot/dovecot-lda";

    private Process? _master;

    private DovecotPeer(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public string Root { get; }

    /// <summary>Dovecot's POP3 port on 127.0.0.1.</summary>
    public int Port { get; }

    private string ConfigFile => Path.Combine(Root, "dovecot.conf");

    /// <summary>The Maildir of <paramref name="user"/> (cur/, new/, tmp/ once mail was delivered).</summary>
    public string Maildir(string user) => Path.Combine(Root, "mail", user);

    public static async Task<DovecotPeer> StartAsync()
    {
        var root = TempDirectory.Create("dovecot");
        var peer = new DovecotPeer(root, LoopbackPorts.Free());
        foreach (var folder in new[] { root, Path.Combine(root, "run"), Path.Combine(root, "state"), Path.Combine(root, "mail") })
        {
            Directory.CreateDirectory(folder);
            // Dovecot's processes run as nobody and dovecot: the tree must be traversable whatever umask this process has.
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }

        await RunAsync("chown", [$"{NobodyId}:{NobodyId}", Path.Combine(root, "mail")]);
        await File.WriteAllTextAsync(peer.ConfigFile, peer.Config());
        File.SetUnixFileMode(peer.ConfigFile, (UnixFileMode)0b110_100_100);
        // In the foreground (-F), as this process's child: the test holds its real PID and kills it at the end. (Started
        // the daemon way, the master would keep the redirected output pipes open and a reader would never see their end.)
        var start = new ProcessStartInfo("dovecot") { UseShellExecute = false };
        foreach (var argument in new[] { "-F", "-c", peer.ConfigFile })
        {
            start.ArgumentList.Add(argument);
        }

        peer._master = Process.Start(start) ?? throw new InvalidOperationException("could not start dovecot");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await LoopbackPorts.AcceptsAsync(peer.Port))
        {
            if (peer._master.HasExited || DateTime.UtcNow > deadline)
            {
                await peer.DisposeAsync();
                Assert.Fail($"dovecot is not listening on 127.0.0.1:{peer.Port} (it needs root and Debian's dovecot-core and dovecot-pop3d): {ReadLog(root)}");
            }

            await Task.Delay(100);
        }

        return peer;
    }

    /// <summary>Delivers <paramref name="message"/> (bytes as an MTA hands them over) to <paramref name="user"/> with dovecot-lda.</summary>
    public async Task DeliverAsync(string user, byte[] message)
    {
        var info = new ProcessStartInfo(Lda) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", ConfigFile, "-d", user, "-f", "sender@example.org" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(message);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        Assert.True(process.ExitCode == 0, $"dovecot-lda failed ({process.ExitCode}): {await stdout}{await stderr} {ReadLog(Root)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_master is { } master)
        {
            if (!master.HasExited)
            {
                // SIGTERM first: the master stops its children (pop3, auth, log) itself.
                await ExternalProcess.RunAsync("kill", ["-TERM", master.Id.ToString(CultureInfo.InvariantCulture)]);
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await master.WaitForExitAsync(patience.Token);
                }
                catch (OperationCanceledException)
                {
                    master.Kill(entireProcessTree: true);
                }
            }

            master.Dispose();
        }

        TempDirectory.DeleteQuietly(Root);
    }

    private string Config() => $$"""
        protocols = pop3
        listen = 127.0.0.1
        base_dir = {{Root}}/run
        state_dir = {{Root}}/state
        log_path = {{Root}}/dovecot.log
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain
        first_valid_uid = 1
        mail_location = maildir:{{Root}}/mail/%u
        passdb {
          driver = static
          args = password={{Password}}
        }
        userdb {
          driver = static
          args = uid={{NobodyId}} gid={{NobodyId}} home={{Root}}/mail/%u
        }
        service pop3-login {
          inet_listener pop3 {
            address = 127.0.0.1
            port = {{Port}}
          }
          inet_listener pop3s {
            port = 0
          }
        }
        service imap-login {
          inet_listener imap {
            port = 0
          }
          inet_listener imaps {
            port = 0
          }
        }

        """;

    private static string ReadLog(string root)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, "dovecot.log"));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var (exit, output) = await ExternalProcess.RunAsync(file, arguments, timeout: TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"{file} failed: {output}");
    }
}
