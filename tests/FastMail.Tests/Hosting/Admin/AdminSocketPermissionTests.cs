using FastMail.Hosting.Admin;
using FastMail.Tests.TestKit;

#pragma warning disable CA1416 // FastMail ships for Linux; this test checks a Unix file mode

namespace FastMail.Tests.Hosting.Admin;

/// <summary>The admin socket is owner-only whatever the umask: run with umask 000, alone (the umask is process-wide).</summary>
[Collection(ProcessUmaskCollection.Name)]
public sealed class AdminSocketPermissionTests
{
    [Fact]
    public async Task TheSocketIsOwnerOnlyEvenUnderAPermissiveUmask()
    {
        using var dir = new TempDirectory("admin-mode");
        await using var server = new AdminSocketServer(dir.Path, new RecordingLogger());
        using (ProcessUmask.Permissive())
        {
            server.Start();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.SocketPath));
        server.Register("ping", (_, _) => ValueTask.FromResult(AdminReply.Ok("pong")));
        Assert.Equal(["pong"], (await AdminClient.SendAsync(dir.Path, ["ping"])).Lines);
    }
}
