using FastMail.Load.Report;

namespace FastMail.Load.Tests;

public sealed class MachineProbeTests
{
    [Fact]
    public void TheCpuLineCountsEverythingButIdleAndIowaitAsBusy()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        Assert.True(MachineProbe.TryParseCpuLine("cpu  100 5 50 800 20 3 7 15 40 0", out var busy, out var total));
        Assert.Equal(100 + 5 + 50 + 3 + 7 + 15, busy);
        Assert.Equal(1000, total);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu0 1 2 3 4 5 6 7 8")]
    [InlineData("cpu  1 2 x 4 5 6 7 8")]
    [InlineData("cpu  1 2 3")]
    public void AnythingElseIsNotACpuLine(string? line) => Assert.False(MachineProbe.TryParseCpuLine(line, out _, out _));

    [Fact]
    public void BusyShareIsTheBusyPartOfTheJiffiesBetweenTwoSamples()
    {
        var start = new MachineProbe.Sample(1_000, 4_000, TimeSpan.Zero);
        var end = new MachineProbe.Sample(1_870, 5_000, TimeSpan.FromSeconds(1));
        Assert.Equal(0.87, MachineProbe.BusyShare(start, end)!.Value, 3);
        Assert.Null(MachineProbe.BusyShare(start, start));
        Assert.Null(MachineProbe.BusyShare(new MachineProbe.Sample(null, null, TimeSpan.Zero), end));
    }

    [Fact]
    public void ASampleOfThisMachineReadsProcStat()
    {
        var sample = MachineProbe.Take();
        Assert.True(sample.TotalJiffies > 0 && sample.BusyJiffies <= sample.TotalJiffies, $"{sample}");
    }
}
