using FastMail.Core.Sasl;
using static FastMail.Tests.Sasl.SaslWire;

namespace FastMail.Tests.Sasl;

public sealed class SaslLoginTests
{
    private readonly SaslTestCredentials _credentials = new SaslTestCredentials().Add("motriles", "Secret 1");

    [Fact]
    public async Task LoginAsksForUsernameThenPasswordInBase64AndSucceeds()
    {
        var server = NewServer(_credentials);

        // A challenge points into the server's buffer: read it before the next step, as a protocol writes it out.
        var first = WireText(server.Start(SaslMechanism.Login));
        var second = await server.StepAsync(Line("motriles"), default);
        var secondText = WireText(second);
        var last = await server.StepAsync(Line("Secret 1"), default);

        Assert.Equal("VXNlcm5hbWU6", first);
        Assert.Equal(SaslStatus.Continue, second.Status);
        Assert.Equal("UGFzc3dvcmQ6", secondText);
        Assert.Equal(SaslStatus.Succeeded, last.Status);
        Assert.Equal("motriles", last.AuthenticatedUser);
    }

    [Fact]
    public async Task LoginTakesTheUserNameAsInitialResponse()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Login);

        var second = await server.StepAsync(Line("motriles"), default);
        var last = await server.StepAsync(Line("Secret 1"), default);

        Assert.Equal("Password:", Challenge(second));
        Assert.Equal(SaslStatus.Succeeded, last.Status);
    }

    [Theory]
    [InlineData("motriles", "wrong")]
    [InlineData("nobody", "Secret 1")]
    public async Task LoginFailsTheSameWayForAWrongPasswordAndAnUnknownUser(string user, string password)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Login);
        await server.StepAsync(Line(user), default);

        var last = await server.StepAsync(Line(password), default);

        Assert.Equal(SaslStatus.Failed, last.Status);
        Assert.True(last.Challenge.IsEmpty);
        Assert.Null(last.AuthenticatedUser);
    }

    [Fact]
    public async Task LoginCanBeCancelledAtThePasswordPrompt()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Login);
        await server.StepAsync(Line("motriles"), default);

        var step = await server.StepAsync(Raw("*"), default);

        Assert.Equal(SaslStatus.Cancelled, step.Status);
        Assert.False(server.InProgress);
        Assert.Equal(0, _credentials.PasswordChecks);
    }

    [Fact]
    public async Task LoginRejectsAnEmptyUserName()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.Login);

        var step = await server.StepAsync(Raw(""), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
    }
}
