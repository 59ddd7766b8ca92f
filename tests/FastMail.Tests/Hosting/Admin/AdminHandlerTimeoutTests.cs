using FastMail.Hosting.Admin;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Hosting.Admin;

/// <summary>A command registered with its own handler timeout (import, export) outlives the default one.</summary>
public sealed class AdminHandlerTimeoutTests
{
    [Fact]
    public async Task ACommandWithoutHandlerTimeoutOutlivesOneThatTimesOut()
    {
        using var dir = new TempDirectory("admin-timeout");
        await using var server = new AdminSocketServer(dir.Path, new RecordingLogger(), new AdminSocketOptions { HandlerTimeout = TimeSpan.FromMilliseconds(200) });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Register("long", async (_, token) =>
        {
            started.SetResult();
            await release.Task.WaitAsync(token);
            return AdminReply.Ok("done");
        }, Timeout.InfiniteTimeSpan);
        server.Register("slow", async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return AdminReply.Ok();
        });
        server.Start();

        var longReply = AdminClient.SendAsync(dir.Path, ["long"], TimeSpan.FromSeconds(30));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // "slow" started after "long" and ran into the default timeout, so "long" has outlived it once this returns.
        var slowReply = await AdminClient.SendAsync(dir.Path, ["slow"], TimeSpan.FromSeconds(30));
        Assert.Equal("timed out", slowReply.Error);
        Assert.False(longReply.IsCompleted);
        release.SetResult();
        var reply = await longReply;
        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal(["done"], reply.Lines);
    }
}
