using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// A private Postfix instance (Debian's postfix package, as scripts/compare.d/postfix.sh sets one up): its own config and
/// queue directories in a temporary folder, no chroot, listening on 127.0.0.1 only, delivering one virtual domain into
/// Maildirs owned by "nobody". The system's own Postfix is neither configured nor started. Needs root (CI runs as root);
/// otherwise Postfix refuses to start and the constructor fails with its output.
/// </summary>
internal sealed class PostfixPeer : IAsyncDisposable
{
    private const int NobodyId = 65534;

    private PostfixPeer(string root, int port, string domain)
    {
        Root = root;
        Port = port;
        Domain = domain;
    }

    public string Root { get; }

    public int Port { get; }

    public string Domain { get; }

    private string ConfigDirectory => Path.Combine(Root, "conf");

    /// <summary>Starts Postfix for <paramref name="domain"/> with one mailbox per user in <paramref name="users"/>.</summary>
    public static async Task<PostfixPeer> StartAsync(string domain, params string[] users)
    {
        var root = TempDirectory.Create("postfix");
        var peer = new PostfixPeer(root, LoopbackPorts.Free(), domain);

        // Postfix's daemons run as the postfix user and must reach the queue: modes set here, whatever umask another test
        // of this process set meanwhile (the owner-only tests change it), and Postfix itself starts under umask 022.
        foreach (var folder in new[] { root, Path.Combine(root, "conf"), Path.Combine(root, "spool"), Path.Combine(root, "data"), Path.Combine(root, "maildirs") })
        {
            Directory.CreateDirectory(folder);
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
            }
        }

        await RunAsync("chown", $"{NobodyId}:{NobodyId}", Path.Combine(root, "maildirs"));
        await RunAsync("chown", "postfix", Path.Combine(root, "data"));
        await File.WriteAllLinesAsync(Path.Combine(root, "conf", "vmailbox"), users.Select(user => $"{user}@{domain} {user}/"));
        await File.WriteAllTextAsync(Path.Combine(root, "conf", "main.cf"), peer.MainCf());
        await File.WriteAllTextAsync(Path.Combine(root, "conf", "master.cf"), peer.MasterCf());
        foreach (var file in Directory.GetFiles(Path.Combine(root, "conf")))
        {
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
            }
        }

        var (exit, output) = await RunAsync("/bin/sh", "-c", "umask 022; exec postfix -c \"$0\" start", peer.ConfigDirectory);
        Assert.True(exit == 0, $"postfix did not start (it needs root and Debian's postfix package): {output}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await LoopbackPorts.AcceptsAsync(peer.Port))
        {
            Assert.True(DateTime.UtcNow < deadline, $"postfix is not listening on 127.0.0.1:{peer.Port}");
            await Task.Delay(100);
        }

        return peer;
    }

    /// <summary>The messages delivered to <paramref name="user"/>'s Maildir, as files.</summary>
    public IReadOnlyList<byte[]> Messages(string user)
    {
        var folder = Path.Combine(Root, "maildirs", user, "new");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList() : [];
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("postfix", "-c", ConfigDirectory, "stop");
        TempDirectory.DeleteQuietly(Root);
    }

    private string MainCf() => $"""
        compatibility_level = 3.6
        queue_directory = {Root}/spool
        data_directory = {Root}/data
        mail_owner = postfix
        setgid_group = postdrop
        myhostname = postfix.test
        mydomain = localdomain
        myorigin = $myhostname
        mydestination =
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        mynetworks = 127.0.0.0/8
        relayhost =
        relay_domains =
        smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
        alias_maps =
        alias_database =
        local_recipient_maps =
        biff = no
        smtputf8_enable = no
        smtpd_peername_lookup = no
        virtual_mailbox_domains = {Domain}
        virtual_mailbox_base = {Root}/maildirs
        virtual_mailbox_maps = texthash:{Root}/conf/vmailbox
        virtual_uid_maps = static:{NobodyId}
        virtual_gid_maps = static:{NobodyId}
        virtual_minimum_uid = 1
        maillog_file_prefixes = {Root}
        maillog_file = {Root}/maillog

        """;

    private string MasterCf() => $"""
        127.0.0.1:{Port} inet n - n - - smtpd
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        local     unix  -       n       n       -       -       local
        virtual   unix  -       n       n       -       -       virtual
        smtp      unix  -       -       n       -       -       smtp
        relay     unix  -       -       n       -       -       smtp
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd

        """;

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
