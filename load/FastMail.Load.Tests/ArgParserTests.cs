using System.Net;
using FastMail.Load.Cli;

namespace FastMail.Load.Tests;

public sealed class ArgParserTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.1.10")]
    [InlineData("172.16.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("0.0.0.0")]
    [InlineData("example.com")]
    [InlineData("2001:db8::1")]
    public void AnyHostOutsideLoopbackIsRefused(string host)
    {
        var error = Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-send", "--host", host, "--to", "a@b"]));
        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public void LoopbackHostsAreAccepted(string host)
    {
        var options = ArgParser.Parse(["smtp-send", "--host", host, "--to", "a@b"]);
        Assert.True(IPAddress.IsLoopback(options.Host));
    }

    [Fact]
    public void SmtpScenariosDefaultToPort2525AndPop3ScenariosTo1110()
    {
        Assert.Equal(2525, ArgParser.Parse(["smtp-send", "--to", "a@b"]).Port);
        var drain = ArgParser.Parse(["pop3-drain", "--users", "u1"]);
        Assert.Equal(1110, drain.Port);
        Assert.Equal(1110, drain.Pop3Port);
        var mixed = ArgParser.Parse(["mixed", "--to", "a@b", "--users", "u", "--port", "2600", "--pop3-port", "1200"]);
        Assert.Equal((2600, 1200), (mixed.Port, mixed.Pop3Port));
    }

    [Fact]
    public void EveryOptionOfTheBriefIsParsed()
    {
        var o = ArgParser.Parse(["--scenario", "smtp-send", "--host", "127.0.0.1", "--port", "2525", "--concurrency", "16",
            "--duration", "10s", "--warmup", "2s", "--rate", "500", "--size", "1k", "--recipients", "3", "--per-connection", "5",
            "--to", "u1@d,u2@d", "--users", "u1,u2", "--password", "pw", "--server-pid", "12,34", "--count", "99"]);
        Assert.Equal("smtp-send", o.Scenario);
        Assert.Equal(16, o.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), o.Warmup);
        Assert.Equal(500, o.Rate);
        Assert.Equal(1024, o.Size);
        Assert.Equal(3, o.Recipients);
        Assert.Equal(5, o.PerConnection);
        Assert.Equal(["u1@d", "u2@d"], o.To);
        Assert.Equal(["u1", "u2"], o.Users);
        Assert.Equal("pw", o.Password);
        Assert.Equal([12, 34], o.ServerPids);
        Assert.Equal(99, o.Count);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("1k", 1024)]
    [InlineData("1KB", 1024)]
    [InlineData("100k", 102400)]
    [InlineData("2m", 2097152)]
    [InlineData("10kb", 10240)]
    public void SizesAreReadInBinaryUnits(string text, int bytes) => Assert.Equal(bytes, ValueParsers.ParseSize(text));

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("3", 3_000)]
    public void DurationsAcceptSecondsMillisecondsAndMinutes(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ValueParsers.ParseDuration(text));

    [Theory]
    [InlineData("smtp-send")]
    [InlineData("mixed")]
    public void SendingScenariosNeedRecipients(string scenario) =>
        Assert.Throws<ArgumentException>(() => ArgParser.Parse([scenario, "--users", "u"]));

    [Fact]
    public void UnknownScenariosAndOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-flood", "--to", "a@b"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-send", "--to", "a@b", "--target", "x"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-send", "--to"]));
    }

    [Fact]
    public void ARunCannotBeUnboundedInTime() =>
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-send", "--to", "a@b", "--duration", "2h"]));

    [Fact]
    public void OpenFirstIsForPop3DrainOnly()
    {
        Assert.True(ArgParser.Parse(["pop3-drain", "--users", "u", "--open-first"]).OpenFirst);
        Assert.False(ArgParser.Parse(["pop3-drain", "--users", "u"]).OpenFirst);
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-send", "--to", "a@b", "--open-first"]));
    }

    [Fact]
    public void PipeliningIsForSendingScenariosOnly()
    {
        Assert.True(ArgParser.Parse(["smtp-send", "--to", "a@b", "--pipelining"]).Pipelining);
        Assert.False(ArgParser.Parse(["smtp-send", "--to", "a@b"]).Pipelining);
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["pop3-login", "--users", "u", "--pipelining"]));
    }

    [Fact]
    public void IdleIsTheConnectionsScenarioHeldAfterTheLastOneOpened()
    {
        var o = ArgParser.Parse(["idle", "--connections", "100000", "--hold", "20s", "--source-addresses", "4"]);
        Assert.Equal("connections", o.Scenario);
        Assert.True(o.HoldAfterOpen);
        Assert.Equal(100_000, o.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(20), o.Duration);
        Assert.Equal(TimeSpan.Zero, o.Warmup);
        Assert.Equal(4, o.SourceAddresses);
        Assert.Equal(2525, o.Port);
    }

    [Fact]
    public void ManyIdleConnectionsGetEnoughSourceAddressesByDefault()
    {
        Assert.Equal(4, ArgParser.Parse(["idle", "--connections", "100000"]).SourceAddresses);
        Assert.Null(ArgParser.Parse(["idle", "--connections", "10000"]).SourceAddresses);
    }

    [Fact]
    public void OnlyIdleConnectionsMayGoBeyondSixtyThousand()
    {
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["smtp-send", "--to", "a@b", "--concurrency", "70000"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["relay", "--to", "a@b", "--source-addresses", "2"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["idle", "--connections", "10", "--source-addresses", "2", "--host", "::1"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["idle", "--connections", "10", "--source-addresses", "255"]));
    }
}
