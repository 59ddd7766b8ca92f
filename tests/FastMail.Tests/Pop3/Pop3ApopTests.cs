using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FastMail.Tests.Pop3;

public sealed partial class Pop3ApopTests
{
    [Fact]
    public async Task ApopWithTheRightDigestLogsInWhenEnabled()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        host.Directory.AddUser("motriles", "jose", apopSecret: "tanstaaf");
        host.Options.EnableApop = true;
        await using var script = host.Start();

        var greeting = await script.Expect(Pop3TestHost.Greeting + " <");
        var timestamp = TimestampPattern().Match(greeting);
        Assert.True(timestamp.Success, greeting);

        await script.Send("APOP motriles " + Digest(timestamp.Value, "tanstaaf").ToUpperInvariant());
        await script.Expect("+OK Mailbox locked and ready, 2 messages");
    }

    [Fact]
    public async Task EveryGreetingCarriesAFreshTimestamp()
    {
        var host = new Pop3TestHost();
        host.Options.EnableApop = true;
        await using var first = host.Start();
        await using var second = host.Start();

        Assert.NotEqual(await first.ReadLine(), await second.ReadLine());
    }

    [Fact]
    public async Task ApopWithAWrongDigestOrUnknownUserGetsTheAuthError()
    {
        var host = new Pop3TestHost();
        host.Directory.AddUser("motriles", "jose", apopSecret: "tanstaaf");
        host.Options.EnableApop = true;
        await using var script = host.Start();
        var timestamp = TimestampPattern().Match(await script.ReadLine()).Value;

        await script.Send("APOP motriles " + Digest(timestamp, "wrong"));
        await script.ExpectLine("-ERR [AUTH] Invalid user name or password");
        await script.Send("APOP nobody " + Digest(timestamp, "tanstaaf"));
        await script.ExpectLine("-ERR [AUTH] Invalid user name or password");
        await script.Send("APOP motriles short");
        await script.ExpectLine("-ERR [AUTH] Invalid user name or password");
        await script.Send("APOP motriles");
        await script.ExpectLine("-ERR Syntax error in arguments");
    }

    [Fact]
    public async Task ApopIsRefusedAndTheGreetingHasNoTimestampWhenDisabled()
    {
        var host = new Pop3TestHost();
        host.Directory.AddUser("motriles", "jose", apopSecret: "tanstaaf");
        await using var script = host.Start();

        await script.ExpectLine("+OK FastMail POP3 server ready");
        await script.Send("APOP motriles c4c9334bac560ecc979e58001b3e22fb");
        await script.ExpectLine("-ERR APOP is not enabled");
    }

    internal static string Digest(string timestamp, string secret) =>
#pragma warning disable CA5351 // RFC 1939 APOP is defined on MD5
        Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(timestamp + secret)));
#pragma warning restore CA5351

    [GeneratedRegex(@"<\d+\.\d+\.\d+@mail\.example\.com>$")]
    private static partial Regex TimestampPattern();
}
