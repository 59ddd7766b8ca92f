using FastMail.Core.Sasl;
using static FastMail.Tests.Sasl.SaslWire;

namespace FastMail.Tests.Sasl;

public sealed class SaslPlainTests
{
    private readonly SaslTestCredentials _credentials = new SaslTestCredentials().Add("motriles", "Secret 1");

    [Theory]
    [InlineData("\0motriles\0Secret 1")]
    [InlineData("motriles\0motriles\0Secret 1")]
    [InlineData("MOTRILES\0motriles\0Secret 1")]
    [InlineData("motriles@example.org\0motriles\0Secret 1")]
    public async Task PlainSucceedsWithTheRightPasswordAndNoAuthzidOrOneNamingTheSameAccount(string message)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Line(message), default);

        Assert.Equal(SaslStatus.Succeeded, step.Status);
        Assert.Equal("motriles", step.AuthenticatedUser);
        Assert.False(server.InProgress);
    }

    [Fact]
    public async Task PlainWithoutInitialResponseSendsAnEmptyChallengeFirst()
    {
        var server = NewServer(_credentials);

        var first = server.Start(SaslMechanism.Plain);
        var step = await server.StepAsync(Line("\0motriles\0Secret 1"), default);

        Assert.Equal(SaslStatus.Continue, first.Status);
        Assert.Equal("", WireText(first));
        Assert.Equal(SaslStatus.Succeeded, step.Status);
    }

    [Theory]
    [InlineData("\0motriles\0secret 1")]
    [InlineData("\0nobody\0Secret 1")]
    [InlineData("nobody\0nobody\0Secret 1")]
    public async Task PlainFailsTheSameWayForAWrongPasswordAndAnUnknownUser(string message)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Line(message), default);

        Assert.Equal(SaslStatus.Failed, step.Status);
        Assert.Null(step.AuthenticatedUser);
        Assert.True(step.Challenge.IsEmpty);
    }

    [Fact]
    public async Task PlainFailsWhenTheAuthzidNamesSomeoneElseEvenWithTheRightPassword()
    {
        var server = NewServer(_credentials.Add("other", "pw"));
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(Line("other\0motriles\0Secret 1"), default);

        Assert.Equal(SaslStatus.Failed, step.Status);
        Assert.Null(step.AuthenticatedUser);
    }

    [Theory]
    [InlineData("motriles\0Secret 1")]
    [InlineData("\0\0Secret 1")]
    [InlineData("\0motriles\0")]
    [InlineData("\0motriles\0Secret\0 1")]
    [InlineData("")]
    public async Task PlainRejectsMessagesThatAreNotAuthzidNulAuthcidNulPassword(string message)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Plain);

        var step = await server.StepAsync(message.Length == 0 ? Raw("=") : Line(message), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
        Assert.Equal(0, _credentials.PasswordChecks);
    }
}
