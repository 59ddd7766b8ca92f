using FastMail.Core.Sasl;
using static FastMail.Tests.Sasl.SaslWire;

namespace FastMail.Tests.Sasl;

public sealed class SaslServerTests
{
    private readonly SaslTestCredentials _credentials = new SaslTestCredentials().Add("motriles", "Secret 1");

    [Theory]
    [InlineData("PLAIN", SaslMechanism.Plain)]
    [InlineData("plain", SaslMechanism.Plain)]
    [InlineData("Login", SaslMechanism.Login)]
    [InlineData("SCRAM-SHA-256", SaslMechanism.ScramSha256)]
    [InlineData("scram-sha-256", SaslMechanism.ScramSha256)]
    public void MechanismNamesParseInAnyCase(string name, SaslMechanism expected)
    {
        Assert.True(SaslServer.TryGetMechanism(Raw(name), out var mechanism));
        Assert.Equal(expected, mechanism);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CRAM-MD5")]
    [InlineData("SCRAM-SHA-1")]
    [InlineData("SCRAM-SHA-256-PLUS")]
    [InlineData("PLAIN ")]
    public void UnknownMechanismNamesDoNotParse(string name)
    {
        Assert.False(SaslServer.TryGetMechanism(Raw(name), out _));
    }

    [Fact]
    public void TheFactoryAdvertisesEnabledMechanismsInOrderWithoutDuplicates()
    {
        var factory = new SaslServerFactory(_credentials, new SaslServerOptions
        {
            Mechanisms = [SaslMechanism.ScramSha256, SaslMechanism.Plain, SaslMechanism.ScramSha256],
        });

        Assert.Equal("SCRAM-SHA-256 PLAIN", System.Text.Encoding.ASCII.GetString(factory.MechanismNames.Span));
        Assert.True(factory.IsEnabled(SaslMechanism.Plain));
        Assert.False(factory.IsEnabled(SaslMechanism.Login));
        Assert.Throws<ArgumentException>(() => factory.Create().Start(SaslMechanism.Login));
    }

    [Fact]
    public async Task StepBeforeStartIsAProgrammingError()
    {
        var server = NewServer(_credentials);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await server.StepAsync(Line("x"), default));
    }

    [Theory]
    [InlineData(SaslMechanism.Plain)]
    [InlineData(SaslMechanism.Login)]
    [InlineData(SaslMechanism.ScramSha256)]
    public async Task AStarCancelsEveryMechanism(SaslMechanism mechanism)
    {
        var server = NewServer(_credentials);
        server.Start(mechanism);

        var step = await server.StepAsync(Raw("*"), default);

        Assert.Equal(SaslStatus.Cancelled, step.Status);
        Assert.False(server.InProgress);
    }

    [Theory]
    [InlineData("AG1vdHJpbGVzAFNlY3JldCAx=")]      // bad length
    [InlineData("AG1vdHJpbGVzAFNlY3JldCAx\t")]     // whitespace
    [InlineData("AG1vdHJp bGVzAFNlY3JldCAx")]     // inner space
    [InlineData("AG1vdHJpbGVzAFNlY3JldC@x")]      // outside the alphabet
    [InlineData("AG1vdHJpbGVzAFNlY3Jl=CAx")]      // padding in the middle
    [InlineData("AG1vdHJpbGVzAFNlY3JldCAx====")]  // too much padding
    [InlineData("**")]
    [InlineData("AG1vdHJpbGVzAFNlY3JldCAx\r\n")]
    public async Task InvalidBase64IsMalformedAndNeverReachesThePasswordCheck(string line)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Raw(line), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
        Assert.Equal(0, _credentials.PasswordChecks);
        Assert.False(server.InProgress);
    }

    [Fact]
    public async Task TheSameCredentialsInValidBase64Succeed()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Raw("AG1vdHJpbGVzAFNlY3JldCAx"), default);

        Assert.Equal(SaslStatus.Succeeded, step.Status);
    }

    [Fact]
    public async Task AResponseLongerThanTheLimitIsMalformed()
    {
        var server = NewServer(_credentials, o => o.MaxResponseLength = 4096);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Line("\0motriles\0" + new string('x', 3100)), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
        Assert.Equal(0, _credentials.PasswordChecks);
    }

    [Fact]
    public async Task AResponseJustUnderTheLimitIsDecoded()
    {
        var server = NewServer(_credentials.Add("long", new string('x', 3000)), o => o.MaxResponseLength = 4096);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Line("\0long\0" + new string('x', 3000)), default);

        Assert.Equal(SaslStatus.Succeeded, step.Status);
    }

    [Fact]
    public async Task TheDefaultLimitRejectsA100KilobyteBlob()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);

        var step = await server.StepAsync(Line(new string('A', 100_000)), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
    }

    [Fact]
    public async Task TheServerIsReusableAfterAFailureAndAfterReset()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Plain);
        Assert.Equal(SaslStatus.Failed, (await server.StepAsync(Line("\0motriles\0nope"), default)).Status);
        server.Start(SaslMechanism.Login);
        await server.StepAsync(Line("motriles"), default);
        server.Reset();
        Assert.False(server.InProgress);

        server.Start(SaslMechanism.Plain);
        var step = await server.StepAsync(Line("\0motriles\0Secret 1"), default);

        Assert.Equal(SaslStatus.Succeeded, step.Status);
    }

    [Fact]
    public async Task CancellationOfThePasswordCheckPropagates()
    {
        var server = new SaslServerFactory(new CancellingCredentials()).Create();
        server.Start(SaslMechanism.Plain);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await server.StepAsync(Line("\0a\0b"), cts.Token));
        Assert.False(server.InProgress);
    }

    private sealed class CancellingCredentials : FastMail.Core.Services.ISaslCredentials
    {
        public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken) =>
            ValueTask.FromCanceled<string?>(cancellationToken);

        public bool TryGetScramCredentials(ReadOnlySpan<byte> user, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScramCredentials? credentials)
        {
            credentials = null;
            return false;
        }

        public bool IsLoginOf(ReadOnlySpan<byte> login, string mailbox) => false;
    }
}
