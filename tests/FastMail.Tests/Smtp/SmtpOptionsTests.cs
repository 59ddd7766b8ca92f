using FastMail.Smtp;

namespace FastMail.Tests.Smtp;

public sealed class SmtpOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid() => new SmtpOptions().Validate();

    [Theory]
    [InlineData(nameof(SmtpOptions.MaxCommandLineLength))]
    [InlineData(nameof(SmtpOptions.MaxMessageSize))]
    [InlineData(nameof(SmtpOptions.MaxRecipients))]
    [InlineData(nameof(SmtpOptions.MaxErrors))]
    [InlineData(nameof(SmtpOptions.MinDataRate))]
    [InlineData(nameof(SmtpOptions.GreetingDelay))]
    public void AnUnusableSettingIsRefusedWhenTheListenerIsCreated(string setting)
    {
        Action<SmtpOptions> spoil = setting switch
        {
            nameof(SmtpOptions.MaxCommandLineLength) => o => o.MaxCommandLineLength = 63,
            nameof(SmtpOptions.MaxMessageSize) => o => o.MaxMessageSize = 0,
            nameof(SmtpOptions.MaxRecipients) => o => o.MaxRecipients = 0,
            nameof(SmtpOptions.MaxErrors) => o => o.MaxErrors = 0,
            nameof(SmtpOptions.MinDataRate) => o => o.MinDataRate = -1,
            _ => o => o.GreetingDelay = TimeSpan.FromSeconds(-1),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpHost(spoil));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingTheOptionsAfterTheListenerStartedChangesNothing()
    {
        var host = new SmtpHost(o => o.MaxRecipients = 1);
        host.Options.MaxRecipients = 100;

        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<motriles@example.com>");

        await script.Expect("452 4.5.3");
    }
}
