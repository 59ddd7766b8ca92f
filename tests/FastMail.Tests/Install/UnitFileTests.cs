using System.Diagnostics;
using FastMail.Install;

namespace FastMail.Tests.Install;

/// <summary>The systemd unit `fastmail install` writes: systemd itself accepts it, and it runs the server the way the design needs.</summary>
public sealed class UnitFileTests
{
    private static string Render(string binary = InstallLayout.BinaryPath) =>
        UnitFile.Render(binary, InstallLayout.ConfigPath, InstallLayout.DataDirectory, InstallLayout.UserName, UnitFile.StopTimeout(TimeSpan.FromSeconds(10)));

    [Fact]
    public async Task SystemdAnalyzeVerifyReportsNothing()
    {
        using var dir = new TempDirectory("unit");
        // verify checks that ExecStart's program exists and is executable: point it at a real executable in the temp directory.
        var binary = dir.File("fastmail");
        File.Copy("/bin/true", binary);
        var unit = dir.File("fastmail.service");
        File.WriteAllText(unit, Render(binary));

        var info = new ProcessStartInfo("/usr/bin/systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("verify");
        info.ArgumentList.Add(unit);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = error + await output;

        // Unknown keys and bad values are only warnings (exit 0): any output at all is a failure.
        Assert.True(process.ExitCode == 0 && text.Length == 0, $"systemd-analyze verify (exit {process.ExitCode}):\n{text}");
    }

    [Theory]
    [InlineData("Type=notify")]
    [InlineData("NotifyAccess=main")]
    [InlineData("ExecStart=/usr/local/bin/fastmail serve --config /etc/fastmail/fastmail.json")]
    [InlineData("ExecReload=/bin/kill -HUP $MAINPID")]
    [InlineData("Restart=on-failure")]
    [InlineData("RestartSec=2")]
    [InlineData("WatchdogSec=30")]
    [InlineData("User=fastmail")]
    [InlineData("Group=fastmail")]
    [InlineData("LimitNOFILE=65536")]
    [InlineData("AmbientCapabilities=CAP_NET_BIND_SERVICE")]
    [InlineData("CapabilityBoundingSet=CAP_NET_BIND_SERVICE")]
    [InlineData("NoNewPrivileges=yes")]
    [InlineData("ProtectSystem=strict")]
    [InlineData("ReadWritePaths=/var/lib/fastmail")]
    [InlineData("PrivateTmp=yes")]
    [InlineData("ProtectHome=yes")]
    [InlineData("SystemCallFilter=@system-service")]
    [InlineData("SystemCallArchitectures=native")]
    [InlineData("After=network-online.target")]
    [InlineData("WantedBy=multi-user.target")]
    public void TheUnitHasTheLine(string line) => Assert.Contains(line, Render().Split('\n'));

    [Fact]
    public void SystemdWaitsLongerThanTheShutdownGraceBeforeKilling()
    {
        var line = Render().Split('\n').Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal));

        Assert.True(int.Parse(line["TimeoutStopSec=".Length..], System.Globalization.CultureInfo.InvariantCulture) > 10, line);
        Assert.True(UnitFile.StopTimeout(TimeSpan.FromMinutes(10)) > TimeSpan.FromMinutes(10));
    }
}
